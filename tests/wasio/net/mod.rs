//! TCP, UDP and name lookup on loopback.

mod dns;
mod tcp;
mod udp;
