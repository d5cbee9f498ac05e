//! A part of a connection (its read or write side) shared by the connection loop and a
//! request body, lent out whole to whichever of them is using it, across awaits too.
//!
//! While one holds it, the other finds it missing and can answer with an error instead of
//! panicking on a double borrow (a body read by a task the handler left behind, say).

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};
use std::rc::Rc;

pub(crate) struct Shared<T>(Rc<RefCell<Option<T>>>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> Shared<T> {
    pub(crate) fn new(value: T) -> Shared<T> {
        Shared(Rc::new(RefCell::new(Some(value))))
    }

    /// Takes the value until the returned guard drops; `None` while it is lent elsewhere.
    pub(crate) fn lend(&self) -> Option<Lent<T>> {
        let value = self.0.borrow_mut().take()?;
        Some(Lent {
            home: self.0.clone(),
            value: Some(value),
        })
    }

    /// The value, when this is its last handle and it is not lent out.
    pub(crate) fn into_inner(self) -> Option<T> {
        Rc::try_unwrap(self.0).ok()?.into_inner()
    }
}

/// A value lent out by [`Shared::lend`]; it goes back when this drops.
pub(crate) struct Lent<T> {
    home: Rc<RefCell<Option<T>>>,
    value: Option<T>,
}

impl<T> Deref for Lent<T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value
            .as_ref()
            .expect("a lent value is present until it drops")
    }
}

impl<T> DerefMut for Lent<T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value
            .as_mut()
            .expect("a lent value is present until it drops")
    }
}

impl<T> Drop for Lent<T> {
    fn drop(&mut self) {
        *self.home.borrow_mut() = self.value.take();
    }
}

#[cfg(test)]
mod tests {
    use super::Shared;

    #[test]
    fn a_lent_value_is_missing_until_it_comes_back() {
        let shared = Shared::new(vec![1]);
        let other = shared.clone();
        {
            let mut lent = shared.lend().unwrap();
            lent.push(2);
            assert!(other.lend().is_none());
        }
        assert_eq!(*other.lend().unwrap(), vec![1, 2]);
    }

    #[test]
    fn the_value_is_taken_back_only_from_its_last_handle() {
        let shared = Shared::new(3);
        let other = shared.clone();
        assert!(shared.into_inner().is_none());
        assert_eq!(other.into_inner(), Some(3));
    }
}
