#!/usr/bin/env python3
"""The HTTP peers the client tests talk to: an aiohttp application with a route for each
behaviour under test, a raw asyncio server for what aiohttp cannot send (trailers, a location
that is not ASCII), and a "black hole": a listener whose backlog is full, so connecting to it hangs.

Prints one JSON line with the three base URLs, then serves on loopback until it is killed:
    {"http": "http://127.0.0.1:P1", "raw": "http://127.0.0.1:P2", "blackhole": "http://127.0.0.1:P3"}
"""

import asyncio
import collections
import hashlib
import json
import socket
import sys
import zlib

import brotli
from aiohttp import web


async def echo(request):
    body = await request.read()
    return web.json_response(
        {
            "method": request.method,
            "path": request.path,
            "query": {k: request.query.getall(k) for k in request.query.keys()},
            "headers": {k.lower(): v for k, v in request.headers.items()},
            "all_headers": {k.lower(): request.headers.getall(k) for k in request.headers.keys()},
            "body": body.decode("utf-8", "replace"),
            "body_len": len(body),
            "content_type": request.headers.get("content-type", ""),
        }
    )


async def status(request):
    code = int(request.match_info["code"])
    return web.Response(status=code, text=f"status {code}")


async def redirect(request):
    code = int(request.match_info["code"])
    target = request.query.get("to", "/echo")
    return web.Response(status=code, headers={"Location": target})


async def redirect_chain(request):
    n = int(request.match_info["n"])
    target = f"/redirect-chain/{n - 1}" if n > 0 else "/echo"
    return web.Response(status=302, headers={"Location": target})


async def redirect_loop(request):
    return web.Response(status=302, headers={"Location": "/redirect-loop"})


async def redirect_cross(request):
    port = request.url.port
    return web.Response(status=302, headers={"Location": f"http://localhost:{port}/echo"})


async def set_cookies(request):
    response = web.json_response({"set": dict(request.query)})
    for name, value in request.query.items():
        response.set_cookie(name, value, path="/")
    return response


async def cookies(request):
    return web.json_response(dict(request.cookies))


# Requests in progress and the most at once, by the `group` query parameter of a test.
IN_PROGRESS = collections.Counter()
PEAK = collections.Counter()


async def slow_first_byte(request):
    group = request.query.get("group", "")
    IN_PROGRESS[group] += 1
    PEAK[group] = max(PEAK[group], IN_PROGRESS[group])
    try:
        await asyncio.sleep(float(request.query.get("delay", "1")))
    finally:
        IN_PROGRESS[group] -= 1
    return web.Response(text="finally")


async def peak(request):
    return web.json_response({"peak": PEAK[request.query.get("group", "")]})


async def slow_body(request):
    response = web.StreamResponse()
    await response.prepare(request)
    await response.write(b"part one, ")
    await asyncio.sleep(float(request.query.get("delay", "1")))
    await response.write(b"part two")
    await response.write_eof()
    return response


async def large(request):
    n = int(request.match_info["n"])
    pattern = bytes(range(256))
    body = (pattern * (n // 256 + 1))[:n]
    return web.Response(body=body, content_type="application/octet-stream")


async def chunked(request):
    n = int(request.query.get("n", "10"))
    size = int(request.query.get("size", "1000"))
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    for i in range(n):
        await response.write(bytes([i % 256]) * size)
        await asyncio.sleep(0)
    await response.write_eof()
    return response


def coded_text(size):
    """The text the /coded routes send (before coding): numbered lines, `size` bytes."""
    lines = b"".join(b"line %d of a body that compresses well\n" % i for i in range(size // 30 + 1))
    return lines[:size]


def encode(coding, data, raw=False):
    if coding == "gzip":
        compressor = zlib.compressobj(wbits=31)
    elif coding == "deflate":
        compressor = zlib.compressobj(wbits=-15 if raw else 15)
    elif coding == "br":
        return brotli.compress(data)
    else:
        raise web.HTTPNotFound()
    return compressor.compress(data) + compressor.flush()


async def coded(request):
    """A body in the coding the path names (gzip, deflate, br): `size` bytes of text (or,
    with `bomb`, of zeros), zlib or raw deflate (`raw`), sent whole or chunked (`chunked`,
    pieces of 1000 coded bytes, `delay` seconds apart), cut 10 bytes short (`truncate`)."""
    coding = request.match_info["coding"]
    query = request.query
    size = int(query.get("size", "100000"))
    data = bytes(size) if "bomb" in query else coded_text(size)
    body = encode(coding, data, raw="raw" in query)
    if "truncate" in query:
        body = body[:-10]
    headers = {"Content-Encoding": coding, "Content-Type": "text/plain"}
    if "chunked" not in query:
        return web.Response(body=body, headers=headers)
    response = web.StreamResponse(headers=headers)
    response.enable_chunked_encoding()
    await response.prepare(request)
    delay = float(query.get("delay", "0"))
    for at in range(0, len(body), 1000):
        await response.write(body[at:at + 1000])
        await asyncio.sleep(delay)
    await response.write_eof()
    return response


async def coded_upload(request):
    """What a compressed request body came as: its coding, and the bytes it decodes to."""
    raw = await request.content.read()
    coding = request.headers.get("content-encoding", "")
    if coding == "gzip":
        body = zlib.decompress(raw, wbits=31)
    elif coding == "deflate":
        body = zlib.decompress(raw)
    else:
        body = raw
    return web.json_response({"coding": coding, "raw_len": len(raw), "body": body.decode()})


async def bad_json(request):
    return web.Response(text="{not json", content_type="application/json")


async def bad_utf8(request):
    return web.Response(body=b"\xff\xfe\xfd", content_type="text/plain")


async def duplex(request):
    """Answers at once, then reports each chunk of the request body as it arrives: the client
    can only finish its upload by reading these reports while it sends."""
    response = web.StreamResponse()
    response.enable_chunked_encoding()
    await response.prepare(request)
    async for chunk in request.content.iter_any():
        await response.write(f"got {len(chunk)}\n".encode())
    await response.write(b"done\n")
    await response.write_eof()
    return response


async def upload(request):
    size = 0
    checksum = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        checksum = (checksum + sum(chunk)) % (1 << 32)
    return web.json_response({"size": size, "sum": checksum})


async def multipart(request):
    """Each part of a multipart body as aiohttp's reader sees it: its name, file name, content
    type, size and SHA-1."""
    reader = await request.multipart()
    parts = []
    while (part := await reader.next()) is not None:
        digest = hashlib.sha1()
        size = 0
        while chunk := await part.read_chunk():
            digest.update(chunk)
            size += len(chunk)
        parts.append(
            {
                "name": part.name,
                "filename": part.filename,
                "content_type": part.headers.get("content-type"),
                "size": size,
                "sha1": digest.hexdigest(),
            }
        )
    return web.json_response(parts)


async def raw_server(reader, writer):
    """Answers `/bad-location` with a redirect to a location that is not ASCII, and any
    other request with a chunked body followed by trailers."""
    request_line = await reader.readline()
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    if request_line.startswith(b"GET /bad-location "):
        writer.write(
            b"HTTP/1.1 302 Found\r\n"
            b"Location: /caf\xc3\xa9\r\n"
            b"Content-Length: 0\r\n"
            b"Connection: close\r\n\r\n"
        )
        await writer.drain()
        writer.close()
        return
    writer.write(
        b"HTTP/1.1 200 OK\r\n"
        b"Transfer-Encoding: chunked\r\n"
        b"Trailer: x-checksum\r\n"
        b"Connection: close\r\n\r\n"
        b"5\r\nhello\r\n"
        b"6\r\n world\r\n"
        b"0\r\n"
        b"x-checksum: 1a2b\r\n\r\n"
    )
    await writer.drain()
    writer.close()


async def main():
    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_route("*", "/echo", echo)
    app.router.add_get("/status/{code}", status)
    app.router.add_route("*", "/redirect/{code}", redirect)
    app.router.add_get("/redirect-chain/{n}", redirect_chain)
    app.router.add_get("/redirect-loop", redirect_loop)
    app.router.add_get("/redirect-cross", redirect_cross)
    app.router.add_get("/cookies/set", set_cookies)
    app.router.add_get("/cookies", cookies)
    app.router.add_get("/slow-first-byte", slow_first_byte)
    app.router.add_get("/peak", peak)
    app.router.add_get("/slow-body", slow_body)
    app.router.add_get("/large/{n}", large)
    app.router.add_get("/chunked", chunked)
    app.router.add_get("/bad-json", bad_json)
    app.router.add_get("/coded/{coding}", coded)
    app.router.add_post("/coded-upload", coded_upload)
    app.router.add_get("/bad-utf8", bad_utf8)
    app.router.add_post("/upload", upload)
    app.router.add_post("/multipart", multipart)
    app.router.add_post("/duplex", duplex)
    # Request bodies come as the client sent them: /coded-upload decodes them itself.
    runner = web.AppRunner(app, access_log=None, auto_decompress=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    raw = await asyncio.start_server(raw_server, "127.0.0.1", 0)
    raw_port = raw.sockets[0].getsockname()[1]
    blackhole = socket.socket()
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(0)
    hole_port = blackhole.getsockname()[1]
    # Fill the backlog: these are never accepted, and later connection attempts hang.
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        try:
            filler.connect(("127.0.0.1", hole_port))
        except BlockingIOError:
            pass
        fillers.append(filler)
    print(
        json.dumps(
            {
                "http": f"http://127.0.0.1:{port}",
                "raw": f"http://127.0.0.1:{raw_port}",
                "blackhole": f"http://127.0.0.1:{hole_port}",
            }
        )
    )
    sys.stdout.flush()
    await asyncio.Event().wait()


asyncio.run(main())
