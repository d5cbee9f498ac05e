//! Reading a handshake's head off a connection, for the client and the server alike.

use bytes::BytesMut;
use futures_lite::AsyncBufReadExt;
use futures_lite::io::AsyncBufRead;

use super::Error;
use super::handshake::HandshakeError;

/// What a handshake parser makes of the bytes so far: the head and its length, or `None`
/// while it is incomplete.
type Parsed<T> = Result<Option<(T, usize)>, HandshakeError>;

/// Reads from `stream` until `parse` finds a whole head (the parsers bound its size); gives
/// the head and the bytes read past it.
pub(super) async fn read_head<T>(
    stream: &mut (impl AsyncBufRead + Unpin),
    mut parse: impl FnMut(&[u8]) -> Parsed<T>,
) -> Result<(T, BytesMut), Error> {
    let mut input = BytesMut::new();
    loop {
        let available = stream.fill_buf().await?;
        if available.is_empty() {
            return Err(Error::Abnormal);
        }
        let n = available.len();
        input.extend_from_slice(available);
        AsyncBufReadExt::consume(stream, n);
        if let Some((head, used)) = parse(&input)? {
            let rest = input.split_off(used);
            return Ok((head, rest));
        }
    }
}
