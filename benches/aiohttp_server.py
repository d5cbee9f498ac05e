#!/usr/bin/env python3
"""The aiohttp side of the HTTP server benchmark: the same three routes as
benches/http_server.rs, in one Python process on its own socket.

    python benches/aiohttp_server.py PORT
"""

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


app = web.Application()
app.router.add_get("/", hello)
app.router.add_get("/json", json_route)
app.router.add_get("/stream", stream)
print(f"listening on 127.0.0.1:{sys.argv[1]}", flush=True)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
