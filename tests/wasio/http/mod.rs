//! HTTP: the client against a real aiohttp server (started by scripts/test).

mod client;
