#!/usr/bin/env python3
"""End-to-end: a library component composed into an application. examples/fetch_library.rs
exports `wasio-examples:fetch/fetcher` (examples/wit/fetch.wit; under WASI 0.3 an `async
func`, examples/wit/p3/fetch.wit); examples/fetch_app.rs imports it and serves `/fetch`.
`wac plug` joins them, and `wasmtime serve -Scli` runs the result (WASIO_BACKEND=p2 or p3)
against an aiohttp upstream started here, whose `/slow` answers after `?ms=`.

Checked: the composed component imports no fetcher and exports the handler; one call
fetches its URLs at once (three 300 ms pages in well under 900 ms) with the library's
executor, HTTP client and timers (a URL past its deadline gives its error in time); a
status, an unreachable URL and a bad request come back as they should; and calls from
concurrent requests run side by side.

Run with the project's .venv Python (aiohttp), after building the two examples (release)."""

import asyncio
import collections
import os
import time

import aiohttp
from aiohttp import web

from compose import plug
from processes import BACKEND, EXAMPLES_RELEASE, TARGET, check, free_port, run_checks, wasmtime_serve

APP = os.path.join(EXAMPLES_RELEASE, "fetch_app.wasm")
LIBRARY = os.path.join(EXAMPLES_RELEASE, "fetch_library.wasm")
FETCHER = "wasio-examples:fetch/fetcher@0.1.0"


def compose():
    return plug(APP, LIBRARY, os.path.join(TARGET, "fetch_server.wasm"), filled=[FETCHER])


async def upstream():
    """An aiohttp server: `/slow?ms=N` answers "slow" after N ms, `/status/{code}` with that
    status. Returns its runner, base URL and the most requests it had in progress at once."""
    busy = collections.Counter()

    async def slow(request):
        busy["now"] += 1
        busy["peak"] = max(busy["peak"], busy["now"])
        try:
            await asyncio.sleep(int(request.query["ms"]) / 1000)
        finally:
            busy["now"] -= 1
        return web.Response(text="slow")

    async def status(request):
        return web.Response(status=int(request.match_info["code"]), text="status")

    app = web.Application()
    app.router.add_get("/slow", slow)
    app.router.add_get("/status/{code}", status)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner, f"http://127.0.0.1:{port}", busy


async def fetch(session, base, urls, timeout_ms=None):
    query = [("url", url) for url in urls]
    if timeout_ms is not None:
        query.append(("timeout_ms", str(timeout_ms)))
    started = time.monotonic()
    async with session.get(f"{base}/fetch", params=query) as r:
        body = await r.json() if r.status == 200 else await r.text()
        return r.status, body, time.monotonic() - started


async def scenario(base, side_by_side=True):
    """The checks; `side_by_side`: whether the host runs concurrent requests at once."""
    runner, up, busy = await upstream()
    try:
        async with aiohttp.ClientSession() as session:
            slow = f"{up}/slow?ms=300"
            status, pages, took = await fetch(session, base, [slow, slow, slow])
            check(status == 200, f"/fetch gave {status}: {pages}")
            check([(p.get("status"), p.get("length")) for p in pages] == [(200, 4)] * 3,
                  f"three pages: {pages}")
            check(all(p["url"] == slow and p["elapsed_ms"] >= 290 for p in pages), f"{pages}")
            check(took < 0.75, f"three 300 ms pages took {took:.2f} s: not fetched at once")
            check(busy["peak"] >= 3, f"the upstream saw {busy['peak']} requests at once")
            print(f"one call, three 300 ms URLs at once: {took * 1000:.0f} ms")

            status, pages, took = await fetch(session, base, [f"{up}/slow?ms=3000", slow], 600)
            check(status == 200, f"/fetch with a deadline gave {status}: {pages}")
            check(pages[0] == {"error": f"{up}/slow?ms=3000: no answer within 600 ms"},
                  f"past its deadline: {pages[0]}")
            check(pages[1].get("status") == 200, f"within its deadline: {pages[1]}")
            check(took < 1.5, f"a 600 ms deadline answered after {took:.2f} s")

            refused = f"http://127.0.0.1:{free_port()}/"
            status, pages, _ = await fetch(session, base, [f"{up}/status/404", refused])
            check(pages[0].get("status") == 404 and pages[0].get("length") == 6, f"{pages[0]}")
            check("error" in pages[1] and pages[1]["error"].startswith(refused), f"{pages[1]}")

            status, body, _ = await fetch(session, base, [])
            check(status == 400 and "url" in body, f"no URL: {status} {body!r}")
            status, body, _ = await fetch(session, base, [slow], "soon")
            check(status == 400, f"a bad timeout_ms: {status} {body!r}")

            started = time.monotonic()
            replies = await asyncio.gather(*(fetch(session, base, [slow]) for _ in range(8)))
            took = time.monotonic() - started
            check(all(s == 200 and p[0].get("status") == 200 for s, p, _ in replies), f"{replies}")
            if side_by_side:
                check(took < 1.5, f"8 concurrent requests of 300 ms took {took:.2f} s")
            print(f"8 requests calling the library at once: {took * 1000:.0f} ms")
    finally:
        await runner.cleanup()


def main():
    wasm = compose()
    process, base = wasmtime_serve(wasm, "fetch_server")
    run_checks(f"fetch_app + fetch_library ({BACKEND})", process, scenario(base))
    print(f"fetch_app + fetch_library ({BACKEND}): the library's exports answered the app")


if __name__ == "__main__":
    main()
