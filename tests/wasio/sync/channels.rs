//! `oneshot`, `broadcast` and `watch`.

use futures_lite::future::poll_once;
use wasio::sync::{broadcast, oneshot, watch};
use wasio::{spawn, yield_now};

#[wasio::test]
async fn oneshot_delivers_one_value_or_reports_the_missing_sender() {
    let (tx, rx) = oneshot::channel();
    assert!(!tx.is_closed());
    tx.send(5).unwrap();
    assert_eq!(rx.await, Ok(5));

    let (tx, rx) = oneshot::channel::<u8>();
    drop(tx);
    assert_eq!(rx.await, Err(oneshot::RecvError));

    let (tx, mut rx) = oneshot::channel();
    assert_eq!(rx.try_recv(), Err(oneshot::TryRecvError::Empty));
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.send(1), Err(1));
}

#[wasio::test]
async fn oneshot_sender_learns_when_the_receiver_is_gone() {
    let (tx, rx) = oneshot::channel::<()>();
    let watcher = spawn(async move { tx.closed().await });
    yield_now().await;
    drop(rx);
    watcher.await.unwrap();
}

#[wasio::test]
async fn broadcast_gives_every_receiver_every_value() {
    let (tx, mut a) = broadcast::channel(16);
    let mut b = tx.subscribe();
    assert_eq!(tx.receiver_count(), 2);
    let reader = spawn(async move {
        let mut got = Vec::new();
        while let Ok(v) = b.recv().await {
            got.push(v);
        }
        got
    });
    for n in 0..5 {
        assert_eq!(tx.send(n), Ok(2));
        yield_now().await;
    }
    drop(tx);
    assert_eq!(reader.await.unwrap(), [0, 1, 2, 3, 4]);
    for n in 0..5 {
        assert_eq!(a.recv().await, Ok(n));
    }
    assert_eq!(a.recv().await, Err(broadcast::RecvError::Closed));
}

#[wasio::test]
async fn a_lagging_receiver_is_told_how_far_behind_it_is() {
    let (tx, mut rx) = broadcast::channel(4);
    for n in 0..10 {
        tx.send(n).unwrap();
    }
    assert_eq!(rx.try_recv(), Err(broadcast::TryRecvError::Lagged(6)));
    for n in 6..10 {
        assert_eq!(rx.recv().await, Ok(n));
    }
    assert_eq!(rx.try_recv(), Err(broadcast::TryRecvError::Empty));
    let mut clone = rx.clone();
    tx.send(10).unwrap();
    assert_eq!((rx.recv().await, clone.recv().await), (Ok(10), Ok(10)));
    drop((rx, clone));
    assert!(tx.send(11).is_err(), "no receiver left");
}

#[wasio::test]
async fn a_dropped_broadcast_recv_leaves_nothing_behind() {
    let (tx, mut rx) = broadcast::channel(1);
    {
        let mut pending = rx.recv();
        assert!(poll_once(&mut pending).await.is_none());
    }
    tx.send(1).unwrap();
    assert_eq!(rx.recv().await, Ok(1));
}

#[wasio::test]
async fn watch_reports_the_latest_value_and_changes() {
    let (tx, mut rx) = watch::channel(0);
    assert!(!rx.has_changed());
    let mut changed = rx.changed();
    assert!(poll_once(&mut changed).await.is_none());
    drop(changed);
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    assert!(rx.has_changed());
    rx.changed().await.unwrap();
    assert_eq!(*rx.borrow(), 2, "only the latest value is kept");
    assert!(!rx.has_changed());
    tx.send_modify(|v| *v += 1);
    assert_eq!(*rx.borrow_and_update(), 3);
    let mut other = tx.subscribe();
    assert_eq!(tx.receiver_count(), 2);
    assert!(!other.has_changed());
    assert_eq!(tx.send_replace(4), 3);
    drop(tx);
    other.changed().await.unwrap();
    assert_eq!(*other.borrow(), 4);
    assert_eq!(other.changed().await, Err(watch::RecvError));
}

#[wasio::test]
async fn watch_send_without_receivers_gives_the_value_back() {
    let (tx, rx) = watch::channel("a");
    drop(rx);
    assert_eq!(tx.send("b").unwrap_err().0, "b");
    assert_eq!(*tx.borrow(), "a");
    tx.send_replace("c");
    assert_eq!(*tx.borrow(), "c");
}

#[wasio::test]
async fn values_pushed_out_of_a_broadcast_may_use_the_channel_when_dropped() {
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Reads the channel in its destructor and when cloned.
    struct Nosy(Rc<RefCell<Option<broadcast::Sender<Nosy>>>>);
    impl Clone for Nosy {
        fn clone(&self) -> Self {
            if let Some(tx) = self.0.borrow().as_ref() {
                let _ = tx.receiver_count();
            }
            Nosy(self.0.clone())
        }
    }
    impl Drop for Nosy {
        fn drop(&mut self) {
            if let Some(tx) = self.0.borrow().as_ref() {
                let _ = tx.receiver_count();
            }
        }
    }
    let slot = Rc::new(RefCell::new(None));
    let (tx, mut rx) = broadcast::channel(1);
    *slot.borrow_mut() = Some(tx.clone());
    tx.send(Nosy(slot.clone())).unwrap();
    tx.send(Nosy(slot.clone())).unwrap(); // pushes the first out: its drop reads the channel
    assert!(matches!(
        rx.recv().await,
        Err(broadcast::RecvError::Lagged(1))
    ));
    assert!(rx.recv().await.is_ok()); // the clone reads the channel too
    slot.borrow_mut().take();
}
