//! Sleeps, timeouts and intervals.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use wasio::runtime::stats;
use wasio::spawn;
use wasio::time::{
    Instant, MissedTicks, interval, interval_at, sleep, sleep_until, timeout, timeout_at,
};

use crate::common::Drops;
use crate::host::AlwaysReady;

const MS: Duration = Duration::from_millis(1);

#[wasio::test]
async fn sleep_waits_at_least_its_duration() {
    let start = Instant::now();
    sleep(30 * MS).await;
    let took = start.elapsed();
    assert!(took >= 30 * MS, "{took:?}");
    assert!(took < 500 * MS, "{took:?}");
}

#[wasio::test]
async fn a_past_deadline_is_ready_at_once() {
    let turns = stats().turns;
    sleep_until(Instant::now() - Duration::from_secs(1)).await;
    sleep(Duration::ZERO).await;
    assert_eq!(stats().turns, turns);
    assert_eq!(stats().timers, 0);
}

#[wasio::test]
async fn sleepers_wake_in_deadline_order() {
    let order = Rc::new(RefCell::new(Vec::new()));
    let tasks: Vec<_> = [40u32, 10, 30, 20, 0]
        .into_iter()
        .map(|ms| {
            let order = order.clone();
            spawn(async move {
                sleep(ms * MS).await;
                order.borrow_mut().push(ms);
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(*order.borrow(), [0, 10, 20, 30, 40]);
}

#[wasio::test]
async fn a_dropped_sleep_leaves_no_timer() {
    let mut pending = sleep(Duration::from_secs(3600));
    assert!(
        futures_lite::future::poll_once(&mut pending)
            .await
            .is_none()
    );
    assert_eq!(stats().timers, 1);
    drop(pending);
    assert_eq!(stats().timers, 0);
}

#[wasio::test]
async fn reset_moves_the_deadline_both_ways() {
    let start = Instant::now();
    let mut nap = sleep(Duration::from_secs(3600));
    assert!(futures_lite::future::poll_once(&mut nap).await.is_none());
    nap.reset(start + 20 * MS);
    (&mut nap).await;
    assert!(start.elapsed() >= 20 * MS);
    assert!(nap.is_elapsed());
    nap.reset(Instant::now() + 20 * MS);
    assert!(!nap.is_elapsed());
    let again = Instant::now();
    nap.await;
    assert!(again.elapsed() >= 20 * MS);
    assert_eq!(stats().timers, 0);
}

#[test]
fn a_sleep_kept_across_runs_still_waits_for_its_deadline() {
    #[expect(
        clippy::async_yields_async,
        reason = "the sleep outlives its run on purpose"
    )]
    let nap = wasio::run(async {
        let mut nap = sleep(80 * MS);
        assert!(futures_lite::future::poll_once(&mut nap).await.is_none());
        nap
    });
    let deadline = nap.deadline();
    wasio::run(async move {
        nap.await;
        assert!(Instant::now() >= deadline);
    });
}

#[wasio::test]
async fn timeout_returns_the_output_when_the_future_is_first() {
    assert_eq!(timeout(100 * MS, async { 3 }).await, Ok(3));
    let slow_enough = timeout(200 * MS, async {
        sleep(10 * MS).await;
        "ok"
    });
    assert_eq!(slow_enough.await, Ok("ok"));
    assert_eq!(
        stats().timers,
        0,
        "the deadline's timer is gone with the timeout"
    );
}

#[wasio::test]
async fn timeout_elapses_and_drops_the_future() {
    let drops = Drops::default();
    let guard = drops.guard();
    let start = Instant::now();
    let result = timeout(20 * MS, async move {
        let _guard = guard;
        sleep(Duration::from_secs(3600)).await;
    })
    .await;
    let elapsed = result.unwrap_err();
    assert!(start.elapsed() >= 20 * MS);
    assert!(Instant::now() >= elapsed.deadline());
    assert_eq!(drops.count(), 1);
    assert_eq!(
        elapsed.to_string(),
        "deadline elapsed before the future completed"
    );
    assert_eq!(stats().timers, 0);
}

#[wasio::test]
async fn timeout_fires_around_a_future_that_always_finds_its_input_ready() {
    let ready = AlwaysReady::new().await;
    let start = Instant::now();
    let spinning = timeout(10 * MS, async {
        loop {
            ready.wait().await;
        }
    });
    assert!(spinning.await.is_err());
    assert!(start.elapsed() < 500 * MS, "{:?}", start.elapsed());
}

#[wasio::test]
async fn a_ready_output_wins_over_a_passed_deadline() {
    let past = Instant::now() - Duration::from_secs(1);
    assert_eq!(timeout_at(past, async { 1 }).await, Ok(1));
    assert!(
        timeout_at(past, std::future::pending::<()>())
            .await
            .is_err()
    );
}

#[wasio::test]
async fn huge_durations_saturate_instead_of_panicking() {
    let result = timeout(Duration::MAX, async { 2 }).await;
    assert_eq!(result, Ok(2));
    let mut forever = sleep(Duration::MAX);
    assert!(
        futures_lite::future::poll_once(&mut forever)
            .await
            .is_none()
    );
    assert_eq!(forever.deadline().as_nanos(), u64::MAX);
}

#[wasio::test]
async fn nested_timeouts_fire_the_inner_one_first() {
    let result = timeout(200 * MS, timeout(10 * MS, sleep(Duration::from_secs(3600)))).await;
    assert!(matches!(result, Ok(Err(_))));
}

#[wasio::test]
async fn interval_ticks_on_schedule() {
    let start = Instant::now();
    let mut every = interval_at(start, 15 * MS);
    let mut ticks = Vec::new();
    for _ in 0..4 {
        ticks.push(every.tick().await);
    }
    assert_eq!(ticks, [0, 1, 2, 3].map(|n| start + n * 15 * MS));
    assert!(start.elapsed() >= 45 * MS);
    assert_eq!(every.period(), 15 * MS);
}

#[wasio::test]
async fn interval_skip_bursts_and_delays_after_a_stall() {
    let period = 20 * MS;
    for missed in [MissedTicks::Burst, MissedTicks::Skip, MissedTicks::Delay] {
        let start = Instant::now();
        let mut every = interval_at(start, period);
        every.set_missed_ticks(missed);
        every.tick().await;
        let first_tick_done = Instant::now();
        // Stall for three and a half periods.
        sleep(70 * MS).await;
        let late = every.tick().await;
        let now = Instant::now();
        if missed == MissedTicks::Delay {
            // Delay schedules each tick a period after the previous one was taken.
            assert!(late >= start + period && late <= first_tick_done + period);
        } else {
            assert_eq!(
                late,
                start + period,
                "{missed:?}: the late tick is the scheduled one"
            );
        }
        let next = every.tick().await;
        match missed {
            MissedTicks::Burst => assert_eq!(next, start + 2 * period, "catches up"),
            MissedTicks::Skip => {
                let since_start = (next - start).as_nanos();
                assert_eq!(since_start % period.as_nanos(), 0, "stays on the grid");
                assert!(
                    next > now && next <= now + period,
                    "skips to the next point"
                );
            }
            MissedTicks::Delay => {
                assert!(
                    next >= start + 70 * MS + period && next <= now + period,
                    "restarts"
                );
            }
        }
    }
}

#[wasio::test]
async fn interval_is_a_stream_and_a_zero_period_never_blocks() {
    use futures_lite::StreamExt;
    let ticks: Vec<Instant> = interval(Duration::ZERO).take(1_000).collect().await;
    assert_eq!(ticks.len(), 1_000);
}

#[wasio::test]
async fn interval_reset_restarts_the_schedule() {
    let mut every = interval(50 * MS);
    every.tick().await;
    let before = Instant::now();
    every.reset();
    let next = every.tick().await;
    assert!(next >= before + 50 * MS);
}

#[wasio::test]
async fn a_hundred_thousand_sleeps_take_about_the_longest_one() {
    const TASKS: u32 = 100_000;
    let start = Instant::now();
    let handles: Vec<_> = (0..TASKS)
        .map(|i| spawn(sleep(Duration::from_millis(500 + u64::from(i % 100)))))
        .collect();
    assert_eq!(stats().timers, 0, "no task has run yet");
    while stats().timers < TASKS as usize && start.elapsed() < 500 * MS {
        wasio::yield_now().await;
    }
    let s = stats();
    assert_eq!(
        s.timers, TASKS as usize,
        "one shared structure holds every deadline"
    );
    assert_eq!(s.pollables, 0, "and no sleep holds a pollable of its own");
    for handle in handles {
        handle.await.unwrap();
    }
    let took = start.elapsed();
    println!("{TASKS} concurrent sleeps of 500-599 ms took {took:?}");
    assert!(took >= 599 * MS);
    assert!(took < 1_500 * MS, "{took:?}");
}
