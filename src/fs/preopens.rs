//! The preopened directories, asked of the host once per instance, and the lookup of the
//! one that holds a path.

use std::cell::OnceCell;
use std::rc::Rc;

use super::error::{Error, ErrorKind};
use super::path::resolve;
use crate::sys::fs::Descriptor;

/// The preopened directories and their guest paths.
type Preopens = Rc<Vec<(Rc<Descriptor>, String)>>;

thread_local! {
    /// The host's preopens, kept: each `get-directories` call would make new handles.
    static PREOPENS: OnceCell<Preopens> = const { OnceCell::new() };
}

/// The preopened directory that holds `path`, and `path` relative to it.
pub(crate) fn locate(path: &str) -> Result<(Rc<Descriptor>, String), Error> {
    let preopens = PREOPENS.with(|cell| {
        cell.get_or_init(|| {
            let dirs = crate::sys::fs::preopens();
            Rc::new(dirs.into_iter().map(|(d, n)| (Rc::new(d), n)).collect())
        })
        .clone()
    });
    let (index, rest) = resolve(path, preopens.iter().map(|(_, name)| name.as_str()))
        .ok_or_else(|| Error::new(ErrorKind::NoPreopen, path, None))?;
    Ok((preopens[index].0.clone(), rest.to_owned()))
}
