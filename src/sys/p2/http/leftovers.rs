//! A sent response's headers and small body, kept until the next response replaces them
//! instead of freed at once.
//!
//! A wasi:http host such as `wasmtime serve` makes a fresh instance for every request and
//! throws it away afterwards, memory and all. Freeing the response there is wasted work, and
//! worse: `Bytes` (inside every header value and most bodies) frees itself through a function
//! pointer, and the first indirect call of an instance makes wasmtime initialise a page of its
//! function table, which it must then reset when the instance goes. That costs a fifth of the
//! requests a hello-world component serves per second. Kept instead, they go with the
//! instance; a host that reuses the instance frees them when the next response is sent, so at
//! most one response's headers and one small body (see `export`) are ever kept.

use std::cell::RefCell;

use bytes::Bytes;
use http::HeaderMap;

/// The last response's headers and body.
struct Kept {
    headers: Option<HeaderMap>,
    body: Option<Bytes>,
}

thread_local! {
    static KEPT: RefCell<Kept> = const {
        RefCell::new(Kept {
            headers: None,
            body: None,
        })
    };
}

/// Keeps a sent response's `headers`, freeing the ones kept before.
pub(crate) fn keep_headers(headers: HeaderMap) {
    let before = KEPT.with_borrow_mut(|kept| kept.headers.replace(headers));
    drop(before);
}

/// Keeps a sent response's `body`, freeing the one kept before.
pub(crate) fn keep_body(body: Bytes) {
    let before = KEPT.with_borrow_mut(|kept| kept.body.replace(body));
    drop(before);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use http::HeaderValue;

    /// Bytes that count their own drop, through the vtable `Bytes` calls (`Bytes` owners must be
    /// `Send`, hence the atomic).
    fn counted(drops: &Arc<AtomicU32>) -> Bytes {
        struct Owner(Arc<AtomicU32>);
        impl AsRef<[u8]> for Owner {
            fn as_ref(&self) -> &[u8] {
                b"kept"
            }
        }
        impl Drop for Owner {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        Bytes::from_owner(Owner(drops.clone()))
    }

    fn counted_headers(drops: &Arc<AtomicU32>) -> HeaderMap {
        let value = HeaderValue::from_maybe_shared(counted(drops)).expect("a valid value");
        let mut headers = HeaderMap::new();
        headers.insert("x-kept", value);
        headers
    }

    #[test]
    fn a_body_is_kept_until_the_next_one_replaces_it() {
        let drops = Arc::new(AtomicU32::new(0));
        let freed = || drops.load(Ordering::Relaxed);
        keep_body(counted(&drops));
        assert_eq!(freed(), 0, "kept, not freed");
        keep_body(counted(&drops));
        assert_eq!(freed(), 1, "the first is freed by the second");
        keep_body(Bytes::new());
        assert_eq!(freed(), 2, "at most one body is ever kept");
    }

    #[test]
    fn headers_are_kept_until_the_next_ones_replace_them() {
        let drops = Arc::new(AtomicU32::new(0));
        let freed = || drops.load(Ordering::Relaxed);
        keep_headers(counted_headers(&drops));
        assert_eq!(freed(), 0, "kept, not freed");
        for _ in 0..3 {
            keep_headers(counted_headers(&drops));
        }
        assert_eq!(freed(), 3, "every set but the last is freed");
        keep_headers(HeaderMap::new());
        assert_eq!(freed(), 4, "at most one set of headers is ever kept");
    }
}
