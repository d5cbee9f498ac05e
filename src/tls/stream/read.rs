//! `ReadHalf`: plaintext out of the ciphertext the socket reads.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use futures_lite::io::{AsyncBufRead, AsyncRead};

use super::shared::Shared;
use crate::io::read_buffer::ReadBuffer;
use crate::net::OwnedReadHalf;
use crate::tls::session::Read;

/// The reading half of a [`TlsStream`](super::TlsStream), from
/// [`TlsStream::into_split`](super::TlsStream::into_split).
///
/// Reads end (`Ok(0)`) at the peer's `close_notify`; a connection that ends without one
/// fails the read with [`Error::Truncated`](crate::tls::Error::Truncated) (an
/// [`UnexpectedEof`](io::ErrorKind::UnexpectedEof)), and a bad record with
/// [`Error::Protocol`](crate::tls::Error::Protocol).
pub struct ReadHalf {
    pub(super) shared: Rc<Shared>,
    pub(super) tcp: OwnedReadHalf,
    /// Plaintext read ahead for `poll_fill_buf`, not yet consumed.
    plain: ReadBuffer,
}

impl ReadHalf {
    pub(super) fn new(shared: Rc<Shared>, tcp: OwnedReadHalf) -> ReadHalf {
        ReadHalf {
            shared,
            tcp,
            plain: ReadBuffer::default(),
        }
    }

    /// Runs `read` on the session until it finds plaintext or the end, reading the socket
    /// when it needs more; the session's own output (alerts, key updates) then goes out.
    fn poll_session<T>(
        &mut self,
        cx: &mut Context<'_>,
        mut read: impl FnMut(&mut crate::tls::session::Session) -> Result<(Read, T), crate::tls::Error>,
    ) -> Poll<io::Result<(Read, T)>> {
        loop {
            let mut session = self.shared.session.borrow_mut();
            let before = session.outgoing().len();
            let result = read(&mut session);
            let made_output = session.outgoing().len() > before;
            drop(session);
            if made_output {
                self.shared.pump();
            }
            match result {
                Ok((Read::NeedMore, _)) => {}
                Ok(found) => return Poll::Ready(Ok(found)),
                Err(error) => return Poll::Ready(Err(error.into())),
            }
            let bytes = ready!(self.tcp.poll_take(cx))?;
            let mut session = self.shared.session.borrow_mut();
            match bytes {
                Some(bytes) => session.receive(bytes),
                None => session.receive_eof(),
            }
        }
    }

    /// The next plaintext read, in a buffer of its own; `Ok(None)` at the end of the stream.
    pub(crate) fn poll_take(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<Vec<u8>>>> {
        if let Some(rest) = self.plain.take() {
            return Poll::Ready(Ok(Some(rest)));
        }
        let (read, plain) = ready!(self.poll_session(cx, |session| {
            let mut plain = Vec::new();
            let read = session.read_available(&mut plain)?;
            Ok((read, plain))
        }))?;
        Poll::Ready(Ok(match read {
            Read::Data(_) => Some(plain),
            _ => None,
        }))
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> std::net::SocketAddr {
        self.tcp.peer_addr()
    }
}

impl AsyncRead for ReadHalf {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if !this.plain.is_empty() {
            return Poll::Ready(Ok(this.plain.copy_to(buf)));
        }
        let (read, ()) = ready!(this.poll_session(cx, |session| Ok((session.read(buf)?, ()))))?;
        Poll::Ready(Ok(match read {
            Read::Data(n) => n,
            _ => 0,
        }))
    }
}

impl AsyncBufRead for ReadHalf {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let this = self.get_mut();
        if this.plain.is_empty() {
            let mut plain = this.plain.spare();
            let taken = this.poll_session(cx, |session| {
                let read = session.read_available(&mut plain)?;
                Ok((read, ()))
            });
            this.plain.refill(Some(plain));
            ready!(taken)?;
        }
        Poll::Ready(Ok(this.plain.available()))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_mut().plain.consume(amt);
    }
}

impl fmt::Debug for ReadHalf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadHalf")
            .field("peer", &self.tcp.peer_addr())
            .field("buffered", &self.plain.len())
            .finish()
    }
}
