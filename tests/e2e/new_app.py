#!/usr/bin/env python3
"""End-to-end: a new application crate, built and run as the README says. tests/new_app (a
todo service with its own Cargo.toml and the README's `.cargo/config.toml`) is copied out of
this repository, its `wasio` dependency pointed here, and `cargo run` serves it through the
README's runner line; aiohttp, websockets and curl talk to it. Then the same component runs
under `wasmtime run` without each flag the README names, and each error says which flag is
missing. WASIO_BACKEND=p3 builds it with wasio's `p3` feature.

Run with the project's .venv Python (aiohttp, websockets)."""

import asyncio
import json
import os
import shutil
import subprocess
import tempfile

import aiohttp
import websockets

from processes import BACKEND, ROOT, check, free_port, run_checks, start

FIXTURE = os.path.join(ROOT, "tests", "new_app")
# Builds go beside wasio's own, so that a rerun compiles only what changed.
TARGET_DIR = os.path.join(ROOT, "target", f"new_app_{BACKEND}")
FEATURES = ["--features", "wasio/p3"] if BACKEND == "p3" else []
WASM = os.path.join(TARGET_DIR, "wasm32-wasip2", "debug", "todo.wasm")
TOKEN = {"authorization": "Bearer let-me-write"}


def copy_out():
    """The fixture in a directory of its own, depending on this checkout of wasio, with
    wasio's lock file so that it builds with the versions wasio is tested with."""
    where = tempfile.mkdtemp(prefix="wasio-new-app-")
    app = os.path.join(where, "todo")
    shutil.copytree(FIXTURE, app)
    manifest = os.path.join(app, "Cargo.toml")
    with open(manifest) as f:
        text = f.read()
    check('path = "../.."' in text, "the fixture depends on wasio by path")
    with open(manifest, "w") as f:
        f.write(text.replace('path = "../.."', f"path = {json.dumps(ROOT)}"))
    shutil.copy(os.path.join(ROOT, "Cargo.lock"), app)
    return where, app


ENV = dict(os.environ, CARGO_TARGET_DIR=TARGET_DIR)


def cargo(app, *args):
    subprocess.run(["cargo", *args, *FEATURES], cwd=app, env=ENV, check=True, timeout=1200)


async def todo_service(base, server):
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{base}/todos", json={"title": "x"}) as r:
            check(r.status == 401, f"POST without the token gave {r.status}")
            check(r.headers.get("www-authenticate") == 'Bearer realm="todo"', "the challenge")
            check(await r.json() == {"error": "writing needs a token"}, "a JSON error")
        async with websockets.connect(f"ws{base[4:]}/ws") as listener:
            for n, title in enumerate(["milk", "bread"], start=1):
                async with session.post(f"{base}/todos", json={"title": title}, headers=TOKEN) as r:
                    check(r.status == 201, f"POST gave {r.status}")
                    check(await r.json() == {"id": n}, "the new id")
                heard = await asyncio.wait_for(listener.recv(), 10)
                check(heard == f"added {title}", f"the WebSocket heard {heard!r}")
        async with session.get(f"{base}/todos") as r:
            check(await r.json() == [{"id": 1, "title": "milk"}, {"id": 2, "title": "bread"}],
                  "state kept across requests")
        async with session.get(f"{base}/todos?q=bre") as r:
            check(await r.json() == [{"id": 2, "title": "bread"}], "query_param")
        async with session.delete(f"{base}/todos/1", headers=TOKEN) as r:
            check(r.status == 204, f"DELETE gave {r.status}")
            check("content-type" not in r.headers and "content-length" not in r.headers,
                  f"a 204 with {dict(r.headers)}")
            check(await r.read() == b"", "a 204 with a body")
        async with session.delete(f"{base}/todos/1", headers=TOKEN) as r:
            check(r.status == 404 and await r.json() == {"error": "no todo 1"}, "404 JSON")
        for _ in range(3):
            async with session.get(f"{base}/stats") as r:
                check(r.status == 500, f"a missing state gave {r.status}")
                check(await r.json() == {"error": "500 Internal Server Error"}, "500 JSON")
    head = subprocess.run(["curl", "-sSI", f"{base}/todos"], capture_output=True, text=True,
                          timeout=30)
    check(head.stdout.startswith("HTTP/1.1 200"), f"curl -I through the middleware: {head.stdout!r}")
    server.log.seek(0)
    logged = [line for line in server.log.read().splitlines() if "Database" in line]
    check(len(logged) == 1, f"the missing state logged {len(logged)} times: {logged}")
    check("App::state" in logged[0], f"the log line says what to do: {logged[0]!r}")
    print(f"the todo service: logged once: {logged[0]}")


def without(flags, args, expected):
    """Runs the component under `wasmtime run` with only `flags`; it must fail with a message
    naming `expected`, readable (no Debug dump) and without a trap."""
    done = subprocess.run(["wasmtime", "run", *flags, WASM, *args], capture_output=True,
                          text=True, timeout=60)
    check(done.returncode == 1, f"{flags}: exit code {done.returncode}: {done.stderr}")
    check(expected in done.stderr, f"{flags}: the error does not name {expected}: {done.stderr!r}")
    check("Custom {" not in done.stderr and "wasm trap" not in done.stderr,
          f"{flags}: unreadable: {done.stderr!r}")
    print(f"without {expected}: {done.stderr.strip()}")


def main():
    where, app = copy_out()
    try:
        cargo(app, "build", "--quiet")
        port = free_port()
        server = start(["cargo", "run", "--quiet", *FEATURES, "--", f"127.0.0.1:{port}"], port,
                       name="cargo run (todo)", cwd=app, env=ENV)
        run_checks(f"the todo service ({BACKEND})", server, todo_service(f"http://127.0.0.1:{port}", server))
    finally:
        shutil.rmtree(where)
    # wasmtime itself refuses a component whose imports it was not told to provide.
    without(["-Sinherit-network"], ["127.0.0.1:0"], "wasi:http/types")
    without(["-Shttp"], ["127.0.0.1:0"], "-Sinherit-network")
    without(["-Shttp", "-Sinherit-network"], ["localhost:0"], "-Sallow-ip-name-lookup")
    print(f"a new application crate ({BACKEND}): built and run as the README says")


main()
