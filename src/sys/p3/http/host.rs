//! The wasi:http 0.3 request behind a [`Request`](crate::http::server::Request) under
//! `wasmtime serve`. Only the method is asked up front; the path, the origin, the headers and
//! the body when a handler wants them. Taking the body consumes the host's request, so its
//! path, headers and origin are kept aside first.

use std::cell::{Cell, OnceCell, RefCell};

use wasip3::http::types::{Fields, Request, Scheme};

use super::incoming::Incoming;

pub(crate) struct HostRequest {
    // Field order: the headers are the request's child and go first.
    headers: OnceCell<Option<Fields>>,
    path: Cell<Path>,
    origin: OnceCell<Option<String>>,
    /// The request, until its body is taken.
    request: RefCell<Option<Request>>,
}

impl HostRequest {
    pub(crate) fn new(request: Request) -> HostRequest {
        HostRequest {
            headers: OnceCell::new(),
            path: Cell::new(Path::Unknown),
            origin: OnceCell::new(),
            request: RefCell::new(Some(request)),
        }
    }

    #[cfg(feature = "middleware")]
    /// The host's request, to be passed on to another handler: `None` once its body is taken.
    pub(crate) fn into_inner(self) -> Option<Request> {
        let HostRequest {
            headers,
            path: _,
            origin: _,
            request,
        } = self;
        drop(headers); // the request's child, gone before the request moves on
        request.into_inner()
    }

    /// The path and query, handed over once: the request's `LazyUri` keeps them from then on
    /// (no copy of the string), and asks only once.
    pub(crate) fn path_with_query(&self) -> Option<String> {
        match self.path.replace(Path::Given) {
            Path::Unknown => self.fetch_path(),
            Path::Kept(path) => path,
            Path::Given => None,
        }
    }

    /// Keeps the path and query aside, fetched unless they were (or were handed over).
    fn keep_path(&self) {
        let path = match self.path.replace(Path::Given) {
            Path::Unknown => Path::Kept(self.fetch_path()),
            known => known,
        };
        self.path.set(path);
    }

    fn fetch_path(&self) -> Option<String> {
        self.request.borrow().as_ref()?.get_path_with_query()
    }

    fn headers(&self) -> Option<&Fields> {
        self.headers
            .get_or_init(|| self.request.borrow().as_ref().map(Request::get_headers))
            .as_ref()
    }

    /// `scheme://authority`, when the host tells the authority: the request's own, or its
    /// `host` header. (wasmtime 48's `serve` gives a WASI 0.3 request neither, so there a
    /// request's URL is its path and query only.)
    pub(crate) fn origin(&self) -> Option<String> {
        self.origin
            .get_or_init(|| {
                let request = self.request.borrow();
                let request = request.as_ref()?;
                let authority = request.get_authority().or_else(|| {
                    let host = self.headers()?.get("host").into_iter().next()?;
                    String::from_utf8(host).ok()
                })?;
                let scheme = match request.get_scheme() {
                    Some(Scheme::Https) => "https",
                    _ => "http",
                };
                Some(format!("{scheme}://{authority}"))
            })
            .clone()
    }

    /// The header fields, as the host gives them.
    pub(crate) fn header_entries(&self) -> Vec<(String, Vec<u8>)> {
        self.headers().map(Fields::copy_all).unwrap_or_default()
    }

    /// The body, the first time it is asked for.
    pub(crate) fn body(&self) -> Option<Incoming> {
        // What is read of the request from the host goes first: the body consumes it.
        self.headers();
        self.keep_path();
        self.origin();
        let request = self.request.borrow_mut().take()?;
        let (handled, handled_reader) = Incoming::handled();
        Some(Incoming::new(
            Request::consume_body(request, handled_reader),
            handled,
        ))
    }
}

/// Where a request's path and query are.
enum Path {
    /// Not fetched yet: the host has them.
    Unknown,
    /// Fetched and kept, for when the host's request is gone (its body was taken).
    Kept(Option<String>),
    /// Handed over to the request's `LazyUri`.
    Given,
}
