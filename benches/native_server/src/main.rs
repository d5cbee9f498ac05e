//! A minimal native HTTP/1.1 server for `scripts/bench`: every request gets the same 1 KiB
//! body. A thread per connection, keep-alive honoured; fast enough that the clients, not the
//! server, are what the benchmark measures. Prints `http://127.0.0.1:PORT` and serves until
//! killed.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;

unsafe extern "C" {
    fn listen(fd: i32, backlog: i32) -> i32;
}

fn main() -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    // std listens with a backlog of 128; a thousand clients connecting at once need more, or
    // their SYNs are dropped and retried a second later. Listening again raises it.
    // SAFETY: `listen` on the listener's own open descriptor, with plain integer arguments.
    if unsafe { listen(listener.as_raw_fd(), 4096) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    println!("http://{}", listener.local_addr()?);
    for stream in listener.incoming().flatten() {
        std::thread::spawn(move || serve(stream));
    }
    Ok(())
}

fn serve(stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let body = [b'x'; 1024];
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let mut line = String::new();
    loop {
        // Skip the request head; the requests have no body.
        let mut blank = false;
        while !blank {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            blank = line == "\r\n";
        }
        writer.write_all(&response)?;
    }
}
