//! Files over `wasi:filesystem@0.2`: preopened directories, opening, `stat`, and a file's
//! contents as `wasi:io` streams (read with `blocking-read`, written with
//! `blocking-write-and-flush`).

use wasip2::filesystem::preopens::get_directories;
use wasip2::filesystem::types::{
    self, DescriptorFlags, DescriptorStat, DescriptorType, ErrorCode, OpenFlags, PathFlags,
};

use crate::fs::host::{Failure, Finish, Mode};
use crate::fs::{ErrorKind, FileType, Metadata, unix_time};
use crate::sys::io::{AsyncInputStream, AsyncOutputStream};

/// An open file or directory.
pub(crate) struct Descriptor(types::Descriptor);

/// The preopened directories and their guest paths.
pub(crate) fn preopens() -> Vec<(Descriptor, String)> {
    get_directories()
        .into_iter()
        .map(|(dir, name)| (Descriptor(dir), name))
        .collect()
}

impl Descriptor {
    pub(crate) async fn open_at(&self, path: &str, mode: Mode) -> Result<Descriptor, Failure> {
        let (open, flags) = match mode {
            Mode::Read => (OpenFlags::empty(), DescriptorFlags::READ),
            Mode::Create => (
                OpenFlags::CREATE | OpenFlags::TRUNCATE,
                DescriptorFlags::WRITE,
            ),
        };
        self.0
            .open_at(PathFlags::SYMLINK_FOLLOW, path, open, flags)
            .map(Descriptor)
            .map_err(failure)
    }

    pub(crate) async fn is_dir(&self) -> Result<bool, Failure> {
        self.0
            .get_type()
            .map(|t| matches!(t, DescriptorType::Directory))
            .map_err(failure)
    }

    pub(crate) async fn metadata(&self) -> Result<Metadata, Failure> {
        self.0.stat().map(metadata).map_err(failure)
    }

    pub(crate) async fn metadata_at(&self, path: &str, follow: bool) -> Result<Metadata, Failure> {
        let flags = if follow {
            PathFlags::SYMLINK_FOLLOW
        } else {
            PathFlags::empty()
        };
        self.0.stat_at(flags, path).map(metadata).map_err(failure)
    }

    pub(crate) async fn remove_file_at(&self, path: &str) -> Result<(), Failure> {
        self.0.unlink_file_at(path).map_err(failure)
    }

    pub(crate) async fn remove_dir_at(&self, path: &str) -> Result<(), Failure> {
        self.0.remove_directory_at(path).map_err(failure)
    }

    pub(crate) async fn create_dir_at(&self, path: &str) -> Result<(), Failure> {
        self.0.create_directory_at(path).map_err(failure)
    }

    /// The contents from `offset` on, read `capacity` bytes at most per host call. The
    /// stream is a child of this descriptor: the caller drops it first.
    pub(crate) fn read_from(
        &self,
        offset: u64,
        capacity: usize,
    ) -> Result<AsyncInputStream, Failure> {
        let stream = self.0.read_via_stream(offset).map_err(failure)?;
        Ok(AsyncInputStream::for_file(stream, capacity))
    }

    /// A stream that writes from `offset` on. The stream is a child of this descriptor: the
    /// caller drops it first.
    pub(crate) fn write_from(&self, offset: u64) -> Result<(AsyncOutputStream, Finish), Failure> {
        let stream = self.0.write_via_stream(offset).map_err(failure)?;
        Ok((
            AsyncOutputStream::for_file(stream),
            Box::pin(async { Ok(()) }),
        ))
    }
}

fn metadata(stat: DescriptorStat) -> Metadata {
    let file_type = match stat.type_ {
        DescriptorType::RegularFile => FileType::File,
        DescriptorType::Directory => FileType::Directory,
        DescriptorType::SymbolicLink => FileType::Symlink,
        _ => FileType::Other,
    };
    let modified = stat
        .data_modification_timestamp
        .and_then(|time| unix_time(i64::try_from(time.seconds).ok()?, time.nanoseconds));
    Metadata::new(file_type, stat.size, modified)
}

fn failure(code: ErrorCode) -> Failure {
    let kind = match code {
        ErrorCode::NoEntry => ErrorKind::NotFound,
        ErrorCode::Access | ErrorCode::ReadOnly => ErrorKind::PermissionDenied,
        ErrorCode::NotPermitted => ErrorKind::OutsideSandbox,
        ErrorCode::IsDirectory => ErrorKind::IsADirectory,
        ErrorCode::NotDirectory => ErrorKind::NotADirectory,
        ErrorCode::Exist => ErrorKind::AlreadyExists,
        ErrorCode::Invalid
        | ErrorCode::NameTooLong
        | ErrorCode::Loop
        | ErrorCode::IllegalByteSequence => ErrorKind::InvalidPath,
        ErrorCode::InsufficientSpace | ErrorCode::Quota | ErrorCode::FileTooLarge => {
            ErrorKind::NoSpace
        }
        _ => ErrorKind::Other,
    };
    (kind, code.name())
}
