//! The sending side: frames are encoded and written whole, one sender at a time, so that
//! the reader's pongs and close replies and any number of writing tasks never interleave.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use futures_lite::AsyncWriteExt;

use super::masks::Masks;
use crate::net::OwnedWriteHalf;
use crate::sync::Mutex;
use crate::ws::Error;
use crate::ws::close::{CloseCode, CloseFrame};
use crate::ws::message::{Message, Utf8Bytes};
use crate::ws::protocol::{Role, encode};

/// A buffer larger than this is not kept for the next frame.
const KEEP_BUFFER: usize = 64 * 1024;

/// Frames on their way out, and the stream they go to.
struct Out {
    stream: OwnedWriteHalf,
    /// The frame being written; `written` bytes of it are on the wire.
    frame: Vec<u8>,
    written: usize,
}

impl Out {
    /// Writes what is left of the current frame. Cancel-safe: a send dropped halfway leaves
    /// the rest of its frame to go out before the next one.
    async fn finish_frame(&mut self) -> Result<(), Error> {
        while self.written < self.frame.len() {
            let n = self.stream.write(&self.frame[self.written..]).await?;
            if n == 0 {
                return Err(Error::Io(std::io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        if self.frame.capacity() > KEEP_BUFFER {
            self.frame = Vec::new();
        } else {
            self.frame.clear();
        }
        self.written = 0;
        Ok(())
    }
}

/// What the reader and the writer of one connection share.
pub(super) struct Shared {
    role: Role,
    out: Mutex<Out>,
    masks: RefCell<Masks>,
    /// A close frame has been queued: nothing but the TCP shutdown may follow it.
    pub(super) close_sent: Cell<bool>,
    /// The peer's close frame has arrived.
    pub(super) close_received: Cell<bool>,
}

impl Shared {
    pub(super) fn new(role: Role, stream: OwnedWriteHalf) -> Rc<Shared> {
        Rc::new(Shared {
            role,
            out: Mutex::new(Out {
                stream,
                frame: Vec::new(),
                written: 0,
            }),
            masks: RefCell::default(),
            close_sent: Cell::new(false),
            close_received: Cell::new(false),
        })
    }

    /// Sends `message` as one frame. After a close frame only errors come out.
    pub(super) async fn send(&self, message: &Message) -> Result<(), Error> {
        if self.close_sent.get() {
            return Err(Error::Closed);
        }
        if let Message::Close(_) = message {
            // Set before waiting for the stream: a send queued behind the close fails.
            self.close_sent.set(true);
        }
        let mut out = self.out.lock().await;
        if self.close_sent.get() && !matches!(message, Message::Close(_)) {
            return Err(Error::Closed);
        }
        out.finish_frame().await?;
        let mask = (self.role == Role::Client).then(|| self.masks.borrow_mut().next());
        encode(self.role, message, mask, &mut out.frame);
        out.finish_frame().await
    }

    /// Waits until every frame queued is written and passed on by the host.
    pub(super) async fn flush(&self) -> Result<(), Error> {
        let mut out = self.out.lock().await;
        out.finish_frame().await?;
        out.stream.flush().await?;
        Ok(())
    }

    /// Ends the TCP connection's sending side (FIN), after the frames queued.
    pub(super) async fn shutdown(&self) -> Result<(), Error> {
        let mut out = self.out.lock().await;
        out.finish_frame().await?;
        out.stream.close().await?;
        Ok(())
    }
}

/// The sending half of a [`WebSocket`](crate::ws::WebSocket): cheap to clone, so that any
/// number of tasks can send; frames never interleave.
///
/// From [`WebSocket::split`](crate::ws::WebSocket::split) or
/// [`WebSocket::writer`](crate::ws::WebSocket::writer).
#[derive(Clone)]
pub struct Writer {
    pub(super) shared: Rc<Shared>,
}

impl Writer {
    /// Sends `message` (aiohttp's `send_str`, `send_bytes`, `ping`, `pong`, or a close
    /// frame). Fails with [`Error::Closed`] once a close frame has been sent.
    pub async fn send(&self, message: impl Into<Message>) -> Result<(), Error> {
        self.shared.send(&message.into()).await
    }

    /// Sends a text message.
    pub async fn send_text(&self, text: impl Into<Utf8Bytes>) -> Result<(), Error> {
        self.shared.send(&Message::Text(text.into())).await
    }

    /// Sends a binary message.
    pub async fn send_binary(&self, data: impl Into<bytes::Bytes>) -> Result<(), Error> {
        self.shared.send(&Message::Binary(data.into())).await
    }

    /// Sends a ping with `data` (at most 125 bytes are sent).
    pub async fn ping(&self, data: impl Into<bytes::Bytes>) -> Result<(), Error> {
        self.shared.send(&Message::Ping(data.into())).await
    }

    /// Starts the closing handshake: sends a close frame with `code` and `reason` (cut to
    /// 123 bytes). The reader then sees the peer's close frame and ends. To wait for it in
    /// one call, use [`WebSocket::close`](crate::ws::WebSocket::close).
    pub async fn close(&self, code: CloseCode, reason: &str) -> Result<(), Error> {
        let frame = CloseFrame::new(code, reason);
        self.shared.send(&Message::Close(Some(frame))).await
    }

    /// Waits until everything sent is passed on by the host.
    pub async fn flush(&self) -> Result<(), Error> {
        self.shared.flush().await
    }

    /// Whether a close frame has been sent.
    pub fn is_closing(&self) -> bool {
        self.shared.close_sent.get()
    }
}

impl fmt::Debug for Writer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("role", &self.shared.role)
            .field("close_sent", &self.shared.close_sent.get())
            .field("close_received", &self.shared.close_received.get())
            .finish()
    }
}
