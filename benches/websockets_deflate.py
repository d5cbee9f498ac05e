#!/usr/bin/env python3
"""The websockets side of the compressed WebSocket codec benchmark (scripts/bench --only codec):
Python websockets' permessage-deflate on the messages wasio's benches/ws_codec.rs compresses,
through websockets' public framing API (`websockets.frames.Frame`, `PerMessageDeflate`), in
payload MB/s (1 MB = 10^6 bytes, before compression).

    python benches/websockets_deflate.py <encode|decode> <payload bytes>

The messages: 64 JSON-like text messages of the given size from the generator of
benches/shared/json_like.rs (the same bytes, checked for 16 KiB by their FNV-1a), cycled.
The extension as ws_codec.rs agrees on it: 15-bit windows and context takeover both ways, at
zlib's default level (6) and memLevel (8), what `PerMessageDeflate` without compress_settings
uses (websockets' own negotiation would ask for 12-bit windows and memLevel 5).

- encode: a client compresses, frames and masks each message (`Frame.serialize` with the
  extension, a random mask per frame).
- decode: a server parses, unmasks and inflates the frames (`Frame.parse` with the extension,
  reading from a `StreamReader` fed the whole wire) that encode made of the same messages, in
  the same order, from a fresh extension every pass, and decodes each text from UTF-8 (as
  websockets' `recv` does). Every message is compared once before timing.

Prints the median of 7 rounds of at least 200 ms after a warm-up round, as ws_codec.rs does.
"""

import statistics
import sys
import time

from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

ROUNDS = 7
ROUND_TIME = 0.2
PASS_BYTES = 16 << 20
POOL = 64
# fnv1a of the 64 messages of 16 KiB, as fixed in benches/ws_codec.rs.
POOL_16K_FNV = 0x97A4786BCCEFB40B

WORDS = [
    "hello", "world", "message", "channel", "update", "status", "online", "typing", "reply",
    "thread", "ok", "thanks", "see", "you", "soon", "again",
]
TAGS = ["red", "green", "blue", "admin", "guest", "new", "vip", "bot"]
MASK64 = (1 << 64) - 1


def messages(count, size):
    """benches/shared/json_like.rs's `messages`, byte for byte."""
    state = [0x853C49E6748FEA9B]

    def next_():
        s = state[0]
        s ^= (s << 13) & MASK64
        s ^= s >> 7
        s ^= (s << 17) & MASK64
        state[0] = s
        return s

    out_all = []
    id_ = 0
    for _ in range(count):
        out = bytearray(b"[")
        while True:
            r = next_()
            words = 3 + (r >> 48) % 6
            text = " ".join(WORDS[next_() % 16] for _ in range(words))
            record = (
                f'{{"id":{id_},"user":"user{r % 10000:04}","active":{"true" if (r >> 16) & 1 else "false"},'
                f'"score":{(r >> 20) % 1000}.{(r >> 32) % 100:02},'
                f'"tags":["{TAGS[(r >> 40) % 8]}","{TAGS[(r >> 44) % 8]}"],"text":"{text}"}}'
            ).encode()
            if len(out) + len(record) + 2 > size:
                break
            if len(out) > 1:
                out += b","
            out += record
            id_ += 1
        out += b"]"
        out += b" " * (max(size, 2) - len(out))
        out_all.append(bytes(out))
    return out_all


def fnv1a(chunks):
    h = 0xCBF29CE484222325
    for chunk in chunks:
        for byte in chunk:
            h = ((h ^ byte) * 0x100000001B3) & MASK64
    return h


def extension():
    return PerMessageDeflate(False, False, 15, 15)


def run_parser(parser):
    """Drives one of websockets' generator-based parsers, whose input is all there."""
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("the parser wants more data")


def main():
    workload, size = sys.argv[1], int(sys.argv[2])
    pool = messages(POOL, size)
    if size == 16 * 1024:
        assert fnv1a(pool) == POOL_16K_FNV, "the messages changed"
    count = max(1, min(PASS_BYTES // max(size, 1), 200_000))
    sequence = [pool[i % POOL] for i in range(count)]

    if workload == "encode":
        client = extension()

        def one_pass():
            for data in sequence:
                wire = Frame(Opcode.TEXT, data).serialize(mask=True, extensions=[client])
                assert wire
            return count * size

    elif workload == "decode":
        client = extension()
        wire = b"".join(Frame(Opcode.TEXT, data).serialize(mask=True, extensions=[client]) for data in sequence)

        def decode(check):
            server = extension()
            reader = StreamReader()
            reader.feed_data(wire)
            decoded = 0
            for index in range(count):
                frame = run_parser(Frame.parse(reader.read_exact, mask=True, max_size=None, extensions=[server]))
                text = frame.data.decode()
                check(index, frame, text)
                decoded += len(frame.data)
            assert not reader.buffer
            return decoded

        def first(index, frame, text):
            assert frame.opcode == Opcode.TEXT and frame.fin and frame.data == sequence[index]

        decode(first)

        def one_pass():
            return decode(lambda index, frame, text: len(text) == size or sys.exit("wrong length"))

    else:
        sys.exit("usage: websockets_deflate.py <encode|decode> <payload bytes>")

    rates = []
    for _ in range(ROUNDS + 1):
        start = time.perf_counter()
        done = 0
        while time.perf_counter() - start < ROUND_TIME:
            done += one_pass()
        rates.append(done / (time.perf_counter() - start) / 1e6)
    print(f"{statistics.median(rates[1:]):.1f} MB/s")


if __name__ == "__main__":
    main()
