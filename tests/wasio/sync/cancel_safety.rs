//! Randomised (fixed-seed) cancellation of waiting `get`, `put`, `acquire` and `lock`:
//! nothing is lost, nothing is duplicated, and no limit is exceeded.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;

use wasio::sync::{Mutex, Queue, QueueClosed, Semaphore};
use wasio::time::sleep;
use wasio::{spawn, yield_now};

use crate::common::Rng;

const SEEDS: [u64; 3] = [7, 8, 0xC0FF_EE00];

fn micros(rng: &RefCell<Rng>, below: u64) -> Duration {
    Duration::from_micros(rng.borrow_mut().below(below))
}

/// Gives up on `future` once `limit` has passed, checking the deadline first: a waiter that was
/// just handed an item, a slot, a permit or the lock is dropped before it runs, which is the
/// case cancel-safety is about (a `timeout` would poll the future first and let it finish).
async fn give_up_after<F: std::future::Future>(limit: Duration, future: F) -> Option<F::Output> {
    futures_lite::future::or(
        async {
            sleep(limit).await;
            None
        },
        async { Some(future.await) },
    )
    .await
}

#[wasio::test]
async fn queue_items_survive_dropped_gets_and_puts() {
    for seed in SEEDS {
        let rng = Rc::new(RefCell::new(Rng::new(seed)));
        let queue = Queue::new(4);
        let sent = Rc::new(RefCell::new(BTreeSet::new()));
        let received = Rc::new(RefCell::new(Vec::new()));
        let producers: Vec<_> = (0..8u32)
            .map(|p| {
                let (rng, queue, sent) = (rng.clone(), queue.clone(), sent.clone());
                spawn(async move {
                    for n in 0..200u32 {
                        let item = p * 1_000 + n;
                        let limit = micros(&rng, 300);
                        if let Some(result) = give_up_after(limit, queue.put(item)).await {
                            result.unwrap();
                            sent.borrow_mut().insert(item);
                        }
                        if rng.borrow_mut().below(4) == 0 {
                            yield_now().await;
                        }
                    }
                })
            })
            .collect();
        let consumers: Vec<_> = (0..6)
            .map(|_| {
                let (rng, queue, received) = (rng.clone(), queue.clone(), received.clone());
                spawn(async move {
                    loop {
                        let limit = micros(&rng, 300);
                        match give_up_after(limit, queue.get()).await {
                            Some(Ok(item)) => received.borrow_mut().push(item),
                            Some(Err(QueueClosed)) => return,
                            None => {}
                        }
                    }
                })
            })
            .collect();
        for producer in producers {
            producer.await.unwrap();
        }
        queue.close();
        for consumer in consumers {
            consumer.await.unwrap();
        }
        let mut received = received.borrow().clone();
        let count = received.len();
        received.sort_unstable();
        received.dedup();
        assert_eq!(received.len(), count, "seed {seed}: an item arrived twice");
        let received: BTreeSet<u32> = received.into_iter().collect();
        assert_eq!(received, *sent.borrow(), "seed {seed}: an item was lost");
        assert!(
            sent.borrow().len() > 100,
            "seed {seed}: the test put too few items"
        );
    }
}

#[wasio::test]
async fn semaphore_permits_survive_dropped_acquires() {
    const PERMITS: usize = 5;
    for seed in SEEDS {
        let rng = Rc::new(RefCell::new(Rng::new(seed)));
        let semaphore = Rc::new(Semaphore::new(PERMITS));
        let held = Rc::new(Cell::new(0usize));
        let peak = Rc::new(Cell::new(0usize));
        let tasks: Vec<_> = (0..30)
            .map(|_| {
                let (rng, semaphore, held, peak) =
                    (rng.clone(), semaphore.clone(), held.clone(), peak.clone());
                spawn(async move {
                    for _ in 0..40 {
                        let want = 1 + rng.borrow_mut().below(3) as usize;
                        let limit = micros(&rng, 400);
                        let Some(permit) = give_up_after(limit, semaphore.acquire_many(want)).await
                        else {
                            continue;
                        };
                        let _permit = permit.unwrap();
                        held.set(held.get() + want);
                        peak.set(peak.get().max(held.get()));
                        sleep(micros(&rng, 200)).await;
                        held.set(held.get() - want);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert!(
            peak.get() <= PERMITS,
            "seed {seed}: {} permits held at once",
            peak.get()
        );
        assert!(
            peak.get() >= 2,
            "seed {seed}: the test never overlapped holders"
        );
        assert_eq!(
            semaphore.available_permits(),
            PERMITS,
            "seed {seed}: a permit was lost"
        );
    }
}

#[wasio::test]
async fn mutex_turns_survive_dropped_locks() {
    for seed in SEEDS {
        let rng = Rc::new(RefCell::new(Rng::new(seed)));
        let mutex = Rc::new(Mutex::new(0u32));
        let inside = Rc::new(Cell::new(false));
        let entered = Rc::new(Cell::new(0u32));
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (rng, mutex, inside, entered) =
                    (rng.clone(), mutex.clone(), inside.clone(), entered.clone());
                spawn(async move {
                    for _ in 0..40 {
                        let limit = micros(&rng, 1_000);
                        let Some(mut guard) = give_up_after(limit, mutex.lock()).await else {
                            continue;
                        };
                        assert!(!inside.replace(true), "two holders at once");
                        *guard += 1;
                        entered.set(entered.get() + 1);
                        if rng.borrow_mut().below(4) == 0 {
                            sleep(micros(&rng, 100)).await;
                        } else {
                            yield_now().await;
                        }
                        inside.set(false);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(*mutex.lock().await, entered.get(), "seed {seed}");
        assert!(
            entered.get() > 50,
            "seed {seed}: locked only {} times",
            entered.get()
        );
        assert!(
            mutex.try_lock().is_ok(),
            "seed {seed}: the lock was left held"
        );
    }
}
