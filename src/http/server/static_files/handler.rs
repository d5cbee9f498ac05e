//! `StaticFiles`: the handler that serves a directory's files under a route's tail.

use std::rc::Rc;

use http::StatusCode;

use super::file_response::{FileResponse, refusal};
use super::safe_path::{encodes_separator, relative};
use crate::fs::ErrorKind;
use crate::http::server::{Handler, HttpError, IntoResponse, Request, ResponseFuture};

/// Serves the files of a preopened directory (aiohttp's `add_static(prefix, path)`), each
/// as a [`FileResponse`] (types, validators, 304, ranges, `HEAD`), on a route whose last
/// parameter is a tail: `App::static_files("/static", "/www")` mounts it on
/// `/static/{*path}`, or mount it yourself on any such route.
///
/// A path that could lead out of the directory is refused with 404 before the host sees
/// it: `..` and `.` steps (also percent-encoded, `%2e%2e`), encoded separators and NULs
/// (`%2f`, `%5c`, `%00`), empty steps (`//`, so no absolute path), backslashes and control
/// characters. A symbolic link inside the directory that points out of it is refused by
/// WASI's sandbox, and answered 403. A directory is not listed: 403, unless
/// [`index`](StaticFiles::index) names a file to serve for it.
///
/// ```no_run
/// use wasio::http::server::{App, StaticFiles, get};
///
/// // Under `wasmtime run --dir www::/www ...`:
/// let app = App::new()
///     .static_files("/static", "/www")
///     .route("/site/{*page}", get(StaticFiles::new("/www/site").index("index.html")));
/// ```
#[derive(Debug, Clone)]
pub struct StaticFiles {
    root: Rc<str>,
    index: Option<Rc<str>>,
}

impl StaticFiles {
    /// Serves the files under `dir`, a guest path in a preopened directory.
    pub fn new(dir: &str) -> StaticFiles {
        let root = dir
            .strip_suffix('/')
            .filter(|r| !r.is_empty())
            .unwrap_or(dir);
        StaticFiles {
            root: root.into(),
            index: None,
        }
    }

    /// Serves the file `name` (`index.html`) of a directory asked for, instead of 403.
    pub fn index(mut self, name: &str) -> StaticFiles {
        self.index = Some(name.into());
        self
    }

    async fn serve(self, request: Request) -> crate::http::server::Response {
        let not_found = || HttpError::not_found("Not Found").into_response();
        if encodes_separator(request.path()) {
            return not_found();
        }
        let tail = request
            .params()
            .iter()
            .last()
            .map_or("", |(_, value)| value);
        let Some(relative) = relative(tail) else {
            return not_found();
        };
        let path = match relative {
            "" => self.root.to_string(),
            relative => format!("{}/{relative}", self.root.trim_end_matches('/')),
        };
        match FileResponse::new(path.as_str()).answer(&request).await {
            Ok(response) => response,
            Err(error) if error.kind() == ErrorKind::IsADirectory => match &self.index {
                Some(index) => {
                    let index = format!("{}/{index}", path.trim_end_matches('/'));
                    FileResponse::new(index).respond(&request).await
                }
                None => HttpError::new(StatusCode::FORBIDDEN, "Forbidden").into_response(),
            },
            Err(error) => refusal(&error).into_response(),
        }
    }
}

impl Handler for StaticFiles {
    fn call(&self, request: Request) -> ResponseFuture {
        Box::pin(self.clone().serve(request))
    }
}
