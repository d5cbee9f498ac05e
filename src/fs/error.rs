//! `Error`: what a file operation ran into, with the path it was about.

use std::fmt;
use std::io;

/// What kind of failure an [`Error`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// No such file or directory (`no-entry`).
    NotFound,
    /// The host refused access (`access`, `read-only`).
    PermissionDenied,
    /// The path leaves the preopened directory it was resolved in (through `..`, or a
    /// symbolic link to somewhere outside it): WASI's sandbox refuses it (`not-permitted`).
    OutsideSandbox,
    /// No directory the host preopened holds the path (for wasmtime: `--dir HOST::GUEST`).
    NoPreopen,
    /// The path names a directory where a file was expected (`is-directory`).
    IsADirectory,
    /// A step of the path is not a directory (`not-directory`).
    NotADirectory,
    /// The file exists already (`exist`).
    AlreadyExists,
    /// The path is not valid here: too long, a loop of links, bytes the host cannot take
    /// (`invalid`, `name-too-long`, `loop`, `illegal-byte-sequence`).
    InvalidPath,
    /// No space left (`insufficient-space`, `quota`, `file-too-large`).
    NoSpace,
    /// Anything else.
    Other,
}

/// What a file operation ran into: its [`ErrorKind`], the path it was about and, when the
/// host gave one, the `wasi:filesystem` `error-code` name.
///
/// ```no_run
/// # wasio::run(async {
/// use wasio::fs::{ErrorKind, File};
///
/// match File::open("/data/missing.txt").await {
///     Err(error) if error.kind() == ErrorKind::NotFound => println!("{error}"),
///     other => println!("{other:?}"),
/// }
/// # });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    path: String,
    code: Option<&'static str>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, path: &str, code: Option<&'static str>) -> Error {
        Error {
            kind,
            path: path.to_owned(),
            code,
        }
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The path the operation was about, as given.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The `wasi:filesystem` `error-code` the host answered (`"no-entry"`, `"access"`, ...),
    /// if the error came from the host.
    pub fn code(&self) -> Option<&'static str> {
        self.code
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            ErrorKind::NotFound => "no such file or directory",
            ErrorKind::PermissionDenied => "permission denied",
            ErrorKind::OutsideSandbox => "the path leads out of its preopened directory",
            ErrorKind::NoPreopen => {
                "no preopened directory holds this path (for wasmtime: --dir HOST::GUEST)"
            }
            ErrorKind::IsADirectory => "is a directory",
            ErrorKind::NotADirectory => "not a directory",
            ErrorKind::AlreadyExists => "already exists",
            ErrorKind::InvalidPath => "invalid path",
            ErrorKind::NoSpace => "no space left",
            ErrorKind::Other => "file system error",
        };
        write!(f, "{}: {what}", self.path)?;
        match self.code {
            Some(code) => write!(f, " (wasi:filesystem error-code {code})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for io::Error {
    fn from(error: Error) -> io::Error {
        let kind = match error.kind {
            ErrorKind::NotFound | ErrorKind::NoPreopen => io::ErrorKind::NotFound,
            ErrorKind::PermissionDenied | ErrorKind::OutsideSandbox => {
                io::ErrorKind::PermissionDenied
            }
            ErrorKind::IsADirectory => io::ErrorKind::IsADirectory,
            ErrorKind::NotADirectory => io::ErrorKind::NotADirectory,
            ErrorKind::AlreadyExists => io::ErrorKind::AlreadyExists,
            ErrorKind::InvalidPath => io::ErrorKind::InvalidInput,
            ErrorKind::NoSpace => io::ErrorKind::StorageFull,
            ErrorKind::Other => io::ErrorKind::Other,
        };
        io::Error::new(kind, error)
    }
}
