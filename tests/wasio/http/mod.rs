//! HTTP: the client against a real aiohttp server (started by scripts/test), and the server's
//! applications, called directly and over wasio's own HTTP/1.1 server.

mod client;
pub mod server;
