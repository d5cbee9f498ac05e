//! `LifoQueue` and `PriorityQueue`: their order, and the semantics they share with `Queue`
//! (backpressure, arrival order among waiters, close, task_done/join, dropped waiters), run
//! for all three by one macro.

use futures_lite::future::poll_once;
use wasio::sync::{LifoQueue, PriorityQueue, Queue, QueueClosed, TryGetError, TryPutError};
use wasio::{spawn, yield_now};

#[wasio::test]
async fn a_lifo_queue_hands_out_the_newest_item_first() {
    let queue = LifoQueue::unbounded();
    for n in 0..5 {
        queue.put(n).await.unwrap();
    }
    queue.try_put(5).unwrap();
    let out: Vec<_> = (0..6).map(|_| queue.try_get().unwrap()).collect();
    assert_eq!(out, [5, 4, 3, 2, 1, 0]);
    assert_eq!(queue.try_get(), Err(TryGetError::Empty));
}

#[wasio::test]
async fn a_priority_queue_hands_out_the_smallest_item_first() {
    let queue = PriorityQueue::unbounded();
    for n in [5, 1, 4, 1, 3, 9, 2, 6] {
        queue.put(n).await.unwrap();
    }
    let mut out = Vec::new();
    while let Ok(n) = queue.try_get() {
        out.push(n);
    }
    assert_eq!(out, [1, 1, 2, 3, 4, 5, 6, 9]);
    // (priority, data) tuples, as in asyncio.
    let jobs = PriorityQueue::new(3);
    jobs.put((2, "write")).await.unwrap();
    jobs.put((0, "read")).await.unwrap();
    jobs.put((1, "parse")).await.unwrap();
    assert!(jobs.is_full());
    assert_eq!(jobs.get().await, Ok((0, "read")));
    assert_eq!(jobs.get().await, Ok((1, "parse")));
    assert_eq!(jobs.get().await, Ok((2, "write")));
}

#[wasio::test]
async fn a_woken_consumer_takes_the_smallest_item_there_when_it_runs() {
    // The waiting consumer is promised an item when the first is put, not that item.
    let queue = PriorityQueue::unbounded();
    let consumer = {
        let queue = queue.clone();
        spawn(async move { queue.get().await })
    };
    yield_now().await;
    queue.try_put(9).unwrap();
    queue.try_put(1).unwrap();
    // The reservation is a count, not an item: the consumer takes the smallest when it runs.
    assert_eq!(consumer.await.unwrap(), Ok(1));
    assert_eq!(queue.try_get(), Ok(9));
}

#[wasio::test]
async fn debug_names_the_kind_of_queue() {
    assert!(format!("{:?}", Queue::<u8>::new(1)).starts_with("Queue {"));
    assert!(format!("{:?}", LifoQueue::<u8>::new(1)).starts_with("LifoQueue {"));
    assert!(format!("{:?}", PriorityQueue::<u8>::new(1)).starts_with("PriorityQueue {"));
}

/// The tests every kind of queue passes, written once; `$q` makes an empty queue of `u32`s
/// with the capacity given (0: unbounded).
macro_rules! shared_semantics {
    ($kind:ident, $q:expr) => {
        mod $kind {
            use super::*;

            #[wasio::test]
            async fn a_full_queue_makes_put_wait_until_a_get() {
                let queue = $q(2);
                queue.put(1).await.unwrap();
                queue.put(2).await.unwrap();
                assert!(queue.is_full());
                assert_eq!(queue.capacity(), Some(2));
                let mut third = queue.put(3);
                assert!(
                    poll_once(&mut third).await.is_none(),
                    "put waits while full"
                );
                assert!(matches!(queue.try_put(4), Err(TryPutError::Full(4))));
                queue.get().await.unwrap();
                third.await.unwrap();
                assert_eq!(queue.len(), 2);
            }

            #[wasio::test]
            async fn waiting_consumers_are_served_in_arrival_order() {
                let queue = $q(0);
                let consumers: Vec<_> = (0..3)
                    .map(|_| {
                        let queue = queue.clone();
                        spawn(async move { queue.get().await })
                    })
                    .collect();
                yield_now().await;
                for item in [10, 20, 30] {
                    queue.put(item).await.unwrap();
                    yield_now().await;
                }
                let mut got = Vec::new();
                for consumer in consumers {
                    got.push(consumer.await.unwrap().unwrap());
                }
                assert_eq!(got, [10, 20, 30]);
            }

            #[wasio::test]
            async fn close_fails_puts_wakes_waiters_and_lets_consumers_drain() {
                let queue = $q(0);
                let waiting = {
                    let queue = queue.clone();
                    spawn(async move { queue.get().await })
                };
                yield_now().await;
                queue.close();
                assert_eq!(waiting.await.unwrap(), Err(QueueClosed));
                let queue = $q(2);
                queue.put(7).await.unwrap();
                queue.put(7).await.unwrap();
                let blocked = {
                    let queue = queue.clone();
                    spawn(async move { queue.put(8).await.map_err(|e| e.0) })
                };
                yield_now().await;
                queue.close();
                assert!(queue.is_closed());
                assert_eq!(blocked.await.unwrap(), Err(8), "the item comes back");
                assert!(matches!(queue.try_put(9), Err(TryPutError::Closed(9))));
                assert_eq!(queue.get().await, Ok(7));
                assert_eq!(queue.get().await, Ok(7));
                assert_eq!(queue.get().await, Err(QueueClosed));
                assert_eq!(queue.try_get(), Err(TryGetError::Closed));
            }

            #[wasio::test]
            async fn join_waits_until_every_item_is_done() {
                let queue = $q(0);
                for n in 0..3 {
                    queue.put(n).await.unwrap();
                }
                let mut join = queue.join();
                assert!(poll_once(&mut join).await.is_none());
                for _ in 0..3 {
                    queue.get().await.unwrap();
                    queue.task_done().unwrap();
                }
                join.await;
                assert!(queue.task_done().is_err(), "more task_done than items");
            }

            #[wasio::test]
            async fn an_item_promised_to_a_dropped_consumer_goes_to_the_next() {
                let queue = $q(0);
                let mut first = Box::pin(queue.get());
                assert!(poll_once(&mut first).await.is_none());
                let second = {
                    let queue = queue.clone();
                    spawn(async move { queue.get().await })
                };
                yield_now().await;
                queue.put(5).await.unwrap(); // promised to `first`
                drop(first);
                assert_eq!(second.await.unwrap(), Ok(5));
            }

            #[wasio::test]
            async fn a_slot_promised_to_a_dropped_producer_goes_to_the_next() {
                let queue = $q(1);
                queue.put(0).await.unwrap();
                let mut first = Box::pin(queue.put(1));
                assert!(poll_once(&mut first).await.is_none());
                let second = {
                    let queue = queue.clone();
                    spawn(async move { queue.put(2).await })
                };
                yield_now().await;
                assert_eq!(queue.get().await, Ok(0)); // the slot is promised to `first`
                drop(first);
                second.await.unwrap().unwrap();
                assert_eq!(queue.try_get(), Ok(2));
            }
        }
    };
}

shared_semantics!(fifo, Queue::<u32>::new);
shared_semantics!(lifo, LifoQueue::<u32>::new);
shared_semantics!(priority, PriorityQueue::<u32>::new);
