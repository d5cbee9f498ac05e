//! The monotonic clock, in nanoseconds.

/// Now, on `wasi:clocks/monotonic-clock`.
pub(crate) fn now() -> u64 {
    wasip2::clocks::monotonic_clock::now()
}
