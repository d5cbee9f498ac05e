//! `join_all`, `try_join_all`, `race_all` and `as_completed`.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_lite::Stream;

use super::unordered::Unordered;

/// Waits for every future and returns their outputs in input order (`asyncio.gather`).
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
/// use wasio::future::join_all;
///
/// let naps = [30u64, 10, 20].map(|ms| async move {
///     wasio::time::sleep(Duration::from_millis(ms)).await;
///     ms
/// });
/// assert_eq!(join_all(naps).await, [30, 10, 20]);
/// # });
/// ```
pub fn join_all<I>(futures: I) -> JoinAll<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    let set = Unordered::new(futures);
    JoinAll {
        outputs: (0..set.len()).map(|_| None).collect(),
        set,
    }
}

/// The future of [`join_all`].
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct JoinAll<F: Future> {
    set: Unordered<F>,
    outputs: Vec<Option<F::Output>>,
}

// Outputs are only moved, never pinned; the futures are pinned in boxes of their own.
impl<F: Future> Unpin for JoinAll<F> {}

impl<F: Future> Future for JoinAll<F> {
    type Output = Vec<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        while let Some((index, output)) = std::task::ready!(this.set.poll_next(cx)) {
            this.outputs[index] = Some(output);
        }
        Poll::Ready(
            std::mem::take(&mut this.outputs)
                .into_iter()
                .flatten()
                .collect(),
        )
    }
}

/// Waits for every future, or for the first error, which drops (cancels) the rest.
///
/// ```
/// # wasio::run(async {
/// use wasio::future::try_join_all;
///
/// let parsed = try_join_all(["1", "2", "3"].map(|s| async move { s.parse::<u8>() })).await;
/// assert_eq!(parsed, Ok(vec![1, 2, 3]));
/// let failed = try_join_all(["1", "x"].map(|s| async move { s.parse::<u8>() })).await;
/// assert!(failed.is_err());
/// # });
/// ```
pub fn try_join_all<I, T, E>(futures: I) -> TryJoinAll<I::Item>
where
    I: IntoIterator,
    I::Item: Future<Output = Result<T, E>>,
{
    TryJoinAll {
        inner: join_all(futures),
    }
}

/// The future of [`try_join_all`].
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct TryJoinAll<F: Future> {
    inner: JoinAll<F>,
}

impl<F, T, E> Future for TryJoinAll<F>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut self.inner;
        while let Some((index, output)) = std::task::ready!(this.set.poll_next(cx)) {
            match output {
                Err(error) => return Poll::Ready(Err(error)),
                ok => this.outputs[index] = Some(ok),
            }
        }
        let outputs = std::mem::take(&mut this.outputs);
        Poll::Ready(outputs.into_iter().flatten().collect())
    }
}

/// Waits for the first of the futures to complete and returns its index and output; the others
/// are dropped with the `RaceAll`. `None` when no future is given.
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
/// use wasio::future::race_all;
///
/// let naps = [30u64, 10, 20].map(|ms| async move {
///     wasio::time::sleep(Duration::from_millis(ms)).await;
///     ms
/// });
/// assert_eq!(race_all(naps).await, Some((1, 10)));
/// # });
/// ```
pub fn race_all<I>(futures: I) -> RaceAll<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    RaceAll {
        set: Unordered::new(futures),
    }
}

/// The future of [`race_all`].
#[must_use = "futures do nothing unless polled or .awaited"]
pub struct RaceAll<F: Future> {
    set: Unordered<F>,
}

impl<F: Future> Future for RaceAll<F> {
    type Output = Option<(usize, F::Output)>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.set.poll_next(cx)
    }
}

/// The outputs of the futures in the order they complete (`asyncio.as_completed`), as a
/// [`Stream`].
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
/// use futures_lite::StreamExt;
/// use wasio::future::as_completed;
///
/// let naps = [30u64, 10, 20].map(|ms| async move {
///     wasio::time::sleep(Duration::from_millis(ms)).await;
///     ms
/// });
/// let order: Vec<u64> = as_completed(naps).collect().await;
/// assert_eq!(order, [10, 20, 30]);
/// # });
/// ```
pub fn as_completed<I>(futures: I) -> AsCompleted<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    AsCompleted {
        set: Unordered::new(futures),
    }
}

/// The stream of [`as_completed`].
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<F: Future> {
    set: Unordered<F>,
}

impl<F: Future> Stream for AsCompleted<F> {
    type Item = F::Output;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        self.set
            .poll_next(cx)
            .map(|next| next.map(|(_, output)| output))
    }
}

macro_rules! debug_by_size {
    ($($name:ident),*) => {$(
        impl<F: Future> fmt::Debug for $name<F> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    )*};
}

debug_by_size!(JoinAll, TryJoinAll, RaceAll, AsCompleted);
