#!/usr/bin/env python3
"""End-to-end: wasio's TCP examples against Python asyncio, both ways, on loopback.

Run by scripts/test after the examples are built (debug). Starts every process it needs,
and stops exactly those.
"""

import asyncio
import os
import socket
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "target", "wasm32-wasip2", "debug", "examples")
NET = ["-Sinherit-network", "-Sallow-ip-name-lookup"]


def wasm(name):
    return os.path.join(EXAMPLES, name + ".wasm")


def check(condition, message):
    if not condition:
        sys.exit("tcp e2e: " + message)


async def wasio_server_python_clients():
    server = subprocess.Popen(
        ["wasmtime", "run", *NET, wasm("tcp_echo_server"), "127.0.0.1:0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first = await asyncio.wait_for(asyncio.to_thread(server.stdout.readline), 30)
        check(first.startswith("serving on "), f"unexpected first line {first!r}")
        host, port = first.split()[-1].rsplit(":", 1)

        async def client(i):
            reader, writer = await asyncio.open_connection(host, int(port))
            message = f"python client {i} ".encode() * (1 + i % 50)
            writer.write(message)
            await writer.drain()
            writer.write_eof()
            echoed = await reader.read()
            writer.close()
            check(echoed == message, f"client {i} got {len(echoed)} of {len(message)} bytes")

        await asyncio.wait_for(asyncio.gather(*(client(i) for i in range(200))), 60)
        print("wasio echo server: 200 concurrent Python asyncio clients echoed")

        # Clients that reset before they are accepted do not stop the server.
        for _ in range(5):
            rude = socket.create_connection((host, int(port)))
            rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            rude.close()
        await asyncio.wait_for(client(0), 30)
        print("wasio echo server: still serving after 5 clients reset before being accepted")
    finally:
        server.kill()
        server.wait()


async def python_server_wasio_client():
    async def echo(reader, writer):
        writer.write(await reader.read())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        done = await asyncio.create_subprocess_exec(
            "wasmtime", "run", *NET, wasm("tcp_client"), f"localhost:{port}", "Hello World!",
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await asyncio.wait_for(done.communicate(), 60)
    check(done.returncode == 0, f"tcp_client exited with {done.returncode}")
    check(b"Received: \"Hello World!\"" in out, f"tcp_client printed {out!r}")
    print("wasio tcp_client: echoed by a Python asyncio server, found through localhost")


def without_network_permission():
    done = subprocess.run(
        ["wasmtime", "run", wasm("tcp_client"), "127.0.0.1:9"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    check(done.returncode == 1, f"expected exit code 1, got {done.returncode}: {done.stderr}")
    check("access denied" in done.stderr, f"unclear error: {done.stderr!r}")
    check("wasm trap" not in done.stderr, f"it trapped: {done.stderr!r}")
    print("without -Sinherit-network: " + done.stderr.strip())


def stdin_lines():
    done = subprocess.run(
        ["wasmtime", "run", wasm("echo_lines")],
        input="one\ntwo\nthree\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    check(done.returncode == 0, f"echo_lines exited with {done.returncode}: {done.stderr}")
    check(done.stdout == "ONE\nTWO\nTHREE\n", f"echo_lines printed {done.stdout!r}")
    print("echo_lines: every line read through a fresh stdin() handle arrived")


async def main():
    stdin_lines()
    await wasio_server_python_clients()
    await python_server_wasio_client()
    without_network_permission()


asyncio.run(main())
