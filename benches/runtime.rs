//! Event-loop benchmark: wasio against wstd 0.6.8, the closest WASI peer, on the same
//! workloads. One workload per process, so a peer that hangs cannot take the others with it:
//! `scripts/bench` runs each under wasmtime with a time limit and prints the ratios.
//!
//! `wasmtime run runtime.wasm <wasio|wstd> <spawn-join|yield|sleeps> <n>` prints one line,
//! `<median> ns/op` or `<median> ms`, over several rounds.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Rounds per workload; the median is reported.
const ROUNDS: usize = 7;

// Built with `--features p3` too: `main` then runs inside an async `wasi:cli/run` task.
wasio::export_run!();

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [runtime, workload, n] = args.as_slice() else {
        eprintln!("usage: runtime.wasm <wasio|wstd> <spawn-join|yield|sleeps> <n>");
        std::process::exit(2);
    };
    let Ok(n) = n.parse::<u32>() else {
        eprintln!("n must be a whole number");
        std::process::exit(2);
    };
    let block_on: fn(Pin<Box<dyn Future<Output = ()>>>) = match runtime.as_str() {
        "wasio" => |f| wasio::run(f),
        "wstd" => |f| wstd::runtime::block_on(f),
        _ => {
            eprintln!("unknown runtime {runtime}");
            std::process::exit(2);
        }
    };
    let wasio = runtime == "wasio";
    let (rounds, per_op) = match workload.as_str() {
        "spawn-join" => (ROUNDS, true),
        "yield" => (ROUNDS, true),
        "sleeps" => (3, false),
        _ => {
            eprintln!("unknown workload {workload}");
            std::process::exit(2);
        }
    };
    let mut times: Vec<Duration> = (0..=rounds)
        .map(|_| {
            let future: Pin<Box<dyn Future<Output = ()>>> = match (workload.as_str(), wasio) {
                ("spawn-join", true) => Box::pin(wasio_spawn_join(n)),
                ("spawn-join", false) => Box::pin(wstd_spawn_join(n)),
                ("yield", true) => Box::pin(yields(n, wasio::yield_now)),
                ("yield", false) => Box::pin(yields(n, YieldOnce::default)),
                (_, true) => Box::pin(wasio_sleeps(n)),
                (_, false) => Box::pin(wstd_sleeps(n)),
            };
            let start = Instant::now();
            block_on(future);
            start.elapsed()
        })
        .skip(1) // warm-up
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    if per_op {
        println!("{:.1} ns/op", median.as_nanos() as f64 / f64::from(n));
    } else {
        println!("{:.1} ms", median.as_secs_f64() * 1e3);
    }
}

async fn wasio_spawn_join(n: u32) {
    let tasks: Vec<_> = (0..n).map(|i| wasio::spawn(async move { i })).collect();
    for task in tasks {
        std::hint::black_box(task.await.ok());
    }
}

async fn wstd_spawn_join(n: u32) {
    let tasks: Vec<_> = (0..n)
        .map(|i| wstd::runtime::spawn(async move { i }))
        .collect();
    for task in tasks {
        std::hint::black_box(task.await);
    }
}

fn sleep_ms(i: u32) -> u64 {
    10 + u64::from(i % 10)
}

async fn wasio_sleeps(n: u32) {
    let tasks: Vec<_> = (0..n)
        .map(|i| wasio::spawn(wasio::time::sleep(Duration::from_millis(sleep_ms(i)))))
        .collect();
    for task in tasks {
        std::hint::black_box(task.await.ok());
    }
}

async fn wstd_sleeps(n: u32) {
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let d = wstd::time::Duration::from_millis(sleep_ms(i));
            wstd::runtime::spawn(async move { wstd::task::sleep(d).await })
        })
        .collect();
    for task in tasks {
        task.await;
    }
}

async fn yields<F: Future<Output = ()>>(n: u32, yield_now: fn() -> F) {
    for _ in 0..n {
        yield_now().await;
    }
}

/// wstd has no `yield_now`; this is the usual one, valid on any executor.
#[derive(Default)]
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.0, true) {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
