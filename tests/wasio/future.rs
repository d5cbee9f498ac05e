//! `join_all`, `try_join_all`, `race_all`, `as_completed` and the re-exported pairs.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_lite::StreamExt;
use wasio::future::{as_completed, join_all, race, race_all, try_join_all, zip};
use wasio::time::{Instant, sleep};
use wasio::yield_now;

use crate::common::Drops;

const MS: Duration = Duration::from_millis(1);

async fn nap(ms: u32) -> u32 {
    sleep(ms * MS).await;
    ms
}

#[wasio::test]
async fn join_all_keeps_input_order_and_runs_concurrently() {
    let start = Instant::now();
    let out = join_all([40, 10, 30, 20].map(nap)).await;
    assert_eq!(out, [40, 10, 30, 20]);
    assert!(start.elapsed() < 90 * MS, "{:?}", start.elapsed());
    assert!(
        join_all(Vec::<std::future::Ready<u8>>::new())
            .await
            .is_empty()
    );
}

/// Counts its polls, then completes after `after` of them, waking itself in between.
struct CountPolls {
    polls: Rc<Cell<u32>>,
    after: u32,
}

impl Future for CountPolls {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.polls.set(self.polls.get() + 1);
        if self.polls.get() >= self.after {
            return Poll::Ready(());
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[wasio::test]
async fn only_the_futures_that_were_woken_are_polled_again() {
    let busy = Rc::new(Cell::new(0));
    let quiet_polls: Vec<Rc<Cell<u32>>> = (0..50).map(|_| Rc::default()).collect();
    let quiet = quiet_polls.iter().map(|polls| {
        let polls = polls.clone();
        let mut nap = Box::pin(sleep(20 * MS));
        Box::pin(poll_fn(move |cx| {
            polls.set(polls.get() + 1);
            nap.as_mut().poll(cx)
        })) as Pin<Box<dyn Future<Output = ()>>>
    });
    let spinner = Box::pin(CountPolls {
        polls: busy.clone(),
        after: 200,
    }) as Pin<Box<dyn Future<Output = ()>>>;
    join_all(quiet.chain([spinner])).await;
    assert_eq!(busy.get(), 200);
    for polls in &quiet_polls {
        assert!(
            polls.get() <= 2,
            "a sleeping future was polled {} times",
            polls.get()
        );
    }
}

#[wasio::test]
async fn try_join_all_stops_at_the_first_error_and_drops_the_rest() {
    let drops = Drops::default();
    let futures = (0..5u32).map(|n| {
        let guard = drops.guard();
        async move {
            let _guard = guard;
            if n == 3 {
                sleep(5 * MS).await;
                return Err(n);
            }
            sleep(Duration::from_secs(3600)).await;
            Ok(n)
        }
    });
    let start = Instant::now();
    assert_eq!(try_join_all(futures).await, Err(3));
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(drops.count(), 5);
    let ok = try_join_all([1u8, 2].map(|n| async move { Ok::<_, ()>(n) })).await;
    assert_eq!(ok, Ok(vec![1, 2]));
}

#[wasio::test]
async fn race_all_returns_the_first_and_drops_the_others() {
    let drops = Drops::default();
    let futures = [30u32, 5, 20].map(|ms| {
        let guard = drops.guard();
        async move {
            let _guard = guard;
            nap(ms).await
        }
    });
    assert_eq!(race_all(futures).await, Some((1, 5)));
    assert_eq!(drops.count(), 3);
    assert_eq!(race_all(Vec::<std::future::Ready<u8>>::new()).await, None);
}

#[wasio::test]
async fn as_completed_yields_in_completion_order() {
    let order: Vec<u32> = as_completed([30, 10, 20, 0].map(nap)).collect().await;
    assert_eq!(order, [0, 10, 20, 30]);
}

#[wasio::test]
async fn a_future_that_keeps_waking_itself_does_not_stall_the_set() {
    let spinning = Rc::new(Cell::new(0));
    let mut set = as_completed([
        Box::pin(CountPolls {
            polls: spinning.clone(),
            after: u32::MAX,
        }) as Pin<Box<dyn Future<Output = ()>>>,
        Box::pin(async { sleep(5 * MS).await }),
    ]);
    set.next().await;
    assert!(spinning.get() > 1, "the spinner ran meanwhile");
}

#[wasio::test]
async fn the_pairs_from_futures_lite_work_on_the_runtime() {
    assert_eq!(zip(nap(10), nap(5)).await, (10, 5));
    assert_eq!(race(nap(30), nap(1)).await, 1);
    yield_now().await;
}

mod wait_select_shield {
    use std::cell::Cell;
    use std::pin::pin;
    use std::rc::Rc;

    use wasio::future::{Either, ReturnWhen, select, shield, wait};
    use wasio::runtime::JoinError;
    use wasio::time::{Instant, sleep, timeout};
    use wasio::{spawn, yield_now};

    use super::{MS, nap};

    fn task(ms: u32) -> wasio::runtime::JoinHandle<u32> {
        spawn(nap(ms))
    }

    #[wasio::test]
    async fn wait_first_completed_returns_the_first_and_the_rest_pending() {
        let (done, pending) = wait(
            [task(60), task(10), task(40)],
            ReturnWhen::FirstCompleted,
            None,
        )
        .await;
        assert_eq!(done, [(1, Ok(10))]);
        let indices: Vec<usize> = pending.iter().map(|(index, _)| *index).collect();
        assert_eq!(indices, [0, 2]);
        let mut rest = Vec::new();
        for (_, task) in pending {
            rest.push(task.await.unwrap());
        }
        assert_eq!(rest, [60, 40], "the pending tasks went on");
    }

    #[wasio::test]
    async fn wait_collects_every_future_already_done() {
        let tasks = [task(0), task(0), task(50)];
        sleep(10 * MS).await;
        let (done, pending) = wait(tasks, ReturnWhen::FirstCompleted, None).await;
        assert_eq!(done.len(), 2, "both finished tasks: {done:?}");
        assert_eq!(pending.len(), 1);
    }

    #[wasio::test]
    async fn wait_all_completed_in_completion_order() {
        let start = Instant::now();
        let (done, pending) = wait(
            [task(30), task(10), task(20)],
            ReturnWhen::AllCompleted,
            None,
        )
        .await;
        assert_eq!(done, [(1, Ok(10)), (2, Ok(20)), (0, Ok(30))]);
        assert!(pending.is_empty());
        assert!(start.elapsed() < 90 * MS);
    }

    #[wasio::test]
    async fn wait_first_exception_returns_at_the_first_failure_or_when_all_are_done() {
        let fallible = |ms: u32, ok: bool| {
            Box::pin(async move {
                sleep(ms * MS).await;
                if ok { Ok(ms) } else { Err(ms) }
            })
        };
        let (done, pending) = wait(
            [fallible(5, true), fallible(15, false), fallible(80, true)],
            ReturnWhen::first_error(),
            None,
        )
        .await;
        assert_eq!(done, [(0, Ok(5)), (1, Err(15))]);
        assert_eq!(pending.len(), 1);
        let (done, pending) = wait(
            [fallible(5, true), fallible(15, true)],
            ReturnWhen::first_error(),
            None,
        )
        .await;
        assert_eq!(done.len(), 2, "no failure: all completed");
        assert!(pending.is_empty());
        // Tasks that give a Result: their errors and their aborts both count.
        let failing = spawn(async {
            sleep(10 * MS).await;
            Err::<u32, &str>("boom")
        });
        let slow = spawn(async {
            sleep(200 * MS).await;
            Ok::<u32, &str>(1)
        });
        let (done, pending) = wait(
            [failing, slow],
            ReturnWhen::FirstException(|r| !matches!(r, Ok(Ok(_)))),
            None,
        )
        .await;
        assert_eq!(done, [(0, Ok(Err("boom")))]);
        pending[0].1.abort();
    }

    #[wasio::test]
    async fn wait_with_a_timeout_returns_what_is_done_without_an_error() {
        let start = Instant::now();
        let (done, pending) = wait(
            [task(10), task(500)],
            ReturnWhen::AllCompleted,
            Some(40 * MS),
        )
        .await;
        assert_eq!(done, [(0, Ok(10))]);
        assert_eq!(pending.len(), 1);
        assert!(start.elapsed() < 300 * MS);
        let (done, pending) = wait(
            Vec::<wasio::runtime::JoinHandle<u32>>::new(),
            ReturnWhen::FirstCompleted,
            None,
        )
        .await;
        assert!(
            done.is_empty() && pending.is_empty(),
            "an empty input returns at once"
        );
    }

    #[wasio::test]
    async fn select_returns_the_winner_and_gives_back_the_loser() {
        let fast = pin!(async {
            sleep(10 * MS).await;
            "text"
        });
        let slow = pin!(nap(40));
        match select(slow, fast).await {
            Either::Right(("text", slow)) => assert_eq!(slow.await, 40, "the loser goes on"),
            other => panic!(
                "the fast one should win: {:?}",
                matches!(other, Either::Left(_))
            ),
        }
        // Biased: both ready, the first wins.
        let both = select(std::future::ready(1u8), std::future::ready("b")).await;
        assert!(matches!(both, Either::Left((1, _))));
    }

    #[wasio::test]
    async fn a_shielded_future_outlives_a_timeout_and_its_output_can_still_be_had() {
        let done = Rc::new(Cell::new(false));
        let mut saved = {
            let done = done.clone();
            shield(async move {
                sleep(30 * MS).await;
                done.set(true);
                "saved"
            })
        };
        assert!(timeout(5 * MS, &mut saved).await.is_err());
        assert!(!done.get());
        assert_eq!(saved.await, Ok("saved"));
        assert!(done.get());
    }

    #[wasio::test]
    async fn a_shielded_future_outlives_the_task_that_awaited_it() {
        let done = Rc::new(Cell::new(false));
        let outer = {
            let done = done.clone();
            spawn(async move {
                shield(async move {
                    sleep(20 * MS).await;
                    done.set(true);
                })
                .await
            })
        };
        yield_now().await;
        outer.abort();
        assert_eq!(outer.await, Err(JoinError::Aborted));
        sleep(40 * MS).await;
        assert!(done.get(), "the shielded work finished");
        // abort on the handle itself still cancels it.
        let inner = shield(std::future::pending::<()>());
        inner.abort();
        assert_eq!(inner.await, Err(JoinError::Aborted));
    }
}
