//! Panics contained where Rust can unwind them: a build with `-Cpanic=unwind`, which on
//! `wasm32-wasip2` takes a nightly toolchain that rebuilds the standard library (wasmtime runs
//! the WebAssembly exception handling it needs). There a task that panics ends with
//! [`JoinError::Panicked`](super::JoinError::Panicked), and a request handler or a
//! middleware gate that panics is answered with a 500; the event loop, the other tasks and the
//! instance's other requests go on. Everywhere else (stable Rust, where the standard library
//! for wasm is built with `panic = "abort"`) a panic traps at once and none of this exists.

#[cfg(panic = "unwind")]
use std::future::Future;
#[cfg(panic = "unwind")]
use std::panic::{AssertUnwindSafe, catch_unwind};
#[cfg(panic = "unwind")]
use std::pin::Pin;
#[cfg(panic = "unwind")]
use std::task::{Context, Poll};

/// Runs `f`; a panic in it becomes its message.
///
/// `AssertUnwindSafe`: what a panic leaves half-changed belongs to the code that panicked,
/// which does not run again (a panicked task's future is dropped, a panicked handler's
/// future is not polled again), as when a Python exception unwinds through a coroutine.
#[cfg(panic = "unwind")]
pub(crate) fn catch<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        match (
            payload.downcast_ref::<&str>(),
            payload.downcast_ref::<String>(),
        ) {
            (Some(message), _) => (*message).to_owned(),
            (_, Some(message)) => message.clone(),
            _ => "a panic without a message".to_owned(),
        }
    })
}

/// `future`, whose panic becomes `fallback(message)` (where panics unwind).
#[cfg(panic = "unwind")]
pub(crate) fn contain<F: Future>(future: F, fallback: fn(String) -> F::Output) -> Contain<F> {
    Contain {
        future: Some(Box::pin(future)),
        fallback,
    }
}

/// `future` as it is: where panics abort, there is nothing to contain.
#[cfg(not(panic = "unwind"))]
pub(crate) fn contain<F: std::future::Future>(future: F, _fallback: fn(String) -> F::Output) -> F {
    future
}

/// A future whose panic is its fallback output.
#[cfg(panic = "unwind")]
pub(crate) struct Contain<F: Future> {
    /// Gone once it panicked: it is not polled again.
    future: Option<Pin<Box<F>>>,
    fallback: fn(String) -> F::Output,
}

#[cfg(panic = "unwind")]
impl<F: Future> Future for Contain<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let Some(future) = self.future.as_mut() else {
            panic!("a contained future polled after it completed");
        };
        match catch(|| future.as_mut().poll(cx)) {
            Ok(poll) => poll,
            Err(message) => {
                self.future = None;
                Poll::Ready((self.fallback)(message))
            }
        }
    }
}
