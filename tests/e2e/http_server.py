#!/usr/bin/env python3
"""End-to-end: the http_server example, served twice on free loopback ports, by `wasmtime
serve -Scli` (one instance per request) and on its own socket under `wasmtime run
-Sinherit-network`, driven by Python aiohttp's client (cookies and a CORS preflight among its
requests) and by curl, its access log read back, uploads of multipart bodies (see
tests/e2e/uploads.py); then the hello_server example (a single exported handler) under
`wasmtime serve`. Only the wasmtime processes this
script starts are stopped, by their process ids.

Run with the project's .venv Python (aiohttp), after `cargo build --examples`."""

import asyncio
import json
import os
import subprocess
import sys

import aiohttp

from uploads import uploads
from processes import (
    BACKEND, EXAMPLES, check, free_port, run_checks, start, stop, wasmtime_serve,
)

WASM = os.path.join(EXAMPLES, "http_server.wasm")
HELLO = os.path.join(EXAMPLES, "hello_server.wasm")


def launch(kind):
    """Starts the example; returns (process, base URL) once it accepts connections."""
    if kind == "serve":
        return wasmtime_serve(WASM, kind)
    port = free_port()
    command = ["wasmtime", "run", "-Sinherit-network", "-Shttp", WASM, f"127.0.0.1:{port}"]
    return start(command, port, name=kind), f"http://127.0.0.1:{port}"


async def texts(session, urls):
    """The bodies of GET requests to `urls`, all sent at once."""

    async def get(url):
        async with session.get(url) as r:
            return await r.text()

    return await asyncio.gather(*(get(url) for url in urls))


async def with_aiohttp(kind, base):
    """The app's routes through aiohttp. `kind` is where it runs: "serve" (`wasmtime serve`),
    "own" (its own socket) or "jco" (`jco serve`), which decides what its state and its view
    of the URL are."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/") as r:
            check(r.status == 200, f"GET / gave {r.status}")
            check(await r.text() == "Hello, World!", "GET / body")
            check(r.headers.get("x-powered-by") == "wasio", "the middleware's header")
        async with session.get(f"{base}/hello/wasm%20world") as r:
            check(await r.text() == "Hello, wasm world!", "a percent-decoded parameter")
        async with session.post(f"{base}/items", json={"name": "apple"}) as r:
            check(r.status == 201, f"POST /items gave {r.status}")
            check(await r.json() == {"name": "apple"}, "POST /items echo")
        async with session.get(f"{base}/items") as r:
            items = await r.json()
            # Under `wasmtime serve` WASI 0.2 gives every request a fresh instance, so state is
            # per request; WASI 0.3 reuses the instance, and these sequential requests are
            # the first of a fresh server, so the one instance answers them all. jco keeps
            # one instance for every request, but wasio's WASI 0.2 export makes the app
            # afresh for each (WASI 0.2 promises nothing more), so state is per request
            # there too.
            per_request = kind in ("serve", "jco") and BACKEND == "p2"
            expected = [] if per_request else [{"name": "apple"}]
            check(items == expected, f"GET /items gave {items}")
        async with session.delete(f"{base}/items") as r:
            check(r.status == 204 and await r.read() == b"", f"DELETE /items gave {r.status}")
            for absent in ("content-type", "content-length", "transfer-encoding"):
                check(absent not in r.headers, f"a 204 with {absent}: {dict(r.headers)}")
        async with session.get(f"{base}/items") as r:
            check(await r.json() == [], "the items were cleared")
        async with session.post(f"{base}/items", data=b"{oops") as r:
            check(r.status == 400, f"bad JSON gave {r.status}")
        async with session.post(f"{base}/items", json=[1, 2]) as r:
            check(r.status == 400 and "JSON object" in await r.text(), "not an object")
        async with session.get(f"{base}/count?to=3") as r:
            check(await r.text() == "1\n2\n3\n", "the streamed count")
            check(r.headers.get("transfer-encoding") == "chunked", "streamed as chunks")
            # aiohttp asks for gzip, deflate and br; the Compression middleware answers gzip,
            # the first it encodes, and aiohttp decodes it.
            check(r.headers.get("content-encoding") == "gzip", f"compressed: {dict(r.headers)}")
            # The Cors middleware adds `origin` to the same Vary field (jco, for one, keeps only
            # the last of repeated fields).
            vary = r.headers.getall("vary", [])
            check(vary == ["accept-encoding, origin"], f"vary: {vary}")
        async with session.get(f"{base}/count?to=3", headers={"accept-encoding": "deflate"}) as r:
            check(await r.text() == "1\n2\n3\n" and r.headers.get("content-encoding") == "deflate",
                  "deflate")
        async with session.get(f"{base}/count?to=3", auto_decompress=False,
                               headers={"accept-encoding": "identity"}) as r:
            check(await r.read() == b"1\n2\n3\n" and "content-encoding" not in r.headers,
                  "identity")
        async with session.get(f"{base}/whoami?x=1", headers={"user-agent": "e2e/1"}) as r:
            seen = await r.json()
            # wasmtime 48's serve gives a WASI 0.3 request no authority and no host header.
            origin = "" if kind == "serve" and BACKEND == "p3" else base
            expected = {"method": "GET", "url": f"{origin}/whoami?x=1", "user_agent": "e2e/1"}
            check(seen == expected, f"whoami: {seen}")
        async with session.get(f"{base}/nope") as r:
            check(r.status == 404, f"404 gave {r.status}")
        async with session.delete(f"{base}/") as r:
            check(r.status == 405 and r.headers.get("allow") == "GET, HEAD", "405 and allow")
        async with session.head(f"{base}/") as r:
            check(r.status == 200 and await r.read() == b"", "HEAD")
        replies = await texts(session, [f"{base}/hello/{n}" for n in range(100)])
        check(replies == [f"Hello, {n}!" for n in range(100)], "100 concurrent requests")


async def cookies_and_cors(base):
    """The session cookie of /login, /me and /logout through aiohttp's cookie jar (which keeps
    an IP address's cookies only when told it is unsafe), then CORS: a preflight as a browser
    sends it, from aiohttp's client, and an actual request's headers."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as session:
        async with session.get(f"{base}/me") as r:
            check(r.status == 401, f"/me without a cookie gave {r.status}")
        async with session.post(f"{base}/login", data={"user": "ada"}) as r:
            # aiohttp follows the 303 to /me (its URL built by url_for) with the cookie.
            check((r.status, await r.text()) == (200, "you are ada"), f"login: {r.status}")
            check([h.status for h in r.history] == [303], f"login redirects: {r.history}")
            set_cookie = r.history[0].headers.get("set-cookie")
            expected = "user=ada; Max-Age=3600; Path=/; HttpOnly; SameSite=Lax"
            check(set_cookie == expected, f"the session cookie: {set_cookie!r}")
        async with session.post(f"{base}/login", data={"user": "a;b"}) as r:
            check(r.status == 400, f"a bad user name gave {r.status}")
        async with session.post(f"{base}/logout") as r:
            check(await r.text() == "bye", "logout")
            check("Max-Age=0" in r.headers.get("set-cookie", ""), "the cookie is removed")
        async with session.get(f"{base}/me") as r:
            check(r.status == 401, f"/me after logout gave {r.status}")

        page = "http://localhost:3000"
        preflight = {
            "Origin": page,
            "Access-Control-Request-Method": "DELETE",
            "Access-Control-Request-Headers": "Content-Type",
        }
        async with session.options(f"{base}/items", headers=preflight) as r:
            check(r.status == 204, f"the preflight gave {r.status}")
            for name, value in [
                ("access-control-allow-origin", page),
                ("access-control-allow-methods", "GET, POST, DELETE"),
                ("access-control-allow-headers", "content-type"),
                ("access-control-allow-credentials", "true"),
                ("access-control-max-age", "600"),
            ]:
                check(r.headers.get(name) == value, f"preflight {name}: {dict(r.headers)}")
            check("origin" in r.headers.getall("vary", []), f"vary: {dict(r.headers)}")
        async with session.options(f"{base}/items",
                                   headers={**preflight, "Origin": "http://evil.test"}) as r:
            check(r.status == 403, f"a preflight from another origin gave {r.status}")
            check("access-control-allow-origin" not in r.headers, "no CORS headers")
        async with session.get(f"{base}/items", headers={"Origin": page}) as r:
            check(r.headers.get("access-control-allow-origin") == page, "the actual request")
            check(r.headers.get("access-control-expose-headers") == "x-request-id", "exposed")
            request_id = r.headers.get("x-request-id", "")
            check(len(request_id) == 32, f"a request id: {request_id!r}")


def curl(*args, data=None):
    done = subprocess.run(
        ["curl", "-sS", "--max-time", "30", *args],
        input=data,
        capture_output=True,
        timeout=60,
    )
    if done.returncode != 0:
        raise AssertionError(f"curl {args}: {done.stderr.decode()}")
    return done.stdout.decode(), done.stderr.decode()


def with_curl(kind, base):
    out, _ = curl("-i", f"{base}/")
    head, _, body = out.partition("\r\n\r\n")
    check(head.startswith("HTTP/1.1 200 OK"), f"curl status line: {head!r}")
    check(body == "Hello, World!", f"curl body: {body!r}")
    out, _ = curl("--http1.0", f"{base}/hello/curl")
    check(out == "Hello, curl!", f"HTTP/1.0: {out!r}")
    # A chunked upload, and a large one sent only once the server says 100 Continue.
    out, _ = curl(
        "-H", "content-type: application/json", "-H", "transfer-encoding: chunked",
        "--data-binary", "@-", f"{base}/items", data=b'{"via": "chunks"}',
    )
    check(json.loads(out) == {"via": "chunks"}, f"chunked upload: {out!r}")
    big = json.dumps({"blob": "x" * 200_000}).encode()
    out, err = curl(
        "-v", "-H", "content-type: application/json", "-H", "expect: 100-continue",
        "--data-binary", "@-", f"{base}/items", data=big,
    )
    check(json.loads(out) == json.loads(big), "the 100-continue upload came back")
    check("HTTP/1.1 100 Continue" in err, "curl saw 100 Continue")
    # The Compression middleware, as curl asks for it and decodes it.
    out, _ = curl("--compressed", "-i", f"{base}/count?to=50")
    head, _, body = out.partition("\r\n\r\n")
    check("content-encoding: gzip" in head.lower(), f"curl --compressed: {head!r}")
    check(body == "".join(f"{n}\n" for n in range(1, 51)), f"curl --compressed body: {body!r}")
    out, _ = curl("-i", f"{base}/count?to=2")
    check("content-encoding" not in out.lower() and out.endswith("1\n2\n"), f"plain: {out!r}")
    # Two URLs in one curl: the second reuses the first connection.
    out, err = curl("-v", f"{base}/hello/a", f"{base}/hello/b")
    check(out == "Hello, a!Hello, b!", f"two requests: {out!r}")
    check("Re-using existing connection" in err or "Reusing existing" in err, "keep-alive")


async def hello_handler(base):
    """hello_server's one handler answers every method and path, fresh instance after fresh
    instance."""
    async with aiohttp.ClientSession() as session:
        for method, path in [("GET", "/"), ("GET", "/any/path?x=1"), ("POST", "/form")]:
            async with session.request(method, f"{base}{path}", data=b"ignored") as r:
                check(r.status == 200, f"{method} {path} gave {r.status}")
                check(await r.text() == "Hello, World!", f"{method} {path} body")
                check(r.headers.get("content-type") == "text/plain; charset=utf-8", "text")
                check(r.headers.get("content-length") == "13", "content-length")
        async with session.head(f"{base}/") as r:
            check(r.status == 200 and await r.read() == b"", "HEAD")
        replies = await texts(session, [f"{base}/{n}" for n in range(100)])
        check(replies == ["Hello, World!"] * 100, "100 concurrent requests")


def check_app(kind, process, base):
    """Drives the app at `base` with aiohttp and curl, then stops `process`; exits with what
    it printed when a check fails."""
    try:
        asyncio.run(with_aiohttp(kind, base))
        asyncio.run(cookies_and_cors(base))
        with_curl(kind, base)
        asyncio.run(uploads(base))
    except Exception as error:
        sys.exit(f"{kind} ({base}): {error!r}\nthe server said:\n{stop(process)[-3000:]}")
    said = stop(process)
    # The access log, in aiohttp's format: `127.0.0.1 [...] "GET /me HTTP/1.1" 401 ...`
    # (under `wasmtime serve` and jco the client's address is not known: `-`; and serve puts
    # `stderr [n] :: ` before what an instance writes).
    address = "-" if kind in ("serve", "jco") else "127.0.0.1"
    lines = (l.split(" :: ", 1)[-1] for l in said.splitlines())
    line = next((l for l in lines if '"GET /me HTTP/1.1" 401 ' in l), "")
    if not line.startswith(f"{address} ["):
        sys.exit(f"{kind}: no access log line for GET /me; the server said:\n{said[-3000:]}")
    print(f"http_server under {kind} ({BACKEND}): aiohttp and curl got what they asked for")


def main():
    for kind in ["serve", "own"]:
        process, base = launch(kind)
        check_app(kind, process, base)
    process, base = wasmtime_serve(HELLO, "hello")
    run_checks(f"hello ({base})", process, hello_handler(base))
    print(f"hello_server under serve: one handler answered every request ({base})")


if __name__ == "__main__":
    main()
