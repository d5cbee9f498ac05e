//! Files in the directory the cargo runner preopens: `tests/files` as `/files`.

mod errors;
mod read;
mod write;

use std::hash::{BuildHasher, RandomState};

/// A path in the scratch directory for `name`, unique to this run (tests run side by side).
pub(crate) fn scratch(name: &str) -> String {
    let unique = RandomState::new().hash_one(name);
    format!("/files/scratch/{name}-{unique:016x}")
}
