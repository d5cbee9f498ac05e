//! Driving an event loop under WASI 0.3: as a future polled by a component-model task.

use std::cell::Cell;
use std::future::{Future, poll_fn};
use std::pin::{Pin, pin};
use std::task::{Context, Poll};

use super::clock;
pub(crate) use super::host_waker::HostWaker;
use crate::runtime::event_loop::{EventLoop, Step};
use crate::runtime::timers::Timers;

thread_local! {
    /// Whether the program's `main` runs inside the task of an async `wasi:cli/run@0.3.0`
    /// export, where blocking on the host is allowed.
    static MAIN_IN_TASK: Cell<bool> = const { Cell::new(false) };
}

/// Runs `main` (std's entry point, which calls the program's `main`) inside the task of the
/// `wasi:cli/run@0.3.0` export that [`export_run!`](crate::export_run) makes, where `run` may
/// block; whether it succeeded.
pub fn run_main(main: impl FnOnce() -> i32) -> bool {
    MAIN_IN_TASK.with(|flag| flag.set(true));
    let code = main();
    MAIN_IN_TASK.with(|flag| flag.set(false));
    code == 0
}

/// Runs the loop until its root future is done, blocking the component-model task the
/// program's `main` runs in; then cancels what is left.
pub(crate) fn block_on<F: Future>(mut event_loop: EventLoop<'_, F>) -> F::Output {
    assert!(
        MAIN_IN_TASK.with(Cell::get),
        "wasio::run under WASI 0.3 needs an async task to block in: use #[wasio::main], or \
         add `wasio::export_run!();` to a program with a plain `fn main` (and to a test crate)"
    );
    wit_bindgen::block_on(async move {
        // wit-bindgen's `block_on` can yield to the host only once its task has a waitable
        // set, which the first host wait makes: a wait that never ends, started first,
        // makes sure there is one.
        let mut keep_set = pin!(wasip3::clocks::monotonic_clock::wait_until(u64::MAX));
        let _ = futures_lite::future::poll_once(&mut keep_set).await;
        let output = drive(&mut event_loop, Yield::ToHost).await;
        event_loop.shutdown();
        output
    })
}

/// How a loop with tasks still runnable lets the host make progress before its next turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Yield {
    /// The loop runs in an export's task (callback ABI): giving the task back to wit-bindgen
    /// returns to the host, which runs its own work and other tasks first.
    ToWitBindgen,
    /// The loop runs in `block_on`, whose yield only polls its waitable set without letting
    /// the host run: a `thread.yield` first lets the host make progress (its timers, its I/O).
    ToHost,
}

/// Turns the loop until its root future is done. Between turns it gives the component-model
/// task back to wit-bindgen: at once when tasks are still runnable (after the host's next
/// event, or after the host ran other tasks), or until a timer is due or a host event wakes
/// a task.
pub(crate) async fn drive<F: Future>(
    event_loop: &mut EventLoop<'_, F>,
    yielding: Yield,
) -> F::Output {
    let mut timer = Timer::default();
    poll_fn(|cx| {
        event_loop.scope().host.set(cx.waker());
        // A task back to the host costs more than a turn: turns go on while tasks are
        // runnable, until as much work as one full turn has been done since the host last ran.
        let until = event_loop.polled() + event_loop.tasks_per_turn() as u64;
        event_loop.entered(|event_loop| {
            loop {
                let busy = match event_loop.turn() {
                    Step::Done(output) => return Poll::Ready(output),
                    Step::Busy => true,
                    Step::Idle => false,
                };
                let s = event_loop.scope();
                let fired = s.timers.len() > 0 && s.timers.fire(clock::now()) > 0;
                if busy && event_loop.polled() < until {
                    continue;
                }
                if busy {
                    s.polls.set(s.polls.get() + 1);
                    if yielding == Yield::ToHost {
                        wit_bindgen::yield_blocking();
                    }
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                if fired {
                    continue;
                }
                match timer.poll(&s.timers, cx) {
                    // The earliest deadline passed: its timers fire on the next turn.
                    Poll::Ready(()) => continue,
                    Poll::Pending => {
                        s.polls.set(s.polls.get() + 1);
                        // Idle: wake-ups from other tasks come through the doorbell, which is
                        // also something for the task to wait on when nothing else is.
                        s.host.arm();
                        return Poll::Pending;
                    }
                }
            }
        })
    })
    .await
}

/// The one host wait of a loop's timers: `monotonic-clock.wait-until` for the earliest
/// deadline, kept while that deadline stays first.
#[derive(Default)]
struct Timer {
    armed: Option<(u64, Wait)>,
}

/// A `monotonic-clock.wait-until` in flight.
type Wait = Pin<Box<dyn Future<Output = ()>>>;

impl Timer {
    /// Ready once the earliest deadline of `timers` has passed; pending (the host waits for
    /// it) otherwise, or when no timer is set.
    fn poll(&mut self, timers: &Timers, cx: &mut Context<'_>) -> Poll<()> {
        let Some(deadline) = timers.earliest() else {
            // Nothing to wait for: a wait in flight is cancelled.
            self.armed = None;
            return Poll::Pending;
        };
        if self.armed.as_ref().is_none_or(|(at, _)| *at != deadline) {
            let wait = wasip3::clocks::monotonic_clock::wait_until(deadline);
            self.armed = Some((deadline, Box::pin(wait)));
        }
        let (_, wait) = self.armed.as_mut().expect("just armed");
        let ready = wait.as_mut().poll(cx);
        if ready.is_ready() {
            self.armed = None;
        }
        ready
    }
}

/// Nothing to release: host operations belong to the futures that started them.
pub(crate) fn release_waiters() {}

/// There are no pollables under WASI 0.3.
pub(crate) fn pollable_counts() -> (usize, usize) {
    (0, 0)
}
