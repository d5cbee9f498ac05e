//! Server-sent events: a `text/event-stream` response fed by a stream of [`Event`]s, with
//! optional keep-alive comments (what the aiohttp-sse package gives aiohttp).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_lite::Stream;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, HeaderValue};

use super::{IntoResponse, Response};
use crate::http::Body;
use crate::time::{Instant, Sleep, sleep_until};

/// One server-sent event, encoded as the HTML standard's `text/event-stream` says.
///
/// ```
/// use std::time::Duration;
/// use wasio::http::server::Event;
///
/// let event = Event::data("line one\nline two").event("update").id("7");
/// assert_eq!(
///     event.to_string(),
///     "event: update\nid: 7\ndata: line one\ndata: line two\n\n"
/// );
/// assert_eq!(Event::comment("ping").to_string(), ": ping\n\n");
/// assert_eq!(Event::retry(Duration::from_secs(3)).to_string(), "retry: 3000\n\n");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    event: Option<String>,
    id: Option<String>,
    retry: Option<Duration>,
    data: Option<String>,
    comment: Option<String>,
}

impl Event {
    /// An event carrying `data`; a multi-line text becomes one `data:` line per line.
    pub fn data(data: impl Into<String>) -> Event {
        Event {
            data: Some(data.into()),
            ..Event::default()
        }
    }

    /// An event carrying `value` as JSON on one `data:` line.
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Event, serde_json::Error> {
        serde_json::to_string(value).map(Event::data)
    }

    /// A comment, which clients ignore: it keeps an idle connection open.
    pub fn comment(text: impl Into<String>) -> Event {
        Event {
            comment: Some(text.into()),
            ..Event::default()
        }
    }

    /// A message telling clients how long to wait before reconnecting.
    pub fn retry(after: Duration) -> Event {
        Event {
            retry: Some(after),
            ..Event::default()
        }
    }

    /// The event with a type (`event:`), which clients listen for by name. Line breaks,
    /// which the format cannot carry in a name, are dropped.
    pub fn event(mut self, name: impl Into<String>) -> Event {
        self.event = Some(one_line(name.into()));
        self
    }

    /// The event with an id (`id:`), which a reconnecting client sends back as
    /// `last-event-id`. Line breaks and NUL, which the format cannot carry there, are
    /// dropped.
    pub fn id(mut self, id: impl Into<String>) -> Event {
        self.id = Some(one_line(id.into()).replace('\0', ""));
        self
    }

    /// The event as bytes on the wire.
    pub fn encode(&self) -> Bytes {
        Bytes::from(self.to_string())
    }
}

fn one_line(text: String) -> String {
    if text.contains(['\r', '\n']) {
        text.replace(['\r', '\n'], "")
    } else {
        text
    }
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(comment) = &self.comment {
            for line in lines(comment) {
                writeln!(f, ": {line}")?;
            }
        }
        if let Some(event) = &self.event {
            writeln!(f, "event: {event}")?;
        }
        if let Some(id) = &self.id {
            writeln!(f, "id: {id}")?;
        }
        if let Some(retry) = self.retry {
            writeln!(f, "retry: {}", retry.as_millis())?;
        }
        if let Some(data) = &self.data {
            for line in lines(data) {
                writeln!(f, "data: {line}")?;
            }
        }
        writeln!(f)
    }
}

/// The lines of `text`, split at CRLF, CR or LF as the format's parser splits them.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\r', '\n']) {
            Some(at) => {
                let skip = if text[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&text[at + skip..]);
                Some(&text[..at])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// A `text/event-stream` response: each event of `events` is sent as it comes, until the
/// stream ends. Return it from a handler; [`Response::sse`] is the same without keep-alive.
///
/// ```
/// use std::time::Duration;
/// use wasio::http::server::{Event, Request, Sse};
///
/// async fn ticks(_: Request) -> Sse {
///     let events = futures_lite::stream::iter(1..=3).then(|n| async move {
///         wasio::time::sleep(Duration::from_millis(10)).await;
///         Event::data(format!("tick {n}")).id(n.to_string())
///     });
///     Sse::new(events).keep_alive(Duration::from_secs(15))
/// }
/// # use futures_lite::StreamExt;
/// ```
pub struct Sse {
    events: Pin<Box<dyn Stream<Item = Event>>>,
    keep_alive: Option<Duration>,
}

impl Sse {
    /// A response sending `events`.
    pub fn new(events: impl Stream<Item = Event> + 'static) -> Sse {
        Sse {
            events: Box::pin(events),
            keep_alive: None,
        }
    }

    /// Sends a comment whenever no event went out for `every`, so that proxies and clients
    /// do not close an idle stream.
    pub fn keep_alive(mut self, every: Duration) -> Sse {
        self.keep_alive = Some(every);
        self
    }
}

impl std::fmt::Debug for Sse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sse")
            .field("keep_alive", &self.keep_alive)
            .finish_non_exhaustive()
    }
}

impl IntoResponse for Sse {
    fn into_response(self) -> Response {
        let stream = EventStream {
            events: self.events,
            keep_alive: self.keep_alive.map(|every| KeepAlive {
                every,
                last_sent: Instant::now(),
                timer: sleep_until(Instant::now() + every),
            }),
        };
        let mut response =
            Response::new(http::StatusCode::OK).with_body_of(Body::from_stream(stream));
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        response
    }
}

impl Response {
    /// `200 OK` with `events` as server-sent events (see [`Sse`] for keep-alive comments).
    pub fn sse(events: impl Stream<Item = Event> + 'static) -> Response {
        Sse::new(events).into_response()
    }
}

/// The body of an [`Sse`] response.
struct EventStream {
    events: Pin<Box<dyn Stream<Item = Event>>>,
    keep_alive: Option<KeepAlive>,
}

/// A comment goes out when nothing did for `every`.
struct KeepAlive {
    every: Duration,
    last_sent: Instant,
    /// Fires at `last_sent + every` or earlier (it is moved only when it fires).
    timer: Sleep,
}

impl Stream for EventStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Poll::Ready(next) = this.events.as_mut().poll_next(cx) {
            if let Some(keep_alive) = &mut this.keep_alive {
                keep_alive.last_sent = Instant::now();
            }
            return Poll::Ready(next.map(|event| Ok(event.encode())));
        }
        let Some(keep_alive) = &mut this.keep_alive else {
            return Poll::Pending;
        };
        loop {
            std::task::ready!(keep_alive.timer.poll_deadline(cx));
            let due = keep_alive.last_sent + keep_alive.every;
            if Instant::now() >= due {
                keep_alive.last_sent = Instant::now();
                keep_alive
                    .timer
                    .reset(keep_alive.last_sent + keep_alive.every);
                return Poll::Ready(Some(Ok(Bytes::from_static(b":\n\n"))));
            }
            // An event went out since the timer was set: wait the rest of the interval.
            keep_alive.timer.reset(due);
        }
    }
}
