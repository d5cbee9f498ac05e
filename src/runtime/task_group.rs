//! `TaskGroup`: tasks that succeed together or fail together (`asyncio.TaskGroup`).

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::future::{Future, poll_fn};
use std::rc::{Rc, Weak};
use std::task::{Poll, Waker};

use super::join_handle::JoinHandle;
use super::task::spawn_task;

/// A set of tasks awaited together; the first one to fail cancels the others.
///
/// [`spawn`](TaskGroup::spawn) starts each member at once; [`join`](TaskGroup::join) waits
/// for all of them and returns their outputs in spawn order. As soon as one member returns
/// `Err`, every other member is aborted (its future dropped) and `join` returns that error,
/// as `asyncio.TaskGroup` cancels the rest of the group when a task raises. Dropping the group
/// (for instance when a [`timeout`](crate::time::timeout) around `join` elapses) aborts every
/// member still running.
///
/// ```
/// # wasio::run(async {
/// use std::time::Duration;
/// use wasio::runtime::TaskGroup;
///
/// let group = TaskGroup::new();
/// for n in 1..=3u64 {
///     group.spawn(async move {
///         wasio::time::sleep(Duration::from_millis(10 * n)).await;
///         Ok::<_, String>(n * n)
///     })?;
/// }
/// assert_eq!(group.join().await, Ok(vec![1, 4, 9]));
///
/// let group = TaskGroup::new();
/// group.spawn(async { Err::<u64, _>("boom".to_string()) })?;
/// group.spawn(async {
///     wasio::time::sleep(Duration::from_secs(3600)).await; // aborted, never finishes
///     Ok(1)
/// })?;
/// assert_eq!(group.join().await, Err("boom".to_string()));
/// # Ok::<(), wasio::runtime::GroupClosed>(())
/// # }).unwrap();
/// ```
pub struct TaskGroup<T, E> {
    shared: Rc<RefCell<Members<T, E>>>,
}

struct Members<T, E> {
    /// Handles of the members still running, by spawn index.
    running: Vec<Option<JoinHandle<()>>>,
    /// Outputs, by spawn index.
    outputs: Vec<Option<T>>,
    /// Members that have not finished.
    pending: usize,
    /// The first error; once set the group is cancelled.
    error: Option<E>,
    failed: bool,
    /// The task awaiting `join`.
    waker: Option<Waker>,
}

impl<T: 'static, E: 'static> Default for TaskGroup<T, E> {
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl<T: 'static, E: 'static> TaskGroup<T, E> {
    /// An empty group.
    pub fn new() -> Self {
        TaskGroup {
            shared: Rc::new(RefCell::new(Members {
                running: Vec::new(),
                outputs: Vec::new(),
                pending: 0,
                error: None,
                failed: false,
                waker: None,
            })),
        }
    }

    /// Starts `future` as a member of the group. Once a member has failed the group is
    /// cancelling: `future` is dropped without being started and this returns
    /// [`GroupClosed`] (asyncio raises `RuntimeError` there).
    ///
    /// # Panics
    ///
    /// When no wasio runtime is running (as [`spawn`](crate::spawn)).
    pub fn spawn<F>(&self, future: F) -> Result<(), GroupClosed>
    where
        F: Future<Output = Result<T, E>> + 'static,
    {
        spawn_into(&self.shared, None, future)
    }

    /// Starts `future` as a member named `name` (`tg.create_task(coro, name=...)`), as
    /// [`spawn`](TaskGroup::spawn) and [`runtime::spawn_named`](crate::runtime::spawn_named).
    ///
    /// # Panics
    ///
    /// When no wasio runtime is running (as [`spawn`](crate::spawn)).
    pub fn spawn_named<F>(
        &self,
        name: impl Into<Cow<'static, str>>,
        future: F,
    ) -> Result<(), GroupClosed>
    where
        F: Future<Output = Result<T, E>> + 'static,
    {
        spawn_into(&self.shared, Some(name.into()), future)
    }

    /// A handle that spawns into this group from anywhere, the group's own members included
    /// (asyncio's `tg.create_task` inside a member), even while [`join`](TaskGroup::join)
    /// waits. It does not keep the group alive: once the group is dropped or joined it
    /// returns [`GroupClosed`].
    ///
    /// ```
    /// # wasio::run(async {
    /// use wasio::runtime::TaskGroup;
    ///
    /// let group = TaskGroup::<u32, ()>::new();
    /// let spawner = group.spawner();
    /// group.spawn(async move {
    ///     spawner.spawn(async { Ok(2) }).expect("the group is open");
    ///     Ok(1)
    /// }).unwrap();
    /// assert_eq!(group.join().await, Ok(vec![1, 2]));
    /// # });
    /// ```
    pub fn spawner(&self) -> GroupSpawner<T, E> {
        GroupSpawner {
            shared: Rc::downgrade(&self.shared),
        }
    }

    /// Waits for every member; returns their outputs in spawn order, or the first error.
    pub async fn join(self) -> Result<Vec<T>, E> {
        poll_fn(|cx| {
            let mut members = self.shared.borrow_mut();
            if let Some(error) = members.error.take() {
                return Poll::Ready(Err(error));
            }
            if members.pending == 0 {
                let outputs = std::mem::take(&mut members.outputs);
                return Poll::Ready(Ok(outputs.into_iter().flatten().collect()));
            }
            if !members
                .waker
                .as_ref()
                .is_some_and(|w| w.will_wake(cx.waker()))
            {
                members.waker = Some(cx.waker().clone());
            }
            Poll::Pending
        })
        .await
    }
}

fn spawn_into<T: 'static, E: 'static, F>(
    shared: &Rc<RefCell<Members<T, E>>>,
    name: Option<Cow<'static, str>>,
    future: F,
) -> Result<(), GroupClosed>
where
    F: Future<Output = Result<T, E>> + 'static,
{
    if shared.borrow().failed {
        return Err(GroupClosed);
    }
    let index = shared.borrow().outputs.len();
    let group = Rc::downgrade(shared);
    let member = async move {
        let result = future.await;
        report(&group, index, result);
    };
    let handle = spawn_task(name, member, "TaskGroup::spawn");
    let mut members = shared.borrow_mut();
    members.running.push(Some(handle));
    members.outputs.push(None);
    members.pending += 1;
    Ok(())
}

/// Spawns into a [`TaskGroup`] without owning it; see [`TaskGroup::spawner`].
pub struct GroupSpawner<T, E> {
    shared: Weak<RefCell<Members<T, E>>>,
}

impl<T: 'static, E: 'static> GroupSpawner<T, E> {
    /// Starts `future` as a member of the group, as [`TaskGroup::spawn`]; [`GroupClosed`]
    /// when the group is cancelling, joined or dropped.
    ///
    /// # Panics
    ///
    /// When no wasio runtime is running (as [`spawn`](crate::spawn)).
    pub fn spawn<F>(&self, future: F) -> Result<(), GroupClosed>
    where
        F: Future<Output = Result<T, E>> + 'static,
    {
        let shared = self.shared.upgrade().ok_or(GroupClosed)?;
        spawn_into(&shared, None, future)
    }

    /// Starts `future` as a member named `name`, as [`TaskGroup::spawn_named`].
    ///
    /// # Panics
    ///
    /// When no wasio runtime is running (as [`spawn`](crate::spawn)).
    pub fn spawn_named<F>(
        &self,
        name: impl Into<Cow<'static, str>>,
        future: F,
    ) -> Result<(), GroupClosed>
    where
        F: Future<Output = Result<T, E>> + 'static,
    {
        let shared = self.shared.upgrade().ok_or(GroupClosed)?;
        spawn_into(&shared, Some(name.into()), future)
    }
}

impl<T, E> Clone for GroupSpawner<T, E> {
    fn clone(&self) -> Self {
        GroupSpawner {
            shared: self.shared.clone(),
        }
    }
}

impl<T, E> fmt::Debug for GroupSpawner<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GroupSpawner")
            .field("open", &(self.shared.strong_count() > 0))
            .finish()
    }
}

/// The error of spawning into a [`TaskGroup`] that no longer takes members: one failed and it
/// is cancelling the rest, or it was joined or dropped. The future was not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GroupClosed;

impl fmt::Display for GroupClosed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the task group takes no more tasks: a member failed, or it was joined or dropped",
        )
    }
}

impl std::error::Error for GroupClosed {}

/// Records a member's result; the first error aborts every other member.
fn report<T, E>(group: &Weak<RefCell<Members<T, E>>>, index: usize, result: Result<T, E>) {
    let Some(shared) = group.upgrade() else {
        return;
    };
    let mut members = shared.borrow_mut();
    let finished = members.running[index].take();
    let (aborted, waker) = match result {
        Ok(output) => {
            members.outputs[index] = Some(output);
            members.pending -= 1;
            let waker = (members.pending == 0).then(|| members.waker.take());
            (Vec::new(), waker.flatten())
        }
        Err(error) => {
            members.failed = true;
            members.error = Some(error);
            let aborted: Vec<_> = members
                .running
                .iter_mut()
                .filter_map(Option::take)
                .collect();
            (aborted, members.waker.take())
        }
    };
    drop(members);
    drop(finished);
    for handle in aborted {
        handle.abort();
    }
    if let Some(waker) = waker {
        waker.wake();
    }
}

impl<T, E> Drop for TaskGroup<T, E> {
    fn drop(&mut self) {
        let running: Vec<_> = self
            .shared
            .borrow_mut()
            .running
            .iter_mut()
            .filter_map(Option::take)
            .collect();
        for handle in running {
            handle.abort();
        }
    }
}

impl<T, E> fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let members = self.shared.borrow();
        f.debug_struct("TaskGroup")
            .field("members", &members.outputs.len())
            .field("pending", &members.pending)
            .field("failed", &members.failed)
            .finish()
    }
}
