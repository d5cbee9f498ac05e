//! What the runtime tests wait on from the host, on either backend: a wait the host (not
//! wasio's timers) completes, one that never completes, a source many tasks share, and an
//! input that is always ready.

use std::time::Duration;

fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// Waits `duration` on the host's clock, as host I/O waits: not on wasio's timers.
pub async fn host_wait(duration: Duration) {
    #[cfg(not(feature = "p3"))]
    wasio::runtime::wait_for(wasip2::clocks::monotonic_clock::subscribe_duration(nanos(
        duration,
    )))
    .await;
    #[cfg(feature = "p3")]
    wasip3::clocks::monotonic_clock::wait_for(nanos(duration)).await;
}

/// A host wait that never completes.
pub async fn forever() {
    host_wait(Duration::MAX).await
}

/// A source several tasks wait on, ready from `after` on: a pollable under WASI 0.2; under
/// WASI 0.3 (no pollables) an event a task sets after a host wait.
pub struct Shared {
    #[cfg(not(feature = "p3"))]
    pollable: wasio::runtime::AsyncPollable,
    #[cfg(feature = "p3")]
    event: std::rc::Rc<wasio::sync::Event>,
}

impl Shared {
    pub fn new(after: Duration) -> Shared {
        #[cfg(not(feature = "p3"))]
        return Shared {
            pollable: wasio::runtime::AsyncPollable::new(
                wasip2::clocks::monotonic_clock::subscribe_duration(nanos(after)),
            ),
        };
        #[cfg(feature = "p3")]
        {
            let event = std::rc::Rc::new(wasio::sync::Event::new());
            let setter = event.clone();
            drop(wasio::spawn(async move {
                host_wait(after).await;
                setter.set();
            }));
            Shared { event }
        }
    }

    pub async fn wait(&self) {
        #[cfg(not(feature = "p3"))]
        self.pollable.wait().await;
        #[cfg(feature = "p3")]
        self.event.wait().await;
    }
}

/// An input every wait finds ready, each wait spending the task's budget: a pollable that is
/// ready (WASI 0.2 readiness is level-triggered); under WASI 0.3, which has no readiness to
/// wait on, a deadline that has passed.
pub struct AlwaysReady {
    #[cfg(not(feature = "p3"))]
    pollable: wasio::runtime::AsyncPollable,
}

impl AlwaysReady {
    pub async fn new() -> AlwaysReady {
        #[cfg(not(feature = "p3"))]
        {
            let pollable = wasio::runtime::AsyncPollable::new(
                wasip2::clocks::monotonic_clock::subscribe_instant(0),
            );
            pollable.wait().await;
            AlwaysReady { pollable }
        }
        #[cfg(feature = "p3")]
        {
            // As the first wait on a pollable does, this spends one unit of the budget.
            wasio::time::sleep(Duration::ZERO).await;
            AlwaysReady {}
        }
    }

    pub async fn wait(&self) {
        #[cfg(not(feature = "p3"))]
        self.pollable.wait().await;
        #[cfg(feature = "p3")]
        wasio::time::sleep(Duration::ZERO).await;
    }
}
