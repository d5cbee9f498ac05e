//! Combining futures: gather, wait for the first, or take results as they come.
//!
//! | asyncio | wasio |
//! |---|---|
//! | `asyncio.gather(a, b)` | [`zip`] (two futures), [`join_all`] (any number, same type) |
//! | `gather` that stops at the first exception | [`try_zip`], [`try_join_all`] |
//! | `asyncio.wait(aws, return_when=..., timeout=...)` | [`wait`] with [`ReturnWhen`]: `(done, pending)` |
//! | `FIRST_COMPLETED`, the others dropped | [`race`] / [`or`] (two of one type), [`race_all`] |
//! | `FIRST_COMPLETED` of two of any types, the other kept | [`select`] → [`Either`] |
//! | `asyncio.as_completed(aws)` | [`as_completed`] (a stream) |
//! | `asyncio.wait_for(aw, t)` | [`time::timeout`](crate::time::timeout) |
//! | `asyncio.shield(aw)` | [`shield`] (the work as a task of its own) |
//!
//! These run their futures inside the awaiting task (but `shield`, which spawns); to run
//! futures as tasks of their own, [`spawn`](crate::spawn) them or use a
//! [`TaskGroup`](crate::runtime::TaskGroup), and `wait` or `select` on their
//! [`JoinHandle`](crate::runtime::JoinHandle)s. The futures left when one of these completes
//! early are dropped, which cancels them (`race_all`, `try_join_all`), or given back (`wait`,
//! `select`).

mod combinators;
mod unordered;
mod wait;

pub use combinators::{
    AsCompleted, JoinAll, RaceAll, TryJoinAll, as_completed, join_all, race_all, try_join_all,
};
pub use futures_lite::future::{or, race, try_zip, zip};
pub use wait::{Either, ReturnWhen, Select, Wait, Waited, select, shield, wait};
