#!/usr/bin/env python3
"""End-to-end: wasio's WebSockets against real peers, on free loopback ports.

1. Autobahn conformance through kosoku, cases 1.* to 10.*, and on the p2 build 12.* and
   13.* (permessage-deflate): fuzzingclient against the ws_echo_server example, fuzzingserver
   against the autobahn_client example. Every case must be OK but for the informational
   7.1.6, 7.13.1 and 7.13.2 (and a NON-STRICT 6.4.3/6.4.4).
2. Interop: Python `websockets` and aiohttp as clients of ws_echo_server and of the ws_chat
   example (a route of an App on wasio's own HTTP server), and as servers for the ws_client
   example; uncompressed, and with permessage-deflate (websockets' defaults and windows of
   9, 12 and 15 bits, aiohttp's compress=15), checking that it was negotiated.

Only the processes this script starts are stopped, by their process ids. Run with the
project's .venv Python, after `cargo build --examples`."""

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

import aiohttp
import aiohttp.web
import websockets
import websockets.asyncio.server
from websockets.extensions.permessage_deflate import (
    ClientPerMessageDeflateFactory,
    ServerPerMessageDeflateFactory,
)

from processes import BACKEND, EXAMPLES, ROOT, check, free_port, start, stop
from upper_peers import aiohttp_upper, websockets_upper

KOSOKU = os.path.join(ROOT, ".venv", "bin", "kosoku")
# Two runs per mode. Cases 1.* to 10.* go one or two at a time, as they always did: some
# (6.7.*, say) give the close handshake half a second, which a busy two-core machine with
# more cases in flight can miss. The compression cases (12.*, 13.*: about 200 cases,
# minutes) go eight (server) or four (client) at a time, on the p2 build only: permessage-
# deflate is in the sans-I/O codec, the same on both backends.
# (name, kosoku's case selection, cases at once against the server, connections of the
# client, the fewest cases the report must have)
RUNS = [("1-10", ["-x", "11.*", "-x", "12.*", "-x", "13.*"], 2, 1, 290)] + (
    [("12-13", ["-i", "12.*", "-i", "13.*"], 8, 4, 200)] if BACKEND == "p2" else []
)
# What tungstenite gets too: informational cases, and a lenient (NON-STRICT) ending.
ALLOWED = {
    "7.1.6": {"INFORMATIONAL"},
    "7.13.1": {"INFORMATIONAL"},
    "7.13.2": {"INFORMATIONAL"},
    "6.4.3": {"NON-STRICT"},
    "6.4.4": {"NON-STRICT"},
}


def wasm(name, *args):
    flags = ["-Sinherit-network", "-Sallow-ip-name-lookup"]
    if name == "ws_chat":
        flags.append("-Shttp")
    return ["wasmtime", "run", *flags, os.path.join(EXAMPLES, f"{name}.wasm"), *args]


def judge(report_dir, who, expected):
    """Checks kosoku's index.json: more than `expected` cases, every one OK or allowed as
    tungstenite's are."""
    for _ in range(50):
        try:
            with open(os.path.join(report_dir, "index.json")) as f:
                index = json.load(f)
            break
        except json.JSONDecodeError:  # still being written
            time.sleep(0.1)
    cases = next(iter(index.values()))
    check(len(cases) > expected, f"{who}: only {len(cases)} cases ran")
    bad = []
    for case, result in sorted(cases.items()):
        for key in ("behavior", "behaviorClose"):
            verdict = result[key]
            if verdict != "OK" and verdict not in ALLOWED.get(case, ()):
                bad.append(f"{case} {key}={verdict}")
    check(not bad, f"{who}: " + ", ".join(bad))
    counts = {}
    for result in cases.values():
        counts[result["behavior"]] = counts.get(result["behavior"], 0) + 1
    print(f"autobahn {who}: {len(cases)} cases, {counts}", flush=True)


def autobahn_against_the_server(reports):
    port = free_port()
    server = start(wasm("ws_echo_server", f"127.0.0.1:{port}"), port)
    try:
        for name, cases, parallel, _, expected in RUNS:
            out = os.path.join(reports, f"server-{name}")
            done = subprocess.run(
                [KOSOKU, "-m", "fuzzingclient", f"127.0.0.1:{port}", *cases, "-p", str(parallel), "-o", out],
                capture_output=True, text=True, timeout=1800, cwd=reports,
            )
            check(done.returncode == 0, f"kosoku fuzzingclient: {done.stdout}{done.stderr}")
            judge(out, f"fuzzingclient -> ws_echo_server ({name})", expected)
    except AssertionError as error:
        sys.exit(f"{error}\nws_echo_server said:\n{stop(server)[-3000:]}")
    stop(server)


def autobahn_against_the_client(reports):
    for name, cases, _, lanes, expected in RUNS:
        port = free_port()
        out = os.path.join(reports, f"client-{name}")
        fuzzing = start([KOSOKU, "-m", "fuzzingserver", f"127.0.0.1:{port}", *cases, "-o", out], port)
        try:
            done = subprocess.run(
                wasm("autobahn_client", f"ws://127.0.0.1:{port}", str(lanes)),
                capture_output=True, text=True, timeout=1800,
            )
            check(done.returncode == 0, f"autobahn_client: {done.stdout}{done.stderr}")
            # The reports follow the client's updateReports request shortly.
            deadline = time.monotonic() + 30
            while not os.path.exists(os.path.join(out, "index.json")):
                check(time.monotonic() < deadline, "kosoku wrote no report")
                time.sleep(0.2)
            time.sleep(0.5)
            judge(out, f"autobahn_client -> fuzzingserver ({name})", expected)
        except AssertionError as error:
            sys.exit(f"{error}\nkosoku said:\n{stop(fuzzing)[-3000:]}")
        stop(fuzzing)


async def clients_of_the_echo_server(url):
    # websockets: strict about the protocol; a close with a code and a reason.
    async with websockets.connect(url, compression=None, max_size=None) as ws:
        await ws.send("héllo")
        check(await ws.recv() == "héllo", "websockets: text echo")
        payload = bytes(range(256)) * 4096
        await ws.send(payload)
        check(await ws.recv() == payload, "websockets: 1 MiB binary echo")
        await ws.send(["frag", "ment", "ed ✓"])
        check(await ws.recv() == "fragmented ✓", "websockets: a fragmented message")
        pong = await ws.ping(b"ping!")
        await asyncio.wait_for(pong, 5)
        await ws.close(4001, "done")
    check(ws.close_code == 4001, f"websockets: close code echoed, got {ws.close_code}")
    # aiohttp.
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, autoping=False) as ws:
            await ws.send_bytes(b"\x00\x01\x02")
            check((await ws.receive_bytes()) == b"\x00\x01\x02", "aiohttp: binary echo")
            await ws.ping(b"p")
            msg = await ws.receive()
            check(msg.type == aiohttp.WSMsgType.PONG and msg.data == b"p", f"aiohttp: pong {msg}")
            await ws.close(code=1000, message=b"bye")
            check(ws.close_code == 1000, f"aiohttp: close code {ws.close_code}")


def json_text(n):
    """Compressible text: n records of JSON."""
    return json.dumps([{"id": i, "name": f"user {i % 17}", "ok": i % 3 == 0} for i in range(n)])


# Messages that exercise permessage-deflate: a large compressible one, small ones that refer
# back to earlier ones (context takeover), binary, empty, and incompressible bytes.
COMPRESSIBLE = [
    json_text(20000),
    "small",
    json_text(50),
    json_text(50),
    b"\x00" * 300000,
    "",
    os.urandom(70000),
    json_text(20000),
]


def websockets_deflate(bits):
    """websockets' client extension with windows of `bits` both ways (None: its defaults)."""
    if bits is None:
        return {}
    factory = ClientPerMessageDeflateFactory(
        server_max_window_bits=bits, client_max_window_bits=bits
    )
    return {"compression": None, "extensions": [factory]}


async def compressed_clients_of_the_echo_server(url):
    for bits in [None, 9, 12, 15]:
        async with websockets.connect(url, max_size=None, **websockets_deflate(bits)) as ws:
            answer = ws.response.headers.get("Sec-WebSocket-Extensions", "")
            check(answer.startswith("permessage-deflate"), f"websockets {bits}: answer {answer!r}")
            if bits is not None:
                # The server compresses with at most its own window, 12 bits by default.
                server_bits = min(bits, 12)
                check(f"server_max_window_bits={server_bits}" in answer, f"websockets {bits}: {answer!r}")
            names = [type(e).__name__ for e in ws.protocol.extensions]
            check(names == ["PerMessageDeflate"], f"websockets {bits}: extensions {names}")
            for message in COMPRESSIBLE:
                await ws.send(message)
                check(await ws.recv() == message, f"websockets {bits}: echo of {len(message)}")
            await ws.send(["frag", "ment", "ed ✓"])
            check(await ws.recv() == "fragmented ✓", f"websockets {bits}: fragments")
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url, compress=15, max_msg_size=0) as ws:
            check(ws.compress == 15, f"aiohttp: compress is {ws.compress}")
            for message in COMPRESSIBLE:
                if isinstance(message, str):
                    await ws.send_str(message)
                    check((await ws.receive_str()) == message, f"aiohttp: {len(message)}")
                else:
                    await ws.send_bytes(message)
                    check((await ws.receive_bytes()) == message, f"aiohttp: {len(message)}")
            await ws.close()


async def ws_client_against_compressing_servers():
    """The ws_client example (which offers permessage-deflate) against websockets servers
    with windows of 9, 12 and 15 bits and their defaults, and aiohttp with compress=15; each
    server records what it negotiated."""
    big = json_text(2000)
    words = ["one", big, "two ✓", big, big.replace("user", "name")]
    expected = "".join(word.upper() + "\n" for word in words)
    answers = {}

    async def upper(ws):
        answers[ws.request.path] = ws.response.headers.get("Sec-WebSocket-Extensions")
        async for message in ws:
            await ws.send(message.upper())

    for bits in [None, 9, 12, 15]:
        if bits is None:
            options = {}
        else:
            factory = ServerPerMessageDeflateFactory(
                server_max_window_bits=bits, client_max_window_bits=bits
            )
            options = {"compression": None, "extensions": [factory]}
        port = free_port()
        async with websockets.asyncio.server.serve(upper, "127.0.0.1", port, **options):
            out = await run_client(f"ws://127.0.0.1:{port}/{bits}", port, words)
        check(out == expected, f"ws_client against websockets {bits}: {out[:200]!r}")
        answer = answers.get(f"/{bits}") or ""
        check(answer.startswith("permessage-deflate"), f"websockets {bits}: answered {answer!r}")
        if bits is not None:
            # The client offers its own window, 12 bits by default: at most that comes back.
            client_bits = min(bits, 12)
            check(f"client_max_window_bits={client_bits}" in answer, f"websockets {bits}: {answer!r}")

    negotiated = []

    async def handler(request):
        ws = aiohttp.web.WebSocketResponse(compress=15)
        await ws.prepare(request)
        negotiated.append(ws.compress)
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                await ws.send_str(msg.data.upper())
        return ws

    app = aiohttp.web.Application()
    app.router.add_get("/echo", handler)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await aiohttp.web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        out = await run_client(f"ws://127.0.0.1:{port}/echo", port, words)
    finally:
        await runner.cleanup()
    check(out == expected, f"ws_client against aiohttp compress=15: {out[:200]!r}")
    check(negotiated == [15], f"aiohttp compress=15 negotiated {negotiated}")


async def clients_of_the_chat(base):
    async with aiohttp.ClientSession() as session:
        async with session.get(base + "/") as r:
            check(r.status == 200 and "WebSocket" in await r.text(), "chat: the page")
        async with session.get(base + "/ws") as r:
            check(r.status == 400, f"chat: a plain GET of /ws gave {r.status}")
        ada = await session.ws_connect(base.replace("http", "ws") + "/ws?name=ada")
        check((await ada.receive_str()) == "ada joined", "chat: ada joined")
        async with websockets.connect(base.replace("http", "ws") + "/ws?name=bob") as bob:
            check(await bob.recv() == "bob joined", "chat: bob joined (bob)")
            check((await ada.receive_str()) == "bob joined", "chat: bob joined (ada)")
            await ada.send_str("hi bob")
            check(await bob.recv() == "ada: hi bob", "chat: bob hears ada")
            check((await ada.receive_str()) == "ada: hi bob", "chat: ada hears herself")
        check((await ada.receive_str()) == "bob left", "chat: bob left")
        await ada.close()


async def the_chat_under_wasmtime_serve(base):
    """wasmtime serve cannot switch protocols: the page is served, the WebSocket route 501."""
    async with aiohttp.ClientSession() as session:
        async with session.get(base + "/") as r:
            check(r.status == 200 and "WebSocket" in await r.text(), "serve: the page")
        try:
            await session.ws_connect(base.replace("http", "ws") + "/ws?name=x")
            raise AssertionError("serve: the upgrade succeeded")
        except aiohttp.WSServerHandshakeError as error:
            check(error.status == 501, f"serve: /ws gave {error.status}, not 501")


async def ws_client_against_servers():
    """The ws_client example against a websockets server and an aiohttp server."""

    results = {}
    port = free_port()
    async with websockets.asyncio.server.serve(websockets_upper, "127.0.0.1", port, compression=None):
        results["websockets"] = await run_client(f"ws://127.0.0.1:{port}/", port)
    app = aiohttp.web.Application()
    app.router.add_get("/echo", aiohttp_upper)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    port = free_port()
    await aiohttp.web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        results["aiohttp"] = await run_client(f"ws://localhost:{port}/echo", port)
    finally:
        await runner.cleanup()
    return results


async def run_client(url, port, words=("one", "two ✓")):
    process = await asyncio.create_subprocess_exec(
        *wasm("ws_client", url, *words),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=ROOT,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    check(process.returncode == 0, f"ws_client {url}: {err.decode()}")
    return out.decode()


def against(command, clients, what):
    """Starts `command(port)` on a free port, runs the coroutine `clients(port)` against it,
    and stops it; on a failed check, exits with what the server printed."""
    port = free_port()
    server = start(command(port), port)
    try:
        asyncio.run(clients(port))
    except AssertionError as error:
        sys.exit(f"{what}: {error}\nthe server said:\n{stop(server)[-3000:]}")
    stop(server)
    print(f"{what}: ok", flush=True)


def main():
    reports = tempfile.mkdtemp(prefix="wasio-autobahn-")
    autobahn_against_the_server(reports)
    autobahn_against_the_client(reports)

    against(
        lambda port: wasm("ws_echo_server", f"127.0.0.1:{port}"),
        lambda port: clients_of_the_echo_server(f"ws://127.0.0.1:{port}/"),
        "websockets and aiohttp clients: echo, fragments, 1 MiB, ping, close codes",
    )
    against(
        lambda port: wasm("ws_echo_server", f"127.0.0.1:{port}"),
        lambda port: compressed_clients_of_the_echo_server(f"ws://127.0.0.1:{port}/"),
        "permessage-deflate: websockets (defaults, windows 9, 12, 15) and aiohttp (compress=15) "
        "clients",
    )
    against(
        lambda port: wasm("ws_chat", f"127.0.0.1:{port}"),
        lambda port: clients_of_the_chat(f"http://127.0.0.1:{port}"),
        "ws_chat: aiohttp and websockets clients chat through an App route",
    )
    chat = os.path.join(EXAMPLES, "ws_chat.wasm")
    against(
        lambda port: ["wasmtime", "serve", "-Scli", "--addr", f"127.0.0.1:{port}", chat],
        lambda port: the_chat_under_wasmtime_serve(f"http://127.0.0.1:{port}"),
        "ws_chat under wasmtime serve: the page, and 501 for the WebSocket route",
    )

    results = asyncio.run(ws_client_against_servers())
    for peer, out in results.items():
        check(out == "ONE\nTWO ✓\n", f"ws_client against {peer}: {out!r}")
    print("ws_client against websockets and aiohttp servers (DNS for localhost): ok")

    asyncio.run(ws_client_against_compressing_servers())
    print("permessage-deflate: ws_client against websockets (defaults, windows 9, 12, 15) and "
          "aiohttp (compress=15) servers: ok")


main()
