#!/usr/bin/env python3
"""The aiohttp side of the multipart upload benchmark: the same route as
benches/upload_server.rs, in one Python process on its own socket, as aiohttp's documentation
writes an upload handler: `await request.multipart()`, each file part read a chunk at a time
and written to a file of its own in DIR.

    python benches/aiohttp_upload.py PORT DIR
"""

import os
import sys

from aiohttp import web


async def upload(request):
    reader = await request.multipart()
    sizes, files = [], 0
    while (part := await reader.next()) is not None:
        size = 0
        if part.filename is not None:
            files += 1
            with open(os.path.join(request.app["dir"], f"{files}.bin"), "wb") as file:
                while chunk := await part.read_chunk():
                    size += len(chunk)
                    file.write(chunk)
        else:
            while chunk := await part.read_chunk():
                size += len(chunk)
        sizes.append([part.name, size])
    return web.json_response(sizes)


def main():
    app = web.Application()
    app["dir"] = sys.argv[2]
    app.router.add_post("/upload", upload)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), access_log=None, print=None)


if __name__ == "__main__":
    main()
