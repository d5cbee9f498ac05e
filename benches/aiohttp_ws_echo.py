#!/usr/bin/env python3
"""The aiohttp side of the WebSocket echo benchmark (scripts/bench --only ws): every text and
binary message comes back to its sender, on any path, in one Python process, messages up to
1 MiB. No compression, or with `compress`, permessage-deflate as `compress=15` offers it
(15-bit windows; aiohttp compresses at level 1, zlib's Z_BEST_SPEED, and in a thread of its
executor the messages over 16 KiB). With `tls`, over TLS (`wss://`, Python's ssl with the
test certificate of tests/tls/, as scripts/bench --only tls measures it).

    python benches/aiohttp_ws_echo.py PORT [compress] [tls]

Prints `serving on ws://127.0.0.1:PORT/` once listening.
"""

import os
import ssl
import sys

from aiohttp import WSMsgType, web


async def echo(request):
    ws = web.WebSocketResponse(max_msg_size=1 << 20, compress=COMPRESS)
    await ws.prepare(request)
    # Pings are answered and the peer's close is replied to by aiohttp (autoping, autoclose).
    async for message in ws:
        if message.type == WSMsgType.BINARY:
            await ws.send_bytes(message.data)
        elif message.type == WSMsgType.TEXT:
            await ws.send_str(message.data)
    return ws


port = int(sys.argv[1])
COMPRESS = 15 if "compress" in sys.argv[2:] else False
context = None
if "tls" in sys.argv[2:]:
    certs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "tls")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(certs, "good-chain.pem"), os.path.join(certs, "server.key"))
app = web.Application()
app.router.add_get("/{tail:.*}", echo)
web.run_app(
    app,
    host="127.0.0.1",
    port=port,
    access_log=None,
    ssl_context=context,
    print=lambda _: print(f"serving on ws://127.0.0.1:{port}/", flush=True),
)
