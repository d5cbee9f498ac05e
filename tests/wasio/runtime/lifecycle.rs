//! What `run` does with tasks still pending when the root future completes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use wasio::runtime::{JoinError, stats};
use wasio::time::sleep;
use wasio::{spawn, yield_now};

use crate::common::Drops;
use crate::host::forever;

#[test]
fn run_returns_the_root_output() {
    assert_eq!(wasio::run(async { 40 + 2 }), 42);
}

#[test]
fn pending_tasks_are_cancelled_when_the_root_completes() {
    let drops = Drops::default();
    let guard = drops.guard();
    let (sleeper, waiter) = wasio::run(async move {
        let sleeper = spawn(async move {
            let _guard = guard;
            sleep(Duration::from_secs(3600)).await;
        });
        let waiter = spawn(forever());
        yield_now().await;
        assert_eq!(stats().tasks, 2);
        (sleeper, waiter)
    });
    assert_eq!(
        drops.count(),
        1,
        "the pending task's future was dropped before run returned"
    );
    let s = stats();
    assert_eq!((s.tasks, s.pollables, s.waiting, s.timers), (0, 0, 0, 0));
    assert!(sleeper.is_finished());
    assert_eq!(wasio::run(sleeper), Err(JoinError::Shutdown));
    assert_eq!(wasio::run(waiter), Err(JoinError::Shutdown));
}

#[test]
fn tasks_spawned_by_destructors_during_shutdown_are_cancelled_too() {
    struct SpawnOnDrop(Rc<Cell<u32>>);
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            let count = self.0.clone();
            count.set(count.get() + 1);
            if count.get() < 5 {
                let next = SpawnOnDrop(count);
                drop(spawn(async move {
                    let _next = next;
                    std::future::pending::<()>().await;
                }));
            }
        }
    }
    let count = Rc::new(Cell::new(0));
    let first = SpawnOnDrop(count.clone());
    wasio::run(async move {
        drop(spawn(async move {
            let _first = first;
            std::future::pending::<()>().await;
        }));
        yield_now().await;
    });
    assert_eq!(count.get(), 5);
    assert_eq!(stats().tasks, 0);
}

/// A finished, detached task whose last owner is a waker held by a timer (or, under WASI 0.2,
/// a pollable): the runtime frees it when it drops those wakers on the way out, and a task its
/// output's destructor spawns then is cancelled too, not left for the next run.
#[test]
fn tasks_spawned_while_shutdown_drops_wakers_are_cancelled() {
    struct SpawnOnDrop(Drops);
    impl Drop for SpawnOnDrop {
        fn drop(&mut self) {
            let guard = self.0.guard();
            drop(spawn(async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            }));
        }
    }
    let drops = Drops::default();
    let output = drops.clone();
    let sleep_kept = wasio::run(async move {
        let kept = Rc::new(RefCell::new(None));
        // A forgotten WASI 0.3 host operation would pin the component-model task instead.
        #[cfg(not(feature = "p3"))]
        let pollable = Rc::new(wasio::runtime::AsyncPollable::new(
            wasip2::clocks::monotonic_clock::subscribe_duration(u64::MAX),
        ));
        drop(spawn({
            let kept = kept.clone();
            async move {
                let mut nap = sleep(Duration::from_secs(3600));
                let _ = futures_lite::future::poll_once(&mut nap).await;
                #[cfg(not(feature = "p3"))]
                {
                    let mut wait = pollable.wait();
                    let _ = futures_lite::future::poll_once(&mut wait).await;
                    std::mem::forget(wait);
                }
                *kept.borrow_mut() = Some(nap);
                SpawnOnDrop(output)
            }
        }));
        for _ in 0..3 {
            yield_now().await;
        }
        kept.take()
    });
    assert_eq!(stats().tasks, 0);
    assert_eq!(
        drops.count(),
        1,
        "the task spawned at shutdown was cancelled"
    );
    drop(sleep_kept);
}

#[test]
fn a_task_that_was_never_polled_is_cancelled_too() {
    let drops = Drops::default();
    let guard = drops.guard();
    #[expect(
        clippy::async_yields_async,
        reason = "the handle outlives its run on purpose"
    )]
    let handle = wasio::run(async move { spawn(async move { drop(guard) }) });
    assert_eq!(drops.count(), 1);
    assert_eq!(wasio::run(handle), Err(JoinError::Shutdown));
}

#[test]
fn runs_can_follow_each_other_and_start_with_fresh_counters() {
    for round in 0..3u64 {
        let (tasks, polls) = wasio::run(async move {
            sleep(Duration::from_millis(round)).await;
            let s = stats();
            (s.tasks, s.polls)
        });
        assert_eq!(tasks, 0);
        assert!(polls <= 2, "round {round}: {polls}");
    }
}

#[test]
fn wakers_outliving_their_run_are_harmless() {
    let waker = wasio::run(async {
        let task = spawn(std::future::poll_fn(|cx| {
            std::task::Poll::Ready(cx.waker().clone())
        }));
        task.await.unwrap()
    });
    waker.wake_by_ref();
    wasio::run(async {
        waker.wake();
        yield_now().await;
        assert_eq!(stats().tasks, 0);
    });
}

#[wasio::test]
async fn the_test_attribute_runs_the_body() {
    sleep(Duration::from_millis(1)).await;
}

#[wasio::test]
async fn the_test_attribute_supports_results() -> Result<(), std::num::ParseIntError> {
    let n: u8 = "7".parse()?;
    assert_eq!(n, 7);
    Ok(())
}

/// The root future's waker is borrowed from `run` (dropping it would be an indirect call);
/// clones of it own their share and stay valid after `run` returns, and waking one then only
/// raises a flag of that finished run.
#[test]
fn root_waker_clones_outlive_run() {
    let stashed: Vec<std::task::Waker> = wasio::run(async {
        let mut clones = Vec::new();
        std::future::poll_fn(|cx| {
            clones.extend((0..3).map(|_| cx.waker().clone()));
            cx.waker().wake_by_ref();
            std::task::Poll::Ready(())
        })
        .await;
        clones
    });
    let mut stashed = stashed.into_iter();
    stashed.next().unwrap().wake();
    stashed.next().unwrap().wake_by_ref();
    let survivor = stashed.next().unwrap();
    // A later run is not disturbed by the earlier one's waker.
    let polls = Rc::new(Cell::new(0));
    let counted = polls.clone();
    let output = wasio::run(async move {
        survivor.wake_by_ref();
        std::future::poll_fn(|cx| {
            counted.set(counted.get() + 1);
            if counted.get() < 3 {
                cx.waker().wake_by_ref();
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(7)
            }
        })
        .await
    });
    assert_eq!((output, polls.get()), (7, 3));
}

/// With `finish_tasks`, a task that outlives the root may still wake the root's waker (it was
/// kept by a `JoinHandle` the root gave up on, say): the loop goes on idling, it does not turn
/// for the finished root (under WASI 0.3 it would never give the host back its task).
#[test]
fn a_root_woken_after_it_finished_does_not_keep_the_loop_turning() {
    let turns = Rc::new(Cell::new((0, 0)));
    let seen = turns.clone();
    wasio::runtime::Builder::new()
        .finish_tasks(true)
        .run(async move {
            let root = std::future::poll_fn(|cx| std::task::Poll::Ready(cx.waker().clone())).await;
            drop(spawn(async move {
                sleep(Duration::from_millis(5)).await;
                root.wake();
                let before = stats().turns;
                sleep(Duration::from_millis(50)).await;
                seen.set((before, stats().turns));
            }));
        });
    let (before, after) = turns.get();
    assert!(
        after - before < 10,
        "{} turns while waiting 50 ms",
        after - before
    );
}
