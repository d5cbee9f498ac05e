//! `Mutex`: exclusive access that may be held across `.await` (`asyncio.Lock` with a value).

use std::cell::{RefCell, RefMut};
use std::fmt;
use std::ops::{Deref, DerefMut};

use super::semaphore::{Semaphore, SemaphorePermit};

/// A value behind an async lock (`asyncio.Lock`, holding the data it protects).
///
/// [`lock`](Mutex::lock) waits its turn in FIFO order; the guard may be held across `.await`.
/// A `lock` that is dropped while waiting gives its turn to the next waiter.
///
/// ```
/// # wasio::run(async {
/// use std::rc::Rc;
/// use wasio::sync::Mutex;
///
/// let log = Rc::new(Mutex::new(Vec::new()));
/// let writer = {
///     let log = log.clone();
///     wasio::spawn(async move {
///         let mut entries = log.lock().await;
///         entries.push("first");
///         wasio::yield_now().await; // still held
///         entries.push("second");
///     })
/// };
/// wasio::yield_now().await;
/// log.lock().await.push("third"); // waits for the writer
/// writer.await.unwrap();
/// assert_eq!(*log.lock().await, ["first", "second", "third"]);
/// # });
/// ```
pub struct Mutex<T: ?Sized> {
    turn: Semaphore,
    value: RefCell<T>,
}

/// The error of [`Mutex::try_lock`]: the lock is held or others are waiting for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WouldBlock;

impl fmt::Display for WouldBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the mutex is locked")
    }
}

impl std::error::Error for WouldBlock {}

impl<T> Mutex<T> {
    /// An unlocked mutex holding `value`.
    pub const fn new(value: T) -> Self {
        Mutex {
            turn: Semaphore::new(1),
            value: RefCell::new(value),
        }
    }

    /// The value, from a mutex nobody else can reach.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the lock; FIFO among waiters.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        match self.turn.acquire().await {
            Ok(permit) => self.guard(permit),
            Err(_) => unreachable!("a mutex never closes its semaphore"),
        }
    }

    /// Takes the lock if it is free and nobody waits for it.
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, WouldBlock> {
        match self.turn.try_acquire() {
            Ok(permit) => Ok(self.guard(permit)),
            Err(_) => Err(WouldBlock),
        }
    }

    /// The value, through exclusive access to the mutex itself (no locking needed).
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// Whether `guard` locks this mutex (and not another).
    pub(super) fn owns(&self, guard: &MutexGuard<'_, T>) -> bool {
        std::ptr::addr_eq(&*guard.value, self.value.as_ptr())
    }

    fn guard<'a>(&'a self, permit: SemaphorePermit<'a>) -> MutexGuard<'a, T> {
        MutexGuard {
            // The permit is the only one, so nothing else borrows the value.
            value: self.value.borrow_mut(),
            _permit: permit,
        }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Mutex");
        match self.value.try_borrow() {
            Ok(value) => out.field("value", &&*value),
            Err(_) => out.field("value", &format_args!("<locked>")),
        };
        out.finish()
    }
}

/// Access to a locked [`Mutex`]'s value; dropping it unlocks.
#[must_use = "dropping the guard unlocks the mutex at once"]
pub struct MutexGuard<'a, T: ?Sized> {
    // Field order: the borrow ends before the turn passes on.
    value: RefMut<'a, T>,
    _permit: SemaphorePermit<'a>,
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.value, f)
    }
}
