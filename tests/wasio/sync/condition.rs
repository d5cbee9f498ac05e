//! `Condition`: wait releases and retakes the lock, wait_for, notify(n), notify_all, and
//! notifications that survive dropped waiters.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use futures_lite::future::poll_once;
use wasio::sync::Condition;
use wasio::time::{sleep, timeout};
use wasio::{spawn, yield_now};

/// A task that waits once on `condition` (whose value counts notifications) and records
/// `id` in `woken` when it returns.
fn waiter(
    condition: &Rc<Condition<u32>>,
    woken: &Rc<RefCell<Vec<u32>>>,
    id: u32,
) -> wasio::runtime::JoinHandle<()> {
    let (condition, woken) = (condition.clone(), woken.clone());
    spawn(async move {
        let guard = condition.lock().await;
        let mut guard = condition.wait(guard).await;
        *guard += 1;
        woken.borrow_mut().push(id);
    })
}

#[wasio::test]
async fn wait_releases_the_lock_and_takes_it_back_before_returning() {
    let condition = Rc::new(Condition::new(0u32));
    let woken = Rc::new(RefCell::new(Vec::new()));
    let task = waiter(&condition, &woken, 1);
    yield_now().await;
    assert_eq!(condition.waiters(), 1);
    let guard = condition.try_lock().expect("the waiter released the lock");
    condition.notify(1);
    yield_now().await;
    yield_now().await;
    assert!(
        woken.borrow().is_empty(),
        "notified, but the lock is held here"
    );
    drop(guard);
    task.await.unwrap();
    assert_eq!(*woken.borrow(), [1]);
    assert_eq!(*condition.lock().await, 1);
}

#[wasio::test]
async fn notify_n_wakes_the_n_longest_waiters_and_stores_nothing() {
    let condition = Rc::new(Condition::new(0u32));
    let woken = Rc::new(RefCell::new(Vec::new()));
    let tasks: Vec<_> = (1..=4).map(|id| waiter(&condition, &woken, id)).collect();
    yield_now().await;
    assert_eq!(condition.waiters(), 4);
    condition.notify(2);
    sleep(Duration::from_millis(5)).await;
    assert_eq!(*woken.borrow(), [1, 2]);
    condition.notify_all();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(*woken.borrow(), [1, 2, 3, 4]);
    // Nobody waits: nothing is stored for a later waiter.
    condition.notify(5);
    let late = waiter(&condition, &woken, 5);
    sleep(Duration::from_millis(5)).await;
    assert!(!late.is_finished());
    condition.notify(1);
    late.await.unwrap();
}

#[wasio::test]
async fn wait_for_returns_once_the_predicate_holds() {
    let condition = Rc::new(Condition::new(Vec::<u32>::new()));
    let guard = condition.lock().await;
    let guard = condition.wait_for(guard, |_| true).await;
    drop(guard);
    let consumer = {
        let condition = condition.clone();
        spawn(async move {
            let guard = condition.lock().await;
            let mut guard = condition.wait_for(guard, |items| items.len() >= 2).await;
            std::mem::take(&mut *guard)
        })
    };
    yield_now().await;
    condition.lock().await.push(1);
    condition.notify_all();
    yield_now().await;
    yield_now().await;
    assert!(
        !consumer.is_finished(),
        "one item: the predicate does not hold"
    );
    condition.lock().await.push(2);
    condition.notify_all();
    assert_eq!(consumer.await, Ok(vec![1, 2]));
}

#[wasio::test]
async fn a_notified_waiter_dropped_before_it_runs_passes_the_notification_on() {
    let condition = Rc::new(Condition::new(0u32));
    let woken = Rc::new(RefCell::new(Vec::new()));
    let mut first = Box::pin(async {
        let guard = condition.lock().await;
        drop(condition.wait(guard).await);
    });
    assert!(poll_once(&mut first).await.is_none());
    let second = waiter(&condition, &woken, 2);
    yield_now().await;
    assert_eq!(condition.waiters(), 2);
    condition.notify(1); // chooses `first`
    drop(first);
    timeout(Duration::from_secs(1), second)
        .await
        .expect("the notification reached the second waiter")
        .unwrap();
}

#[wasio::test]
async fn a_notified_waiter_dropped_while_retaking_the_lock_passes_the_notification_on() {
    let condition = Rc::new(Condition::new(0u32));
    let woken = Rc::new(RefCell::new(Vec::new()));
    let first = waiter(&condition, &woken, 1);
    let second = waiter(&condition, &woken, 2);
    yield_now().await;
    let guard = condition.lock().await;
    condition.notify(1); // chooses the first, which then waits for the lock held here
    yield_now().await;
    yield_now().await;
    assert_eq!(condition.waiters(), 1, "the first left the queue");
    first.abort();
    drop(guard);
    timeout(Duration::from_secs(1), second)
        .await
        .expect("the notification reached the second waiter")
        .unwrap();
    assert_eq!(*woken.borrow(), [2]);
}

#[wasio::test]
async fn a_waiter_dropped_before_a_notification_takes_none() {
    let condition = Rc::new(Condition::new(0u32));
    let woken = Rc::new(RefCell::new(Vec::new()));
    let first = waiter(&condition, &woken, 1);
    let second = waiter(&condition, &woken, 2);
    yield_now().await;
    first.abort();
    assert_eq!(condition.waiters(), 1);
    condition.notify(1);
    second.await.unwrap();
    assert_eq!(*woken.borrow(), [2]);
    assert!(condition.try_lock().is_ok(), "nobody holds the lock");
}
