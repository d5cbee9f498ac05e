//! Combining futures: gather, wait for the first, or take results as they come.
//!
//! | asyncio | wasio |
//! |---|---|
//! | `asyncio.gather(a, b)` | [`zip`] (two futures), [`join_all`] (any number, same type) |
//! | `gather` that stops at the first exception | [`try_zip`], [`try_join_all`] |
//! | `asyncio.wait(..., return_when=FIRST_COMPLETED)` | [`race`] / [`or`] (two), [`race_all`] |
//! | `asyncio.as_completed(aws)` | [`as_completed`] (a stream) |
//! | `asyncio.wait_for(aw, t)` | [`time::timeout`](crate::time::timeout) |
//!
//! These run their futures inside the awaiting task; to run futures as tasks of their own,
//! [`spawn`](crate::spawn) them or use a [`TaskGroup`](crate::runtime::TaskGroup). The futures
//! left when one of these completes early (`race_all`, `try_join_all`) are dropped, which
//! cancels them.

mod combinators;
mod unordered;

pub use combinators::{
    AsCompleted, JoinAll, RaceAll, TryJoinAll, as_completed, join_all, race_all, try_join_all,
};
pub use futures_lite::future::{or, race, try_zip, zip};
