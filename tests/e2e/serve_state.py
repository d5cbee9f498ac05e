#!/usr/bin/env python3
"""End-to-end: the serve_state example under `wasmtime serve -Scli`, driven by aiohttp, with
what each backend promises about instances (WASIO_BACKEND=p2 or p3; p2 by default).

Both: 64 concurrent requests that each wait 100 ms finish in well under 64 x 100 ms; a
handler error gives 500 and the next request is answered; a task spawned by a handler
finishes after its response, which is not held back by it.
WASI 0.2: every request has a fresh instance (x-request is always 1).
WASI 0.3: an instance serves request after request, sharing its state (x-request counts up
on each instance);
a client that goes away mid-stream cancels its own stream only, while another stream on the
same instance goes on; the spawned task's work shows in a later request; a request waiting
on the application's `Queue` is woken by another request's put (on WASI 0.2 it never is).
A panic aborts the instance it runs on: the host answers 500. Under WASI 0.2 that is the
panicking request only; under WASI 0.3 a request the same instance was serving at that moment
fails too, and a fresh instance answers next. Built so that panics unwind (WASIO_PANIC=unwind:
`-Cpanic=unwind` with a nightly toolchain), wasio answers the panicking request with its own
500, and the instance, with the requests beside it, goes on.

Run with the project's .venv Python (aiohttp), after building the example (release)."""

import asyncio
import os
import time

import aiohttp

from processes import BACKEND, EXAMPLES_RELEASE, PANIC, check, run_checks, wasmtime_serve

WASM = os.path.join(EXAMPLES_RELEASE, "serve_state.wasm")


async def get(session, url):
    """Status, body, and the instance and request number the answer names."""
    async with session.get(url) as r:
        body = await r.text()
        return r.status, body, r.headers.get("x-instance"), int(r.headers.get("x-request", 0))


async def stats(session, base):
    async with session.get(f"{base}/stats") as r:
        return r.headers.get("x-instance"), await r.json()


async def startup_once(session, base):
    """The startup hook ran once on every instance that answered, before its first request:
    under WASI 0.2 each request's own instance, under WASI 0.3 one that serves many."""
    seen = {}
    for _ in range(10):
        instance, counters = await stats(session, base)
        seen.setdefault(instance, []).append(counters["startups"])
    check(all(runs == [1] * len(runs) for runs in seen.values()), f"startup runs: {seen}")


async def concurrency(session, base):
    start_at = time.monotonic()
    replies = await asyncio.gather(*(get(session, f"{base}/sleep?ms=100") for _ in range(64)))
    took = time.monotonic() - start_at
    check(all(status == 200 and body == "slept\n" for status, body, _, _ in replies), "64 sleeps")
    check(took < 1.5, f"64 concurrent 100 ms requests took {took:.2f} s")
    print(f"64 concurrent requests waiting 100 ms each: {took * 1000:.0f} ms")


async def errors_and_background(session, base):
    status, _, failed_on, _ = await get(session, f"{base}/fail")
    check(status == 500, f"/fail gave {status}")
    status, body, _, _ = await get(session, f"{base}/")
    check(status == 200 and body.startswith("Hello"), f"after a failure: {status} {body!r}")
    start_at = time.monotonic()
    status, body, later_on, _ = await get(session, f"{base}/later")
    took = time.monotonic() - start_at
    check(status == 200 and body == "started\n", f"/later: {status} {body!r}")
    check(took < 0.15, f"/later waited for its background task: {took:.3f} s")
    return failed_on, later_on


async def p2_checks(session, base):
    seen = set()
    for _ in range(5):
        status, _, instance, number = await get(session, f"{base}/")
        check(status == 200 and number == 1, f"a fresh instance counts one request: {number}")
        seen.add(instance)
    check(len(seen) == 5, f"five requests, five instances: {seen}")


async def p3_state(session, base):
    """A later request on an instance sees what the earlier ones left (its counter); which
    instance answers is the host's choice, and a reused one answers most."""
    per_instance = {}
    for _ in range(20):
        _, _, instance, number = await get(session, f"{base}/")
        per_instance.setdefault(instance, []).append(number)
    for instance, numbers in per_instance.items():
        check(numbers == sorted(set(numbers)), f"instance {instance} counted {numbers}")
    check(
        max(len(numbers) for numbers in per_instance.values()) >= 2,
        f"20 sequential requests and no instance reused: {per_instance}",
    )


async def p3_background(session, base, later_on):
    """The task /later spawned finished after its response, on its instance."""
    await asyncio.sleep(0.3)
    for _ in range(20):
        instance, counters = await stats(session, base)
        if instance == later_on:
            check(counters["background_done"] >= 1, f"background task: {counters}")
            break
    else:
        raise AssertionError("no later request reached the instance that ran /later")


async def p3_streams(session, base):
    """Two streams on one instance; the first client goes away, the second goes on."""
    for attempt in range(10):
        first = await session.get(f"{base}/ticks")
        second = await session.get(f"{base}/ticks")
        instance = first.headers.get("x-instance")
        if second.headers.get("x-instance") != instance:
            first.close()
            second.close()
            await asyncio.sleep(IDLE_TIMEOUT + 0.5)
            continue
        for response in (first, second):
            for _ in range(2):
                check(await response.content.readline() == b"tick\n", "a tick")
        _, before = await stats_on(session, base, instance)
        first.close()
        await asyncio.sleep(0.2)
        for _ in range(5):
            check(await second.content.readline() == b"tick\n", "the other stream goes on")
        _, after = await stats_on(session, base, instance)
        check(
            after["cancelled_streams"] == before["cancelled_streams"] + 1,
            f"one stream cancelled: {before} -> {after}",
        )
        second.close()
        await asyncio.sleep(0.2)
        _, last = await stats_on(session, base, instance)
        check(
            last["cancelled_streams"] == before["cancelled_streams"] + 2,
            f"then the other: {after} -> {last}",
        )
        print(f"a client going away cancelled its own stream only (attempt {attempt + 1})")
        return
    raise AssertionError("two streams never landed on the same instance")


async def mailbox(session, base):
    """A GET of /mailbox waits for a POST's message: on WASI 0.3, from another request of
    the same instance, which wakes it at once (the waiting request's loop has nothing else
    to wait for); on WASI 0.2 the two never share an instance."""

    async def receive():
        async with session.get(f"{base}/mailbox") as r:
            return r.status, await r.text(), r.headers.get("x-instance")

    if BACKEND == "p2":
        # The GET's fresh instance has nothing that could ever wake it: wasio's deadlock
        # check ends it (a panic, so the host's 500) instead of letting it hang.
        async with session.post(f"{base}/mailbox", data=b"hello") as r:
            check(r.status == 200, f"POST /mailbox gave {r.status}")
        status, body, _ = await asyncio.wait_for(receive(), timeout=5)
        check(status == 500, f"under WASI 0.2 a request got another's message: {status} {body!r}")
        print("under WASI 0.2 the mailbox's message stayed in its own instance; the GET's "
              "instance, with nothing to wait for, ended with a 500")
        return
    for attempt in range(10):
        await asyncio.sleep(IDLE_TIMEOUT + 0.5)
        waiting = asyncio.ensure_future(receive())
        await asyncio.sleep(0.2)
        async with session.post(f"{base}/mailbox", data=f"hello {attempt}".encode()) as r:
            check(r.status == 200, f"POST /mailbox gave {r.status}")
            posted_on = r.headers.get("x-instance")
        sent_at = time.monotonic()
        done, _ = await asyncio.wait([waiting], timeout=1.0)
        if not done:
            waiting.cancel()  # it waits on another instance, whose mailbox is empty
            continue
        status, body, received_on = waiting.result()
        took = time.monotonic() - sent_at
        check((status, body) == (200, f"hello {attempt}"), f"GET /mailbox: {status} {body!r}")
        check(received_on == posted_on, f"delivered across instances: {received_on}, {posted_on}")
        print(f"one request woke another waiting on the same instance in {took * 1000:.0f} ms "
              f"(attempt {attempt + 1})")
        return
    raise AssertionError("the waiting and the posting request never shared an instance")


async def stats_on(session, base, instance):
    """The counters of `instance`, asked until a request reaches it."""
    for _ in range(50):
        seen, counters = await stats(session, base)
        if seen == instance:
            return seen, counters
    raise AssertionError(f"no request reached instance {instance}")


# wasmtime serve drops an instance idle this long (its --idle-instance-timeout default), so
# that the host's pool is down to one instance for the checks that need one.
IDLE_TIMEOUT = 1.0


async def panics(session, base):
    """/panic while a slow request runs: what each backend loses."""
    if PANIC == "unwind":
        return await unwound(session, base)
    for attempt in range(10):
        await asyncio.sleep(IDLE_TIMEOUT + 0.5)
        async with session.get(f"{base}/") as r:
            instance = r.headers.get("x-instance")
        slow = asyncio.ensure_future(get(session, f"{base}/sleep?ms=500"))
        await asyncio.sleep(0.1)
        status, body, _, _ = await get(session, f"{base}/panic")
        check(status == 500, f"/panic gave {status} {body!r}")
        slow_status, _, slow_on, _ = await slow
        if BACKEND == "p2":
            check(slow_status == 200, f"under WASI 0.2 a panic cost another request: {slow_status}")
        elif slow_on is None and slow_status == 500:
            status, _, after, number = await get(session, f"{base}/")
            check(status == 200, f"after a panic: {status}")
            check(after != instance, f"the instance that panicked answered again: {after}")
            check(number == 1, f"the next instance is fresh: x-request {number}")
        else:
            continue  # the slow request went to another instance: try again
        print(f"a panic: 500, and the slow request beside it gave {slow_status} ({BACKEND})")
        return
    raise AssertionError("the slow request and the panic never shared an instance")


async def unwound(session, base):
    """/panic while a slow request runs on the same instance, in a build whose panics unwind:
    wasio answers it with a 500 of its own, the slow request is answered, and the instance
    serves the next request. (The 500 leaves the panicking request's middleware behind, so it
    names no instance: the requests around it say which instance counted it.)"""
    for attempt in range(10):
        await asyncio.sleep(IDLE_TIMEOUT + 0.5)
        slow = asyncio.ensure_future(get(session, f"{base}/sleep?ms=500"))
        await asyncio.sleep(0.1)
        status, body, _, _ = await get(session, f"{base}/panic")
        check((status, body) == (500, "500 Internal Server Error"), f"/panic: {status} {body!r}")
        slow_status, _, slow_on, slow_number = await slow
        check(slow_status == 200, f"the request beside a contained panic: {slow_status}")
        status, _, after, after_number = await get(session, f"{base}/")
        check(status == 200, f"after a contained panic: {status}")
        if BACKEND == "p3" and (after, after_number) != (slow_on, slow_number + 2):
            continue  # the three requests did not all go to one instance: try again
        print(f"a panic that unwinds: wasio's 500, and the slow request beside it gave "
              f"{slow_status} ({BACKEND}; attempt {attempt + 1})")
        return
    raise AssertionError("the slow request, the panic and the next request never shared an "
                         "instance")


async def scenario(base):
    async with aiohttp.ClientSession() as session:
        if BACKEND == "p3":
            await p3_state(session, base)
        await startup_once(session, base)
        await concurrency(session, base)
        await asyncio.sleep(IDLE_TIMEOUT + 0.5)
        _, later_on = await errors_and_background(session, base)
        if BACKEND == "p3":
            await p3_background(session, base, later_on)
            await p3_streams(session, base)
        else:
            await p2_checks(session, base)
        await mailbox(session, base)
        await panics(session, base)


def main():
    process, base = wasmtime_serve(WASM, "serve_state")
    run_checks(f"serve_state ({BACKEND}, panics {PANIC}, {base})", process, scenario(base))
    print(f"serve_state under wasmtime serve ({BACKEND}, panics {PANIC}): instances behaved as "
          "documented")


main()
