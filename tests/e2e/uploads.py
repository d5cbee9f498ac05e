"""End-to-end checks of the http_server example's `/upload`: multipart uploads from aiohttp's
client (`FormData`, a file streamed from disk) and from `curl -F`: one file of 50 MiB, the
route's limit (its size and SHA-1 answered), 1 000 small fields (the default part limit), and
a file one byte past the limit, answered 413."""

import hashlib
import json
import os
import subprocess
import tempfile

import aiohttp

from processes import check

# The route's limit on a part (examples/http_server.rs: MAX_UPLOAD).
MAX_UPLOAD = 50 * 1024 * 1024


def make_file(size):
    """A file of `size` random bytes; returns (path, its SHA-1)."""
    content = os.urandom(size)
    with tempfile.NamedTemporaryFile(delete=False, suffix=".bin") as handle:
        handle.write(content)
    return handle.name, hashlib.sha1(content).hexdigest()


async def with_aiohttp(base, path, sha1):
    async with aiohttp.ClientSession() as session:
        # Text fields alone would go URL-encoded.
        form = aiohttp.FormData(default_to_multipart=True)
        for i in range(1000):
            form.add_field(f"f{i}", f"value {i}")
        async with session.post(f"{base}/upload", data=form) as r:
            check(r.status == 200, f"1000 fields gave {r.status}: {await r.text()}")
            parts = await r.json()
            expected = [(f"f{i}", len(f"value {i}")) for i in range(1000)]
            check([(p["name"], p["size"]) for p in parts] == expected, "1000 fields' sizes")
        with open(path, "rb") as file:
            form = aiohttp.FormData()
            form.add_field("title", "big")
            form.add_field("file", file, filename="big.bin", content_type="application/octet-stream")
            async with session.post(f"{base}/upload", data=form) as r:
                check(r.status == 200, f"50 MiB from aiohttp gave {r.status}: {await r.text()}")
                parts = await r.json()
        check(parts[1] == {"name": "file", "filename": "big.bin", "size": MAX_UPLOAD, "sha1": sha1},
              f"50 MiB from aiohttp: {parts}")


def with_curl(base, path, sha1, past):
    def upload(*fields):
        args = [arg for field in fields for arg in ("-F", field)]
        done = subprocess.run(
            ["curl", "-sS", "--max-time", "120", "-w", "\n%{http_code}", *args, f"{base}/upload"],
            capture_output=True, timeout=180,
        )
        body, _, status = done.stdout.decode().rpartition("\n")
        return status, body

    status, body = upload(f"file=@{path};filename=big.bin", "note=hi")
    check(status == "200", f"curl -F 50 MiB gave {status}: {body[:200]}")
    check(json.loads(body)[0] == {"name": "file", "filename": "big.bin", "size": MAX_UPLOAD, "sha1": sha1},
          f"curl -F 50 MiB: {body[:300]}")
    status, body = upload(f"file=@{past}")
    check(status == "413", f"a file past the limit gave {status}: {body[:200]}")
    check("a part is larger than" in body, f"the 413 says why: {body[:200]}")
    fields = [f"f{i}=v" for i in range(1001)]
    status, body = upload(*fields)
    check(status == "413" and "more than 1000 parts" in body, f"1001 fields gave {status}: {body[:200]}")


async def uploads(base):
    """Every upload check against the example at `base`."""
    path, sha1 = make_file(MAX_UPLOAD)
    past, _ = make_file(MAX_UPLOAD + 1)
    try:
        await with_aiohttp(base, path, sha1)
        with_curl(base, path, sha1, past)
    finally:
        os.unlink(path)
        os.unlink(past)
