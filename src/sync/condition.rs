//! `Condition`: wait, with a lock released, until another task says the state changed
//! (`asyncio.Condition`).

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::mutex::{Mutex, MutexGuard, WouldBlock};
use super::wait_list::{Turn, WaitList, Wakers};
use crate::runtime::poll_proceed;

/// A [`Mutex`] with a condition variable (`asyncio.Condition`): a task holding the lock
/// [`wait`](Condition::wait)s, which releases the lock until another task
/// [`notify`](Condition::notify)s, then takes it again; [`wait_for`](Condition::wait_for)
/// waits until a predicate on the guarded value holds.
///
/// Waiters are woken in the order they began to wait, and take the lock back in FIFO order
/// with every other task that asks for it. A notification reaches only tasks waiting at
/// the time (nothing is stored for later waiters, as in asyncio): check the state under the
/// lock before waiting, or use `wait_for`, which does.
///
/// Cancel-safety: dropping a `wait` (a timeout, a `select` that another branch won, an aborted
/// task) loses neither the lock nor a notification. Dropped while still waiting, it simply
/// leaves the queue. Dropped after a notification chose it, but before it returned the guard
/// (it had not run yet, or was waiting to take the lock back), it passes the notification on
/// to the next waiter, as asyncio's `wait` does when it is cancelled after being notified.
/// So `notify(1)` always reaches a task that returns from `wait` while there is one, at the
/// price of a wake-up that finds nothing to do when the dropped waiter had in fact taken
/// what the notification announced (which `wait_for` re-checks anyway).
///
/// ```
/// # wasio::run(async {
/// use std::rc::Rc;
/// use wasio::sync::Condition;
///
/// let jobs = Rc::new(Condition::new(Vec::new()));
/// let worker = {
///     let jobs = jobs.clone();
///     wasio::spawn(async move {
///         let guard = jobs.lock().await;
///         let mut guard = jobs.wait_for(guard, |jobs| !jobs.is_empty()).await;
///         guard.pop()
///     })
/// };
/// wasio::yield_now().await; // the worker waits, without the lock
/// jobs.lock().await.push("job");
/// jobs.notify(1);
/// assert_eq!(worker.await, Ok(Some("job")));
/// # });
/// ```
pub struct Condition<T: ?Sized> {
    waiters: RefCell<WaitList<()>>,
    mutex: Mutex<T>,
}

impl<T> Condition<T> {
    /// A condition over an unlocked mutex holding `value`.
    pub const fn new(value: T) -> Self {
        Condition {
            waiters: RefCell::new(WaitList::new()),
            mutex: Mutex::new(value),
        }
    }

    /// The value, from a condition nobody else can reach.
    pub fn into_inner(self) -> T {
        self.mutex.into_inner()
    }
}

impl<T: ?Sized> Condition<T> {
    /// Waits for the lock; FIFO among every task that asks for it (`async with cond`).
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.mutex.lock().await
    }

    /// Takes the lock if it is free and nobody waits for it.
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, WouldBlock> {
        self.mutex.try_lock()
    }

    /// The value, through exclusive access to the condition itself (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.mutex.get_mut()
    }

    /// Releases the lock, waits for a [`notify`](Self::notify) or
    /// [`notify_all`](Self::notify_all), then takes the lock again and returns its guard.
    ///
    /// The wait starts when the future is first polled: the lock is released and the task
    /// queued as one step, so a notification sent after that reaches it. Like every condition
    /// variable's, the wake-up says only that the state may have changed: check it again
    /// (or use [`wait_for`](Self::wait_for)).
    ///
    /// # Panics
    ///
    /// When `guard` locks another mutex than this condition's.
    pub async fn wait<'a>(&'a self, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        assert!(
            self.mutex.owns(&guard),
            "Condition::wait given the guard of another mutex"
        );
        drop(guard);
        Waiter {
            condition: self,
            key: None,
        }
        .await;
        // Notified: if this future is dropped before it has the lock again, the notification
        // goes to the next waiter.
        let pass_on = PassOn(self);
        let guard = self.mutex.lock().await;
        std::mem::forget(pass_on);
        guard
    }

    /// Waits (as [`wait`](Self::wait) does, as many times as needed) until `predicate` holds
    /// for the guarded value, and returns the guard; returns at once when it already holds.
    /// The predicate runs with the lock held.
    ///
    /// # Panics
    ///
    /// When `guard` locks another mutex than this condition's.
    pub async fn wait_for<'a>(
        &'a self,
        mut guard: MutexGuard<'a, T>,
        mut predicate: impl FnMut(&mut T) -> bool,
    ) -> MutexGuard<'a, T> {
        while !predicate(&mut guard) {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes up to `n` of the tasks waiting now, those that have waited longest first
    /// (`notify(n)`); a task that is not waiting yet misses it.
    pub fn notify(&self, n: usize) {
        let mut woken = Wakers::default();
        {
            let mut waiters = self.waiters.borrow_mut();
            for _ in 0..n {
                let Some(front) = waiters.front() else { break };
                woken.push(waiters.choose(front));
            }
        }
        woken.wake();
    }

    /// Wakes every task waiting now (`notify_all`).
    pub fn notify_all(&self) {
        let woken = self.waiters.borrow_mut().choose_all();
        woken.wake();
    }

    /// How many tasks are waiting for a notification (not counting those notified that have
    /// not taken the lock back yet).
    pub fn waiters(&self) -> usize {
        self.waiters.borrow().len()
    }
}

impl<T: Default> Default for Condition<T> {
    fn default() -> Self {
        Condition::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Condition<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition")
            .field("mutex", &&self.mutex)
            .field("waiters", &self.waiters())
            .finish()
    }
}

/// Waits for a notification; passes it on when dropped after one chose it.
struct Waiter<'a, T: ?Sized> {
    condition: &'a Condition<T>,
    key: Option<usize>,
}

impl<T: ?Sized> Future for Waiter<'_, T> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        std::task::ready!(poll_proceed(cx));
        let this = &mut *self;
        let mut waiters = this.condition.waiters.borrow_mut();
        match this.key.map(|key| waiters.turn(key, cx.waker())) {
            Some(Turn::Waiting(old)) => {
                drop(waiters);
                drop(old);
                Poll::Pending
            }
            Some(Turn::Chosen(())) => {
                this.key = None;
                Poll::Ready(())
            }
            None => {
                this.key = Some(waiters.push(cx.waker(), ()));
                Poll::Pending
            }
        }
    }
}

impl<T: ?Sized> Drop for Waiter<'_, T> {
    fn drop(&mut self) {
        let Some(key) = self.key else { return };
        let mut waiters = self.condition.waiters.borrow_mut();
        let notified = !waiters.is_queued(key);
        waiters.remove(key);
        drop(waiters);
        if notified {
            self.condition.notify(1);
        }
    }
}

/// Passes a notification on unless forgotten: the guard of a notified `wait` that is
/// taking the lock back.
struct PassOn<'a, T: ?Sized>(&'a Condition<T>);

impl<T: ?Sized> Drop for PassOn<'_, T> {
    fn drop(&mut self) {
        self.0.notify(1);
    }
}
