//! asyncio's queue example: a `Queue` feeds three worker tasks; `join` waits until every
//! item is processed, then the workers are cancelled.
//!
//! `cargo run --example producer_consumer`

use std::time::Duration;

use wasio::sync::Queue;
use wasio::time::{Instant, sleep};

async fn worker(name: String, queue: Queue<Duration>) {
    while let Ok(nap) = queue.get().await {
        sleep(nap).await;
        println!("{name} has slept for {} ms", nap.as_millis());
        queue.task_done().expect("one task_done per item taken");
    }
}

#[wasio::main]
async fn main() {
    let queue = Queue::new(8);
    let mut total = Duration::ZERO;
    let workers: Vec<_> = (0..3)
        .map(|n| wasio::spawn(worker(format!("worker-{n}"), queue.clone())))
        .collect();

    let start = Instant::now();
    for i in 0..20u64 {
        let nap = Duration::from_millis(10 + (i * 37) % 90);
        total += nap;
        queue.put(nap).await.expect("the queue is open");
    }
    queue.join().await;
    let took = start.elapsed();

    for worker in &workers {
        worker.abort();
    }
    println!("====");
    println!("3 workers slept in parallel for {} ms", took.as_millis());
    println!("total expected sleep time: {} ms", total.as_millis());
}
