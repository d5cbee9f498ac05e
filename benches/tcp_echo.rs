//! TCP echo benchmark: the same echo server and clients written with wasio and with wstd
//! 0.6.8, each in one component on loopback.
//!
//! `wasmtime run -Sinherit-network tcp_echo.wasm <wasio|wstd> <connections> <round-trips>`
//! prints round trips per second (64-byte messages, one in flight per connection), the best
//! of three rounds.

use std::time::{Duration, Instant};

const MESSAGE: usize = 64;
const ROUNDS: usize = 3;

// Built with `--features p3` too: `main` then runs inside an async `wasi:cli/run` task.
wasio::export_run!();

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [runtime, connections, trips] = args.as_slice() else {
        eprintln!("usage: tcp_echo.wasm <wasio|wstd> <connections> <round-trips>");
        std::process::exit(2);
    };
    let (Ok(connections), Ok(trips)) = (connections.parse::<u32>(), trips.parse::<u32>()) else {
        eprintln!("connections and round-trips must be whole numbers");
        std::process::exit(2);
    };
    let run: fn(u32, u32) -> Duration = match runtime.as_str() {
        "wasio" => |c, t| wasio::run(wasio_echo(c, t)),
        "wstd" => |c, t| wstd::runtime::block_on(wstd_echo(c, t)),
        _ => {
            eprintln!("unknown runtime {runtime}");
            std::process::exit(2);
        }
    };
    let best = (0..ROUNDS).map(|_| run(connections, trips)).min().unwrap();
    let per_second = f64::from(connections) * f64::from(trips) / best.as_secs_f64();
    println!("{per_second:.0} round-trips/s");
}

async fn wasio_echo(connections: u32, trips: u32) -> Duration {
    use wasio::io::{AsyncReadExt, AsyncWriteExt};
    use wasio::net::{TcpListener, TcpStream};

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr();
    let server = wasio::spawn(async move {
        for _ in 0..connections {
            let (mut conn, _) = listener.accept().await.unwrap();
            drop(wasio::spawn(async move {
                let mut buf = [0; MESSAGE];
                while conn.read_exact(&mut buf).await.is_ok() {
                    conn.write_all(&buf).await.unwrap();
                }
            }));
        }
    });
    let mut clients = Vec::new();
    for _ in 0..connections {
        clients.push(TcpStream::connect(addr).await.unwrap());
    }
    server.await.unwrap();
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut conn| {
            wasio::spawn(async move {
                let mut buf = [7; MESSAGE];
                for _ in 0..trips {
                    conn.write_all(&buf).await.unwrap();
                    conn.read_exact(&mut buf).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    start.elapsed()
}

async fn wstd_echo(connections: u32, trips: u32) -> Duration {
    use wstd::io::{AsyncRead, AsyncWrite};
    use wstd::iter::AsyncIterator;
    use wstd::net::{TcpListener, TcpStream};

    async fn read_exact(conn: &mut TcpStream, mut buf: &mut [u8]) -> std::io::Result<()> {
        while !buf.is_empty() {
            let n = conn.read(buf).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            buf = &mut buf[n..];
        }
        Ok(())
    }

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = wstd::runtime::spawn(async move {
        let mut incoming = listener.incoming();
        for _ in 0..connections {
            let mut conn = incoming.next().await.unwrap().unwrap();
            wstd::runtime::spawn(async move {
                let mut buf = [0; MESSAGE];
                while read_exact(&mut conn, &mut buf).await.is_ok() {
                    conn.write_all(&buf).await.unwrap();
                }
            })
            .detach();
        }
    });
    let mut clients = Vec::new();
    for _ in 0..connections {
        clients.push(TcpStream::connect(addr).await.unwrap());
    }
    server.await;
    let start = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .map(|mut conn| {
            wstd::runtime::spawn(async move {
                let mut buf = [7; MESSAGE];
                for _ in 0..trips {
                    conn.write_all(&buf).await.unwrap();
                    read_exact(&mut conn, &mut buf).await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await;
    }
    start.elapsed()
}
