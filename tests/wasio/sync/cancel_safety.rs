//! Randomised (fixed-seed) cancellation of waiting `get`, `put` (of all three kinds of
//! queue), `acquire`, `lock` and a `Condition`'s `wait`, and of `wait` and `select` over
//! tasks: nothing is lost, nothing is duplicated, and no limit is exceeded.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;
use std::time::Duration;

use wasio::future::{Either, ReturnWhen, select, wait};
use wasio::sync::{
    Condition, LifoQueue, Mutex, Notify, PriorityQueue, Put, PutError, Queue, QueueClosed,
    QueueOrder, Semaphore,
};
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

/// The three kinds of queue, as the test below uses them.
trait AnyQueue: Clone + 'static {
    type Order: QueueOrder<u32>;
    fn make(maxsize: usize) -> Self;
    fn put(&self, item: u32) -> Put<'_, u32, Self::Order>;
    async fn get(&self) -> Result<u32, QueueClosed>;
    fn close(&self);
}

macro_rules! any_queue {
    ($Queue:ident, $Order:ident) => {
        impl AnyQueue for $Queue<u32> {
            type Order = wasio::sync::$Order;
            fn make(maxsize: usize) -> Self {
                $Queue::new(maxsize)
            }
            fn put(&self, item: u32) -> Put<'_, u32, Self::Order> {
                $Queue::put(self, item)
            }
            async fn get(&self) -> Result<u32, QueueClosed> {
                $Queue::get(self).await
            }
            fn close(&self) {
                $Queue::close(self)
            }
        }
    };
}

any_queue!(Queue, Fifo);
any_queue!(LifoQueue, Lifo);
any_queue!(PriorityQueue, Priority);

#[wasio::test]
async fn queue_items_survive_dropped_gets_and_puts() {
    items_survive_dropped_gets_and_puts::<Queue<u32>>().await;
}

#[wasio::test]
async fn lifo_queue_items_survive_dropped_gets_and_puts() {
    items_survive_dropped_gets_and_puts::<LifoQueue<u32>>().await;
}

#[wasio::test]
async fn priority_queue_items_survive_dropped_gets_and_puts() {
    items_survive_dropped_gets_and_puts::<PriorityQueue<u32>>().await;
}

async fn items_survive_dropped_gets_and_puts<Q: AnyQueue>() {
    for seed in SEEDS {
        let rng = Rc::new(RefCell::new(Rng::new(seed)));
        let queue = Q::make(4);
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
                            result.map_err(|PutError(item)| item).unwrap();
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

#[wasio::test]
async fn condition_notifications_survive_dropped_waits() {
    // Each round, one-shot consumers wait first and are dropped at random times: before a
    // notification, after `notify(1)` chose them but before they ran, or while they wait to
    // take the lock back. A steady consumer waits behind them. The item of the round is
    // announced with one `notify(1)` and must be taken: a notification swallowed by a dropped
    // one-shot would leave the steady consumer asleep and the item there.
    for seed in SEEDS {
        let rng = Rc::new(RefCell::new(Rng::new(seed)));
        let condition = Rc::new(Condition::new((Vec::<u32>::new(), false)));
        let taken = Rc::new(RefCell::new(Vec::new()));
        let next_round = Rc::new(Notify::new());
        let take = |condition: Rc<Condition<(Vec<u32>, bool)>>, taken: Rc<RefCell<Vec<u32>>>| async move {
            let guard = condition.lock().await;
            let mut guard = condition
                .wait_for(guard, |(items, done)| !items.is_empty() || *done)
                .await;
            let item = guard.0.pop();
            taken.borrow_mut().extend(item);
            item
        };
        let steady = {
            let (condition, taken, next_round) =
                (condition.clone(), taken.clone(), next_round.clone());
            spawn(async move {
                while take(condition.clone(), taken.clone()).await.is_some() {
                    next_round.notified().await;
                }
            })
        };
        let mut one_shots = Vec::new();
        for item in 0..150u32 {
            let count = 1 + rng.borrow_mut().below(3);
            for _ in 0..count {
                let (condition, taken) = (condition.clone(), taken.clone());
                let limit = micros(&rng, 3_000);
                one_shots.push(spawn(give_up_after(limit, take(condition, taken))));
            }
            yield_now().await; // the one-shots wait
            next_round.notify_one();
            yield_now().await; // the steady consumer waits behind them
            let mut guard = condition.lock().await;
            guard.0.push(item);
            let waiting = condition.waiters();
            if rng.borrow_mut().below(2) == 0 {
                drop(guard);
                sleep(micros(&rng, 2_000)).await; // some one-shots give up unnotified
                condition.notify(1);
            } else {
                condition.notify(1);
                sleep(micros(&rng, 3_000)).await; // the chosen one waits for the lock held here
                drop(guard);
            }
            let taken_in_time = wasio::time::timeout(Duration::from_secs(2), async {
                while !taken.borrow().contains(&item) {
                    sleep(Duration::from_micros(50)).await;
                }
            })
            .await;
            assert!(
                taken_in_time.is_ok(),
                "seed {seed}: item {item} was never taken ({waiting} waiting)"
            );
        }
        condition.lock().await.1 = true;
        condition.notify_all();
        next_round.notify_one();
        steady.await.unwrap();
        for one_shot in one_shots {
            one_shot.await.unwrap();
        }
        let mut taken = taken.borrow().clone();
        taken.sort_unstable();
        assert_eq!(taken, (0..150).collect::<Vec<_>>(), "seed {seed}");
        assert!(
            condition.try_lock().is_ok(),
            "seed {seed}: the lock was left held"
        );
    }
}

#[wasio::test]
async fn tasks_survive_dropped_waits_and_selects() {
    // `wait` and `select` over JoinHandles, dropped at random: a dropped handle detaches its
    // task, which still finishes; and `wait`'s pending handles, awaited, give every output.
    for seed in SEEDS {
        let rng = Rc::new(RefCell::new(Rng::new(seed)));
        let finished = Rc::new(Cell::new(0u32));
        let spawn_nap = |rng: &Rc<RefCell<Rng>>, finished: &Rc<Cell<u32>>, n: u32| {
            let (nap, finished) = (micros(rng, 2_000), finished.clone());
            spawn(async move {
                sleep(nap).await;
                finished.set(finished.get() + 1);
                n
            })
        };
        let mut collected = Vec::new();
        let (mut spawned, mut gave_up) = (0, 0);
        for round in 0..40u32 {
            let tasks: Vec<_> = (0..4)
                .map(|i| spawn_nap(&rng, &finished, round * 10 + i))
                .collect();
            spawned += 4;
            let limit = micros(&rng, 4_000);
            let when = match rng.borrow_mut().below(3) {
                0 => ReturnWhen::FirstCompleted,
                1 => ReturnWhen::FirstException(|r: &Result<u32, _>| r.is_err()),
                _ => ReturnWhen::AllCompleted,
            };
            if let Some((done, pending)) = give_up_after(limit, wait(tasks, when, None)).await {
                collected.extend(done.into_iter().map(|(_, r)| r.unwrap()));
                for (_, task) in pending {
                    collected.push(task.await.unwrap());
                }
            } else {
                gave_up += 1;
            }
            let (a, b) = (
                spawn_nap(&rng, &finished, 1_000),
                spawn_nap(&rng, &finished, 2_000),
            );
            spawned += 2;
            if let Some(either) = give_up_after(micros(&rng, 4_000), select(a, b)).await {
                let (first, other) = match either {
                    Either::Left((out, other)) | Either::Right((out, other)) => (out, other),
                };
                collected.push(first.unwrap());
                collected.push(other.await.unwrap());
            } else {
                gave_up += 1;
            }
        }
        // Every task finishes, whether its handle was awaited or dropped.
        wasio::time::timeout(Duration::from_secs(2), async {
            while finished.get() < spawned {
                sleep(Duration::from_millis(1)).await;
            }
        })
        .await
        .expect("a task was cancelled with its dropped wait");
        assert!(
            collected.len() >= 20 && gave_up >= 5,
            "seed {seed}: {} outputs collected, {gave_up} waits given up",
            collected.len()
        );
    }
}
