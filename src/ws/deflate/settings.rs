//! `PerMessageDeflate`: how much this end compresses and what it asks of the peer.

/// The settings of permessage-deflate (RFC 7692) for one end, given to
/// [`Config::compression`](crate::ws::Config::compression).
///
/// A server accepts the first offer of the client it can honour, with these limits; a
/// client offers them. The defaults are chosen for a server with many connections:
///
/// - level 1, zlib's fastest (aiohttp's choice for WebSockets);
/// - a 12-bit (4 KiB) window for what this end compresses (the server's choice in Python
///   `websockets`), answered as `server_max_window_bits=12` or offered as
///   `client_max_window_bits=12`;
/// - any window (15 bits) accepted from the peer;
/// - context takeover both ways.
///
/// With a hundred connections each compressing in turn, a compressor's tables no longer stay
/// in the processor's cache, and a smaller window touches less of them: on 16 KiB JSON-like
/// messages (the echo of `scripts/bench --only ws`) level 1 with a 12-bit window echoes about
/// 4 times as many messages a second as level 6 with a 15-bit one, and sends 85% more bytes
/// (4 896 against 2 642 a message; 304 against 190 for 1 KiB messages). Choose
/// [`level`](Self::level) 6 and [`window_bits`](Self::window_bits) 15 for the smallest
/// messages.
///
/// # Memory per connection
///
/// Both are allocated when the connection opens and kept until it ends (without context
/// takeover they are reset after each message, not freed). zlib's formula for a compressor
/// is `(1 << (window_bits + 2)) + (1 << (memLevel + 9))` bytes (memLevel is 8 in `flate2`),
/// and for a decompressor `1 << window_bits` plus about 7 KiB. zlib-rs 0.6.9, which wasio
/// uses, needs more; counted with an allocator that sums the live bytes (native build,
/// level 6):
///
/// | window bits | compressor | decompressor |
/// |---|---|---|
/// | 15 | 371 KiB | 46 KiB |
/// | 14 | 307 KiB | 46 KiB |
/// | 13 | 275 KiB | 46 KiB |
/// | 12 | 259 KiB | 46 KiB |
/// | 11 | 251 KiB | 46 KiB |
/// | 10 | 247 KiB | 46 KiB |
/// | 9 | 245 KiB | 46 KiB |
///
/// The compressor follows zlib's formula (four bytes per window byte) on a base of 243 KiB;
/// zlib-rs's decompressor keeps a 32 KiB window whatever the window bits. A connection has
/// one of each: about 305 KiB at the defaults, 420 KiB with 15-bit windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PerMessageDeflate {
    level: u32,
    window_bits: u8,
    peer_window_bits: u8,
    no_context_takeover: bool,
    peer_no_context_takeover: bool,
}

impl Default for PerMessageDeflate {
    fn default() -> Self {
        PerMessageDeflate {
            level: 1,
            window_bits: 12,
            peer_window_bits: 15,
            no_context_takeover: false,
            peer_no_context_takeover: false,
        }
    }
}

impl PerMessageDeflate {
    /// The defaults: level 1, a 12-bit window for this end, any window from the peer,
    /// context takeover.
    pub fn new() -> PerMessageDeflate {
        PerMessageDeflate::default()
    }

    /// The compression level, 0 (stored, no compression) to 9 (smallest, slowest); larger
    /// values count as 9.
    pub fn level(mut self, level: u32) -> PerMessageDeflate {
        self.level = level.min(9);
        self
    }

    /// The largest window this end compresses with, 9 to 15 bits (values outside are
    /// clamped; 8 is not offered, as zlib cannot compress with it). A client offers it as
    /// `client_max_window_bits`, a server answers with `server_max_window_bits`.
    pub fn window_bits(mut self, bits: u8) -> PerMessageDeflate {
        self.window_bits = bits.clamp(9, 15);
        self
    }

    /// The largest window this end asks the peer to compress with, 9 to 15 bits (15 asks
    /// nothing): it bounds this end's decompressor. A client offers it as
    /// `server_max_window_bits` (a server that cannot honour it declines compression); a
    /// server answers it as `client_max_window_bits` when the client allows that.
    pub fn peer_window_bits(mut self, bits: u8) -> PerMessageDeflate {
        self.peer_window_bits = bits.clamp(9, 15);
        self
    }

    /// Whether this end compresses each message on its own (`*_no_context_takeover` for
    /// its side): less compression of similar messages, no memory saved.
    pub fn no_context_takeover(mut self, on: bool) -> PerMessageDeflate {
        self.no_context_takeover = on;
        self
    }

    /// Whether this end asks the peer to compress each message on its own.
    pub fn peer_no_context_takeover(mut self, on: bool) -> PerMessageDeflate {
        self.peer_no_context_takeover = on;
        self
    }

    /// The compression level.
    pub fn compression_level(&self) -> u32 {
        self.level
    }

    pub(super) fn own_window(&self) -> u8 {
        self.window_bits
    }

    pub(super) fn peer_window(&self) -> u8 {
        self.peer_window_bits
    }

    pub(super) fn own_reset(&self) -> bool {
        self.no_context_takeover
    }

    pub(super) fn peer_reset(&self) -> bool {
        self.peer_no_context_takeover
    }
}
