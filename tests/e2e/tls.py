#!/usr/bin/env python3
"""End-to-end: wasio's TLS against Python's `ssl` and curl, on free loopback ports.

1. Clients of the https_server example (wasio's own server, Server::bind_tls): curl
   --cacert (keep-alive, ALPN http/1.1; without the CA it refuses), aiohttp with ssl= (a
   100 MiB upload and a 100 MiB download, 200 connections at once), Python websockets and
   aiohttp over wss:// (echo, a 16 MiB message, close codes), and a handshake flood that
   does not keep others waiting and is dropped by the server's timeouts.
2. The wss_client example against Python websockets and aiohttp servers over ssl: the good
   certificate, and the unknown CA, the wrong name and the expired one, each refused with
   its own error.

Only the processes this script starts are stopped, by their process ids. Run with the
project's .venv Python, after `cargo build --features tls --example https_server --example
wss_client` (into target/p3 with `--features p3` for WASIO_BACKEND=p3)."""

import asyncio
import hashlib
import os
import socket
import ssl
import subprocess
import sys
import time

import aiohttp
import aiohttp.web
import websockets
import websockets.asyncio.server

from processes import EXAMPLES, ROOT, check, free_port, run_checks, start
from upper_peers import aiohttp_upper, websockets_upper

CERTS = os.path.join(ROOT, "tests", "tls")
CA = os.path.join(CERTS, "ca.pem")
KEY = os.path.join(CERTS, "server.key")


def wasm(name, *args):
    flags = ["-Sinherit-network", "-Sallow-ip-name-lookup", "-Shttp"]
    return ["wasmtime", "run", *flags, os.path.join(EXAMPLES, f"{name}.wasm"), *args]


def client_context():
    """What a Python client trusts: the test CA only."""
    return ssl.create_default_context(cafile=CA)


def server_context(chain):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(CERTS, chain), KEY)
    return context


def curl(*args):
    return subprocess.run(["curl", "-sS", "--max-time", "30", *args], capture_output=True, text=True)


def curl_checks(port):
    base = f"https://localhost:{port}"
    done = curl("--cacert", CA, "-w", " %{http_code} %{http_version} %{num_connects}\n",
                f"{base}/", f"{base}/")
    lines = done.stdout.splitlines()
    check(done.returncode == 0, f"curl --cacert: {done.stderr}")
    check(lines == ["Hello, World! 200 1.1 1", "Hello, World! 200 1.1 0"],
          f"curl: two requests on one kept-alive connection: {lines}")
    verbose = curl("-v", "--cacert", CA, f"https://127.0.0.1:{port}/")
    check("ALPN: server accepted http/1.1" in verbose.stderr, "curl: ALPN http/1.1")
    check("TLSv1.3" in verbose.stderr, "curl: TLS 1.3")
    refused = curl(f"{base}/")
    check(refused.returncode == 60, f"curl without the CA: exit {refused.returncode}")


def pattern(mib):
    """The download's bytes: 0..255 over and over."""
    return bytes(range(256)) * (4096 * mib)


async def aiohttp_checks(port):
    base = f"https://localhost:{port}"
    context = client_context()
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/", ssl=context) as r:
            check(r.status == 200 and await r.text() == "Hello, World!", "aiohttp: hello")

        # 100 MiB up, streamed in 1 MiB pieces.
        block = os.urandom(1 << 20)

        async def body():
            for _ in range(100):
                yield block

        started = time.monotonic()
        async with session.post(f"{base}/upload", data=body(), ssl=context) as r:
            answer = await r.text()
        expected = f"{100 << 20} {sum(block) * 100}"
        check(r.status == 200 and answer == expected, f"aiohttp: 100 MiB upload: {answer!r}")
        up = time.monotonic() - started

        # 100 MiB down.
        started = time.monotonic()
        digest, length = hashlib.sha256(), 0
        async with session.get(f"{base}/download?mib=100", ssl=context) as r:
            async for chunk in r.content.iter_chunked(1 << 20):
                digest.update(chunk)
                length += len(chunk)
        down = time.monotonic() - started
        check(length == 100 << 20, f"aiohttp: 100 MiB download: {length} bytes")
        check(digest.hexdigest() == hashlib.sha256(pattern(100)).hexdigest(),
              "aiohttp: the download's bytes")
        print(f"  100 MiB up in {up:.1f} s, down in {down:.1f} s", flush=True)

        # Without the CA, Python refuses the certificate.
        try:
            await session.get(f"{base}/", ssl=ssl.create_default_context())
            raise AssertionError("aiohttp trusted the test certificate without its CA")
        except aiohttp.ClientConnectorCertificateError:
            pass

    # 200 connections at once, each with its own handshake.
    connector = aiohttp.TCPConnector(limit=0, force_close=True, ssl=context)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def one(i):
            async with session.get(f"{base}/") as r:
                return r.status, await r.text()

        results = await asyncio.gather(*(one(i) for i in range(200)))
    check(all(r == (200, "Hello, World!") for r in results), "aiohttp: 200 concurrent TLS connections")


async def websocket_checks(port):
    url = f"wss://localhost:{port}/ws"
    context = client_context()
    async with websockets.connect(url, ssl=context, max_size=None, compression=None) as ws:
        await ws.send("héllo over TLS")
        check(await ws.recv() == "héllo over TLS", "websockets: text echo over wss://")
        big = os.urandom(16 << 20)
        await ws.send(big)
        check(await ws.recv() == big, "websockets: a 16 MiB message over wss://")
        await ws.close(4001, "done")
    check(ws.close_code == 4001, f"websockets: close code echoed, got {ws.close_code}")
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, ssl=context, max_msg_size=0) as ws:
            await ws.send_str("aiohttp over TLS")
            check((await ws.receive_str()) == "aiohttp over TLS", "aiohttp: wss:// echo")
            big = os.urandom(16 << 20)
            await ws.send_bytes(big)
            check((await ws.receive_bytes()) == big, "aiohttp: a 16 MiB message over wss://")
            await ws.close(code=1000, message=b"bye")
            check(ws.close_code == 1000, f"aiohttp: close code {ws.close_code}")


async def flood_checks(port):
    """Fifty connections that start a handshake and stall: others are served meanwhile, and
    the server drops the stalled ones after its header timeout (10 s by default)."""
    loop = asyncio.get_running_loop()
    stalled = []
    for _ in range(50):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(bytes([22, 3, 1, 0, 200, 1]))
        sock.setblocking(False)
        stalled.append(sock)
    started = time.monotonic()
    async with aiohttp.ClientSession() as session:
        async with session.get(f"https://localhost:{port}/", ssl=client_context()) as r:
            check(r.status == 200, "a client during the flood")
    served = time.monotonic() - started
    check(served < 5, f"a client during the flood waited {served:.1f} s")

    async def closed(sock):
        while await loop.sock_recv(sock, 4096):
            pass

    await asyncio.wait_for(asyncio.gather(*(closed(s) for s in stalled)), 30)
    took = time.monotonic() - started
    for sock in stalled:
        sock.close()
    check(9 <= took <= 25, f"the stalled handshakes were dropped after {took:.1f} s, not ~10 s")


async def curl_and_aiohttp_checks(port):
    curl_checks(port)
    print("https_server: curl --cacert (keep-alive, ALPN http/1.1, TLS 1.3; refused without it): ok",
          flush=True)
    await aiohttp_checks(port)
    print("https_server: aiohttp ssl= (100 MiB both ways, 200 connections at once): ok", flush=True)


def wasio_server():
    port = free_port()
    server = start(wasm("https_server", f"127.0.0.1:{port}"), port, name="https_server")
    run_checks("https_server: curl and aiohttp", server, curl_and_aiohttp_checks(port))
    port = free_port()
    server = start(wasm("https_server", f"127.0.0.1:{port}"), port, name="https_server")
    run_checks("https_server: wss://", server, websocket_checks(port))
    print("https_server: websockets and aiohttp over wss:// (16 MiB messages): ok", flush=True)
    port = free_port()
    server = start(wasm("https_server", f"127.0.0.1:{port}"), port, name="https_server")
    run_checks("https_server: a handshake flood", server, flood_checks(port))
    print("https_server: a handshake flood: others served, the stalled dropped at the header "
          "timeout: ok", flush=True)


async def run_client(url, *words):
    process = await asyncio.create_subprocess_exec(
        *wasm("wss_client", url, *words),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


async def wasio_client():
    # The good certificate: websockets, then aiohttp.
    port = free_port()
    async with websockets.asyncio.server.serve(websockets_upper, "127.0.0.1", port,
                                               ssl=server_context("good-chain.pem")):
        code, out, err = await run_client(f"wss://localhost:{port}/", "one", "two ✓")
    check(code == 0 and out == "ONE\nTWO ✓\n", f"wss_client against websockets: {out!r} {err}")

    app = aiohttp.web.Application()
    app.router.add_get("/echo", aiohttp_upper)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    port = free_port()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", port, ssl_context=server_context("good-chain.pem"))
    await site.start()
    try:
        code, out, err = await run_client(f"wss://127.0.0.1:{port}/echo", "aiohttp")
    finally:
        await runner.cleanup()
    check(code == 0 and out == "AIOHTTP\n", f"wss_client against aiohttp: {out!r} {err}")
    print("wss_client against websockets and aiohttp over ssl (by name and by address): ok",
          flush=True)

    # Each refused certificate, with its error.
    cases = [
        ("untrusted-chain.pem", "Tls(UnknownIssuer)", "unknown CA"),
        ("wrong-chain.pem", "Tls(NameMismatch", "not valid for \"localhost\""),
        ("expired-chain.pem", "Tls(Expired)", "the certificate has expired"),
    ]
    for chain, variant, message in cases:
        port = free_port()
        async with websockets.asyncio.server.serve(websockets_upper, "127.0.0.1", port,
                                                   ssl=server_context(chain)):
            code, out, err = await run_client(f"wss://localhost:{port}/", "never")
        check(code == 1 and variant in err and message in err,
              f"wss_client against {chain}: exit {code}: {err!r}")
    print("wss_client: unknown CA, wrong name and expired certificates refused, each with its "
          "own error: ok", flush=True)


def main():
    wasio_server()
    asyncio.run(wasio_client())


try:
    main()
except AssertionError as error:
    sys.exit(f"tls: {error}")
