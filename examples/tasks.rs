//! The asyncio example wasio grew from: two tasks start, sleep one and two seconds, and end;
//! gathered, the run takes two seconds, not three.
//!
//! `cargo run --example tasks`

use std::time::Duration;

use wasio::time::{Instant, sleep};

async fn say_after(delay: Duration, what: &str) -> String {
    println!("started {what}");
    sleep(delay).await;
    println!("finished {what}");
    what.to_uppercase()
}

#[wasio::main]
async fn main() {
    let start = Instant::now();
    let hello = wasio::spawn(say_after(Duration::from_secs(1), "hello"));
    let world = wasio::spawn(say_after(Duration::from_secs(2), "world"));
    let (hello, world) = (hello.await, world.await);
    println!(
        "{} {} in {:.1} s",
        hello.expect("the task ran to the end"),
        world.expect("the task ran to the end"),
        start.elapsed().as_secs_f64()
    );
}
