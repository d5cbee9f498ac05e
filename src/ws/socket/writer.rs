//! The sending side: frames are encoded and written whole, one sender at a time, so that
//! the reader's pongs and close replies and any number of writing tasks never interleave.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use futures_lite::AsyncWriteExt;

use super::masks::Masks;
use crate::net::transport::WriteHalf;
use crate::sync::Mutex;
use crate::ws::Error;
use crate::ws::close::{CloseCode, CloseFrame};
use crate::ws::deflate::{Agreed, Compressor};
use crate::ws::message::{Message, Utf8Bytes};
use crate::ws::protocol::{Role, encode};

/// A buffer larger than this is not kept for the next frame.
const KEEP_BUFFER: usize = 64 * 1024;

/// Frames on their way out, and the stream they go to.
struct Out {
    stream: WriteHalf,
    /// The frame being written; `written` bytes of it are on the wire.
    frame: Vec<u8>,
    written: usize,
    /// permessage-deflate's compressor, when negotiated.
    compressor: Option<Compressor>,
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
    /// permessage-deflate as agreed, if it was.
    pub(super) deflate: Option<Agreed>,
    out: Mutex<Out>,
    masks: RefCell<Masks>,
    /// A close frame has been queued: nothing but the TCP shutdown may follow it.
    pub(super) close_sent: Cell<bool>,
    /// The peer's close frame has arrived.
    pub(super) close_received: Cell<bool>,
}

impl Shared {
    pub(super) fn new(
        role: Role,
        stream: WriteHalf,
        deflate: Option<Agreed>,
        compressor: Option<Compressor>,
    ) -> Rc<Shared> {
        Rc::new(Shared {
            role,
            deflate,
            out: Mutex::new(Out {
                stream,
                frame: Vec::new(),
                written: 0,
                compressor,
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
        let mut out = self.out.lock().await;
        // Sends go in the order they asked for the stream: one queued behind a close fails.
        if self.close_sent.get() {
            return Err(Error::Closed);
        }
        if let Message::Close(_) = message {
            self.close_sent.set(true);
        }
        out.finish_frame().await?;
        let mask = (self.role == Role::Client).then(|| self.masks.borrow_mut().next());
        let Out {
            frame, compressor, ..
        } = &mut *out;
        encode(self.role, message, mask, compressor.as_mut(), frame);
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

/// A send started through the [`Sink`](futures_sink::Sink) interface.
type Pending = Pin<Box<dyn Future<Output = Result<(), Error>>>>;

/// The sending half of a [`WebSocket`](crate::ws::WebSocket): cheap to clone, so that any
/// number of tasks can send; frames never interleave.
///
/// From [`WebSocket::split`](crate::ws::WebSocket::split) or
/// [`WebSocket::writer`](crate::ws::WebSocket::writer). It is also a
/// [`Sink`](futures_sink::Sink) of messages, for code written against the `futures` traits
/// (`SinkExt::send`, `StreamExt::forward`): there `flush` waits for the sends started, and
/// `close` sends a close frame with code 1000.
pub struct Writer {
    pub(super) shared: Rc<Shared>,
    sink: Option<Pending>,
}

impl Clone for Writer {
    fn clone(&self) -> Self {
        Writer::new(self.shared.clone())
    }
}

impl Writer {
    pub(super) fn new(shared: Rc<Shared>) -> Writer {
        Writer { shared, sink: None }
    }

    /// Drives the send started through the sink to its end.
    fn poll_sink(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let Some(pending) = self.sink.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        let result = ready!(pending.as_mut().poll(cx));
        self.sink = None;
        Poll::Ready(result)
    }

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

impl futures_sink::Sink<Message> for Writer {
    type Error = Error;

    fn poll_ready(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.get_mut().poll_sink(cx)
    }

    fn start_send(self: Pin<&mut Self>, message: Message) -> Result<(), Error> {
        let this = self.get_mut();
        let shared = this.shared.clone();
        let earlier = this.sink.take();
        this.sink = Some(Box::pin(async move {
            // Called without waiting for poll_ready: the earlier send goes first.
            if let Some(earlier) = earlier {
                earlier.await?;
            }
            shared.send(&message).await
        }));
        Ok(())
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.get_mut().poll_sink(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let this = self.get_mut();
        ready!(this.poll_sink(cx))?;
        if this.shared.close_sent.get() {
            return Poll::Ready(Ok(()));
        }
        let shared = this.shared.clone();
        this.sink = Some(Box::pin(async move {
            let frame = CloseFrame::new(CloseCode::NORMAL, "");
            shared.send(&Message::Close(Some(frame))).await
        }));
        this.poll_sink(cx)
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
