//! `Event`, `Notify` and `Barrier`.

use std::rc::Rc;
use std::time::Duration;

use futures_lite::future::poll_once;
use wasio::sync::{Barrier, Event, Notify};
use wasio::time::timeout;
use wasio::{spawn, yield_now};

#[wasio::test]
async fn set_wakes_every_waiter_even_if_cleared_before_they_run() {
    let event = Rc::new(Event::new());
    let waiters: Vec<_> = (0..4)
        .map(|_| {
            let event = event.clone();
            spawn(async move { event.wait().await })
        })
        .collect();
    yield_now().await;
    event.set();
    event.clear();
    assert!(!event.is_set());
    for waiter in waiters {
        waiter.await.unwrap();
    }
    let mut later = event.wait();
    assert!(
        poll_once(&mut later).await.is_none(),
        "cleared: later waits wait"
    );
    event.set();
    later.await;
    event.wait().await; // set: at once
}

#[wasio::test]
async fn notify_one_wakes_the_longest_waiter_or_stores_a_permit() {
    let notify = Rc::new(Notify::new());
    notify.notify_one();
    notify.notify_one();
    notify.notified().await; // the stored permit
    let mut none_left = notify.notified();
    assert!(
        poll_once(&mut none_left).await.is_none(),
        "at most one permit is stored"
    );
    drop(none_left);

    let order = Rc::new(std::cell::RefCell::new(Vec::new()));
    let waiters: Vec<_> = (0..3)
        .map(|n| {
            let (notify, order) = (notify.clone(), order.clone());
            spawn(async move {
                notify.notified().await;
                order.borrow_mut().push(n);
            })
        })
        .collect();
    yield_now().await;
    for _ in 0..3 {
        notify.notify_one();
        yield_now().await;
    }
    for waiter in waiters {
        waiter.await.unwrap();
    }
    assert_eq!(*order.borrow(), [0, 1, 2]);
}

#[wasio::test]
async fn notify_waiters_wakes_only_current_waiters() {
    let notify = Notify::new();
    let mut a = notify.notified();
    let mut b = notify.notified();
    assert!(poll_once(&mut a).await.is_none());
    assert!(poll_once(&mut b).await.is_none());
    notify.notify_waiters();
    a.await;
    b.await;
    let mut later = notify.notified();
    assert!(
        poll_once(&mut later).await.is_none(),
        "notify_waiters stores no permit"
    );
}

#[wasio::test]
async fn a_dropped_notified_passes_its_notification_on() {
    let notify = Notify::new();
    let mut first = notify.notified();
    let mut second = notify.notified();
    assert!(poll_once(&mut first).await.is_none());
    assert!(poll_once(&mut second).await.is_none());
    notify.notify_one(); // chooses `first`
    drop(first);
    assert!(timeout(Duration::from_secs(1), second).await.is_ok());
    // With nobody waiting, a dropped chosen waiter leaves the permit stored.
    let mut only = notify.notified();
    assert!(poll_once(&mut only).await.is_none());
    notify.notify_one();
    drop(only);
    assert!(poll_once(notify.notified()).await.is_some());
}

#[wasio::test]
async fn a_barrier_releases_each_round_with_one_leader() {
    let barrier = Rc::new(Barrier::new(3));
    assert_eq!(barrier.parties(), 3);
    for _round in 0..3 {
        let tasks: Vec<_> = (0..3)
            .map(|_| {
                let barrier = barrier.clone();
                spawn(async move { barrier.wait().await.is_leader() })
            })
            .collect();
        let mut leaders = 0;
        for task in tasks {
            leaders += u32::from(task.await.unwrap());
        }
        assert_eq!(leaders, 1);
        assert_eq!(barrier.n_waiting(), 0);
    }
}

#[wasio::test]
async fn a_dropped_barrier_waiter_no_longer_counts() {
    let barrier = Barrier::new(2);
    let mut gone = Box::pin(barrier.wait());
    assert!(poll_once(&mut gone).await.is_none());
    assert_eq!(barrier.n_waiting(), 1);
    drop(gone);
    assert_eq!(barrier.n_waiting(), 0);
    let mut first = Box::pin(barrier.wait());
    assert!(
        poll_once(&mut first).await.is_none(),
        "one of two arrived: still waiting"
    );
    let second = barrier.wait().await;
    assert!(second.is_leader());
    assert!(!first.await.is_leader());
    assert!(
        Barrier::new(0).wait().await.is_leader(),
        "zero parties count as one"
    );
}
