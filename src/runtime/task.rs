//! A spawned task: one allocation holding its future (later its output), its flags, its id
//! and its name.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use super::coop;
use super::join_handle::{JoinError, JoinHandle, TaskId};
use super::state::{self, State};
use super::waker::{Wake, WakerRef};

/// A task of any type, as an `AbortHandle` sees it.
pub(crate) trait Cancel {
    /// Drops the future now, or right after the poll that is running it.
    fn cancel(&self, why: JoinError);
    /// Finished or cancelled.
    fn is_finished(&self) -> bool;
    /// The task's id, unique on this thread.
    fn id(&self) -> TaskId;
    /// The name it was spawned with, if any.
    fn name(&self) -> Option<&str>;
}

/// What the run queue and the live-task registry hold: a task of any future type.
pub(crate) trait Runnable: Cancel {
    /// Polls the future once (the task was taken off the run queue).
    fn run(self: Rc<Self>);
}

/// What a `JoinHandle<T>` holds: a task whose output is `T`.
pub(crate) trait Join<T>: Cancel {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<T, JoinError>>;
}

enum Stage<F: Future> {
    Running(F),
    Finished(F::Output),
    Cancelled(JoinError),
    Taken,
}

pub(crate) struct Task<F: Future> {
    /// The event loop the task runs on: where a wake-up queues it.
    scope: Rc<State>,
    id: TaskId,
    name: Option<Cow<'static, str>>,
    /// In the run queue (so another wake must not queue it again).
    scheduled: Cell<bool>,
    /// Finished or cancelled: nothing left to poll.
    done: Cell<bool>,
    /// `cancel` was called while the task was polling itself.
    cancel_requested: Cell<Option<JoinError>>,
    /// Index in the registry of parked tasks, once the task has returned `Pending`.
    slot: Cell<Option<usize>>,
    /// The `JoinHandle` waiting for the output.
    join_waker: Cell<Option<Waker>>,
    stage: RefCell<Stage<F>>,
}

/// Starts `future` as a task on the running event loop (`asyncio.create_task`).
///
/// The task runs concurrently with the caller from the caller's next `.await` on; its output
/// comes back through the returned [`JoinHandle`]. Dropping the handle detaches the task: it
/// keeps running. Tasks still pending when the root future of [`run`](crate::run) completes
/// are cancelled (their futures are dropped), as `asyncio.run` cancels them.
///
/// # Panics
///
/// When no wasio runtime is running on this thread (`wasio::spawn` outside `wasio::run`).
///
/// # Example
///
/// ```
/// # wasio::run(async {
/// let task = wasio::spawn(async { 6 * 7 });
/// assert_eq!(task.await, Ok(42));
/// # });
/// ```
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    spawn_task(None, future, "wasio::spawn")
}

/// Starts `future` as a task named `name` (`asyncio.create_task(coro, name=...)`): otherwise
/// [`spawn`]. The name is for people: [`JoinHandle::name`], [`current_task`](crate::runtime::current_task),
/// [`all_tasks`](crate::runtime::all_tasks), the `Debug` of the task's handles and the line a
/// panicking task leaves on stderr show it. A `&'static str` costs no allocation.
///
/// # Panics
///
/// When no wasio runtime is running on this thread.
///
/// # Example
///
/// ```
/// # wasio::run(async {
/// let task = wasio::runtime::spawn_named("answer", async {
///     wasio::runtime::current_task().map(|task| task.name().map(str::to_owned))
/// });
/// assert_eq!(task.name(), Some("answer"));
/// assert_eq!(task.await, Ok(Some(Some("answer".to_owned()))));
/// # });
/// ```
pub fn spawn_named<F>(name: impl Into<Cow<'static, str>>, future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    spawn_task(Some(name.into()), future, "wasio::runtime::spawn_named")
}

#[inline]
pub(crate) fn spawn_task<F>(
    name: Option<Cow<'static, str>>,
    future: F,
    what: &str,
) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    let scope = state::current(what);
    let task = Rc::new(Task {
        scope,
        id: TaskId::next(),
        name,
        scheduled: Cell::new(true),
        done: Cell::new(false),
        cancel_requested: Cell::new(None),
        slot: Cell::new(None),
        join_waker: Cell::new(None),
        stage: RefCell::new(Stage::Running(future)),
    });
    let scope = &task.scope;
    scope.live.set(scope.live.get() + 1);
    // The current loop is the one being polled: it finds the task in its queue, no wake-up
    // needed.
    scope.queue.borrow_mut().push_back(task.clone());
    JoinHandle::new(task)
}

impl<F: Future + 'static> Task<F> {
    fn schedule(this: &Rc<Self>) {
        if this.done.get() || this.scheduled.replace(true) {
            return;
        }
        this.scope.schedule(this.clone());
    }

    /// Records that the task waits for a wake-up: the runtime keeps it in the registry of
    /// parked tasks (so shutdown finds it), once. A task that finishes in its first poll
    /// never touches the registry.
    fn park(this: &Rc<Self>) {
        if this.slot.get().is_none() {
            let slot = this.scope.parked.borrow_mut().insert(this.clone());
            this.slot.set(Some(slot));
        }
    }

    /// Records the end of the task: leaves the registry and wakes the `JoinHandle`.
    fn complete(&self) {
        self.done.set(true);
        let s = &self.scope;
        s.live.set(s.live.get() - 1);
        let entry = self.slot.take().and_then(|slot| {
            let mut parked = s.parked.borrow_mut();
            // Shutdown drains the registry first, and a slot may since hold a newer task.
            let ours = parked
                .get(slot)
                .is_some_and(|t| std::ptr::addr_eq(Rc::as_ptr(t), self));
            ours.then(|| parked.remove(slot))
        });
        drop(entry);
        if let Some(waker) = self.join_waker.take() {
            waker.wake();
        }
    }
}

impl<F: Future + 'static> Wake for Task<F> {
    fn wake_by_ref(this: &Rc<Self>) {
        Task::schedule(this);
    }
}

impl<F: Future + 'static> Runnable for Task<F> {
    fn run(self: Rc<Self>) {
        self.scheduled.set(false);
        if self.done.get() {
            return;
        }
        let waker = WakerRef::new(&self);
        let (stage, scope) = (&self.stage, &self.scope);
        // `current_task` finds the task while it polls; the previous one is put back after
        // (none: a loop polls one task at a time, and the root future is no task).
        let this: &(dyn Runnable + 'static) = &*self;
        let previous = scope.current.replace(Some(NonNull::from(this)));
        let poll = || {
            let mut cx = Context::from_waker(&waker);
            let mut stage = stage.borrow_mut();
            let Stage::Running(future) = &mut *stage else {
                return None;
            };
            // SAFETY: the future lives inside the `Rc` allocation and is never moved out of it:
            // the stage is only ever overwritten by assignment, which drops the future in place.
            let future = unsafe { Pin::new_unchecked(future) };
            coop::reset(scope);
            Some(future.poll(&mut cx))
        };
        #[cfg(not(panic = "unwind"))]
        let poll = poll();
        // A panic unwinds out of the poll (releasing the stage's borrow): the task ends with
        // it, its future dropped, and the loop goes on.
        #[cfg(panic = "unwind")]
        let poll = super::unwind::catch(poll);
        scope.current.set(previous);
        #[cfg(panic = "unwind")]
        let poll = match poll {
            Ok(poll) => poll,
            Err(message) => {
                eprintln!(
                    "wasio: {} panicked ({message}); its JoinHandle yields JoinError::Panicked",
                    super::join_handle::Label(self.id, self.name.as_deref())
                );
                *self.stage.borrow_mut() = Stage::Cancelled(JoinError::Panicked);
                self.complete();
                return;
            }
        };
        let Some(poll) = poll else {
            return;
        };
        match poll {
            Poll::Ready(output) => {
                *self.stage.borrow_mut() = Stage::Finished(output);
                self.complete();
            }
            Poll::Pending => {
                if let Some(why) = self.cancel_requested.take() {
                    self.cancel(why);
                } else {
                    Task::park(&self);
                }
            }
        }
    }
}

impl<F: Future + 'static> Cancel for Task<F> {
    fn cancel(&self, why: JoinError) {
        if self.done.get() {
            return;
        }
        match self.stage.try_borrow_mut() {
            Ok(mut stage) => *stage = Stage::Cancelled(why),
            // The task is polling itself (it aborted its own handle): finish after the poll.
            Err(_) => {
                self.cancel_requested.set(Some(why));
                return;
            }
        }
        self.complete();
    }

    fn is_finished(&self) -> bool {
        self.done.get()
    }

    fn id(&self) -> TaskId {
        self.id
    }

    fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

impl<F: Future + 'static> Join<F::Output> for Task<F> {
    fn poll_join(&self, cx: &mut Context<'_>) -> Poll<Result<F::Output, JoinError>> {
        if !self.done.get() {
            let waker = self.join_waker.take();
            let waker = match waker {
                Some(w) if w.will_wake(cx.waker()) => w,
                _ => cx.waker().clone(),
            };
            self.join_waker.set(Some(waker));
            return Poll::Pending;
        }
        std::task::ready!(coop::poll_proceed(cx));
        let mut stage = self.stage.borrow_mut();
        // `done` is set only once the future is gone; checking first keeps anything pinned
        // from being moved out.
        if matches!(*stage, Stage::Running(_) | Stage::Taken) {
            panic!("JoinHandle polled after it completed");
        }
        match std::mem::replace(&mut *stage, Stage::Taken) {
            Stage::Finished(output) => Poll::Ready(Ok(output)),
            Stage::Cancelled(why) => Poll::Ready(Err(why)),
            Stage::Running(_) | Stage::Taken => unreachable!("checked above"),
        }
    }
}
