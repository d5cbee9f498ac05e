//! The receiving side: bytes from the socket through the protocol, with the replies RFC 6455
//! asks of a receiver (pongs, the close reply, the server's TCP close) sent before the
//! message that caused them is handed out, and the keep-alive pings.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::BytesMut;
use futures_lite::{Stream, StreamExt};

use super::writer::Shared;
use crate::net::transport::ReadHalf;
use crate::time::{Instant, Sleep, sleep, sleep_until};
use crate::ws::close::CloseFrame;
use crate::ws::deflate::Decompressor;
use crate::ws::message::Message;
use crate::ws::protocol::{Protocol, Role};
use crate::ws::{Config, Error};

/// A reply being written, owned so that a reader polled as a stream can drive it.
type Reply = Pin<Box<dyn Future<Output = Result<(), Error>>>>;

/// Where the reader is in the connection's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Open,
    /// The closing handshake is over; a client waits for the server to end the TCP
    /// connection (until the deadline), a server has ended it.
    Closed,
    /// Nothing more comes out.
    Done,
}

/// Keep-alive pings ([`Config::heartbeat`]).
struct Heartbeat {
    every: Duration,
    timeout: Duration,
    timer: Sleep,
    /// When the peer was last heard from.
    heard: Instant,
    /// A ping is out and not answered.
    pinged: bool,
}

/// The receiving half of a [`WebSocket`](crate::ws::WebSocket): an async stream of
/// messages, ending (`None`) after the closing handshake or when the connection is lost.
///
/// Pings are answered before they come out (unless [`Config::auto_pong`] is off); the peer's
/// close frame is answered, comes out as [`Message::Close`], and ends the stream. A
/// protocol error is answered with the close code it calls for and comes out as
/// [`Error::Protocol`], then the stream ends.
pub struct Reader {
    stream: ReadHalf,
    buffer: BytesMut,
    protocol: Protocol,
    shared: Rc<Shared>,
    auto_pong: bool,
    close_timeout: Duration,
    reply: Option<Reply>,
    /// What comes out once the reply is written.
    held: Option<Result<Message, Error>>,
    phase: Phase,
    /// After the closing handshake, how long a client waits for the server's FIN.
    linger: Option<Sleep>,
    /// Once this end has sent a close frame, how long it waits for the peer's.
    answer_due: Option<Sleep>,
    heartbeat: Option<Heartbeat>,
}

impl Reader {
    pub(super) fn new(
        stream: ReadHalf,
        read_ahead: &[u8],
        role: Role,
        config: &Config,
        decompressor: Option<Decompressor>,
        shared: Rc<Shared>,
    ) -> Reader {
        let mut protocol = Protocol::new(role, config.limits());
        if let Some(decompressor) = decompressor {
            protocol = protocol.with_decompressor(decompressor);
        }
        let heartbeat = config.heartbeat_period().map(|(every, timeout)| {
            let heard = Instant::now();
            Heartbeat {
                every,
                timeout,
                timer: sleep_until(heard + every),
                heard,
                pinged: false,
            }
        });
        Reader {
            stream,
            buffer: BytesMut::from(read_ahead),
            protocol,
            shared,
            auto_pong: config.auto_pong_enabled(),
            close_timeout: config.close_wait(),
            reply: None,
            held: None,
            phase: Phase::Open,
            linger: None,
            answer_due: None,
            heartbeat,
        }
    }

    /// The next message: `None` once the connection has ended (after the peer's
    /// [`Message::Close`], or an error).
    pub async fn recv(&mut self) -> Option<Result<Message, Error>> {
        self.next().await
    }

    /// Starts writing `message`, then (with `then_shutdown`) ending the TCP connection,
    /// before anything more comes out.
    fn reply(&mut self, message: Option<Message>, then_shutdown: bool) {
        let shared = self.shared.clone();
        self.reply = Some(Box::pin(async move {
            if let Some(message) = message {
                match shared.send(&message).await {
                    Ok(()) | Err(Error::Closed) => {}
                    Err(error) => return Err(error),
                }
            }
            if then_shutdown {
                shared.shutdown().await?;
            }
            Ok(())
        }));
    }

    /// The peer's close frame: answer it (unless this end sent one first), and for a server
    /// end the TCP connection (RFC 6455, section 7.1.1).
    fn on_close(&mut self, frame: &Option<CloseFrame>) {
        self.shared.close_received.set(true);
        self.phase = Phase::Closed;
        let server = self.protocol.role() == Role::Server;
        if !self.shared.close_sent.get() {
            // Echo the code (RFC 6455, section 5.5.1); no code for no code.
            let echo = frame
                .as_ref()
                .map(|frame| CloseFrame::new(frame.code, String::new()));
            self.reply(Some(Message::Close(echo)), server);
        } else if server {
            self.reply(None, true);
        }
        if !server {
            self.linger = Some(sleep(self.close_timeout));
        }
    }

    /// The connection fails: send the close frame given (a protocol error's code), end the
    /// TCP connection (with `shutdown`, or after a close frame), and hand the error out.
    fn fail(&mut self, error: Error, frame: Option<CloseFrame>, shutdown: bool) {
        self.phase = Phase::Closed;
        if frame.is_some() || shutdown {
            self.reply(frame.map(|frame| Message::Close(Some(frame))), true);
        }
        self.held = Some(Err(error));
    }

    /// Reads more bytes into the buffer; `Ok(0)` at the end of the stream. Into an empty
    /// buffer the host's own comes in place of it: a message that arrives whole in one read
    /// is never copied.
    fn poll_fill(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<usize>> {
        let Some(bytes) = ready!(self.stream.poll_take(cx))? else {
            return Poll::Ready(Ok(0));
        };
        let n = bytes.len();
        if self.buffer.is_empty() && self.buffer.capacity() < n {
            self.buffer = BytesMut::from(bytes::Bytes::from(bytes));
        } else {
            self.buffer.extend_from_slice(&bytes);
        }
        Poll::Ready(Ok(n))
    }

    /// Sends a keep-alive ping when the peer has been quiet for its period; fails the
    /// connection when the ping goes unanswered.
    fn poll_heartbeat(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let Some(beat) = self.heartbeat.as_mut() else {
            return Poll::Pending;
        };
        loop {
            ready!(beat.timer.poll_deadline(cx));
            let now = Instant::now();
            if beat.pinged {
                if now.duration_since(beat.heard) >= beat.timeout {
                    return Poll::Ready(Err(Error::Timeout("no answer to a keep-alive ping")));
                }
            } else if now.duration_since(beat.heard) >= beat.every {
                beat.pinged = true;
                beat.heard = now;
                beat.timer.reset(now + beat.timeout);
                return Poll::Ready(Ok(()));
            }
            let wait = if beat.pinged {
                beat.timeout
            } else {
                beat.every
            };
            beat.timer.reset(beat.heard + wait);
        }
    }

    /// Bytes arrived: the peer is alive. The timer is moved only when a ping was out (its
    /// deadline was the answer's); otherwise it finds the new time when it fires.
    fn heard_from_peer(&mut self) {
        if let Some(beat) = self.heartbeat.as_mut() {
            beat.heard = Instant::now();
            if beat.pinged {
                beat.pinged = false;
                beat.timer.reset(beat.heard + beat.every);
            }
        }
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Message, Error>>> {
        loop {
            if let Some(reply) = self.reply.as_mut() {
                let result = ready!(reply.as_mut().poll(cx));
                self.reply = None;
                if let Err(error) = result {
                    self.phase = Phase::Closed;
                    if !matches!(self.held, Some(Err(_))) {
                        self.held = Some(Err(error));
                    }
                }
            }
            if let Some(item) = self.held.take() {
                if item.is_err() {
                    self.phase = Phase::Done;
                }
                return Poll::Ready(Some(item));
            }
            match self.phase {
                Phase::Done => return Poll::Ready(None),
                Phase::Closed if self.protocol.role() == Role::Server => {
                    self.phase = Phase::Done;
                    return Poll::Ready(None);
                }
                Phase::Closed => return self.poll_linger(cx),
                Phase::Open => {}
            }
            match self.protocol.receive(&mut self.buffer) {
                Ok(Some(message)) => {
                    match &message {
                        Message::Ping(data) if self.auto_pong => {
                            self.reply(Some(Message::Pong(data.clone())), false);
                        }
                        Message::Close(frame) => self.on_close(frame),
                        _ => return Poll::Ready(Some(Ok(message))),
                    }
                    self.held = Some(Ok(message));
                    continue;
                }
                Ok(None) => {}
                Err(error) => {
                    let frame = (!self.shared.close_sent.get())
                        .then(|| CloseFrame::new(error.code, error.reason));
                    self.fail(Error::Protocol(error), frame, false);
                    continue;
                }
            }
            match self.poll_fill(cx) {
                Poll::Ready(Ok(0)) => {
                    self.phase = Phase::Done;
                    return Poll::Ready(Some(Err(Error::Abnormal)));
                }
                Poll::Ready(Ok(_)) => self.heard_from_peer(),
                Poll::Ready(Err(error)) => {
                    self.phase = Phase::Done;
                    return Poll::Ready(Some(Err(error.into())));
                }
                Poll::Pending if self.poll_answer_overdue(cx) => {
                    let error = Error::Timeout("the peer did not answer the close frame");
                    self.fail(error, None, true);
                }
                Poll::Pending => match ready!(self.poll_heartbeat(cx)) {
                    Ok(()) => self.reply(Some(Message::Ping(bytes::Bytes::new())), false),
                    Err(error) => self.fail(error, None, true),
                },
            }
        }
    }

    /// Whether this end sent a close frame longer than the close timeout ago without an
    /// answer (a split writer's close: [`WebSocket::close`](super::WebSocket::close) has its
    /// own deadline).
    fn poll_answer_overdue(&mut self, cx: &mut Context<'_>) -> bool {
        if !self.shared.close_sent.get() {
            return false;
        }
        let timeout = self.close_timeout;
        let due = self.answer_due.get_or_insert_with(|| sleep(timeout));
        due.poll_deadline(cx).is_ready()
    }

    /// A client after the closing handshake: read (and drop) until the server's FIN or the
    /// close timeout, then end.
    fn poll_linger(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Message, Error>>> {
        loop {
            if let Some(linger) = self.linger.as_mut()
                && linger.poll_deadline(cx).is_ready()
            {
                break;
            }
            match ready!(self.poll_fill(cx)) {
                Ok(n) if n > 0 => self.buffer.clear(),
                _ => break,
            }
        }
        self.phase = Phase::Done;
        self.linger = None;
        Poll::Ready(None)
    }
}

impl Stream for Reader {
    type Item = Result<Message, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_recv(cx)
    }
}

impl fmt::Debug for Reader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reader")
            .field("role", &self.protocol.role())
            .field("phase", &self.phase)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}
