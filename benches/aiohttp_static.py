#!/usr/bin/env python3
"""The aiohttp side of the static files benchmark: `add_static("/static", DIR)` in one Python
process on its own socket, as benches/static_files.rs serves DIR with wasio.

    python benches/aiohttp_static.py PORT DIR
"""

import sys

from aiohttp import web

app = web.Application()
app.router.add_static("/static", sys.argv[2])
print(f"listening on 127.0.0.1:{sys.argv[1]}", flush=True)
web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)
