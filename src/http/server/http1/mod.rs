//! wasio's own HTTP/1.1 server, on a `TcpListener`.

mod chunked;
mod head;
