//! `Semaphore`: a count of permits, handed out in FIFO order (`asyncio.Semaphore`).

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::wait_list::{Turn, WaitList, Wakers};
use crate::runtime::poll_proceed;

/// A count of permits; [`acquire`](Semaphore::acquire) waits for one (`asyncio.Semaphore`).
///
/// Waiters are served strictly in arrival order: released permits go to the waiter at the
/// front, and nobody overtakes it, not even [`try_acquire`](Semaphore::try_acquire). A
/// waiting `acquire` that is dropped gives up its place, and if permits were already handed to
/// it they pass on to the next waiter: nothing is lost.
///
/// ```
/// # wasio::run(async {
/// use std::rc::Rc;
/// use wasio::sync::Semaphore;
///
/// let limit = Rc::new(Semaphore::new(2));
/// let tasks: Vec<_> = (0..6)
///     .map(|_| {
///         let limit = limit.clone();
///         wasio::spawn(async move {
///             let _permit = limit.acquire().await.expect("never closed");
///             // at most two tasks are here at once
///         })
///     })
///     .collect();
/// for task in tasks {
///     task.await.unwrap();
/// }
/// assert_eq!(limit.available_permits(), 2);
/// # });
/// ```
pub struct Semaphore {
    inner: RefCell<Inner>,
}

struct Inner {
    permits: usize,
    closed: bool,
    waiters: WaitList<Want>,
}

impl Inner {
    /// Takes `n` permits if they are free and nobody is waiting: the rule for `try_acquire` and
    /// for an `acquire` that has not queued yet.
    fn try_take(&mut self, n: usize) -> Result<(), TryAcquireError> {
        if self.closed {
            Err(TryAcquireError::Closed)
        } else if n > Semaphore::MAX_PERMITS {
            Err(TryAcquireError::TooManyPermits)
        } else if n == 0 || (self.waiters.is_empty() && self.permits >= n) {
            self.permits -= n;
            Ok(())
        } else {
            Err(TryAcquireError::NoPermits)
        }
    }
}

/// What a waiter asked for, and whether it got it.
struct Want {
    permits: usize,
    granted: bool,
}

/// The error of [`Semaphore::acquire`] and its variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AcquireError {
    /// The semaphore is closed.
    Closed,
    /// More permits were asked for than a semaphore can hold
    /// ([`Semaphore::MAX_PERMITS`]): the request could never be granted.
    TooManyPermits,
}

impl fmt::Display for AcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AcquireError::Closed => "the semaphore is closed",
            AcquireError::TooManyPermits => "more permits asked for than a semaphore holds",
        })
    }
}

impl std::error::Error for AcquireError {}

/// The error of [`Semaphore::try_acquire`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TryAcquireError {
    /// Not enough permits now (or others are already waiting for them).
    NoPermits,
    /// The semaphore is closed.
    Closed,
    /// More permits were asked for than a semaphore can hold.
    TooManyPermits,
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryAcquireError::NoPermits => "no permits available",
            TryAcquireError::Closed => "the semaphore is closed",
            TryAcquireError::TooManyPermits => "more permits asked for than a semaphore holds",
        })
    }
}

impl std::error::Error for TryAcquireError {}

impl Semaphore {
    /// The most permits a semaphore holds; adding more saturates here.
    pub const MAX_PERMITS: usize = usize::MAX >> 3;

    /// A semaphore with `permits` permits (at most [`MAX_PERMITS`](Self::MAX_PERMITS)).
    pub const fn new(permits: usize) -> Semaphore {
        let permits = if permits > Self::MAX_PERMITS {
            Self::MAX_PERMITS
        } else {
            permits
        };
        Semaphore {
            inner: RefCell::new(Inner {
                permits,
                closed: false,
                waiters: WaitList::new(),
            }),
        }
    }

    /// Permits free right now (not counting those already handed to waiters).
    pub fn available_permits(&self) -> usize {
        self.inner.borrow().permits
    }

    /// Adds `n` permits, serving waiters first (saturates at [`MAX_PERMITS`](Self::MAX_PERMITS)).
    pub fn add_permits(&self, n: usize) {
        self.release(n);
    }

    /// Waits for one permit.
    pub fn acquire(&self) -> Acquire<'_> {
        self.acquire_many(1)
    }

    /// Waits for `n` permits at once. `n == 0` succeeds at once; more than
    /// [`MAX_PERMITS`](Self::MAX_PERMITS) fails with [`AcquireError::TooManyPermits`].
    pub fn acquire_many(&self, n: usize) -> Acquire<'_> {
        Acquire {
            semaphore: self,
            waiter: Waiter::new(n),
        }
    }

    /// Waits for one permit that owns a reference to the semaphore, so it can move into a task.
    pub fn acquire_owned(self: Rc<Self>) -> AcquireOwned {
        self.acquire_many_owned(1)
    }

    /// Waits for `n` permits that own a reference to the semaphore.
    pub fn acquire_many_owned(self: Rc<Self>, n: usize) -> AcquireOwned {
        AcquireOwned {
            semaphore: Some(self),
            waiter: Waiter::new(n),
        }
    }

    /// Takes one permit if one is free and nobody is waiting.
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free and nobody is waiting.
    pub fn try_acquire_many(&self, n: usize) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        self.try_take(n).map(|()| SemaphorePermit {
            semaphore: self,
            permits: n,
        })
    }

    /// Takes one owned permit if one is free and nobody is waiting.
    pub fn try_acquire_owned(self: Rc<Self>) -> Result<OwnedSemaphorePermit, TryAcquireError> {
        self.try_take(1).map(|()| OwnedSemaphorePermit {
            semaphore: self,
            permits: 1,
        })
    }

    /// Closes the semaphore: every waiter, and every later acquire, gets an error. Permits
    /// already held stay valid.
    pub fn close(&self) {
        let wakers = {
            let mut inner = self.inner.borrow_mut();
            inner.closed = true;
            inner.waiters.choose_all()
        };
        wakers.wake();
    }

    /// Whether [`close`](Semaphore::close) was called.
    pub fn is_closed(&self) -> bool {
        self.inner.borrow().closed
    }

    fn try_take(&self, n: usize) -> Result<(), TryAcquireError> {
        self.inner.borrow_mut().try_take(n)
    }

    /// Gives permits back and hands them to the waiters at the front, in order.
    fn release(&self, n: usize) {
        let mut inner = self.inner.borrow_mut();
        inner.permits = inner.permits.saturating_add(n).min(Self::MAX_PERMITS);
        let mut woken = Wakers::default();
        while let Some(front) = inner.waiters.front() {
            let wanted = inner.waiters.state(front).permits;
            if inner.permits < wanted {
                break;
            }
            inner.permits -= wanted;
            inner.waiters.state_mut(front).granted = true;
            woken.push(inner.waiters.choose(front));
        }
        drop(inner);
        woken.wake();
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Semaphore")
            .field("permits", &inner.permits)
            .field("waiters", &inner.waiters.len())
            .field("closed", &inner.closed)
            .finish()
    }
}

/// One waiter's place in the queue, shared by the borrowed and owned acquire futures.
#[derive(Debug)]
struct Waiter {
    permits: usize,
    key: Option<usize>,
}

impl Waiter {
    fn new(permits: usize) -> Self {
        Waiter { permits, key: None }
    }

    fn poll(
        &mut self,
        semaphore: &Semaphore,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), AcquireError>> {
        std::task::ready!(poll_proceed(cx));
        let mut inner = semaphore.inner.borrow_mut();
        let Some(key) = self.key else {
            return match inner.try_take(self.permits) {
                Ok(()) => Poll::Ready(Ok(())),
                Err(TryAcquireError::Closed) => Poll::Ready(Err(AcquireError::Closed)),
                Err(TryAcquireError::TooManyPermits) => {
                    Poll::Ready(Err(AcquireError::TooManyPermits))
                }
                Err(TryAcquireError::NoPermits) => {
                    let want = Want {
                        permits: self.permits,
                        granted: false,
                    };
                    self.key = Some(inner.waiters.push(cx.waker(), want));
                    Poll::Pending
                }
            };
        };
        match inner.waiters.turn(key, cx.waker()) {
            Turn::Waiting(old) => {
                drop(inner);
                drop(old);
                Poll::Pending
            }
            // Chosen by `release`, which grants, or by `close`, which does not.
            Turn::Chosen(want) => {
                self.key = None;
                Poll::Ready(if want.granted {
                    Ok(())
                } else {
                    Err(AcquireError::Closed)
                })
            }
        }
    }

    /// Leaves the queue; permits already handed over go back (to the next waiters).
    fn cancel(&mut self, semaphore: &Semaphore) {
        let Some(key) = self.key.take() else {
            return;
        };
        let want = semaphore.inner.borrow_mut().waiters.remove(key);
        // A granted waiter's permits return; a waiting one at the front may have blocked
        // smaller requests behind it, so either way the queue is served again.
        semaphore.release(if want.granted { want.permits } else { 0 });
    }
}

/// The future of [`Semaphore::acquire`] and [`Semaphore::acquire_many`].
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct Acquire<'a> {
    semaphore: &'a Semaphore,
    waiter: Waiter,
}

impl<'a> Future for Acquire<'a> {
    type Output = Result<SemaphorePermit<'a>, AcquireError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        this.waiter
            .poll(this.semaphore, cx)
            .map_ok(|()| SemaphorePermit {
                semaphore: this.semaphore,
                permits: this.waiter.permits,
            })
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        self.waiter.cancel(self.semaphore);
    }
}

/// The future of [`Semaphore::acquire_owned`] and [`Semaphore::acquire_many_owned`].
#[must_use = "futures do nothing unless polled or .awaited"]
#[derive(Debug)]
pub struct AcquireOwned {
    semaphore: Option<Rc<Semaphore>>,
    waiter: Waiter,
}

impl Future for AcquireOwned {
    type Output = Result<OwnedSemaphorePermit, AcquireError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        let Some(semaphore) = &this.semaphore else {
            panic!("AcquireOwned polled after it completed");
        };
        std::task::ready!(this.waiter.poll(semaphore, cx))?;
        let semaphore = this.semaphore.take().expect("checked above");
        Poll::Ready(Ok(OwnedSemaphorePermit {
            semaphore,
            permits: this.waiter.permits,
        }))
    }
}

impl Drop for AcquireOwned {
    fn drop(&mut self) {
        if let Some(semaphore) = &self.semaphore {
            self.waiter.cancel(semaphore);
        }
    }
}

/// Permits borrowed from a [`Semaphore`]; dropping it gives them back.
#[must_use = "dropping a permit gives it back at once"]
pub struct SemaphorePermit<'a> {
    semaphore: &'a Semaphore,
    permits: usize,
}

impl SemaphorePermit<'_> {
    /// Keeps the permits out of the semaphore for good.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        if self.permits > 0 {
            self.semaphore.release(self.permits);
        }
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}

/// Permits that own a reference to their [`Semaphore`]; dropping it gives them back.
#[must_use = "dropping a permit gives it back at once"]
pub struct OwnedSemaphorePermit {
    semaphore: Rc<Semaphore>,
    permits: usize,
}

impl OwnedSemaphorePermit {
    /// Keeps the permits out of the semaphore for good.
    pub fn forget(mut self) {
        self.permits = 0;
    }

    /// How many permits this holds.
    pub fn num_permits(&self) -> usize {
        self.permits
    }

    /// The semaphore the permits came from.
    pub fn semaphore(&self) -> &Rc<Semaphore> {
        &self.semaphore
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        if self.permits > 0 {
            self.semaphore.release(self.permits);
        }
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}
