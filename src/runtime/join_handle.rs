//! The handle to a spawned task: await its output, abort it, or drop it to detach.

use std::cell::Cell;
use std::fmt;
use std::future::Future;
use std::num::NonZeroU64;
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

/// A task's id: unique among the tasks of this thread (every event loop's), in the order they
/// were spawned; asyncio's default task names are `Task-<id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TaskId(NonZeroU64);

impl TaskId {
    /// The id of the next task spawned on this thread.
    #[inline]
    pub(crate) fn next() -> TaskId {
        thread_local! {
            static LAST: Cell<u64> = const { Cell::new(0) };
        }
        let id = LAST.with(|last| {
            let id = last.get() + 1;
            last.set(id);
            id
        });
        TaskId(NonZeroU64::new(id).expect("counts up from 1"))
    }

    /// The id as a number.
    pub fn as_u64(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(panic = "unwind")]
/// How a task is shown in messages: `task 3 "fetch"`, or `task 3` without a name.
pub(crate) struct Label<'a>(pub(crate) TaskId, pub(crate) Option<&'a str>);

#[cfg(panic = "unwind")]
impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(name) => write!(f, "task {} {name:?}", self.0),
            None => write!(f, "task {}", self.0),
        }
    }
}

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

    /// The task's id (asyncio's default names are `Task-<id>`).
    pub fn id(&self) -> TaskId {
        self.task.id()
    }

    /// The name the task was spawned with ([`spawn_named`](crate::runtime::spawn_named));
    /// `None` for [`spawn`](crate::spawn).
    pub fn name(&self) -> Option<&str> {
        self.task.name()
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

/// A task without its output: abort it, see whether it finished, its id and name. From
/// [`JoinHandle::abort_handle`], [`current_task`](crate::runtime::current_task) (asyncio's
/// `current_task()`, whose `cancel()` is [`abort`](Self::abort)) and
/// [`all_tasks`](crate::runtime::all_tasks).
#[derive(Clone)]
pub struct AbortHandle {
    task: Rc<dyn Cancel>,
}

impl AbortHandle {
    pub(crate) fn new(task: Rc<dyn Cancel>) -> Self {
        AbortHandle { task }
    }

    /// The task's id.
    pub fn id(&self) -> TaskId {
        self.task.id()
    }

    /// The name the task was spawned with, if any.
    pub fn name(&self) -> Option<&str> {
        self.task.name()
    }

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
            .field("id", &self.id().0)
            .field("name", &self.name())
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
            .field("id", &self.id().0)
            .field("name", &self.name())
            .field("finished", &self.is_finished())
            .finish()
    }
}
