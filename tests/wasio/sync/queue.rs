//! `Queue`: order, backpressure, close, task_done/join, and waiters that are dropped.

use std::time::Duration;

use futures_lite::future::poll_once;
use wasio::sync::{Queue, QueueClosed, TaskDoneError, TryGetError, TryPutError};
use wasio::time::{sleep, timeout};
use wasio::{spawn, yield_now};

#[wasio::test]
async fn items_come_out_in_the_order_they_went_in() {
    let queue = Queue::unbounded();
    for n in 0..100 {
        queue.put(n).await.unwrap();
    }
    assert_eq!(queue.len(), 100);
    for n in 0..100 {
        assert_eq!(queue.get().await, Ok(n));
    }
    assert!(queue.is_empty());
}

#[wasio::test]
async fn a_full_queue_makes_put_wait_until_a_get() {
    let queue = Queue::new(2);
    assert_eq!(queue.capacity(), Some(2));
    queue.put(1).await.unwrap();
    queue.put(2).await.unwrap();
    assert!(queue.is_full());
    let mut third = queue.put(3);
    assert!(
        poll_once(&mut third).await.is_none(),
        "put waits while full"
    );
    assert!(matches!(queue.try_put(4), Err(TryPutError::Full(4))));
    assert_eq!(queue.get().await, Ok(1));
    third.await.unwrap();
    assert_eq!(queue.len(), 2);
    assert_eq!(queue.try_get(), Ok(2));
    assert_eq!(queue.try_get(), Ok(3));
    assert_eq!(queue.try_get(), Err(TryGetError::Empty));
}

#[wasio::test]
async fn zero_maxsize_means_unbounded_as_in_asyncio() {
    let queue = Queue::new(0);
    assert_eq!(queue.capacity(), None);
    for n in 0..10_000 {
        queue.try_put(n).unwrap();
    }
    assert!(!queue.is_full());
}

#[wasio::test]
async fn waiting_consumers_are_served_in_arrival_order() {
    let queue = Queue::unbounded();
    let consumers: Vec<_> = (0..3)
        .map(|_| {
            let queue = queue.clone();
            spawn(async move { queue.get().await })
        })
        .collect();
    yield_now().await;
    for item in ["a", "b", "c"] {
        queue.put(item).await.unwrap();
    }
    let mut got = Vec::new();
    for consumer in consumers {
        got.push(consumer.await.unwrap().unwrap());
    }
    assert_eq!(got, ["a", "b", "c"]);
}

#[wasio::test]
async fn waiting_producers_are_served_in_arrival_order() {
    let queue = Queue::new(1);
    queue.put(0).await.unwrap();
    let producers: Vec<_> = (1..=3)
        .map(|n| {
            let queue = queue.clone();
            spawn(async move { queue.put(n).await })
        })
        .collect();
    yield_now().await;
    let mut got = Vec::new();
    for _ in 0..4 {
        got.push(queue.get().await.unwrap());
    }
    assert_eq!(got, [0, 1, 2, 3]);
    for producer in producers {
        producer.await.unwrap().unwrap();
    }
}

#[wasio::test]
async fn close_fails_puts_and_lets_consumers_drain() {
    let queue = Queue::new(1);
    queue.put("kept").await.unwrap();
    let blocked = {
        let queue = queue.clone();
        spawn(async move { queue.put("refused").await })
    };
    yield_now().await;
    queue.close();
    assert!(queue.is_closed());
    let refused = blocked.await.unwrap().unwrap_err();
    assert_eq!(
        refused.0, "refused",
        "the waiting producer got its item back"
    );
    assert!(matches!(
        queue.try_put("late"),
        Err(TryPutError::Closed("late"))
    ));
    assert_eq!(queue.put("late").await.unwrap_err().0, "late");
    assert_eq!(queue.get().await, Ok("kept"));
    assert_eq!(queue.get().await, Err(QueueClosed));
    assert_eq!(queue.try_get(), Err(TryGetError::Closed));
}

#[wasio::test]
async fn close_wakes_every_waiting_consumer() {
    let queue = Queue::<u8>::unbounded();
    let consumers: Vec<_> = (0..5)
        .map(|_| {
            let queue = queue.clone();
            spawn(async move { queue.get().await })
        })
        .collect();
    yield_now().await;
    queue.close();
    for consumer in consumers {
        assert_eq!(consumer.await.unwrap(), Err(QueueClosed));
    }
}

#[wasio::test]
async fn join_waits_until_every_item_is_done() {
    let queue = Queue::unbounded();
    queue.join().await; // nothing put: at once
    for n in 0..3 {
        queue.put(n).await.unwrap();
    }
    let worker = {
        let queue = queue.clone();
        spawn(async move {
            for _ in 0..3 {
                queue.get().await.unwrap();
                sleep(Duration::from_millis(2)).await;
                queue.task_done().unwrap();
            }
        })
    };
    let mut join = queue.join();
    assert!(poll_once(&mut join).await.is_none());
    join.await;
    worker.await.unwrap();
    assert_eq!(queue.task_done(), Err(TaskDoneError));
}

#[wasio::test]
async fn a_joiner_woken_at_zero_returns_even_if_items_arrive_before_it_runs() {
    let queue = Queue::unbounded();
    queue.put(1).await.unwrap();
    let joiner = {
        let queue = queue.clone();
        spawn(async move { queue.join().await })
    };
    yield_now().await;
    queue.get().await.unwrap();
    queue.task_done().unwrap();
    queue.put(2).await.unwrap();
    assert!(timeout(Duration::from_secs(1), joiner).await.is_ok());
}

#[wasio::test]
async fn an_item_promised_to_a_dropped_consumer_goes_to_the_next() {
    let queue = Queue::unbounded();
    let mut first = queue.get();
    let mut second = queue.get();
    assert!(poll_once(&mut first).await.is_none());
    assert!(poll_once(&mut second).await.is_none());
    queue.put("only").await.unwrap(); // promised to `first`
    drop(first);
    assert_eq!(second.await, Ok("only"));
}

#[wasio::test]
async fn a_slot_promised_to_a_dropped_producer_goes_to_the_next() {
    let queue = Queue::new(1);
    queue.put(0).await.unwrap();
    let mut first = queue.put(1);
    let mut second = queue.put(2);
    assert!(poll_once(&mut first).await.is_none());
    assert!(poll_once(&mut second).await.is_none());
    assert_eq!(queue.get().await, Ok(0)); // the slot is promised to `first`
    drop(first);
    second.await.unwrap();
    assert_eq!(queue.get().await, Ok(2));
    assert!(queue.is_empty());
}

#[wasio::test]
async fn a_consumer_arriving_late_does_not_overtake_a_woken_one() {
    let queue = Queue::unbounded();
    let mut early = queue.get();
    assert!(poll_once(&mut early).await.is_none());
    queue.put(1).await.unwrap(); // promised to `early`, which has not run yet
    assert_eq!(queue.try_get(), Err(TryGetError::Empty));
    let mut late = queue.get();
    assert!(poll_once(&mut late).await.is_none());
    assert_eq!(early.await, Ok(1));
    queue.put(2).await.unwrap();
    assert_eq!(late.await, Ok(2));
}
