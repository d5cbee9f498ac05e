#!/usr/bin/env python3
"""End-to-end: the http_client example against the aiohttp peer (tests/peers/http_server.py),
which scripts/test starts and names in WASIO_TEST_HTTP_URL."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WASM = os.path.join(ROOT, "target", "wasm32-wasip2", "debug", "examples", "http_client.wasm")
base = os.environ["WASIO_TEST_HTTP_URL"]
urls = [f"{base}/status/200", f"{base}/large/1000", f"{base}/large/2000", f"{base}/status/404"]
done = subprocess.run(
    ["wasmtime", "run", "-Shttp", WASM, *urls], capture_output=True, text=True, timeout=60
)
expected = [
    "Status: 200 OK",
    "Content-type: text/plain; charset=utf-8",
    "Body: \"status 200\" ...",
    f"{urls[0]}: 10 bytes",
    f"{urls[1]}: 1000 bytes",
    f"{urls[2]}: 2000 bytes",
]
if done.stdout.splitlines() != expected:
    sys.exit(f"http_client printed:\n{done.stdout}\nexpected:\n" + "\n".join(expected))
if done.returncode != 1 or f"{urls[3]}: {urls[3]}: 404 Not Found" not in done.stderr:
    sys.exit(f"the 404 was not reported: exit {done.returncode}, stderr {done.stderr!r}")
print("http_client: fetched 3 URLs concurrently from aiohttp and reported the 404")
