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

#[wasio::test]
async fn a_task_that_aborts_itself_and_finishes_without_waiting_keeps_its_output() {
    let own: Rc<RefCell<Option<JoinHandle<u8>>>> = Rc::default();
    let task = spawn({
        let own = own.clone();
        async move {
            yield_now().await;
            own.borrow().as_ref().unwrap().abort();
            sleep(Duration::ZERO).await;
            5
        }
    });
    *own.borrow_mut() = Some(task);
    for _ in 0..3 {
        yield_now().await;
    }
    let task = own.borrow_mut().take().unwrap();
    assert_eq!(task.await, Ok(5));
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
async fn a_finished_detached_task_is_freed_at_once() {
    let drops = Drops::default();
    let guard = drops.guard();
    drop(spawn(async move {
        yield_now().await;
        guard
    }));
    for _ in 0..3 {
        yield_now().await;
    }
    assert_eq!(drops.count(), 1, "its output was dropped with the task");
    assert_eq!(stats().tasks, 0);
}

#[wasio::test]
async fn a_stored_waker_keeps_the_task_alive_until_it_is_dropped() {
    let drops = Drops::default();
    let guard = drops.guard();
    let stored = Rc::new(RefCell::new(Vec::new()));
    let task = spawn({
        let stored = stored.clone();
        async move {
            poll_fn(|cx| {
                // Several clones, some woken by value: each must give back exactly its count.
                stored
                    .borrow_mut()
                    .extend((0..4).map(|_| cx.waker().clone()));
                Poll::Ready(())
            })
            .await;
            guard
        }
    });
    drop(task);
    for _ in 0..3 {
        yield_now().await;
    }
    assert_eq!(
        drops.count(),
        0,
        "the wakers still own the task and its output"
    );
    let mut wakers = std::mem::take(&mut *stored.borrow_mut());
    wakers.pop().unwrap().wake();
    wakers.pop().unwrap().wake_by_ref();
    assert_eq!(drops.count(), 0);
    drop(wakers);
    assert_eq!(drops.count(), 1, "the last waker freed the task");
}

#[wasio::test]
async fn a_pinned_future_never_moves_while_it_runs() {
    use std::marker::PhantomPinned;

    struct Pinned {
        seen: Rc<RefCell<Vec<usize>>>,
        polls: u32,
        _pin: PhantomPinned,
    }

    impl Future for Pinned {
        type Output = ();
        fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<()> {
            // SAFETY: only a plain field is updated; nothing is moved out.
            let this = unsafe { self.get_unchecked_mut() };
            this.seen.borrow_mut().push(this as *const Self as usize);
            this.polls += 1;
            if this.polls == 3 {
                return Poll::Ready(());
            }
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }

    impl Drop for Pinned {
        fn drop(&mut self) {
            self.seen.borrow_mut().push(self as *const Self as usize);
        }
    }

    let seen = Rc::new(RefCell::new(Vec::new()));
    let finishing = spawn(Pinned {
        seen: seen.clone(),
        polls: 0,
        _pin: PhantomPinned,
    });
    finishing.await.unwrap();
    let aborted = spawn(Pinned {
        seen: seen.clone(),
        polls: 0,
        _pin: PhantomPinned,
    });
    yield_now().await;
    aborted.abort();
    let seen = seen.borrow();
    assert_eq!(
        seen.len(),
        4 + 2,
        "3 polls and a drop, then 1 poll and a drop"
    );
    assert!(seen[..4].iter().all(|&at| at == seen[0]), "{seen:?}");
    assert_eq!(seen[4], seen[5], "{seen:?}");
}
