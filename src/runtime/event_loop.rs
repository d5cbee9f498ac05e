//! One event loop, apart from how it waits on the host: the root future, the run queue and
//! shutdown. The host-specific driver (`sys::driver`) turns it and waits between turns.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use super::coop;
use super::join_handle::JoinError;
use super::run::Builder;
use super::state::{self, State};
use super::waker::WakerRef;

/// What a turn left behind.
#[derive(Debug)]
pub(crate) enum Step<T> {
    /// The root future is done (and, when asked to, every task with it).
    Done(T),
    /// Tasks are runnable, or the root was woken: turn again soon, without blocking.
    Busy,
    /// Nothing can run until a timer fires or the host reports an event.
    Idle,
}

/// A root future and the loop that runs it with its tasks.
pub(crate) struct EventLoop<'f, F: Future> {
    scope: Rc<State>,
    future: Pin<&'f mut F>,
    output: Option<F::Output>,
    tasks_per_turn: usize,
    finish_tasks: bool,
    shut_down: bool,
    /// Polls of the root future and of tasks since the loop started.
    polled: u64,
}

impl<'f, F: Future> EventLoop<'f, F> {
    /// A loop for `future` with `builder`'s settings.
    ///
    /// # Panics
    ///
    /// Inside a running loop: one event loop runs at a time on a thread.
    pub(crate) fn new(builder: &Builder, future: Pin<&'f mut F>) -> Self {
        assert!(
            !state::is_running(),
            "wasio::run called inside a running wasio::run: there is one event loop per \
             thread; spawn the future or await it instead"
        );
        EventLoop {
            scope: State::new(builder.task_budget),
            future,
            output: None,
            tasks_per_turn: builder.tasks_per_turn,
            finish_tasks: builder.finish_tasks,
            shut_down: false,
            polled: 0,
        }
    }

    /// How many tasks one turn polls at most.
    #[cfg(wasio_p3)]
    pub(crate) fn tasks_per_turn(&self) -> usize {
        self.tasks_per_turn
    }

    /// Polls of the root future and of tasks since the loop started: the work it has done.
    #[cfg(wasio_p3)]
    pub(crate) fn polled(&self) -> u64 {
        self.polled
    }

    /// The loop's state.
    pub(crate) fn scope(&self) -> &Rc<State> {
        &self.scope
    }

    /// Runs `f` with this as the current loop.
    pub(crate) fn entered<R>(&mut self, f: impl FnOnce(&mut Self) -> R) -> R {
        let scope = self.scope.clone();
        state::enter(&scope, || f(self))
    }

    /// One turn, with the loop entered: polls the root future if it was woken, then the tasks
    /// that were runnable when the turn began (at most `tasks_per_turn`: tasks woken meanwhile
    /// wait for the next turn, after timers and I/O).
    pub(crate) fn turn(&mut self) -> Step<F::Output> {
        let s = &*self.scope;
        s.turns.set(s.turns.get() + 1);
        if self.output.is_none() && s.root_woken.replace(false) {
            // The loop's state is the root future's waker (see `State::root_woken`). Borrowed,
            // so nothing is dropped through the waker's vtable when the loop ends.
            let waker = WakerRef::new(&self.scope);
            let mut cx = Context::from_waker(&waker);
            coop::reset(s);
            self.polled += 1;
            if let Poll::Ready(done) = self.future.as_mut().poll(&mut cx) {
                self.output = Some(done);
            }
        }
        if self.output.is_some() && (!self.finish_tasks || s.live.get() == 0) {
            return Step::Done(self.output.take().expect("just checked"));
        }
        let runnable = s.queue.borrow().len().min(self.tasks_per_turn);
        for _ in 0..runnable {
            let task = s.queue.borrow_mut().pop_front();
            let Some(task) = task else { break };
            self.polled += 1;
            task.run();
        }
        if self.output.is_some() && self.finish_tasks && s.live.get() == 0 {
            return Step::Done(self.output.take().expect("just checked"));
        }
        // Once the root is done its waker means nothing (a task it left may still wake it).
        let root_waits = self.output.is_none() && s.root_woken.get();
        if s.queue.borrow().is_empty() && !root_waits {
            Step::Idle
        } else {
            Step::Busy
        }
    }

    /// The root future's output, once it is done: for a driver that finds nothing can ever
    /// wake the tasks still waiting (they are cancelled).
    #[cfg(not(wasio_p3))]
    pub(crate) fn take_output(&mut self) -> Option<F::Output> {
        self.output.take()
    }

    /// Cancels every task still pending (their futures are dropped, releasing what they
    /// hold), drops the timers, and marks the loop closed. Destructors may spawn: this repeats
    /// until no task is left. Called by the driver where the host allows what the
    /// destructors do; dropping the loop does it otherwise.
    pub(crate) fn shutdown(&mut self) {
        if self.shut_down {
            return;
        }
        self.shut_down = true;
        let scope = self.scope.clone();
        state::enter(&scope, || Self::cancel_everything(&scope));
        scope.close();
    }

    /// Cancels every task of `s`, and the tasks their destructors spawn, and drops the timers.
    fn cancel_everything(s: &State) {
        loop {
            let mut tasks: Vec<_> = s.parked.borrow_mut().drain().collect();
            tasks.extend(s.queue.borrow_mut().drain(..));
            if tasks.is_empty() {
                s.timers.clear();
                crate::sys::driver::release_waiters();
                if s.queue.borrow().is_empty() && s.parked.borrow().is_empty() {
                    break;
                }
            }
            for task in tasks {
                task.cancel(JoinError::Shutdown);
            }
        }
    }
}

impl<F: Future> Drop for EventLoop<'_, F> {
    fn drop(&mut self) {
        self.shutdown();
    }
}
