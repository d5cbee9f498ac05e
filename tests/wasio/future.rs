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
