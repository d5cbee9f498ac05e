//! An application's startup and cleanup hooks (aiohttp's `on_startup` and `on_cleanup`): run
//! once each, the startup before the first request is answered, the cleanup after the last.

use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use crate::sync::Event;

/// What a hook's future gives.
type HookResult = Result<(), Box<dyn Error + Send + Sync>>;

/// A hook, not called yet.
pub(crate) type Hook = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = HookResult>>>>;

/// A hook as [`App::on_startup`](super::App::on_startup) and
/// [`on_cleanup`](super::App::on_cleanup) take it.
pub(crate) fn hook<F, Fut, E>(hook: F) -> Hook
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = Result<(), E>> + 'static,
    E: Into<Box<dyn Error + Send + Sync>>,
{
    Box::new(move || {
        let future = hook();
        Box::pin(async move { future.await.map_err(Into::into) })
    })
}

/// Which hooks failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A startup hook: the application did not start.
    Startup,
    /// A cleanup hook (the other cleanup hooks still ran).
    Cleanup,
}

/// A startup or cleanup hook failed: which stage, and the hook's error (its
/// [`source`](Error::source)). `Send` and `Sync`, as [`ServeError`](super::ServeError) is,
/// for `?` into error types that ask for them.
#[derive(Clone)]
pub struct HookError {
    stage: Stage,
    error: Arc<dyn Error + Send + Sync>,
}

impl HookError {
    /// Whether a startup or a cleanup hook failed.
    pub fn stage(&self) -> Stage {
        self.stage
    }
}

impl fmt::Display for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match self.stage {
            Stage::Startup => "startup",
            Stage::Cleanup => "cleanup",
        };
        write!(f, "a {stage} hook failed: {}", self.error)
    }
}

impl fmt::Debug for HookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookError")
            .field("stage", &self.stage)
            .field("error", &self.error.to_string())
            .finish()
    }
}

impl Error for HookError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&*self.error)
    }
}

/// Where the startup hooks are.
enum Started {
    /// Not run yet.
    No(Vec<Hook>),
    /// Running: wait for the event.
    Running(Rc<Event>),
    Yes,
    Failed(HookError),
}

/// The hooks of one application.
pub(crate) struct Lifecycle {
    started: RefCell<Started>,
    cleanup: RefCell<Vec<Hook>>,
}

impl Lifecycle {
    pub(crate) fn new(startup: Vec<Hook>, cleanup: Vec<Hook>) -> Lifecycle {
        Lifecycle {
            started: RefCell::new(Started::No(startup)),
            cleanup: RefCell::new(cleanup),
        }
    }

    /// Runs the startup hooks in order, the first time it is called, up to the first that
    /// fails; a later or concurrent call waits for that run and gives its outcome.
    pub(crate) async fn startup(&self) -> Result<(), HookError> {
        loop {
            let state = std::mem::replace(&mut *self.started.borrow_mut(), Started::Yes);
            match state {
                Started::Yes => return Ok(()),
                Started::Failed(error) => {
                    *self.started.borrow_mut() = Started::Failed(error.clone());
                    return Err(error);
                }
                Started::Running(done) => {
                    *self.started.borrow_mut() = Started::Running(done.clone());
                    done.wait().await;
                }
                Started::No(hooks) => {
                    let done = Rc::new(Event::new());
                    *self.started.borrow_mut() = Started::Running(done.clone());
                    let finish = Finish {
                        lifecycle: self,
                        done,
                    };
                    let outcome = run_all(hooks, Stage::Startup, true).await;
                    *self.started.borrow_mut() = match &outcome {
                        Ok(()) => Started::Yes,
                        Err(error) => Started::Failed(error.clone()),
                    };
                    drop(finish);
                    return outcome;
                }
            }
        }
    }

    /// Runs every cleanup hook in order, the first time it is called (a hook that fails does
    /// not stop the others); the first failure is the outcome.
    pub(crate) async fn cleanup(&self) -> Result<(), HookError> {
        let hooks = std::mem::take(&mut *self.cleanup.borrow_mut());
        run_all(hooks, Stage::Cleanup, false).await
    }
}

/// Ends a run of the startup hooks, whether it finished or was dropped halfway (its request
/// cancelled): the callers waiting for it wake up, and a run that did not finish counts as
/// failed, as its hooks cannot be called again.
struct Finish<'a> {
    lifecycle: &'a Lifecycle,
    done: Rc<Event>,
}

impl Drop for Finish<'_> {
    fn drop(&mut self) {
        let mut started = self.lifecycle.started.borrow_mut();
        if let Started::Running(_) = *started {
            *started = Started::Failed(HookError {
                stage: Stage::Startup,
                error: Arc::new(std::io::Error::other("the startup was cancelled halfway")),
            });
        }
        self.done.set();
    }
}

/// Runs `hooks` in order; with `stop_at_failure`, none after the first that fails.
async fn run_all(hooks: Vec<Hook>, stage: Stage, stop_at_failure: bool) -> Result<(), HookError> {
    let mut outcome = Ok(());
    for hook in hooks {
        if let Err(error) = hook().await {
            let error = HookError {
                stage,
                error: Arc::from(error),
            };
            if stop_at_failure {
                return Err(error);
            }
            eprintln!("wasio: {error}");
            if outcome.is_ok() {
                outcome = Err(error);
            }
        }
    }
    outcome
}
