//! The handle to a spawned task: await its output, abort it, or drop it to detach.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::task::{Cancel, Join};

/// Why a task has no output: it was cancelled before it finished, or it panicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JoinError {
    /// [`JoinHandle::abort`] (or a failing [`TaskGroup`](crate::runtime::TaskGroup) member)
    /// cancelled the task.
    Aborted,
    /// The root future of [`run`](crate::run) completed while the task was still pending, so
    /// the runtime cancelled it on the way out.
    Shutdown,
    /// The task panicked; the panic's message went to stderr. Only a build whose panics
    /// unwind (`-Cpanic=unwind`, a nightly toolchain on wasm; see `runtime::unwind`) gets
    /// here: where panics abort (stable Rust on wasm), a panicking task ends the instance.
    Panicked,
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JoinError::Aborted => "the task was aborted",
            JoinError::Shutdown => "the task was cancelled when its runtime shut down",
            JoinError::Panicked => "the task panicked",
        })
    }
}

impl std::error::Error for JoinError {}

/// An owned permission to await a spawned task's output (`asyncio.Task`).
///
/// Awaiting it yields `Ok(output)`, or `Err(JoinError)` when the task was cancelled first.
/// Dropping it detaches the task, which keeps running.
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
///
/// let slow = wasio::spawn(async {
///     wasio::time::sleep(Duration::from_secs(60)).await;
/// });
/// slow.abort();
/// assert_eq!(slow.await, Err(wasio::runtime::JoinError::Aborted));
/// # });
/// ```
#[must_use = "dropping a JoinHandle detaches the task; `let _ = ` says so explicitly"]
pub struct JoinHandle<T> {
    task: Rc<dyn Join<T>>,
}

impl<T> JoinHandle<T> {
    pub(crate) fn new(task: Rc<dyn Join<T>>) -> Self {
        JoinHandle { task }
    }

    /// Cancels the task: its future is dropped now, releasing every pollable and timer it
    /// held, and awaiting this handle yields `Err(JoinError::Aborted)`. A task that already
    /// finished keeps its output.
    ///
    /// The future's destructors run inside this call, so they must not need a `RefCell` the
    /// caller is holding. A task that aborts itself is dropped at its next `.await` that has
    /// to wait; if it finishes before that, it keeps its output.
    pub fn abort(&self) {
        self.task.cancel(JoinError::Aborted);
    }

    /// Whether the task has finished or been cancelled, so awaiting the handle is immediate.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }

    /// A handle that can abort the task from elsewhere while this one is awaited.
    ///
    /// ```
    /// # wasio::run(async {
    /// let task = wasio::spawn(std::future::pending::<()>());
    /// let cancel = task.abort_handle();
    /// wasio::spawn(async move { cancel.abort() });
    /// assert!(task.await.is_err());
    /// # });
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        AbortHandle {
            task: self.task.clone(),
        }
    }
}

/// Aborts a task without owning its output; see [`JoinHandle::abort_handle`].
#[derive(Clone)]
pub struct AbortHandle {
    task: Rc<dyn Cancel>,
}

impl AbortHandle {
    /// Cancels the task, as [`JoinHandle::abort`] (its destructors run inside this call).
    pub fn abort(&self) {
        self.task.cancel(JoinError::Aborted);
    }

    /// Whether the task has finished or been cancelled.
    pub fn is_finished(&self) -> bool {
        self.task.is_finished()
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.task.poll_join(cx)
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}
