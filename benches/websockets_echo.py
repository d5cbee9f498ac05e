#!/usr/bin/env python3
"""The websockets side of the WebSocket echo benchmark (scripts/bench --only ws): every text
and binary message comes back to its sender, on any path, in one Python process, with the
asyncio implementation of websockets, messages up to 1 MiB. No compression, or with
`compress`, websockets' default permessage-deflate (`compression="deflate"`: it answers with
12-bit windows both ways, memLevel 5 and zlib's default level, 6). With `tls`, over TLS
(`wss://`, Python's ssl with the test certificate of tests/tls/, as scripts/bench --only tls
measures it).

    python benches/websockets_echo.py PORT [compress] [tls]

Prints `serving on ws://127.0.0.1:PORT/` once listening.
"""

import asyncio
import os
import ssl
import sys

from websockets.asyncio.server import serve


async def echo(ws):
    # Pings are answered and the peer's close is replied to by websockets.
    async for message in ws:
        await ws.send(message)


async def main(port, compression, context):
    async with serve(echo, "127.0.0.1", port, max_size=1 << 20, compression=compression,
                     ssl=context) as server:
        print(f"serving on ws://127.0.0.1:{port}/", flush=True)
        await server.serve_forever()


def tls_context():
    certs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "tls")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(certs, "good-chain.pem"), os.path.join(certs, "server.key"))
    return context


options = sys.argv[2:]
asyncio.run(main(int(sys.argv[1]), "deflate" if "compress" in options else None,
                 tls_context() if "tls" in options else None))
