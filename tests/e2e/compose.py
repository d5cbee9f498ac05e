#!/usr/bin/env python3
"""End-to-end: middleware components composed with `wac plug` in front of the http_server
example, served by `wasmtime serve -Scli` (WASIO_BACKEND=p2 or p3). The auth middleware
refuses requests without the token with 403 and lets the others through, unchanged, to the
application; the log middleware, plugged in front of that, logs each request first. The
composed components import no handler: every import the middleware had is filled.

Run with the project's .venv Python (aiohttp), after building the examples (release) with
and without the `middleware` feature."""

import asyncio
import os
import subprocess

import aiohttp

from processes import BACKEND, EXAMPLES_RELEASE, TARGET, check, free_port, run_checks, start

APP = os.path.join(EXAMPLES_RELEASE, "http_server.wasm")
AUTH = os.path.join(EXAMPLES_RELEASE, "auth_middleware.wasm")
LOG = os.path.join(EXAMPLES_RELEASE, "log_middleware.wasm")
HANDLER = "wasi:http/incoming-handler@0.2.12" if BACKEND == "p2" else "wasi:http/handler@0.3.0"


def plug(socket, plug_in, out, filled=()):
    """`wac plug`s `plug_in` into `socket` as `out`, which must export the handler and import
    neither the handler nor any of the interfaces `filled` names."""
    subprocess.run(["wac", "plug", socket, "--plug", plug_in, "-o", out], check=True, timeout=120)
    wit = subprocess.run(["wasm-tools", "component", "wit", out], capture_output=True,
                         text=True, check=True, timeout=60).stdout
    for interface in (HANDLER, *filled):
        check(f"import {interface};" not in wit, f"{out} still imports {interface}")
    check(f"export {HANDLER};" in wit, f"{out} does not export {HANDLER}")
    return out


def serve(wasm, *flags):
    port = free_port()
    command = ["wasmtime", "serve", "-Scli", *flags, "--addr", f"127.0.0.1:{port}", wasm]
    return start(command, port, name="wasmtime serve (composed)"), f"http://127.0.0.1:{port}"


async def authed(base, token):
    good = {"authorization": f"Bearer {token}", "user-agent": "compose-e2e"}
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/") as r:
            check(r.status == 200 and await r.text() == "Hello, World!", "/ stays open")
            check(r.headers.get("x-powered-by") == "wasio", "the application answered /")
        for headers in [{}, {"authorization": "Bearer wrong"}, {"authorization": token}]:
            async with session.get(f"{base}/items", headers=headers) as r:
                check(r.status == 403, f"{headers}: {r.status}")
                check(r.headers.get("www-authenticate") == "Bearer", "the challenge")
                check(r.headers.get("x-powered-by") is None, "the application saw a refusal")
        async with session.post(f"{base}/items", json={"name": "pear"}, headers=good) as r:
            check(r.status == 201 and await r.json() == {"name": "pear"}, f"POST: {r.status}")
        async with session.get(f"{base}/hello/composed", headers=good) as r:
            check(await r.text() == "Hello, composed!", "a route behind the middleware")
        async with session.get(f"{base}/count?to=4", headers=good) as r:
            check(await r.text() == "1\n2\n3\n4\n", "a streamed body through the middleware")
        async with session.get(f"{base}/nope", headers=good) as r:
            check(r.status == 404, f"404 through the middleware: {r.status}")
        async with session.delete(f"{base}/hello/x", headers=good) as r:
            check(r.status == 405 and r.headers.get("allow") == "GET, HEAD", "405 and allow")
        async with session.head(f"{base}/hello/x", headers=good) as r:
            check(r.status == 200 and await r.read() == b"", "HEAD through the middleware")


def main():
    authed_server = plug(AUTH, APP, os.path.join(TARGET, "authed_server.wasm"))
    logged_server = plug(LOG, authed_server, os.path.join(TARGET, "logged_server.wasm"))

    process, base = serve(authed_server)
    run_checks(f"auth + http_server ({BACKEND})", process, authed(base, "let-me-in"))
    print(f"auth_middleware + http_server ({BACKEND}): refused without the token, forwarded with it")

    process, base = serve(logged_server, "--env", "AUTH_TOKEN=s3cret")
    run_checks(f"log + auth + http_server ({BACKEND})", process, authed(base, "s3cret"))
    log = process.log
    log.seek(0)
    lines = log.read()
    for expected in ["GET / (Python", "GET /items (Python", "GET /count (compose-e2e)",
                     "POST /items (compose-e2e)"]:
        check(expected in lines, f"the log middleware did not log {expected!r}: {lines[-2000:]}")
    print(f"log_middleware + auth_middleware + http_server ({BACKEND}): every request logged")


if __name__ == "__main__":
    main()
