//! `Mutex`: exclusive across awaits, FIFO, and dropped lockers.

use std::rc::Rc;

use futures_lite::future::poll_once;
use wasio::sync::{Mutex, WouldBlock};
use wasio::{spawn, yield_now};

#[wasio::test]
async fn the_guard_is_exclusive_across_awaits() {
    let counter = Rc::new(Mutex::new(0u32));
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let counter = counter.clone();
            spawn(async move {
                let mut value = counter.lock().await;
                let read = *value;
                yield_now().await; // another task would interleave here without the lock
                *value = read + 1;
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(*counter.lock().await, 50);
}

#[wasio::test]
async fn lockers_get_the_lock_in_arrival_order() {
    let log = Rc::new(Mutex::new(Vec::new()));
    let first = log.lock().await;
    let tasks: Vec<_> = (0..5)
        .map(|n| {
            let log = log.clone();
            spawn(async move { log.lock().await.push(n) })
        })
        .collect();
    yield_now().await;
    assert_eq!(log.try_lock().unwrap_err(), WouldBlock);
    drop(first);
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(*log.lock().await, [0, 1, 2, 3, 4]);
}

#[wasio::test]
async fn a_dropped_locker_passes_its_turn_on() {
    let mutex = Mutex::new("value");
    let held = mutex.lock().await;
    let mut first = Box::pin(mutex.lock());
    let mut second = Box::pin(mutex.lock());
    assert!(poll_once(&mut first).await.is_none());
    assert!(poll_once(&mut second).await.is_none());
    drop(held); // the turn goes to `first`
    drop(first);
    assert_eq!(*second.await, "value");
}

#[wasio::test]
async fn get_mut_and_into_inner_need_no_lock() {
    let mut mutex = Mutex::new(vec![1]);
    mutex.get_mut().push(2);
    assert_eq!(format!("{mutex:?}"), "Mutex { value: [1, 2] }");
    let guard = mutex.try_lock().unwrap();
    assert_eq!(format!("{guard:?}"), "[1, 2]");
    drop(guard);
    assert_eq!(mutex.into_inner(), [1, 2]);
}
