//! Randomised (fixed-seed) wakes, aborts, timers and pollables: every task ends, every wake-up
//! arrives, nothing is left behind, and nothing hangs.

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use wasio::runtime::{AbortHandle, JoinError, TaskGroup, stats};
use wasio::time::{sleep, timeout};
use wasio::{spawn, yield_now};

use crate::common::{Rng, Signal};
use crate::host::{Shared, host_wait};

const WORKERS: usize = 400;
const STEPS: usize = 24;

struct World {
    rng: RefCell<Rng>,
    /// Set when worker `i` ends, whether it finished or was aborted.
    ended: Vec<Signal>,
    handles: RefCell<Vec<Option<AbortHandle>>>,
    /// Aborts that hit a worker still running.
    cancels: Cell<usize>,
    /// Sources every worker may wait on; each becomes ready at its own time.
    shared: Vec<Shared>,
}

impl World {
    fn below(&self, n: u64) -> u64 {
        self.rng.borrow_mut().below(n)
    }
}

/// Sets the worker's `ended` signal however the worker ends: a wake from a destructor.
struct EndGuard(Signal);

impl Drop for EndGuard {
    fn drop(&mut self) {
        self.0.set();
    }
}

/// `end` is an argument, not a local, so that it is dropped even when the worker is aborted
/// before its first poll.
async fn worker(world: Rc<World>, me: usize, end: EndGuard) {
    let _end = end;
    for _ in 0..STEPS {
        match world.below(10) {
            0 => sleep(Duration::from_micros(world.below(4_000))).await,
            1 => yield_now().await,
            2 if me > 0 => {
                // Only earlier workers: the waits form no cycle, so each must end.
                let other = world.below(me as u64) as usize;
                world.ended[other].clone().wait().await;
            }
            3 => {
                let ms = world.below(3);
                let child = spawn(sleep(Duration::from_millis(ms)));
                if world.below(2) == 0 {
                    child.await.unwrap();
                }
            }
            4 => {
                let victim = world.below(WORKERS as u64) as usize;
                let handle = world.handles.borrow()[victim].clone();
                if let Some(handle) = handle.filter(|_| victim != me) {
                    if !handle.is_finished() {
                        world.cancels.set(world.cancels.get() + 1);
                    }
                    handle.abort();
                }
            }
            5 => {
                let other = world.below(WORKERS as u64) as usize;
                let limit = Duration::from_micros(world.below(3_000));
                let _ = timeout(limit, world.ended[other].clone().wait()).await;
            }
            6 => {
                let nanos = world.below(3_000_000);
                host_wait(Duration::from_nanos(nanos)).await;
            }
            7 => {
                // Waits on a shared source, often cancelled before it is ready.
                let source = &world.shared[world.below(world.shared.len() as u64) as usize];
                let limit = Duration::from_micros(world.below(4_000));
                let _ = timeout(limit, source.wait()).await;
            }
            8 => {
                let group = TaskGroup::new();
                for _ in 0..3 {
                    let (micros, fails) = (world.below(2_000), world.below(4) == 0);
                    let _ = group.spawn(async move {
                        sleep(Duration::from_micros(micros)).await;
                        if fails { Err(()) } else { Ok(()) }
                    });
                }
                let _ = group.join().await;
            }
            9 if world.below(16) == 0 => {
                // Aborts itself: it is dropped at its next wait, which this sleep is.
                let own = world.handles.borrow()[me].clone();
                if let Some(own) = own {
                    world.cancels.set(world.cancels.get() + 1);
                    own.abort();
                    sleep(Duration::from_millis(1)).await;
                    unreachable!("a task that aborted itself is dropped at its next wait");
                }
            }
            _ => {}
        }
    }
}

async fn scenario(seed: u64) {
    let world = Rc::new(World {
        rng: RefCell::new(Rng::new(seed)),
        ended: (0..WORKERS).map(|_| Signal::default()).collect(),
        handles: RefCell::new(vec![None; WORKERS]),
        cancels: Cell::new(0),
        shared: (0..8u64)
            .map(|i| Shared::new(Duration::from_millis(i * 3)))
            .collect(),
    });
    let mut joins = Vec::new();
    for me in 0..WORKERS {
        let end = EndGuard(world.ended[me].clone());
        let handle = spawn(worker(world.clone(), me, end));
        world.handles.borrow_mut()[me] = Some(handle.abort_handle());
        joins.push(handle);
    }
    let (mut finished, mut aborted) = (0, 0);
    for join in joins {
        match join.await {
            Ok(()) => finished += 1,
            Err(JoinError::Aborted) => aborted += 1,
            Err(other) => panic!("unexpected {other}"),
        }
    }
    assert_eq!(finished + aborted, WORKERS);
    assert_eq!(aborted, world.cancels.get(), "seed {seed}");
    assert!(world.ended.iter().all(Signal::is_set));
    // Detached children finish their short sleeps.
    while stats().tasks > 0 {
        sleep(Duration::from_millis(1)).await;
    }
    let s = stats();
    // Left: the shared sources (pollables under WASI 0.2), no waiter, and the watchdog
    // `timeout` around this scenario.
    let pollables = if cfg!(feature = "p3") { 0 } else { 8 };
    assert_eq!(
        (s.pollables, s.waiting, s.timers),
        (pollables, 0, 1),
        "seed {seed}"
    );
    println!(
        "seed {seed}: {finished} finished, {aborted} aborted, {} polls",
        s.polls
    );
}

#[test]
fn random_wakes_aborts_and_timers_lose_nothing_and_never_hang() {
    for seed in [1, 2, 3, 0xDEC0_DED5] {
        let outcome = wasio::run(timeout(Duration::from_secs(60), scenario(seed)));
        assert!(outcome.is_ok(), "seed {seed} hung");
    }
}
