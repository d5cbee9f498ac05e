//! Wakers over `Rc`: the only place that builds a `Waker` by hand.
//!
//! `std::task::Wake` needs `Arc<Self>: Send + Sync`, which a task holding a `!Send` future
//! cannot be. wasio compiles its runtime only for WebAssembly without the `atomics` feature
//! (see `lib.rs`): there is exactly one thread, so a `Waker` can never be cloned, woken or
//! dropped anywhere but on the thread that owns the `Rc`, and a non-atomic count is sound.

use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::rc::Rc;
use std::task::{RawWaker, RawWakerVTable, Waker};

/// Something a `Waker` can point at.
pub(crate) trait Wake: 'static {
    /// Schedules the target; `this` stays alive.
    fn wake_by_ref(this: &Rc<Self>);
}

/// The vtable of a `Waker` whose data pointer came from `Rc::<T>::into_raw`.
struct Vtable<T>(PhantomData<T>);

impl<T: Wake> Vtable<T> {
    const VTABLE: RawWakerVTable =
        RawWakerVTable::new(Self::clone, Self::wake, Self::wake_by_ref, Self::drop);

    fn raw(data: *const T) -> RawWaker {
        RawWaker::new(data.cast(), &Self::VTABLE)
    }

    unsafe fn clone(data: *const ()) -> RawWaker {
        // SAFETY: `data` came from `Rc::into_raw` (or a live `Rc` for `WakerRef`) and the waker
        // being cloned still holds its count, so the allocation is alive; one thread only.
        unsafe { Rc::increment_strong_count(data.cast::<T>()) };
        Self::raw(data.cast())
    }

    unsafe fn wake(data: *const ()) {
        // SAFETY: waking by value consumes the waker, so this takes back the count it owned.
        let this = unsafe { Rc::from_raw(data.cast::<T>()) };
        T::wake_by_ref(&this);
    }

    unsafe fn wake_by_ref(data: *const ()) {
        // SAFETY: the waker keeps its count; `ManuallyDrop` makes sure this borrow gives none back.
        let this = ManuallyDrop::new(unsafe { Rc::from_raw(data.cast::<T>()) });
        T::wake_by_ref(&this);
    }

    unsafe fn drop(data: *const ()) {
        // SAFETY: dropping the waker gives back the one count it owned.
        drop(unsafe { Rc::from_raw(data.cast::<T>()) });
    }
}

/// A `Waker` borrowed from a live `Rc`, without touching its count; its clones each own one
/// strong count, given back when they are dropped or woken by value.
pub(crate) struct WakerRef<'a> {
    waker: ManuallyDrop<Waker>,
    _rc: PhantomData<&'a Rc<()>>,
}

impl<'a> WakerRef<'a> {
    pub(crate) fn new<T: Wake>(this: &'a Rc<T>) -> Self {
        let raw = Vtable::<T>::raw(Rc::as_ptr(this));
        WakerRef {
            // SAFETY: `this` outlives the borrow `'a`, and `ManuallyDrop` never runs the drop
            // that would give back a count this waker does not own.
            waker: ManuallyDrop::new(unsafe { Waker::from_raw(raw) }),
            _rc: PhantomData,
        }
    }
}

impl Deref for WakerRef<'_> {
    type Target = Waker;

    fn deref(&self) -> &Waker {
        &self.waker
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    struct Counter {
        wakes: Cell<u32>,
    }

    impl Wake for Counter {
        fn wake_by_ref(this: &Rc<Self>) {
            this.wakes.set(this.wakes.get() + 1);
        }
    }

    fn counter() -> Rc<Counter> {
        Rc::new(Counter {
            wakes: Cell::new(0),
        })
    }

    /// An owned waker, as a task's future gets by cloning the one it is polled with.
    fn waker(target: &Rc<Counter>) -> Waker {
        WakerRef::new(target).clone()
    }

    #[test]
    fn clones_and_drops_balance_the_count() {
        let target = counter();
        let w = waker(&target);
        assert_eq!(Rc::strong_count(&target), 2);
        let clones: Vec<Waker> = (0..10).map(|_| w.clone()).collect();
        assert_eq!(Rc::strong_count(&target), 12);
        drop(clones);
        drop(w);
        assert_eq!(Rc::strong_count(&target), 1);
    }

    #[test]
    fn wake_by_value_gives_back_its_count_and_by_ref_keeps_it() {
        let target = counter();
        let w = waker(&target);
        w.wake_by_ref();
        assert_eq!(Rc::strong_count(&target), 2);
        w.wake();
        assert_eq!(Rc::strong_count(&target), 1);
        assert_eq!(target.wakes.get(), 2);
    }

    #[test]
    fn a_borrowed_waker_owns_nothing_but_its_clones_do() {
        let target = counter();
        {
            let borrowed = WakerRef::new(&target);
            assert_eq!(Rc::strong_count(&target), 1);
            let owned = borrowed.clone();
            assert_eq!(Rc::strong_count(&target), 2);
            borrowed.wake_by_ref();
            owned.wake();
        }
        assert_eq!(Rc::strong_count(&target), 1);
        assert_eq!(target.wakes.get(), 2);
    }

    #[test]
    fn will_wake_recognises_the_same_target() {
        let a = counter();
        let b = counter();
        let wa = waker(&a);
        assert!(wa.will_wake(&WakerRef::new(&a)));
        assert!(!wa.will_wake(&WakerRef::new(&b)));
    }
}
