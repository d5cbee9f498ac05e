//! Cooperative budget: a task whose every `.await` finds its input ready would otherwise never
//! give the loop back. Each poll of a task starts with a budget; every wasio future that
//! completes without waiting spends one unit, and when none is left it returns `Pending` once
//! (waking itself), so the loop can run timers, I/O and the other tasks first.

use std::task::{Context, Poll};

use super::state;

/// Refills the budget before a task (or the root future) is polled.
pub(crate) fn reset() {
    state::with(|s| s.budget.set(s.task_budget.get()));
}

/// Spends one unit; `Pending` (with a wake-up already requested) when the budget is used up.
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    state::with(|s| match s.budget.get() {
        0 => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        n => {
            s.budget.set(n - 1);
            Poll::Ready(())
        }
    })
}
