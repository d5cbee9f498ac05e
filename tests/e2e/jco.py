#!/usr/bin/env python3
"""End-to-end: jco as a second host. The hello_server and http_server examples, the auth
middleware plugged in front of http_server, and the library composition, served by jco
(WASIO_BACKEND=p2 or p3) and checked with the same assertions as under `wasmtime serve`
(http_server.py, compose.py, library.py).
jco serves a WASI 0.2 component with `jco serve`, and a WASI 0.3 one through its WASI 0.3
shim (scripts/jco-serve says how).

Where jco differs from wasmtime, the difference is checked here as what it is:
- `jco serve` keeps one instance for every request; wasio's WASI 0.2 export still makes its
  application afresh for each request, so what a request sees is the same as under wasmtime
  (http_server.py's checks hold as they are);
- a guest that traps (serve_state's /panic) takes the whole `jco serve` process down with
  it, every other request included; with `--isolate-requests worker` each request runs in
  a worker of its own, and only the panicking one fails (WASI 0.2). Under WASI 0.3 the
  trapped instance stays, and answers 500 to everything from then on;
- the URL a WASI 0.3 request carries has its authority under jco, not under wasmtime;
- under WASI 0.3, jco 1.35 loses the responses a component inside a composition gets from
  `wasi:http/client` after the first call (see library_component);
- jco answers one request at a time: `jco serve` calls a WASI 0.2 handler synchronously on
  its one instance, and the WASI 0.3 shim's server awaits each handler before it takes the
  next request, so 64 requests that each wait 100 ms take about 64 x 100 ms (under
  `wasmtime serve`, about 100 ms).

Run with the project's .venv Python (aiohttp), after building the examples (debug and
release) and scripts/setup's jco. Each jco server is stopped by its process group."""

import asyncio
import os
import time

import aiohttp

import compose
import http_server
import library
from processes import (
    BACKEND, EXAMPLES, EXAMPLES_RELEASE, TARGET, check, jco_serve, run_checks, stop,
)


def routes():
    process, base = jco_serve(os.path.join(EXAMPLES, "hello_server.wasm"), f"hello_{BACKEND}")
    run_checks(f"hello_server under jco ({BACKEND})", process, http_server.hello_handler(base))
    print(f"hello_server under jco ({BACKEND}): one handler answered every request")

    process, base = jco_serve(os.path.join(EXAMPLES, "http_server.wasm"), f"http_{BACKEND}")
    http_server.check_app("jco", process, base)


def composed():
    app = os.path.join(EXAMPLES_RELEASE, "http_server.wasm")
    auth = os.path.join(EXAMPLES_RELEASE, "auth_middleware.wasm")
    wasm = compose.plug(auth, app, os.path.join(TARGET, "authed_server_jco.wasm"))
    process, base = jco_serve(wasm, f"authed_{BACKEND}")
    run_checks(f"auth + http_server under jco ({BACKEND})", process, compose.authed(base, "let-me-in"))
    print(f"auth_middleware + http_server under jco ({BACKEND}): refused without the token, "
          "forwarded with it")


def library_component():
    """The library composition (library.py) under jco. WASI 0.2: the same checks, the
    requests in turn. WASI 0.3: the first call of the library works; from the second on,
    jco 1.35 mistakes the handle of the response that the library, a component inside the
    composition, gets from `wasi:http/client` (its shim's Response methods find no response:
    "Cannot read private member #statusCode"), and `/fetch` fails with 500."""
    process, base = jco_serve(library.compose(), f"fetch_{BACKEND}")
    if BACKEND == "p2":
        run_checks("fetch_app + fetch_library under jco (p2)", process,
                   library.scenario(base, side_by_side=False))
        print("fetch_app + fetch_library under jco (p2): the library's exports answered the app")
        return

    async def fails():
        runner, up, _ = await library.upstream()
        try:
            async with aiohttp.ClientSession() as session:
                statuses = []
                for _ in range(2):
                    status, pages, _ = await library.fetch(session, base, [f"{up}/status/404"])
                    statuses.append((status, pages[0].get("status") if status == 200 else None))
                check(statuses == [(200, 404), (500, None)],
                      f"jco now runs the WASI 0.3 library ({statuses}): update docs/deploy.md, "
                      "the README and this check")
        finally:
            await runner.cleanup()

    run_checks("fetch_app + fetch_library under jco (p3)", process, fails())
    check("Cannot read private member #statusCode" in stop(process), "jco's error changed")
    print("fetch_app + fetch_library under jco (p3): the first call answered, the second a 500 "
          "(jco 1.35 loses the library's response)")


def one_at_a_time():
    """64 concurrent requests that wait 100 ms each, on serve_state: jco runs them in turn."""
    process, base = jco_serve(os.path.join(EXAMPLES_RELEASE, "serve_state.wasm"),
                              f"sleeps_{BACKEND}")

    async def sleeps():
        async with aiohttp.ClientSession() as session:
            async def sleep():
                async with session.get(f"{base}/sleep?ms=100") as r:
                    return r.status, await r.text()

            started = time.monotonic()
            replies = await asyncio.gather(*(sleep() for _ in range(64)))
            took = time.monotonic() - started
            check(all(reply == (200, "slept\n") for reply in replies), f"64 sleeps: {replies}")
            # If jco runs them side by side one day, the docs that say it does not are wrong.
            check(took > 3.2, f"jco now serves requests concurrently ({took:.2f} s): "
                  "update docs/deploy.md and this check")
            print(f"64 concurrent 100 ms requests under jco ({BACKEND}): {took:.2f} s, "
                  "one at a time")

    run_checks(f"serve_state under jco ({BACKEND})", process, sleeps())


async def panic_then_hello(base):
    """What a panic costs: whether the server still answers afterwards."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        try:
            async with session.get(f"{base}/panic") as r:
                panicked = r.status
        except aiohttp.ClientError:
            panicked = None
        try:
            async with session.get(f"{base}/") as r:
                return panicked, r.status
        except aiohttp.ClientError:
            return panicked, None


def panics():
    """A guest trap under jco. WASI 0.2: the whole default `jco serve` process ends; with
    `--isolate-requests worker` the panicking request fails alone. WASI 0.3: the instance
    that trapped stays poisoned, so that request and every later one get 500."""
    wasm = os.path.join(EXAMPLES_RELEASE, "serve_state.wasm")
    process, base = jco_serve(wasm, f"panic_{BACKEND}")
    panicked, after = asyncio.run(panic_then_hello(base))
    if BACKEND == "p3":
        said = stop(process)
        check(panicked == 500 and after == 500, f"after a trap: {panicked}, then {after}")
        check("cannot enter component instance" in said, f"jco said: {said[-2000:]}")
        print("serve_state's /panic under jco (p3): 500, and 500 for every later request "
              "(the instance stays trapped)")
        return
    deadline = time.monotonic() + 10
    while process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    said = stop(process)
    check(after is None, f"jco answered {after} after a guest trap: {said[-2000:]}")
    check(process.returncode not in (None, 0), f"jco went on after a trap ({process.returncode})")
    print(f"serve_state's /panic under jco ({BACKEND}): {panicked or 'no answer'}, and the "
          "server process ended with it")
    if BACKEND == "p2":
        process, base = jco_serve(wasm, "panic_worker", "--isolate-requests", "worker")
        panicked, after = asyncio.run(panic_then_hello(base))
        said = stop(process)
        check(panicked is not None and panicked >= 500, f"/panic in a worker gave {panicked}")
        check(after == 200, f"after a panic in a worker: {after}: {said[-2000:]}")
        print(f"serve_state's /panic under jco --isolate-requests worker: {panicked}, and the "
              "next request answered")


routes()
composed()
library_component()
one_at_a_time()
panics()
