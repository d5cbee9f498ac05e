//! Waiting on WASI pollables through the reactor, and releasing them.

use std::time::Duration;

use wasio::runtime::{AsyncPollable, JoinError, stats, wait_for};
use wasio::time::{Instant, sleep, timeout};
use wasio::{spawn, yield_now};
use wasip2::clocks::monotonic_clock;

const MS: Duration = Duration::from_millis(1);

fn clock_in(duration: Duration) -> wasip2::io::poll::Pollable {
    monotonic_clock::subscribe_duration(duration.as_nanos() as u64)
}

#[wasio::test]
async fn waiting_on_a_pollable_completes_when_it_is_ready() {
    let start = Instant::now();
    wait_for(clock_in(20 * MS)).await;
    assert!(start.elapsed() >= 20 * MS);
    assert_eq!(stats().pollables, 0, "wait_for drops its pollable");
}

#[wasio::test]
async fn a_pollable_is_registered_once_and_listed_only_while_waited_on() {
    let pollable = AsyncPollable::new(clock_in(20 * MS));
    assert_eq!((stats().pollables, stats().waiting), (1, 0));
    let mut waiter = pollable.wait();
    assert!(futures_lite::future::poll_once(&mut waiter).await.is_none());
    assert_eq!((stats().pollables, stats().waiting), (1, 1));
    waiter.await;
    assert_eq!((stats().pollables, stats().waiting), (1, 0));
    // Readiness is level-triggered: it stays ready.
    let turns = stats().turns;
    pollable.wait().await;
    assert_eq!(stats().turns, turns);
    drop(pollable);
    assert_eq!(stats().pollables, 0);
}

#[wasio::test]
async fn a_ready_pollable_nobody_waits_on_does_not_make_the_loop_spin() {
    let ready = AsyncPollable::new(monotonic_clock::subscribe_instant(0));
    ready.wait().await;
    let polls = stats().polls;
    sleep(50 * MS).await;
    let polls = stats().polls - polls;
    assert!(polls <= 3, "{polls} poll calls during one sleep");
    drop(ready);
}

#[wasio::test]
async fn several_tasks_waiting_on_one_pollable_all_wake() {
    let start = Instant::now();
    let pollable = std::rc::Rc::new(AsyncPollable::new(clock_in(15 * MS)));
    let waiters: Vec<_> = (0..5)
        .map(|_| {
            let pollable = pollable.clone();
            spawn(async move { pollable.wait().await })
        })
        .collect();
    yield_now().await;
    assert_eq!(stats().waiting, 1, "one source, listed once");
    for waiter in waiters {
        waiter.await.unwrap();
    }
    assert!(start.elapsed() < 500 * MS);
}

#[wasio::test]
async fn a_cancelled_wait_withdraws_its_waiter() {
    let pollable = AsyncPollable::new(clock_in(Duration::from_secs(3600)));
    assert!(timeout(5 * MS, pollable.wait()).await.is_err());
    assert_eq!((stats().pollables, stats().waiting), (1, 0));
}

#[wasio::test]
async fn aborting_a_task_releases_its_pollables_and_timers() {
    let task = spawn(async {
        let pollable = AsyncPollable::new(clock_in(Duration::from_secs(3600)));
        futures_lite::future::zip(pollable.wait(), sleep(Duration::from_secs(3600))).await;
    });
    yield_now().await;
    let s = stats();
    assert_eq!((s.tasks, s.pollables, s.waiting, s.timers), (1, 1, 1, 1));
    task.abort();
    let s = stats();
    assert_eq!((s.tasks, s.pollables, s.waiting, s.timers), (0, 0, 0, 0));
    assert_eq!(task.await, Err(JoinError::Aborted));
}

/// wasmtime traps when a store holds too many handles (its default table limit is far below
/// this count), so leaking one pollable per aborted task would end this test with a trap.
#[wasio::test]
async fn aborted_tasks_do_not_leak_host_handles() {
    for _ in 0..150_000 {
        let task = spawn(async {
            wait_for(clock_in(Duration::from_secs(3600))).await;
        });
        yield_now().await;
        task.abort();
    }
    assert_eq!(stats().pollables, 0);
}
