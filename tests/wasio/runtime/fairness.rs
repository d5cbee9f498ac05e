//! No task can starve timers, I/O or the other tasks: per-turn and per-task budgets.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use wasio::runtime::{Builder, stats};
use wasio::time::{Instant, sleep};
use wasio::{spawn, yield_now};

use crate::common::Signal;
use crate::host::{AlwaysReady, host_wait};

const MS: Duration = Duration::from_millis(1);

/// Spins with `step` until `signal` is set; returns the iterations it took, failing past `limit`.
async fn spin_until<F, Fut>(signal: &Signal, limit: u32, mut step: F) -> u32
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for spins in 0..limit {
        if signal.is_set() {
            return spins;
        }
        step().await;
    }
    panic!("still not signalled after {limit} iterations: starved");
}

#[wasio::test]
async fn a_yielding_task_cannot_starve_timers() {
    let fired = Signal::default();
    let signal = fired.clone();
    let _timer = spawn(async move {
        sleep(5 * MS).await;
        signal.set();
    });
    let start = Instant::now();
    spin_until(&fired, 10_000_000, yield_now).await;
    assert!(start.elapsed() < 500 * MS);
}

#[wasio::test]
async fn a_yielding_task_cannot_starve_io() {
    let ready = Signal::default();
    let signal = ready.clone();
    let _io = spawn(async move {
        host_wait(5 * MS).await;
        signal.set();
    });
    let polls = stats().polls;
    spin_until(&ready, 10_000_000, yield_now).await;
    assert!(
        stats().polls > polls,
        "the busy loop still let the host deliver events"
    );
}

#[wasio::test]
async fn always_ready_input_cannot_starve_other_tasks() {
    let ready = AlwaysReady::new().await;
    let other_ran = Signal::default();
    let signal = other_ran.clone();
    let _other = spawn(async move { signal.set() });
    let spins = spin_until(&other_ran, 100_000, || ready.wait()).await;
    assert_eq!(spins, 128, "the default budget made the spinner yield");

    let timer = Signal::default();
    let signal = timer.clone();
    let _other = spawn(async move {
        sleep(5 * MS).await;
        signal.set()
    });
    spin_until(&timer, 10_000_000, || sleep(Duration::ZERO)).await;
}

/// Waits that are over at once (an empty queue's `join`, a oneshot sender's `closed` after the
/// receiver went) spend the budget too.
#[wasio::test]
async fn finished_joins_and_closes_spend_the_budget() {
    let queue = wasio::sync::Queue::<u32>::new(1);
    let (sender, receiver) = wasio::sync::oneshot::channel::<u32>();
    drop(receiver);
    for round in 0..2 {
        let other_ran = Signal::default();
        let signal = other_ran.clone();
        let _other = spawn(async move { signal.set() });
        let spins = if round == 0 {
            spin_until(&other_ran, 100_000, || queue.join()).await
        } else {
            spin_until(&other_ran, 100_000, || sender.closed()).await
        };
        // The default budget of 128, give or take the step the previous round ended on.
        assert!(
            (127..=129).contains(&spins),
            "round {round}: {spins} spins before the other task ran"
        );
    }
}

#[test]
fn the_budgets_are_configurable() {
    let spins = Builder::new().task_budget(10).run(async {
        let ready = AlwaysReady::new().await;
        let other_ran = Signal::default();
        let signal = other_ran.clone();
        let _other = spawn(async move { signal.set() });
        spin_until(&other_ran, 100_000, || ready.wait()).await
    });
    assert_eq!(spins, 10);

    let per_turn = Builder::new().tasks_per_turn(4).run(async {
        let turns = Rc::new(Cell::new(Vec::new()));
        let tasks: Vec<_> = (0..40)
            .map(|_| {
                let turns = turns.clone();
                spawn(async move {
                    let mut seen = turns.take();
                    seen.push(stats().turns);
                    turns.set(seen);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        turns.take()
    });
    let mut busiest = 0;
    for turn in &per_turn {
        busiest = busiest.max(per_turn.iter().filter(|t| *t == turn).count());
    }
    assert_eq!(busiest, 4, "turns: {per_turn:?}");
}

#[wasio::test]
async fn an_idle_loop_blocks_in_poll_instead_of_spinning() {
    let polls = stats().polls;
    let turns = stats().turns;
    let napper = spawn(sleep(30 * MS));
    sleep(50 * MS).await;
    napper.await.unwrap();
    let (polls, turns) = (stats().polls - polls, stats().turns - turns);
    assert!(polls <= 4, "{polls} poll calls for two sleeps");
    assert!(turns <= 8, "{turns} turns for two sleeps");
}
