//! The WASI 0.2 backend: pollables and one `wasi:io/poll.poll` per turn of the loop.

pub(crate) mod clock;
pub(crate) mod driver;
pub(crate) mod fs;
pub(crate) mod http;
pub(crate) mod io;
pub(crate) mod net;
pub(crate) mod pollable;
pub(crate) mod random;
pub(crate) mod reactor;
