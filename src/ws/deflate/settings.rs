//! `PerMessageDeflate`: how much this end compresses and what it asks of the peer.

/// The settings of permessage-deflate (RFC 7692) for one end, given to
/// [`Config::compression`](crate::ws::Config::compression).
///
/// A server accepts the first offer of the client it can honour, with these limits; a
/// client offers them. The defaults: level 6 (zlib's), windows of 15 bits both ways, and
/// context takeover both ways (the best compression).
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
/// one of each: about 420 KiB at the defaults, 290 KiB at the smallest window.
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
            level: 6,
            window_bits: 15,
            peer_window_bits: 15,
            no_context_takeover: false,
            peer_no_context_takeover: false,
        }
    }
}

impl PerMessageDeflate {
    /// The defaults: level 6, 15-bit windows, context takeover.
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
