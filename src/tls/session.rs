//! The sans-I/O core of a TLS connection: ciphertext in and out as bytes, plaintext read and
//! written, over a rustls connection. The streams move the bytes; nothing here waits.

use std::io::{self, BufRead, Write};

use super::Error;

/// What a read found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Read {
    /// This many bytes of plaintext.
    Data(usize),
    /// The peer's `close_notify`, after all its data: the end of the stream.
    Closed,
    /// Nothing to read until more ciphertext is received.
    NeedMore,
}

/// One end of a TLS connection without I/O: [`receive`](Session::receive) what the socket
/// read, send what [`outgoing`](Session::outgoing) holds, and read and write plaintext.
pub(crate) struct Session {
    conn: rustls::Connection,
    /// Ciphertext received; from `incoming_at` on not yet given to rustls.
    incoming: Vec<u8>,
    incoming_at: usize,
    /// Some ciphertext has been received.
    received: bool,
    /// The socket's stream has ended; `eof_told`: and rustls knows.
    eof: bool,
    eof_told: bool,
    /// Ciphertext made; from `outgoing_at` on not yet taken by the socket.
    outgoing: Vec<u8>,
    outgoing_at: usize,
    /// `close_notify` has been queued: nothing more may be written.
    closed: bool,
    /// A fatal error happened: only its alert may still go out.
    failed: bool,
}

/// An outgoing buffer larger than this is let go once sent.
const KEEP_OUTGOING: usize = 64 * 1024;

impl Session {
    pub(crate) fn new(conn: impl Into<rustls::Connection>) -> Session {
        let mut session = Session {
            conn: conn.into(),
            incoming: Vec::new(),
            incoming_at: 0,
            received: false,
            eof: false,
            eof_told: false,
            outgoing: Vec::new(),
            outgoing_at: 0,
            closed: false,
            failed: false,
        };
        // A client's hello is ready at once.
        session.collect();
        session
    }

    /// Whether the handshake is still going on.
    pub(crate) fn is_handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    /// Whether a fatal error or a `close_notify` has ended writing.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed || self.failed
    }

    /// Whether the socket's stream has ended.
    pub(crate) fn saw_eof(&self) -> bool {
        self.eof
    }

    /// Whether any ciphertext has been received.
    pub(crate) fn has_received(&self) -> bool {
        self.received
    }

    /// Bytes the socket read.
    pub(crate) fn receive(&mut self, bytes: Vec<u8>) {
        self.received = true;
        if self.incoming_at == self.incoming.len() {
            self.incoming = bytes;
            self.incoming_at = 0;
        } else {
            self.incoming.extend_from_slice(&bytes);
        }
    }

    /// The socket's stream ended.
    pub(crate) fn receive_eof(&mut self) {
        self.eof = true;
    }

    /// Gives rustls more of the ciphertext received and processes it; whether there was any
    /// to give (or the end of the stream to tell).
    pub(crate) fn advance(&mut self) -> Result<bool, Error> {
        if self.failed {
            return Err(Error::Closed);
        }
        let told = if self.incoming_at < self.incoming.len() {
            let mut rest = &self.incoming[self.incoming_at..];
            let n = self
                .conn
                .read_tls(&mut rest)
                .map_err(|error| self.fail_io(error))?;
            self.incoming_at += n;
            if self.incoming_at == self.incoming.len() {
                self.incoming = Vec::new();
                self.incoming_at = 0;
            }
            n > 0
        } else if self.eof && !self.eof_told {
            self.eof_told = true;
            self.conn
                .read_tls(&mut io::empty())
                .map_err(|error| self.fail_io(error))?;
            true
        } else {
            return Ok(false);
        };
        match self.conn.process_new_packets() {
            Ok(_) => {
                self.collect();
                Ok(told)
            }
            Err(error) => {
                self.failed = true;
                // The alert that tells the peer why.
                self.collect();
                Err(Error::from_rustls(error))
            }
        }
    }

    fn fail_io(&mut self, error: io::Error) -> Error {
        self.failed = true;
        // rustls refuses input only when a record is larger than TLS allows.
        Error::Protocol(error.to_string())
    }

    /// Hands the next piece of plaintext to `take`, which says how much of it it used,
    /// processing the ciphertext received as far as needed.
    fn read_with(&mut self, take: impl FnOnce(&[u8]) -> usize) -> Result<Read, Error> {
        loop {
            let mut reader = self.conn.reader();
            match reader.fill_buf() {
                Ok([]) => return Ok(Read::Closed),
                Ok(chunk) => {
                    let n = take(chunk);
                    reader.consume(n);
                    return Ok(Read::Data(n));
                }
                Err(error) if error.kind() == io::ErrorKind::WouldBlock => {}
                Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => {
                    return Err(Error::Truncated);
                }
                Err(error) => return Err(Error::Io(error)),
            }
            if !self.advance()? {
                // After the end of the stream rustls has said whether it was clean.
                return if self.eof {
                    Err(Error::Truncated)
                } else {
                    Ok(Read::NeedMore)
                };
            }
        }
    }

    /// Reads plaintext into `buf`.
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<Read, Error> {
        if buf.is_empty() {
            return Ok(Read::Data(0));
        }
        self.read_with(|chunk| {
            let n = chunk.len().min(buf.len());
            buf[..n].copy_from_slice(&chunk[..n]);
            n
        })
    }

    /// Reads all the plaintext the ciphertext received holds, appended to `into`.
    pub(crate) fn read_available(&mut self, into: &mut Vec<u8>) -> Result<Read, Error> {
        let mut total = 0;
        loop {
            let read = self.read_with(|chunk| {
                into.extend_from_slice(chunk);
                chunk.len()
            });
            match read {
                Ok(Read::Data(n)) => total += n,
                // The end comes with the next read (rustls keeps saying it).
                Ok(_) | Err(Error::Truncated) if total > 0 => return Ok(Read::Data(total)),
                other => return other,
            }
        }
    }

    /// Encrypts as much of `plaintext` as rustls takes at once (up to 64 KiB); the
    /// ciphertext is then in [`outgoing`](Session::outgoing).
    pub(crate) fn write(&mut self, plaintext: &[u8]) -> Result<usize, Error> {
        if self.is_closed() {
            return Err(Error::Closed);
        }
        let n = self.conn.writer().write(plaintext)?;
        self.collect();
        Ok(n)
    }

    /// Queues `close_notify`: the peer's reads then end cleanly. Nothing may be written after.
    pub(crate) fn close(&mut self) {
        if !self.is_closed() {
            self.closed = true;
            self.conn.send_close_notify();
            self.collect();
        }
    }

    /// Ciphertext to send.
    pub(crate) fn outgoing(&self) -> &[u8] {
        &self.outgoing[self.outgoing_at..]
    }

    /// The socket took `n` bytes of [`outgoing`](Session::outgoing).
    pub(crate) fn sent(&mut self, n: usize) {
        self.outgoing_at += n;
        if self.outgoing_at >= self.outgoing.len() {
            self.outgoing_at = 0;
            if self.outgoing.capacity() > KEEP_OUTGOING {
                self.outgoing = Vec::new();
            } else {
                self.outgoing.clear();
            }
        }
    }

    /// Moves what rustls has made for the peer into `outgoing`.
    fn collect(&mut self) {
        while self.conn.wants_write() {
            // Writing into a Vec cannot fail.
            if self.conn.write_tls(&mut self.outgoing).is_err() {
                break;
            }
        }
    }

    /// The protocol ALPN agreed on, if any.
    pub(crate) fn alpn_protocol(&self) -> Option<&[u8]> {
        self.conn.alpn_protocol()
    }

    /// The cipher suite agreed on (`TLS13_CHACHA20_POLY1305_SHA256`, say).
    pub(crate) fn cipher_suite(&self) -> Option<&'static str> {
        self.conn
            .negotiated_cipher_suite()
            .and_then(|suite| suite.suite().as_str())
    }

    /// The name the client asked for (SNI), on a server.
    pub(crate) fn server_name(&self) -> Option<&str> {
        match &self.conn {
            rustls::Connection::Server(conn) => conn.server_name(),
            rustls::Connection::Client(_) => None,
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("handshaking", &self.is_handshaking())
            .field("incoming", &(self.incoming.len() - self.incoming_at))
            .field("outgoing", &self.outgoing().len())
            .field("closed", &self.closed)
            .field("failed", &self.failed)
            .finish()
    }
}

#[cfg(test)]
mod tests;
