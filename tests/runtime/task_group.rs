//! `TaskGroup`: all succeed, or the first error cancels the rest.

use std::time::Duration;

use wasio::runtime::{TaskGroup, stats};
use wasio::time::{Instant, sleep, timeout};

use crate::common::Drops;

const MS: Duration = Duration::from_millis(1);

#[wasio::test]
async fn outputs_come_back_in_spawn_order() {
    let group = TaskGroup::new();
    for n in [30u32, 10, 20] {
        group.spawn(async move {
            sleep(n * MS).await;
            Ok::<_, ()>(n)
        });
    }
    assert_eq!(group.join().await, Ok(vec![30, 10, 20]));
}

#[wasio::test]
async fn an_empty_group_joins_at_once() {
    let group = TaskGroup::<(), ()>::new();
    assert_eq!(group.join().await, Ok(vec![]));
}

#[wasio::test]
async fn the_first_error_cancels_the_rest_and_is_returned() {
    let drops = Drops::default();
    let group = TaskGroup::new();
    for _ in 0..10 {
        let guard = drops.guard();
        group.spawn(async move {
            let _guard = guard;
            sleep(Duration::from_secs(3600)).await;
            Ok(0)
        });
    }
    group.spawn(async {
        sleep(10 * MS).await;
        Err("first")
    });
    group.spawn(async {
        sleep(40 * MS).await;
        Err("second")
    });
    group.spawn(async { Ok(1) });
    let start = Instant::now();
    assert_eq!(group.join().await, Err("first"));
    assert!(start.elapsed() < Duration::from_secs(1));
    assert_eq!(drops.count(), 10, "every sleeping member was cancelled");
    let s = stats();
    assert_eq!((s.tasks, s.timers), (0, 0));
}

#[wasio::test]
async fn members_are_cancelled_as_soon_as_one_fails_even_before_join() {
    let drops = Drops::default();
    let group = TaskGroup::new();
    let guard = drops.guard();
    group.spawn(async move {
        let _guard = guard;
        std::future::pending::<Result<(), &str>>().await
    });
    group.spawn(async { Err("boom") });
    sleep(5 * MS).await;
    assert_eq!(drops.count(), 1);
    // A failed group starts nothing new.
    group.spawn(async { Ok(()) });
    assert_eq!(stats().tasks, 0);
    assert_eq!(group.join().await, Err("boom"));
}

#[wasio::test]
async fn dropping_the_group_aborts_its_members() {
    let drops = Drops::default();
    let group = TaskGroup::<(), ()>::new();
    for _ in 0..3 {
        let guard = drops.guard();
        group.spawn(async move {
            let _guard = guard;
            sleep(Duration::from_secs(3600)).await;
            Ok(())
        });
    }
    assert!(timeout(5 * MS, group.join()).await.is_err());
    assert_eq!(drops.count(), 3);
    assert_eq!(stats().tasks, 0);
}

#[wasio::test]
async fn members_may_finish_before_join_is_awaited() {
    let group = TaskGroup::new();
    group.spawn(async { Ok::<_, ()>("early") });
    sleep(5 * MS).await;
    assert_eq!(group.join().await, Ok(vec!["early"]));
}
