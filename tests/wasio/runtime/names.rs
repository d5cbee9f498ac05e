//! Task ids and names, `current_task` and `all_tasks`.

use std::future::pending;

use wasio::runtime::{TaskGroup, all_tasks, current_task, spawn_named};
use wasio::{spawn, yield_now};

#[wasio::test]
async fn a_named_task_carries_its_name_and_an_unnamed_one_none() {
    let named = spawn_named("fetcher", async { 1 });
    let owned = spawn_named(format!("worker-{}", 2), async { 2 });
    let plain = spawn(async { 3 });
    assert_eq!(named.name(), Some("fetcher"));
    assert_eq!(owned.name(), Some("worker-2"));
    assert_eq!(plain.name(), None);
    assert_eq!(named.abort_handle().name(), Some("fetcher"));
    assert!(
        named.id() < owned.id() && owned.id() < plain.id(),
        "ids count up"
    );
    assert_eq!(plain.id().as_u64(), owned.id().as_u64() + 1);
    let debug = format!("{named:?}");
    assert!(
        debug.contains("\"fetcher\"") && debug.contains("id"),
        "{debug}"
    );
    assert_eq!(
        (named.await, owned.await, plain.await),
        (Ok(1), Ok(2), Ok(3))
    );
}

#[wasio::test]
async fn current_task_is_the_task_being_polled_and_none_in_the_root() {
    assert!(current_task().is_none(), "the root future is no task");
    let task = spawn_named("me", async {
        let me = current_task().expect("inside a task");
        yield_now().await;
        let again = current_task().expect("still inside it");
        assert_eq!(me.id(), again.id());
        (me.id(), me.name().map(str::to_owned))
    });
    let other = spawn(async { current_task().map(|task| task.id()) });
    let (id, other_id) = (task.id(), other.id());
    assert_eq!(task.await, Ok((id, Some("me".to_owned()))));
    assert_eq!(other.await, Ok(Some(other_id)));
    assert!(
        current_task().is_none(),
        "not left behind after the tasks ran"
    );
}

#[wasio::test]
async fn a_task_can_abort_itself_through_current_task() {
    let task = spawn(async {
        current_task().unwrap().abort(); // asyncio's current_task().cancel()
        pending::<()>().await;
    });
    assert_eq!(task.await, Err(wasio::runtime::JoinError::Aborted));
}

#[wasio::test]
async fn all_tasks_lists_the_live_tasks_of_the_loop_once_each() {
    assert!(all_tasks().is_empty());
    let idle = spawn_named("idle", pending::<()>());
    let busy = spawn_named("busy", async {
        for _ in 0..3 {
            yield_now().await; // parked and queued at once
        }
        all_tasks()
            .iter()
            .map(|task| task.name().unwrap_or("-").to_owned())
            .collect::<Vec<_>>()
    });
    let queued = spawn(async {});
    assert_eq!(all_tasks().len(), 3, "queued, not yet polled");
    yield_now().await;
    let seen_by_busy = busy.await.unwrap();
    assert_eq!(
        seen_by_busy,
        ["idle", "busy"],
        "itself included, the finished one not"
    );
    queued.await.unwrap();
    let left: Vec<_> = all_tasks().iter().map(|task| task.id()).collect();
    assert_eq!(left, [idle.id()]);
    idle.abort();
    assert!(all_tasks().is_empty());
}

#[wasio::test]
async fn task_group_members_can_be_named() {
    let group = TaskGroup::<String, ()>::new();
    group
        .spawn_named("first", async {
            Ok(current_task().unwrap().name().unwrap().to_owned())
        })
        .unwrap();
    let spawner = group.spawner();
    spawner
        .spawn_named("second", async {
            Ok(current_task().unwrap().name().unwrap().to_owned())
        })
        .unwrap();
    assert_eq!(
        group.join().await,
        Ok(vec!["first".to_owned(), "second".to_owned()])
    );
}
