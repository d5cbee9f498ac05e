//! `Agreed`: what a negotiation settled, each side's compressor, and the compressor and
//! decompressor one end builds from it.

use super::{Compressor, Decompressor};
use crate::ws::Role;

/// How one side compresses what it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Direction {
    /// The largest window it compresses with, 8 to 15 bits.
    pub window_bits: u8,
    /// It compresses each message on its own.
    pub no_context_takeover: bool,
}

impl Direction {
    /// A full window and context takeover: what applies when nothing limits it.
    pub(super) const UNLIMITED: Direction = Direction {
        window_bits: 15,
        no_context_takeover: false,
    };
}

/// permessage-deflate as both ends agreed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Agreed {
    /// How the server compresses.
    pub server: Direction,
    /// How the client compresses.
    pub client: Direction,
}

impl Agreed {
    /// The compressor of the end with `role`, at `level`.
    pub fn compressor(&self, role: Role, level: u32) -> Compressor {
        let own = self.side(role);
        Compressor::new(level, own.window_bits, own.no_context_takeover)
    }

    /// The decompressor of the end with `role`, for what the other end compresses.
    pub fn decompressor(&self, role: Role) -> Decompressor {
        let peer = match role {
            Role::Client => self.server,
            Role::Server => self.client,
        };
        Decompressor::new(peer.window_bits, peer.no_context_takeover)
    }

    fn side(&self, role: Role) -> Direction {
        match role {
            Role::Client => self.client,
            Role::Server => self.server,
        }
    }
}
