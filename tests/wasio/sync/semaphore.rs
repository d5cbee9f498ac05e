//! `Semaphore`: FIFO permits, closing, owned permits and dropped waiters.

use std::rc::Rc;

use futures_lite::future::poll_once;
use wasio::sync::{AcquireError, Semaphore, TryAcquireError};
use wasio::{spawn, yield_now};

#[wasio::test]
async fn permits_are_taken_and_given_back() {
    let semaphore = Semaphore::new(3);
    let a = semaphore.acquire().await.unwrap();
    let b = semaphore.acquire_many(2).await.unwrap();
    assert_eq!((a.num_permits(), b.num_permits()), (1, 2));
    assert_eq!(semaphore.available_permits(), 0);
    assert_eq!(
        semaphore.try_acquire().unwrap_err(),
        TryAcquireError::NoPermits
    );
    drop(b);
    assert_eq!(semaphore.available_permits(), 2);
    a.forget();
    assert_eq!(
        semaphore.available_permits(),
        2,
        "a forgotten permit stays out"
    );
    assert_eq!(semaphore.acquire_many(0).await.unwrap().num_permits(), 0);
}

#[wasio::test]
async fn a_big_request_at_the_front_is_not_overtaken() {
    let semaphore = Rc::new(Semaphore::new(1));
    let held = semaphore.acquire().await.unwrap();
    let mut big = semaphore.acquire_many(2);
    assert!(poll_once(&mut big).await.is_none());
    drop(held);
    // One permit is free, but the request for two came first.
    assert_eq!(
        semaphore.try_acquire().unwrap_err(),
        TryAcquireError::NoPermits
    );
    let mut small = semaphore.acquire();
    assert!(poll_once(&mut small).await.is_none());
    semaphore.add_permits(1);
    let big = big.await.unwrap();
    assert!(poll_once(&mut small).await.is_none());
    drop(big);
    assert_eq!(small.await.unwrap().num_permits(), 1);
}

#[wasio::test]
async fn a_dropped_waiter_hands_its_permits_on() {
    let semaphore = Semaphore::new(0);
    let mut first = semaphore.acquire();
    let mut second = semaphore.acquire();
    assert!(poll_once(&mut first).await.is_none());
    assert!(poll_once(&mut second).await.is_none());
    semaphore.add_permits(1); // granted to `first`, which has not run yet
    drop(first);
    assert_eq!(second.await.unwrap().num_permits(), 1);
    assert_eq!(semaphore.available_permits(), 1);
}

#[wasio::test]
async fn a_dropped_front_waiter_unblocks_smaller_requests_behind_it() {
    let semaphore = Semaphore::new(1);
    let mut big = semaphore.acquire_many(5);
    let mut small = semaphore.acquire();
    assert!(poll_once(&mut big).await.is_none());
    assert!(poll_once(&mut small).await.is_none());
    drop(big);
    assert!(poll_once(&mut small).await.is_some());
}

#[wasio::test]
async fn close_fails_waiters_and_later_acquires_but_keeps_held_permits() {
    let semaphore = Rc::new(Semaphore::new(1));
    let held = semaphore.acquire().await.unwrap();
    let waiter = {
        let semaphore = semaphore.clone();
        spawn(async move { semaphore.acquire().await.map(|p| p.num_permits()) })
    };
    yield_now().await;
    semaphore.close();
    assert!(semaphore.is_closed());
    assert_eq!(waiter.await.unwrap(), Err(AcquireError::Closed));
    assert_eq!(
        semaphore.try_acquire().unwrap_err(),
        TryAcquireError::Closed
    );
    assert!(semaphore.acquire().await.is_err());
    drop(held);
    assert_eq!(semaphore.available_permits(), 1);
}

#[wasio::test]
async fn owned_permits_move_into_tasks() {
    let semaphore = Rc::new(Semaphore::new(2));
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let permit = semaphore.clone().acquire_owned().await.unwrap();
        tasks.push(spawn(async move {
            yield_now().await;
            drop(permit);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(semaphore.available_permits(), 2);
    let permit = semaphore.clone().try_acquire_owned().unwrap();
    assert!(Rc::ptr_eq(permit.semaphore(), &semaphore));
    let many = semaphore.clone().acquire_many_owned(1).await.unwrap();
    assert_eq!(semaphore.available_permits(), 0);
    drop((permit, many));
    assert_eq!(semaphore.available_permits(), 2);
}

#[wasio::test]
async fn permits_saturate_at_the_maximum() {
    let semaphore = Semaphore::new(usize::MAX);
    assert_eq!(semaphore.available_permits(), Semaphore::MAX_PERMITS);
    semaphore.add_permits(usize::MAX);
    assert_eq!(semaphore.available_permits(), Semaphore::MAX_PERMITS);
}

#[wasio::test]
async fn zero_permits_are_granted_at_once_even_behind_waiters() {
    let semaphore = Semaphore::new(0);
    let mut waiting = semaphore.acquire();
    assert!(poll_once(&mut waiting).await.is_none());
    assert_eq!(semaphore.acquire_many(0).await.unwrap().num_permits(), 0);
    assert_eq!(semaphore.try_acquire_many(0).unwrap().num_permits(), 0);
}

#[wasio::test]
async fn an_impossible_request_fails_instead_of_blocking_everyone() {
    let semaphore = Semaphore::new(1);
    let too_many = Semaphore::MAX_PERMITS + 1;
    assert_eq!(
        semaphore.acquire_many(too_many).await.unwrap_err(),
        AcquireError::TooManyPermits
    );
    assert_eq!(
        semaphore.try_acquire_many(too_many).unwrap_err(),
        TryAcquireError::TooManyPermits
    );
    assert_eq!(
        semaphore.acquire().await.unwrap().num_permits(),
        1,
        "nobody is stuck behind it"
    );
}
