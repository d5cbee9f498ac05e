#!/usr/bin/env python3
"""The aiohttp side of the HTTP client benchmark: rounds of concurrent GETs with one
ClientSession (no connection limit), printing the median wall time of a round.

    python benches/aiohttp_client.py URL CONCURRENT
"""

import asyncio
import statistics
import sys
import time

import aiohttp

ROUNDS = 9


async def main(url, n):
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def get():
            async with session.get(url) as response:
                body = await response.read()
                assert len(body) == 1024, len(body)

        times = []
        for i in range(ROUNDS + 1):
            start = time.perf_counter()
            await asyncio.gather(*(get() for _ in range(n)))
            if i:
                times.append(time.perf_counter() - start)
    print(f"{statistics.median(times) * 1e3:.2f} ms")


asyncio.run(main(sys.argv[1], int(sys.argv[2])))
