//! Spawning, joining, aborting and waking tasks.

use std::cell::{Cell, RefCell};
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Poll, Waker};
use std::time::Duration;

use wasio::runtime::{JoinError, JoinHandle, stats};
use wasio::time::sleep;
use wasio::{spawn, yield_now};

use crate::common::{Drops, Signal};

#[wasio::test]
async fn tasks_run_in_spawn_order_and_yields_interleave_them() {
    let log = Rc::new(RefCell::new(Vec::new()));
    let handles: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|name| {
            let log = log.clone();
            spawn(async move {
                for step in 0..3 {
                    log.borrow_mut().push(format!("{name}{step}"));
                    yield_now().await;
                }
            })
        })
        .collect();
    assert!(
        log.borrow().is_empty(),
        "spawned tasks wait for the spawner's next await"
    );
    for handle in handles {
        handle.await.unwrap();
    }
    assert_eq!(
        *log.borrow(),
        ["a0", "b0", "c0", "a1", "b1", "c1", "a2", "b2", "c2"]
    );
}

#[wasio::test]
async fn join_handle_returns_the_output() {
    let handle = spawn(async { String::from("done") });
    assert_eq!(handle.await, Ok(String::from("done")));
}

#[wasio::test]
async fn awaiting_an_already_finished_task_returns_at_once() {
    let handle = spawn(async { 5 });
    while !handle.is_finished() {
        yield_now().await;
    }
    let turns = stats().turns;
    assert_eq!(handle.await, Ok(5));
    assert_eq!(stats().turns, turns, "no turn of the loop was needed");
}

#[wasio::test]
async fn abort_after_finishing_keeps_the_output() {
    let handle = spawn(async { 9 });
    while !handle.is_finished() {
        yield_now().await;
    }
    handle.abort();
    assert_eq!(handle.await, Ok(9));
}

#[wasio::test]
async fn nested_spawns_deep_and_wide() {
    fn chain(depth: u32) -> Pin<Box<dyn Future<Output = u32>>> {
        Box::pin(async move {
            if depth == 0 {
                return 0;
            }
            spawn(chain(depth - 1)).await.unwrap() + 1
        })
    }
    assert_eq!(spawn(chain(2_000)).await, Ok(2_000));

    fn tree(fanout: u32, depth: u32) -> Pin<Box<dyn Future<Output = u32>>> {
        Box::pin(async move {
            if depth == 0 {
                yield_now().await;
                return 1;
            }
            let children: Vec<_> = (0..fanout)
                .map(|_| spawn(tree(fanout, depth - 1)))
                .collect();
            let mut leaves = 0;
            for child in children {
                leaves += child.await.unwrap();
            }
            leaves
        })
    }
    assert_eq!(tree(4, 6).await, 4096);
    assert_eq!(stats().tasks, 0);
}

#[wasio::test]
async fn a_dropped_handle_detaches_the_task() {
    let done = Signal::default();
    let signal = done.clone();
    drop(spawn(async move {
        sleep(Duration::from_millis(5)).await;
        signal.set();
    }));
    done.wait().await;
    assert_eq!(stats().tasks, 0);
}

#[wasio::test]
async fn abort_drops_the_future_at_once_and_wakes_the_joiner() {
    let drops = Drops::default();
    let guard = drops.guard();
    let victim = spawn(async move {
        let _guard = guard;
        sleep(Duration::from_secs(3600)).await;
    });
    yield_now().await;
    assert!(!victim.is_finished());
    let cancel = victim.abort_handle();
    let joiner = spawn(victim);
    yield_now().await;
    cancel.abort();
    assert_eq!(drops.count(), 1, "the future is dropped inside abort()");
    assert!(cancel.is_finished());
    assert_eq!(joiner.await, Ok(Err(JoinError::Aborted)));
    assert_eq!(stats().timers, 0);
    assert_eq!(stats().tasks, 0);
}

#[wasio::test]
async fn a_task_can_abort_itself_and_stops_at_its_next_await() {
    let reached = Rc::new(Cell::new(0));
    let own: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::default();
    let task = spawn({
        let own = own.clone();
        let reached = reached.clone();
        async move {
            yield_now().await;
            own.borrow().as_ref().unwrap().abort();
            reached.set(1);
            yield_now().await;
            reached.set(2);
        }
    });
    *own.borrow_mut() = Some(task);
    for _ in 0..5 {
        yield_now().await;
    }
    assert_eq!(reached.get(), 1);
    let task = own.borrow_mut().take().unwrap();
    assert_eq!(task.await, Err(JoinError::Aborted));
}

/// A future that counts its polls and hands its waker out.
struct Probe {
    polls: Rc<Cell<u32>>,
    waker: Rc<RefCell<Option<Waker>>>,
}

impl Future for Probe {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
        self.polls.set(self.polls.get() + 1);
        *self.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

#[wasio::test]
async fn waking_twice_schedules_once() {
    let polls = Rc::new(Cell::new(0));
    let waker = Rc::new(RefCell::new(None));
    let task = spawn(Probe {
        polls: polls.clone(),
        waker: waker.clone(),
    });
    yield_now().await;
    assert_eq!(polls.get(), 1);
    let w = waker.borrow().clone().unwrap();
    w.wake_by_ref();
    w.wake_by_ref();
    let by_value = w.clone();
    by_value.wake();
    yield_now().await;
    yield_now().await;
    assert_eq!(polls.get(), 2, "three wakes before the task ran: one poll");
    task.abort();
    // Waking a cancelled task does nothing.
    w.wake();
    yield_now().await;
    assert_eq!(polls.get(), 2);
}

#[wasio::test]
async fn wakers_release_the_task_when_dropped() {
    let drops = Drops::default();
    let waker = Rc::new(RefCell::new(None));
    let guard = drops.guard();
    let task = spawn({
        let waker = waker.clone();
        async move {
            let _guard = guard;
            poll_fn(|cx| {
                *waker.borrow_mut() = Some(cx.waker().clone());
                Poll::Ready(())
            })
            .await;
            drops_output()
        }
    });
    let output = task.await.unwrap();
    drop(output);
    assert_eq!(drops.count(), 1);
    // The stored waker still points at the finished task; dropping it frees the task.
    let stale = waker.borrow_mut().take().unwrap();
    stale.wake_by_ref();
    drop(stale);
}

fn drops_output() -> Vec<u8> {
    vec![1, 2, 3]
}
