//! Masking keys for a client's frames, from `wasi:random`, fetched in batches.

/// Keys fetched per host call.
const BATCH: usize = 32;

/// A supply of unpredictable masking keys (RFC 6455, section 5.3).
#[derive(Debug, Default)]
pub(super) struct Masks {
    keys: Vec<[u8; 4]>,
}

impl Masks {
    /// The next key; every [`BATCH`] keys cost one `get-random-bytes` call.
    pub(super) fn next(&mut self) -> [u8; 4] {
        if self.keys.is_empty() {
            let bytes = crate::sys::random::bytes((BATCH * 4) as u64);
            self.keys = bytes
                .chunks_exact(4)
                .map(|key| [key[0], key[1], key[2], key[3]])
                .collect();
        }
        self.keys.pop().unwrap_or_default()
    }
}
