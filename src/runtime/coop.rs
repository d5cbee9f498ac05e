//! Cooperative budget: a task whose every `.await` finds its input ready would otherwise never
//! give the loop back. Each poll of a task starts with a budget; every wasio future that
//! completes without waiting spends one unit, and when none is left it returns `Pending` once
//! (waking itself), so the loop can run timers, I/O and the other tasks first.

use std::task::{Context, Poll};

use super::state::{self, State};

/// Refills the budget before a task (or the root future) of `s` is polled.
pub(crate) fn reset(s: &State) {
    s.budget.set(s.task_budget.get());
}

/// Spends one unit; `Pending` (with a wake-up already requested) when the budget is used up.
/// Outside a running loop there is no budget to spend.
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    state::try_with(|s| match s.budget.get() {
        0 => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        n => {
            s.budget.set(n - 1);
            Poll::Ready(())
        }
    })
    .unwrap_or(Poll::Ready(()))
}
