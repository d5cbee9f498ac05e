//! `wait` (asyncio's `wait` with `return_when` and `timeout`), `select` (two futures of any
//! types, the loser given back) and `shield`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::unordered::Unordered;
use crate::runtime::JoinHandle;
use crate::time::{Sleep, sleep};

/// When [`wait`] returns (asyncio's `return_when`).
pub enum ReturnWhen<O> {
    /// As soon as one future completes (`FIRST_COMPLETED`).
    FirstCompleted,
    /// As soon as one future completes with an output the function calls a failure
    /// (`FIRST_EXCEPTION`); when none does, once all have completed. For futures that give
    /// a `Result`, [`ReturnWhen::first_error`] is `FirstException(Result::is_err)`; for
    /// [`JoinHandle`]s of tasks that give one, `FirstException(|r| !matches!(r, Ok(Ok(_))))`
    /// counts the tasks' errors and the tasks that panicked or were aborted.
    FirstException(fn(&O) -> bool),
    /// Once every future has completed (`ALL_COMPLETED`).
    AllCompleted,
}

impl<T, E> ReturnWhen<Result<T, E>> {
    /// `FirstException` for futures that give a `Result`: returns at the first `Err`.
    pub const fn first_error() -> Self {
        ReturnWhen::FirstException(Result::is_err)
    }
}

impl<O> Clone for ReturnWhen<O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O> Copy for ReturnWhen<O> {}

impl<O> fmt::Debug for ReturnWhen<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReturnWhen::FirstCompleted => "FirstCompleted",
            ReturnWhen::FirstException(_) => "FirstException(..)",
            ReturnWhen::AllCompleted => "AllCompleted",
        })
    }
}

/// Runs the futures (or waits for the [`JoinHandle`]s) until `return_when` says, or until
/// `timeout` has passed, and returns `(done, pending)` as asyncio's `wait` does: `done` holds
/// the outputs of the futures that completed, with their index in the input, in the order
/// they completed; `pending` the futures that did not, with their index, in input order, to
/// await or `wait` on again. The timeout is no error (asyncio raises none either): the
/// futures still running are simply in `pending`. An empty input returns at once.
///
/// When `return_when` is met, the futures that are ready at that moment are collected too,
/// so `done` may hold more than one output. The futures run inside the awaiting task, as
/// `join_all`'s do, and need to be `Unpin` so that the pending ones can be given back:
/// `JoinHandle`s are, and `Box::pin` makes any future so. Dropping the `Wait` drops the
/// futures it holds (a dropped `JoinHandle` detaches its task: it goes on).
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
/// use wasio::future::{ReturnWhen, wait};
///
/// let naps = [60_000u64, 1, 60_000].map(|ms| {
///     wasio::spawn(async move {
///         wasio::time::sleep(Duration::from_millis(ms)).await;
///         ms
///     })
/// });
/// let (done, pending) = wait(naps, ReturnWhen::FirstCompleted, None).await;
/// assert_eq!(done, [(1, Ok(1))]);
/// assert_eq!(pending.iter().map(|(index, _)| *index).collect::<Vec<_>>(), [0, 2]);
///
/// // The timeout comes first: no error, both still pending (with their indices in this
/// // second input).
/// let rest = pending.into_iter().map(|(_, task)| task);
/// let (done, pending) = wait(rest, ReturnWhen::AllCompleted, Some(Duration::from_millis(50))).await;
/// assert!(done.is_empty());
/// assert_eq!(pending.iter().map(|(index, _)| *index).collect::<Vec<_>>(), [0, 1]);
/// for (_, task) in pending {
///     task.abort();
/// }
/// # });
/// ```
pub fn wait<I>(
    futures: I,
    return_when: ReturnWhen<<I::Item as Future>::Output>,
    timeout: Option<Duration>,
) -> Wait<I::Item>
where
    I: IntoIterator,
    I::Item: Future + Unpin,
{
    Wait {
        set: Some(Unordered::new(futures)),
        done: Vec::new(),
        return_when,
        deadline: timeout.map(sleep),
    }
}

/// The future of [`wait`].
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct Wait<F: Future> {
    /// `None` once it returned.
    set: Option<Unordered<F>>,
    done: Vec<(usize, F::Output)>,
    return_when: ReturnWhen<F::Output>,
    deadline: Option<Sleep>,
}

// Outputs are only moved, never pinned; the futures are pinned in boxes of their own.
impl<F: Future> Unpin for Wait<F> {}

/// What [`wait`] returns: the outputs of the futures that completed and the futures that did
/// not, each with its index in the input.
pub type Waited<F> = (Vec<(usize, <F as Future>::Output)>, Vec<(usize, F)>);

impl<F: Future + Unpin> Future for Wait<F> {
    type Output = Waited<F>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let Some(set) = this.set.as_mut() else {
            panic!("Wait polled after it completed");
        };
        let mut met = false;
        // Each `Ready` takes one future out of the set, so this ends.
        loop {
            match set.poll_next(cx) {
                Poll::Ready(Some((index, output))) => {
                    met |= match this.return_when {
                        ReturnWhen::FirstCompleted => true,
                        ReturnWhen::FirstException(failed) => failed(&output),
                        ReturnWhen::AllCompleted => false,
                    };
                    this.done.push((index, output));
                }
                Poll::Ready(None) => {
                    met = true;
                    break;
                }
                Poll::Pending => break,
            }
        }
        if !met
            && !this
                .deadline
                .as_mut()
                .is_some_and(|d| Pin::new(d).poll(cx).is_ready())
        {
            return Poll::Pending;
        }
        let set = this.set.take().expect("checked above");
        let pending = set
            .into_pending()
            .map(|(index, future)| (index, *Pin::into_inner(future)))
            .collect();
        Poll::Ready((std::mem::take(&mut this.done), pending))
    }
}

impl<F: Future> fmt::Debug for Wait<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("return_when", &self.return_when)
            .field("done", &self.done.len())
            .finish_non_exhaustive()
    }
}

/// One of two values: which of [`select`]'s futures completed first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Either<L, R> {
    /// The first.
    Left(L),
    /// The second.
    Right(R),
}

/// Waits for the first of two futures of any types and gives back the other, still running,
/// to await later or drop (`asyncio.wait` with `FIRST_COMPLETED` on two awaitables):
/// `Either::Left((a_output, b))` or `Either::Right((b_output, a))`. Biased: when both are
/// ready, `a` wins (so put the future that must not starve, a shutdown signal say, first).
///
/// The futures need to be `Unpin` to be given back: `pin!(future)` or `&mut future` (of an
/// `Unpin` future) or `Box::pin(future)` makes them so. For two futures of one output type whose
/// loser can be dropped, [`or`](super::or) and [`race`](super::race) are simpler; for more than
/// two, nest `select`s or [`wait`] on boxed futures.
///
/// ```
/// # wasio::run(async {
/// use std::pin::pin;
/// use std::time::Duration;
/// use wasio::future::{Either, select};
/// use wasio::sync::Queue;
///
/// let queue = Queue::<String>::unbounded();
/// let tick = wasio::time::sleep(Duration::from_millis(10));
/// match select(pin!(queue.get()), tick).await {
///     Either::Left((message, _tick)) => println!("got {message:?}"),
///     Either::Right(((), get)) => {
///         drop(get); // stop waiting: a dropped `get` loses nothing
///         queue.try_put("late".into()).unwrap();
///     }
/// }
/// assert_eq!(queue.len(), 1);
/// # });
/// ```
pub fn select<A, B>(a: A, b: B) -> Select<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
{
    Select {
        futures: Some((a, b)),
    }
}

/// The future of [`select`].
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct Select<A, B> {
    futures: Option<(A, B)>,
}

impl<A: Future + Unpin, B: Future + Unpin> Future for Select<A, B> {
    type Output = Either<(A::Output, B), (B::Output, A)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Some((a, b)) = self.futures.as_mut() else {
            panic!("Select polled after it completed");
        };
        if let Poll::Ready(output) = Pin::new(a).poll(cx) {
            let (_, b) = self.futures.take().expect("checked above");
            return Poll::Ready(Either::Left((output, b)));
        }
        if let Poll::Ready(output) = Pin::new(b).poll(cx) {
            let (a, _) = self.futures.take().expect("checked above");
            return Poll::Ready(Either::Right((output, a)));
        }
        Poll::Pending
    }
}

/// Starts `future` as a task of its own that the awaiting code's cancellation does not reach
/// (`asyncio.shield`), and returns its [`JoinHandle`].
///
/// Precisely: `future` is spawned on the running event loop at once (as
/// [`spawn`](crate::spawn) does), and runs to its end whatever happens to the code that
/// awaits the handle. Dropping the handle, or a future that holds it (a
/// [`timeout`](crate::time::timeout) that elapsed, a [`select`] or [`wait`] that returned
/// without it, a task that was aborted, a [`TaskGroup`](crate::runtime::TaskGroup) member
/// cancelled with its group), detaches the task instead of cancelling it. Awaiting the handle
/// gives `Ok(output)`; await `&mut handle` (it is `Unpin`) where the await may be cut short,
/// and the output can still be had by awaiting the handle again. The shield holds against the
/// awaiting side only: [`JoinHandle::abort`] still cancels the task, and so does its event
/// loop ending (`run` returning while it is pending, or, under WASI 0.3, its request being
/// cancelled), which gives `Err(JoinError::Shutdown)`, as `asyncio.run` cancels shielded tasks
/// too.
///
/// In wasio a dropped `JoinHandle` never cancels its task, so `shield` is `spawn`: what it
/// adds is the name asyncio users look for, and this contract.
///
/// # Panics
///
/// When no wasio runtime is running on this thread.
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
/// use wasio::future::shield;
/// use wasio::time::{sleep, timeout};
///
/// let mut save = shield(async {
///     sleep(Duration::from_millis(300)).await; // must finish, even if the caller gives up
///     "saved"
/// });
/// assert!(timeout(Duration::from_millis(5), &mut save).await.is_err());
/// assert!(!save.is_finished(), "still running");
/// assert_eq!(save.await, Ok("saved"));
/// # });
/// ```
pub fn shield<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
{
    crate::runtime::task::spawn_task(None, future, "wasio::future::shield")
}
