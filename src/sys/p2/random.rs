//! Secure random bytes.

/// `len` bytes from `wasi:random/random` (the host may give fewer; callers check).
pub(crate) fn bytes(len: u64) -> Vec<u8> {
    wasip2::random::random::get_random_bytes(len)
}
