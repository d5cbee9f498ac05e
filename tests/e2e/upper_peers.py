"""The Python WebSocket servers the wasio clients talk to in the end-to-end suites: each
answers a text message with the same text in upper case, so that a client can tell the
answer from its own message."""

import aiohttp
import aiohttp.web


async def websockets_upper(ws):
    """A websockets server's handler."""
    async for message in ws:
        await ws.send(message.upper())


async def aiohttp_upper(request):
    """An aiohttp route's handler."""
    ws = aiohttp.web.WebSocketResponse()
    await ws.prepare(request)
    async for msg in ws:
        if msg.type == aiohttp.WSMsgType.TEXT:
            await ws.send_str(msg.data.upper())
    return ws
