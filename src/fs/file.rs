//! `File`: a file opened in a preopened directory.

use std::rc::Rc;

use futures_lite::io::AsyncWriteExt;

use super::error::{Error, ErrorKind};
use super::host::{Failure, Mode};
use super::metadata::Metadata;
use super::preopens::locate;
use super::reader::FileReader;
use super::writer::FileWriter;
use crate::sys::fs::Descriptor;

/// A file opened in one of the directories the host preopened (`wasmtime run --dir
/// HOST::GUEST`), by its guest path: `/static/logo.png` under `--dir www::/static`.
///
/// Its contents are read and written as streams ([`reader`](File::reader),
/// [`read_range`](File::read_range), [`writer`](File::writer)), a chunk at a time, each
/// read only when the one before has been taken: a file of any size costs one chunk of
/// memory. Several streams of one file may be open at once; each has its own position.
///
/// ```no_run
/// # wasio::run(async {
/// use wasio::fs::File;
/// use wasio::io::AsyncReadExt;
///
/// let file = File::create("/tmp/greeting.txt").await?;
/// file.write_all(b"Hello, World!").await?;
///
/// let file = File::open("/tmp/greeting.txt").await?;
/// let mut text = String::new();
/// file.reader()?.read_to_string(&mut text).await?;
/// assert_eq!(text, "Hello, World!");
/// # Ok::<_, std::io::Error>(())
/// # });
/// ```
#[derive(Clone)]
pub struct File {
    descriptor: Rc<Descriptor>,
    path: Rc<str>,
}

impl File {
    /// Opens the file at `path` for reading; a directory is refused
    /// ([`ErrorKind::IsADirectory`](crate::fs::ErrorKind::IsADirectory)).
    pub async fn open(path: &str) -> Result<File, Error> {
        let file = File::open_with(path, Mode::Read).await?;
        let is_dir = file.descriptor.is_dir().await;
        match is_dir.map_err(|failure| error(path, failure))? {
            true => Err(Error::new(ErrorKind::IsADirectory, path, None)),
            false => Ok(file),
        }
    }

    /// Opens the file at `path` for writing, creating it if it does not exist and emptying
    /// it if it does.
    pub async fn create(path: &str) -> Result<File, Error> {
        File::open_with(path, Mode::Create).await
    }

    async fn open_with(path: &str, mode: Mode) -> Result<File, Error> {
        let (dir, rest) = locate(path)?;
        let descriptor = dir
            .open_at(&rest, mode)
            .await
            .map_err(|failure| error(path, failure))?;
        Ok(File {
            descriptor: Rc::new(descriptor),
            path: path.into(),
        })
    }

    /// The path it was opened by.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Its type, size and modification time now.
    pub async fn metadata(&self) -> Result<Metadata, Error> {
        self.descriptor
            .metadata()
            .await
            .map_err(|failure| error(&self.path, failure))
    }

    /// A stream of the whole contents, from the start.
    pub fn reader(&self) -> Result<FileReader, Error> {
        self.read_range(0, u64::MAX)
    }

    /// A stream of `len` bytes from `offset` on (fewer where the file ends first).
    pub fn read_range(&self, offset: u64, len: u64) -> Result<FileReader, Error> {
        FileReader::new(self.descriptor.clone(), offset, len)
            .map_err(|failure| error(&self.path, failure))
    }

    /// A stream that writes the file from the start (a file opened with
    /// [`create`](File::create)). Close it (`close().await`) to learn that everything was
    /// written.
    pub fn writer(&self) -> Result<FileWriter, Error> {
        FileWriter::new(self.descriptor.clone(), 0).map_err(|failure| error(&self.path, failure))
    }

    /// Writes `bytes` from the start of the file, and closes the stream that did.
    pub async fn write_all(&self, bytes: &[u8]) -> std::io::Result<()> {
        let mut writer = self.writer()?;
        writer.write_all(bytes).await?;
        writer.close().await
    }
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("File").field("path", &self.path).finish()
    }
}

/// A host failure about `path` as an [`Error`].
pub(crate) fn error(path: &str, (kind, code): Failure) -> Error {
    Error::new(kind, path, Some(code))
}
