//! Time: [`sleep`], [`timeout`] (`asyncio.wait_for`), [`interval`] and [`Instant`].
//!
//! All timers of a runtime share one deadline structure, and only the earliest deadline is a
//! `wasi:clocks/monotonic-clock` pollable in the reactor's `poll` list.

mod instant;
mod interval;
mod sleep;
mod timeout;

pub use instant::Instant;
pub use interval::{Interval, MissedTicks, interval, interval_at};
pub use sleep::{Sleep, sleep, sleep_until};
pub use std::time::Duration;
pub use timeout::{Elapsed, Timeout, timeout, timeout_at};
