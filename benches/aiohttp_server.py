#!/usr/bin/env python3
"""The aiohttp side of the HTTP server benchmark: the same four routes as
benches/http_server.rs, in one Python process on its own socket. With `tls`, over TLS (Python's
ssl with the test certificate of tests/tls/, as scripts/bench --only tls measures it).

    python benches/aiohttp_server.py PORT [tls]
"""

import json
import os
import ssl
import sys

from aiohttp import web

CHUNK = b"x" * 4096


async def hello(request):
    return web.Response(text="Hello, World!")


async def json_route(request):
    return web.json_response({"message": "Hello, World!", "numbers": [1, 2, 3, 4, 5, 6, 7, 8]})


async def stream(request):
    response = web.StreamResponse()
    response.content_type = "application/octet-stream"
    response.enable_chunked_encoding()
    await response.prepare(request)
    for _ in range(16):
        await response.write(CHUNK)
    await response.write_eof()
    return response


def records():
    """About 64 KiB of JSON records: the same as benches/http_server.rs's."""
    return [
        {"id": i, "name": f"item {i}", "active": i % 2 == 0, "tags": ["alpha", "beta"], "score": i * 3}
        for i in range(820)
    ]


async def compressed_records(request):
    """Serialized per request and compressed for a client that accepts it, as aiohttp does it
    (`enable_compression`, zlib's default level)."""
    response = web.Response(
        text=json.dumps(records(), separators=(",", ":")), content_type="application/json"
    )
    response.enable_compression()
    return response


app = web.Application()
app.router.add_get("/", hello)
app.router.add_get("/json", json_route)
app.router.add_get("/stream", stream)
app.router.add_get("/gz/records", compressed_records)
context = None
if sys.argv[2:] == ["tls"]:
    certs = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "tls")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(os.path.join(certs, "good-chain.pem"), os.path.join(certs, "server.key"))
print(f"listening on 127.0.0.1:{sys.argv[1]}", flush=True)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None,
            ssl_context=context)
