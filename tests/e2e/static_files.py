#!/usr/bin/env python3
"""End-to-end: static files of the http_server example (`/static/{path}`), served from a
directory preopened as `/static` (`--dir DIR::/static`) on its own socket under `wasmtime run`
and under `wasmtime serve`, fetched by curl and Python aiohttp: a 4 MiB file streamed whole
(checksum), ranges (206, 416), validators (304), HEAD, and ways out of the directory refused.
Only the wasmtime processes this script starts are stopped, by their process ids.

Run with the project's .venv Python (aiohttp), after `cargo build --examples`."""

import asyncio
import hashlib
import os
import subprocess
import tempfile

import aiohttp

from processes import BACKEND, EXAMPLES, check, free_port, run_checks, start

WASM = os.path.join(EXAMPLES, "http_server.wasm")
BIG = 4 * 1024 * 1024 + 123


def launch(kind, directory):
    """Starts the example with `directory` preopened as /static: (process, base URL)."""
    port = free_port()
    preopen = ["--dir", f"{directory}::/static"]
    if kind == "serve":
        command = ["wasmtime", "serve", "-Scli", *preopen, "--addr", f"127.0.0.1:{port}", WASM]
    else:
        command = ["wasmtime", "run", "-Sinherit-network", "-Shttp", *preopen, WASM,
                   f"127.0.0.1:{port}"]
    return start(command, port, name=kind), f"http://127.0.0.1:{port}"


def curl(*args):
    """curl's output (headers and body, as bytes) and its status code."""
    done = subprocess.run(["curl", "-sS", "--max-time", "60", "-o", "-", "-w", "%{http_code}",
                           *args], capture_output=True, timeout=90)
    if done.returncode != 0:
        raise AssertionError(f"curl {args}: {done.stderr.decode()}")
    return done.stdout[:-3], int(done.stdout[-3:])


def with_curl(base, big):
    body, status = curl(f"{base}/static/big.bin")
    check(status == 200, f"big file: {status}")
    check(hashlib.sha256(body).digest() == hashlib.sha256(big).digest(),
          f"the big file's checksum ({len(body)} of {len(big)} bytes)")
    body, status = curl("-r", "1000000-2000000", f"{base}/static/big.bin")
    check(status == 206 and body == big[1000000:2000001], f"a range: {status}, {len(body)}")
    body, status = curl("-r", "-10", f"{base}/static/big.bin")
    check(status == 206 and body == big[-10:], f"a suffix: {status}")
    _, status = curl("-r", f"{BIG}-", f"{base}/static/big.bin")
    check(status == 416, f"past the end: {status}")
    for path in ["/static/../../Cargo.toml", "/static/%2e%2e/%2e%2e/Cargo.toml",
                 "/static/..%2f..%2fCargo.toml", "/static/hello.txt%00.png", "/static/"]:
        _, status = curl("--path-as-is", f"{base}{path}")
        check(status in (403, 404), f"{path}: {status}")


async def with_aiohttp(kind, base, big):
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{base}/static/hello.txt") as r:
            check(r.status == 200, f"hello: {r.status}")
            check(await r.text() == "Hello from a static file!\n", "hello's text")
            check(r.headers["content-type"] == "text/plain; charset=utf-8", "hello's type")
            etag, date = r.headers["etag"], r.headers["last-modified"]
        async with session.get(f"{base}/static/hello.txt", headers={"If-None-Match": etag}) as r:
            check(r.status == 304, f"If-None-Match: {r.status}")
        async with session.get(f"{base}/static/hello.txt",
                               headers={"If-Modified-Since": date}) as r:
            check(r.status == 304, f"If-Modified-Since: {r.status}")
        async with session.get(f"{base}/static/hello.txt",
                               headers={"If-None-Match": '"other"', "If-Modified-Since": date}) as r:
            check(r.status == 200, f"If-None-Match wins: {r.status}")
        async with session.get(f"{base}/static/hello.txt",
                               headers={"Range": "bytes=0-4", "If-Range": etag}) as r:
            check(r.status == 206 and await r.read() == b"Hello", f"If-Range: {r.status}")
            check(r.headers["content-range"] == "bytes 0-4/26", "its content-range")
        async with session.get(f"{base}/static/big.bin", headers={"Range": "bytes=0-1,5-6"}) as r:
            check(r.status == 200, f"several ranges: {r.status}")
            await r.read()
        async with session.get(f"{base}/static/big.bin", headers={"Range": f"bytes={BIG}-"}) as r:
            check(r.status == 416, f"unsatisfiable: {r.status}")
            check(r.headers["content-range"] == f"*/{BIG}".join(["bytes ", ""]), "416's range")
        async with session.head(f"{base}/static/big.bin") as r:
            check(r.status == 200, f"HEAD: {r.status}")
            check(await r.read() == b"", "HEAD has no body")
            if kind == "own":
                check(r.headers["content-length"] == str(BIG), "HEAD's content-length")
        # The big file, read as it streams, by several clients at once.
        async def digest():
            async with session.get(f"{base}/static/big.bin") as r:
                check(r.status == 200, f"big: {r.status}")
                h = hashlib.sha256()
                async for chunk in r.content.iter_chunked(64 * 1024):
                    h.update(chunk)
                return h.digest()
        digests = await asyncio.gather(*(digest() for _ in range(4)))
        check(all(d == hashlib.sha256(big).digest() for d in digests), "the big file's checksum")


def main():
    with tempfile.TemporaryDirectory() as directory:
        big = os.urandom(BIG)
        with open(os.path.join(directory, "big.bin"), "wb") as f:
            f.write(big)
        with open(os.path.join(directory, "hello.txt"), "w") as f:
            f.write("Hello from a static file!\n")
        for kind in ["own", "serve"]:
            process, base = launch(kind, directory)

            async def checks():
                with_curl(base, big)
                await with_aiohttp(kind, base, big)

            run_checks(f"static files under {kind} ({base})", process, checks())
            print(f"static files under {kind} ({BACKEND}): curl and aiohttp got what they asked for")


if __name__ == "__main__":
    main()
