//! Queue benchmark: wasio's `Queue` against `async-channel` (a widely used runtime-agnostic
//! channel), both on wasio's executor, in the same process.
//!
//! `wasmtime run queue.wasm <wasio|async-channel> <stream|ping-pong> <n>` prints the median
//! ns per message (stream: one producer, one consumer, capacity 1024) or per round trip
//! (ping-pong: two queues of capacity 1).

use std::time::{Duration, Instant};

const ROUNDS: usize = 7;
const STREAM_CAPACITY: usize = 1024;

// Built with `--features p3` too: `main` then runs inside an async `wasi:cli/run` task.
wasio::export_run!();

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [channel, workload, n] = args.as_slice() else {
        eprintln!("usage: queue.wasm <wasio|async-channel> <stream|ping-pong> <n>");
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<u32>() else {
        eprintln!("n must be a whole number");
        std::process::exit(2);
    };
    let run: fn(u32) = match (channel.as_str(), workload.as_str()) {
        ("wasio", "stream") => |n| wasio::run(wasio_stream(n)),
        ("wasio", "ping-pong") => |n| wasio::run(wasio_ping_pong(n)),
        ("async-channel", "stream") => |n| wasio::run(channel_stream(n)),
        ("async-channel", "ping-pong") => |n| wasio::run(channel_ping_pong(n)),
        _ => {
            eprintln!("unknown channel or workload");
            std::process::exit(2);
        }
    };
    let mut times: Vec<Duration> = (0..=ROUNDS)
        .map(|_| {
            let start = Instant::now();
            run(n);
            start.elapsed()
        })
        .skip(1)
        .collect();
    times.sort();
    println!(
        "{:.1} ns/op",
        times[ROUNDS / 2].as_nanos() as f64 / f64::from(n)
    );
}

async fn wasio_stream(n: u32) {
    let queue = wasio::sync::Queue::new(STREAM_CAPACITY);
    let consumer = {
        let queue = queue.clone();
        wasio::spawn(async move {
            let mut sum = 0u64;
            for _ in 0..n {
                sum += queue.get().await.unwrap();
            }
            sum
        })
    };
    for i in 0..n {
        queue.put(u64::from(i)).await.unwrap();
    }
    std::hint::black_box(consumer.await.unwrap());
}

async fn channel_stream(n: u32) {
    let (tx, rx) = async_channel::bounded(STREAM_CAPACITY);
    let consumer = wasio::spawn(async move {
        let mut sum = 0u64;
        for _ in 0..n {
            sum += rx.recv().await.unwrap();
        }
        sum
    });
    for i in 0..n {
        tx.send(u64::from(i)).await.unwrap();
    }
    std::hint::black_box(consumer.await.unwrap());
}

async fn wasio_ping_pong(n: u32) {
    let (ping, pong) = (wasio::sync::Queue::new(1), wasio::sync::Queue::new(1));
    let echo = {
        let (ping, pong) = (ping.clone(), pong.clone());
        wasio::spawn(async move {
            for _ in 0..n {
                let v: u32 = ping.get().await.unwrap();
                pong.put(v).await.unwrap();
            }
        })
    };
    for i in 0..n {
        ping.put(i).await.unwrap();
        std::hint::black_box(pong.get().await.unwrap());
    }
    echo.await.unwrap();
}

async fn channel_ping_pong(n: u32) {
    let (ping_tx, ping_rx) = async_channel::bounded(1);
    let (pong_tx, pong_rx) = async_channel::bounded(1);
    let echo = wasio::spawn(async move {
        for _ in 0..n {
            let v: u32 = ping_rx.recv().await.unwrap();
            pong_tx.send(v).await.unwrap();
        }
    });
    for i in 0..n {
        ping_tx.send(i).await.unwrap();
        std::hint::black_box(pong_rx.recv().await.unwrap());
    }
    echo.await.unwrap();
}
