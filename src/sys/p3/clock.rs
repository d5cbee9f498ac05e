//! The monotonic clock, in nanoseconds.

/// Now, on `wasi:clocks/monotonic-clock@0.3.0`.
pub(crate) fn now() -> u64 {
    wasip3::clocks::monotonic_clock::now()
}
