//! `WriteHalf`: plaintext encrypted and handed to the socket.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, ready};

use futures_lite::io::AsyncWrite;

use super::shared::Shared;

/// The writing half of a [`TlsStream`](super::TlsStream), from
/// [`TlsStream::into_split`](super::TlsStream::into_split).
///
/// A write is done once its ciphertext is in the socket's hands, as with a
/// [`TcpStream`](crate::net::TcpStream). `close` sends `close_notify`, then FIN; so does
/// dropping it (what is left to send goes out in the background, for at most the config's
/// `close_timeout`).
pub struct WriteHalf {
    pub(super) shared: Rc<Shared>,
    peer: SocketAddr,
    local: SocketAddr,
}

impl WriteHalf {
    pub(super) fn new(shared: Rc<Shared>, peer: SocketAddr, local: SocketAddr) -> WriteHalf {
        WriteHalf {
            shared,
            peer,
            local,
        }
    }

    /// The address of the other end.
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }

    /// The address of this end.
    pub(super) fn local_addr(&self) -> SocketAddr {
        self.local
    }
}

impl Drop for WriteHalf {
    fn drop(&mut self) {
        self.shared.finish();
    }
}

impl AsyncWrite for WriteHalf {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let shared = &self.get_mut().shared;
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        // What an earlier write left is on its way before more is taken.
        ready!(shared.poll_sent(cx))?;
        let n = shared.session.borrow_mut().write(buf)?;
        shared.send_or_pump(cx)?;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().shared.poll_flush(cx)
    }

    /// Sends `close_notify`, then FIN; the read half stays open.
    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let shared = &self.get_mut().shared;
        shared.session.borrow_mut().close();
        shared.poll_shutdown(cx)
    }
}

impl fmt::Debug for WriteHalf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteHalf")
            .field("peer", &self.peer)
            .finish()
    }
}
