//! `Metadata`: a file's type, size and modification time.

use std::time::{Duration, SystemTime};

/// What a path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileType {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link (only [`symlink_metadata`](crate::fs::symlink_metadata) sees one: the
    /// other calls follow links).
    Symlink,
    /// Anything else: a device, a FIFO, a socket, or a type the host does not say.
    Other,
}

/// A file's type, size and modification time, as the host reports them (`stat`).
///
/// ```no_run
/// # wasio::run(async {
/// let metadata = wasio::fs::metadata("/data/report.csv").await.unwrap();
/// if metadata.is_file() {
///     println!("{} bytes, modified {:?}", metadata.len(), metadata.modified());
/// }
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Metadata {
    file_type: FileType,
    len: u64,
    modified: Option<SystemTime>,
}

impl Metadata {
    pub(crate) fn new(file_type: FileType, len: u64, modified: Option<SystemTime>) -> Metadata {
        Metadata {
            file_type,
            len,
            modified,
        }
    }

    /// What the path names.
    pub fn file_type(&self) -> FileType {
        self.file_type
    }

    /// Whether it is a regular file.
    pub fn is_file(&self) -> bool {
        self.file_type == FileType::File
    }

    /// Whether it is a directory.
    pub fn is_dir(&self) -> bool {
        self.file_type == FileType::Directory
    }

    /// Whether it is a symbolic link.
    pub fn is_symlink(&self) -> bool {
        self.file_type == FileType::Symlink
    }

    /// The size in bytes (of a link: the length of the path it holds).
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the size is zero.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// When the contents last changed, if the host keeps that time.
    pub fn modified(&self) -> Option<SystemTime> {
        self.modified
    }
}

/// A time given as seconds and nanoseconds from the Unix epoch (before it when negative).
pub(crate) fn unix_time(seconds: i64, nanoseconds: u32) -> Option<SystemTime> {
    let since = Duration::new(seconds.unsigned_abs(), 0);
    let time = if seconds >= 0 {
        SystemTime::UNIX_EPOCH.checked_add(since)?
    } else {
        SystemTime::UNIX_EPOCH.checked_sub(since)?
    };
    time.checked_add(Duration::from_nanos(u64::from(nanoseconds)))
}
