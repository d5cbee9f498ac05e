//! Files over `wasi:filesystem@0.3`: preopened directories, opening, `stat`, and a file's
//! contents as `stream<u8>`s (`read-via-stream`, and `write-via-stream` fed by a stream of
//! wasio's own), whose futures report how they ended.

use std::io;
use std::rc::Rc;

use wasip3::filesystem::preopens::get_directories;
use wasip3::filesystem::types::{
    self, DescriptorFlags, DescriptorStat, DescriptorType, ErrorCode, OpenFlags, PathFlags,
};
use wasip3::wit_stream;

use crate::fs::host::{Failure, Finish, Mode};
use crate::fs::{Error, ErrorKind, FileType, Metadata, unix_time};
use crate::sys::io::{AsyncInputStream, AsyncOutputStream};

/// How many bytes a file's stream gathers before the host writes them: with 256 KiB a
/// 50 MiB upload went to disk about 10% faster than with a socket's 64 KiB.
const WRITE_BATCH: usize = 256 * 1024;

/// An open file or directory.
pub(crate) struct Descriptor(Rc<types::Descriptor>);

/// The preopened directories and their guest paths.
pub(crate) fn preopens() -> Vec<(Descriptor, String)> {
    get_directories()
        .into_iter()
        .map(|(dir, name)| (Descriptor(Rc::new(dir)), name))
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
            .open_at(PathFlags::SYMLINK_FOLLOW, path.to_owned(), open, flags)
            .await
            .map(|file| Descriptor(Rc::new(file)))
            .map_err(failure)
    }

    pub(crate) async fn is_dir(&self) -> Result<bool, Failure> {
        self.0
            .get_type()
            .await
            .map(|t| matches!(t, DescriptorType::Directory))
            .map_err(failure)
    }

    pub(crate) async fn metadata(&self) -> Result<Metadata, Failure> {
        self.0.stat().await.map(metadata).map_err(failure)
    }

    pub(crate) async fn metadata_at(&self, path: &str, follow: bool) -> Result<Metadata, Failure> {
        let flags = if follow {
            PathFlags::SYMLINK_FOLLOW
        } else {
            PathFlags::empty()
        };
        self.0
            .stat_at(flags, path.to_owned())
            .await
            .map(metadata)
            .map_err(failure)
    }

    pub(crate) async fn remove_file_at(&self, path: &str) -> Result<(), Failure> {
        self.0
            .unlink_file_at(path.to_owned())
            .await
            .map_err(failure)
    }

    pub(crate) async fn remove_dir_at(&self, path: &str) -> Result<(), Failure> {
        self.0
            .remove_directory_at(path.to_owned())
            .await
            .map_err(failure)
    }

    pub(crate) async fn create_dir_at(&self, path: &str) -> Result<(), Failure> {
        self.0
            .create_directory_at(path.to_owned())
            .await
            .map_err(failure)
    }

    /// The contents from `offset` on, read `capacity` bytes at most per host read; a
    /// failure of the host's ends the stream with an error.
    pub(crate) fn read_from(
        &self,
        offset: u64,
        capacity: usize,
    ) -> Result<AsyncInputStream, Failure> {
        let (stream, result) = self.0.read_via_stream(offset);
        let ending = Box::pin(async move { result.await.map_err(io_error) });
        let mut input = AsyncInputStream::with_ending(stream, ending);
        input.capacity = capacity.max(1);
        Ok(input)
    }

    /// A stream that writes from `offset` on, and what the host reports once it has ended.
    pub(crate) fn write_from(&self, offset: u64) -> Result<(AsyncOutputStream, Finish), Failure> {
        let (writer, reader) = wit_stream::new();
        let result = self.0.write_via_stream(reader, offset);
        let output = AsyncOutputStream::with_capacity(writer, WRITE_BATCH);
        output.keep_owner(self.0.clone());
        Ok((
            output,
            Box::pin(async move { result.await.map_err(io_error) }),
        ))
    }
}

fn io_error(code: ErrorCode) -> io::Error {
    let (kind, name) = failure(code);
    Error::new(kind, "(an open file)", Some(name)).into()
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
        .and_then(|time| unix_time(time.seconds, time.nanoseconds));
    Metadata::new(file_type, stat.size, modified)
}

fn failure(code: ErrorCode) -> Failure {
    use ErrorCode as C;
    let (kind, name) = match code {
        C::NoEntry => (ErrorKind::NotFound, "no-entry"),
        C::Access => (ErrorKind::PermissionDenied, "access"),
        C::ReadOnly => (ErrorKind::PermissionDenied, "read-only"),
        C::NotPermitted => (ErrorKind::OutsideSandbox, "not-permitted"),
        C::IsDirectory => (ErrorKind::IsADirectory, "is-directory"),
        C::NotDirectory => (ErrorKind::NotADirectory, "not-directory"),
        C::Exist => (ErrorKind::AlreadyExists, "exist"),
        C::Invalid => (ErrorKind::InvalidPath, "invalid"),
        C::NameTooLong => (ErrorKind::InvalidPath, "name-too-long"),
        C::Loop => (ErrorKind::InvalidPath, "loop"),
        C::IllegalByteSequence => (ErrorKind::InvalidPath, "illegal-byte-sequence"),
        C::InsufficientSpace => (ErrorKind::NoSpace, "insufficient-space"),
        C::Quota => (ErrorKind::NoSpace, "quota"),
        C::FileTooLarge => (ErrorKind::NoSpace, "file-too-large"),
        C::NotEmpty => (ErrorKind::Other, "not-empty"),
        C::CrossDevice => (ErrorKind::Other, "cross-device"),
        C::TextFileBusy => (ErrorKind::Other, "text-file-busy"),
        C::Io => (ErrorKind::Other, "io"),
        C::Busy => (ErrorKind::Other, "busy"),
        C::Unsupported => (ErrorKind::Other, "unsupported"),
        C::BadDescriptor => (ErrorKind::Other, "bad-descriptor"),
        _ => (ErrorKind::Other, "other"),
    };
    (kind, name)
}
