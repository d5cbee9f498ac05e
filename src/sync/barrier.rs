//! `Barrier`: wait until a number of tasks have all arrived (`asyncio.Barrier`).

use std::cell::RefCell;
use std::fmt;
use std::task::Poll;

use super::wait_list::{Turn, WaitList};
use crate::runtime::poll_proceed;

/// Makes `n` tasks wait for each other (`asyncio.Barrier`): the `n`-th to call
/// [`wait`](Barrier::wait) releases them all, and the barrier resets for the next round.
/// A waiting task that is dropped no longer counts as arrived.
///
/// ```
/// # wasio::run(async {
/// use std::rc::Rc;
/// use wasio::sync::Barrier;
///
/// let barrier = Rc::new(Barrier::new(3));
/// let tasks: Vec<_> = (0..3)
///     .map(|_| {
///         let barrier = barrier.clone();
///         wasio::spawn(async move { barrier.wait().await.is_leader() })
///     })
///     .collect();
/// let mut leaders = 0;
/// for task in tasks {
///     leaders += task.await.unwrap() as u32;
/// }
/// assert_eq!(leaders, 1);
/// # });
/// ```
pub struct Barrier {
    parties: usize,
    inner: RefCell<Inner>,
}

struct Inner {
    waiters: WaitList<()>,
}

/// What [`Barrier::wait`] tells each task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult {
    leader: bool,
}

impl BarrierWaitResult {
    /// `true` for exactly one task of each round: the one whose arrival released the others.
    pub fn is_leader(&self) -> bool {
        self.leader
    }
}

impl Barrier {
    /// A barrier for `parties` tasks (0 counts as 1).
    pub fn new(parties: usize) -> Self {
        Barrier {
            parties: parties.max(1),
            inner: RefCell::new(Inner {
                waiters: WaitList::new(),
            }),
        }
    }

    /// How many tasks each round waits for.
    pub fn parties(&self) -> usize {
        self.parties
    }

    /// How many tasks are waiting in the current round.
    pub fn n_waiting(&self) -> usize {
        self.inner.borrow().waiters.len()
    }

    /// Arrives and waits until all parties have.
    pub async fn wait(&self) -> BarrierWaitResult {
        let mut arrival = Arrival {
            barrier: self,
            key: None,
        };
        std::future::poll_fn(|cx| {
            std::task::ready!(poll_proceed(cx));
            let mut inner = self.inner.borrow_mut();
            match arrival.key.map(|key| inner.waiters.turn(key, cx.waker())) {
                Some(Turn::Waiting(old)) => {
                    drop(inner);
                    drop(old);
                    Poll::Pending
                }
                Some(Turn::Chosen(())) => {
                    arrival.key = None;
                    Poll::Ready(BarrierWaitResult { leader: false })
                }
                None if inner.waiters.len() + 1 >= self.parties => {
                    let wakers = inner.waiters.choose_all();
                    drop(inner);
                    wakers.wake();
                    Poll::Ready(BarrierWaitResult { leader: true })
                }
                None => {
                    arrival.key = Some(inner.waiters.push(cx.waker(), ()));
                    Poll::Pending
                }
            }
        })
        .await
    }
}

/// Removes a waiter that is dropped before its round completes.
struct Arrival<'a> {
    barrier: &'a Barrier,
    key: Option<usize>,
}

impl Drop for Arrival<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key {
            self.barrier.inner.borrow_mut().waiters.remove(key);
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Barrier")
            .field("parties", &self.parties)
            .field("waiting", &inner.waiters.len())
            .finish()
    }
}
