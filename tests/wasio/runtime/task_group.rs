//! `TaskGroup`: all succeed, or the first error cancels the rest.

use std::time::Duration;

use wasio::runtime::{GroupClosed, TaskGroup, stats};
use wasio::time::{Instant, sleep, timeout};

use crate::common::Drops;

const MS: Duration = Duration::from_millis(1);

#[wasio::test]
async fn outputs_come_back_in_spawn_order() -> Result<(), GroupClosed> {
    let group = TaskGroup::new();
    for n in [30u32, 10, 20] {
        group.spawn(async move {
            sleep(n * MS).await;
            Ok::<_, ()>(n)
        })?;
    }
    assert_eq!(group.join().await, Ok(vec![30, 10, 20]));
    Ok(())
}

#[wasio::test]
async fn an_empty_group_joins_at_once() {
    let group = TaskGroup::<(), ()>::new();
    assert_eq!(group.join().await, Ok(vec![]));
}

#[wasio::test]
async fn the_first_error_cancels_the_rest_and_is_returned() -> Result<(), GroupClosed> {
    let drops = Drops::default();
    let group = TaskGroup::new();
    for _ in 0..10 {
        let guard = drops.guard();
        group.spawn(async move {
            let _guard = guard;
            sleep(Duration::from_secs(3600)).await;
            Ok(0)
        })?;
    }
    group.spawn(async {
        sleep(10 * MS).await;
        Err("first")
    })?;
    group.spawn(async {
        sleep(40 * MS).await;
        Err("second")
    })?;
    group.spawn(async { Ok(1) })?;
    let start = Instant::now();
    assert_eq!(group.join().await, Err("first"));
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(drops.count(), 10, "every sleeping member was cancelled");
    let s = stats();
    assert_eq!((s.tasks, s.timers), (0, 0));
    Ok(())
}

#[wasio::test]
async fn members_are_cancelled_as_soon_as_one_fails_even_before_join() {
    let drops = Drops::default();
    let group = TaskGroup::new();
    let guard = drops.guard();
    let spawned = group.spawn(async move {
        let _guard = guard;
        std::future::pending::<Result<(), &str>>().await
    });
    assert_eq!(spawned, Ok(()));
    assert_eq!(group.spawn(async { Err("boom") }), Ok(()));
    sleep(5 * MS).await;
    assert_eq!(drops.count(), 1);
    // A failed group starts nothing new, and says so.
    let drops_late = Drops::default();
    let late_guard = drops_late.guard();
    let late = group.spawn(async move {
        drop(late_guard);
        Ok(())
    });
    assert_eq!(late, Err(GroupClosed));
    assert_eq!(
        drops_late.count(),
        1,
        "the refused future was dropped unstarted"
    );
    assert_eq!(stats().tasks, 0);
    assert_eq!(group.join().await, Err("boom"));
}

#[wasio::test]
async fn dropping_the_group_aborts_its_members() -> Result<(), GroupClosed> {
    let drops = Drops::default();
    let group = TaskGroup::<(), ()>::new();
    for _ in 0..3 {
        let guard = drops.guard();
        group.spawn(async move {
            let _guard = guard;
            sleep(Duration::from_secs(3600)).await;
            Ok(())
        })?;
    }
    let spawner = group.spawner();
    assert!(timeout(5 * MS, group.join()).await.is_err());
    assert_eq!(drops.count(), 3);
    assert_eq!(stats().tasks, 0);
    assert_eq!(spawner.spawn(async { Ok(()) }), Err(GroupClosed));
    Ok(())
}

#[wasio::test]
async fn members_may_finish_before_join_is_awaited() -> Result<(), GroupClosed> {
    let group = TaskGroup::new();
    group.spawn(async { Ok::<_, ()>("early") })?;
    sleep(5 * MS).await;
    assert_eq!(group.join().await, Ok(vec!["early"]));
    Ok(())
}

#[wasio::test]
async fn members_spawn_into_their_group_while_it_is_joined() -> Result<(), GroupClosed> {
    let group = TaskGroup::<u32, GroupClosed>::new();
    let spawner = group.spawner();
    group.spawn(async move {
        sleep(5 * MS).await;
        for n in 1..=3 {
            let spawner_again = spawner.clone();
            spawner.spawn(async move {
                sleep(n * 5 * MS).await;
                if n == 3 {
                    spawner_again.spawn(async { Ok(100) })?;
                }
                Ok(n)
            })?;
        }
        Ok(0)
    })?;
    assert_eq!(group.join().await, Ok(vec![0, 1, 2, 3, 100]));
    Ok(())
}
