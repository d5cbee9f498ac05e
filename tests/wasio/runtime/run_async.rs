//! `run_async`: an event loop inside the component-model task that awaits it, as in an async
//! export of a WASI 0.3 component; here, inside the tests' own task, with wit-bindgen's
//! `block_on` standing in for the export.

use std::time::Duration;

use wasio::sync::Queue;
use wasio::time::{Instant, sleep};
use wasio::{run_async, spawn};

use crate::common::Drops;

#[test]
fn gives_the_output_of_its_future_with_tasks_and_timers() {
    let output = wit_bindgen::block_on(run_async(async {
        let task = spawn(async {
            sleep(Duration::from_millis(20)).await;
            21
        });
        task.await.expect("the task ran to the end") * 2
    }));
    assert_eq!(output, 42);
}

#[test]
fn cancels_the_tasks_left_when_its_future_completes() {
    let drops = Drops::default();
    let guard = drops.guard();
    wit_bindgen::block_on(run_async(async move {
        drop(spawn(async move {
            let _guard = guard;
            sleep(Duration::from_secs(3600)).await;
        }));
        sleep(Duration::from_millis(10)).await;
    }));
    assert_eq!(
        drops.count(),
        1,
        "the pending task was dropped when the loop ended"
    );
}

#[test]
fn loops_in_one_task_wait_side_by_side_and_wake_each_other() {
    let queue = Queue::new(1);
    let (sender, receiver) = (queue.clone(), queue);
    let start = Instant::now();
    let (sent, received) = wit_bindgen::block_on(futures_lite::future::zip(
        run_async(async move {
            sleep(Duration::from_millis(200)).await;
            sender.put(7).await.is_ok()
        }),
        run_async(async move {
            let slept = spawn(sleep(Duration::from_millis(200)));
            let item = receiver.get().await;
            slept.await.expect("the sleep ran to the end");
            item
        }),
    ));
    let took = start.elapsed();
    assert!(sent);
    assert_eq!(received.ok(), Some(7));
    assert!(
        took < Duration::from_millis(380),
        "two loops of 200 ms each took {took:?}"
    );
}
