//! `AccessLog`: the middleware that writes a line per request, in aiohttp's access log format
//! (Apache's, with aiohttp's directives). The format is parsed once; a line is rendered from
//! plain values, without I/O.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::io::Write;
use std::net::IpAddr;
use std::rc::Rc;
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use http::header::HeaderName;

use super::handler::{Middleware, Next, ResponseFuture};
use super::request::Request;
use crate::time::Instant;

/// aiohttp's default access log format: the client's address, when the request began, its
/// first line, the status, the body's size, the referer and the user agent.
pub const DEFAULT_ACCESS_LOG_FORMAT: &str = r#"%a %t "%r" %s %b "%{Referer}i" "%{User-Agent}i""#;

/// The longest access log format, in bytes.
pub const MAX_ACCESS_LOG_FORMAT: usize = 4096;

/// Logs every request, as aiohttp's access logger does: one line in a format of
/// [directives](AccessLog::with_format), written to standard error (what aiohttp's logger
/// does with no handler) or to a [writer](AccessLog::writer). A middleware: add it first to
/// log what the client gets, the other middleware's answers included.
///
/// The line is written when the response's head is ready: a streamed body (whose size is
/// not known then) logs `%b` as `-`, and `%T`, `%Tf` and `%D` are the time to that point.
///
/// ```
/// use wasio::http::server::{AccessLog, App, get};
///
/// let app = App::new()
///     .middleware(AccessLog::new())
///     .route("/", get(|_| async { "Hello, World!" }));
/// // 127.0.0.1 [10/Oct/2025:13:55:36 +0000] "GET / HTTP/1.1" 200 13 "-" "curl/8.14.1"
/// let timed = AccessLog::with_format(r#"%r %s %Tf "%{X-Request-Id}o""#).unwrap();
/// ```
#[derive(Clone)]
pub struct AccessLog {
    format: Rc<[Piece]>,
    sink: Sink,
}

#[derive(Clone)]
enum Sink {
    Stderr,
    Writer(Rc<RefCell<dyn Write>>),
}

/// One part of a format.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    RemoteAddr,
    StartTime,
    ProcessId,
    FirstLine,
    Status,
    BodySize,
    Seconds,
    SecondsFraction,
    Microseconds,
    RequestHeader(HeaderName),
    ResponseHeader(HeaderName),
}

/// Why an access log format was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LogFormatError {
    /// A `%` is followed by no directive wasio knows, at this byte of the format.
    UnknownDirective {
        /// Where the `%` is.
        at: usize,
    },
    /// A `%{NAME}i` or `%{NAME}o` names no valid header, or is not closed.
    BadHeader {
        /// Where the `%` is.
        at: usize,
    },
    /// The format is longer than [`MAX_ACCESS_LOG_FORMAT`] bytes.
    TooLong,
}

impl fmt::Display for LogFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LogFormatError::UnknownDirective { at } => write!(
                f,
                "unknown access log directive at byte {at} (known: %a %t %P %r %s %b %T %Tf %D %{{NAME}}i %{{NAME}}o %%)"
            ),
            LogFormatError::BadHeader { at } => {
                write!(f, "the header directive at byte {at} names no valid header")
            }
            LogFormatError::TooLong => write!(
                f,
                "the access log format is longer than {MAX_ACCESS_LOG_FORMAT} bytes"
            ),
        }
    }
}

impl std::error::Error for LogFormatError {}

impl AccessLog {
    /// aiohttp's default format ([`DEFAULT_ACCESS_LOG_FORMAT`]), to standard error.
    pub fn new() -> AccessLog {
        AccessLog {
            format: parse(DEFAULT_ACCESS_LOG_FORMAT).unwrap_or_default().into(),
            sink: Sink::Stderr,
        }
    }

    /// Lines in `format`, to standard error. Its directives are aiohttp's:
    ///
    /// | directive | what |
    /// |---|---|
    /// | `%a` | the client's IP address (`-` under `wasmtime serve`, which does not tell) |
    /// | `%t` | when the request began, in UTC: `[10/Oct/2025:13:55:36 +0000]` |
    /// | `%P` | the process id: `-` (WASI has no processes) |
    /// | `%r` | the request line: `GET /path?query HTTP/1.1` |
    /// | `%s` | the status code |
    /// | `%b` | the body's size in bytes (aiohttp counts the head too, which a wasi:http host does not show); `-` for a streamed body |
    /// | `%T`, `%Tf`, `%D` | the time taken, in whole seconds, in seconds with six decimals, in microseconds |
    /// | `%{NAME}i`, `%{NAME}o` | a request or response header (`-` when absent) |
    /// | `%%` | `%` |
    ///
    /// Anything else after a `%` is refused with a [`LogFormatError`], as is a format longer
    /// than [`MAX_ACCESS_LOG_FORMAT`].
    pub fn with_format(format: &str) -> Result<AccessLog, LogFormatError> {
        Ok(AccessLog {
            format: parse(format)?.into(),
            sink: Sink::Stderr,
        })
    }

    /// Writes the lines to `writer` instead (each line ends with `\n`; a failed write is
    /// ignored, as the request has been answered).
    pub fn writer(mut self, writer: impl Write + 'static) -> AccessLog {
        self.sink = Sink::Writer(Rc::new(RefCell::new(writer)));
        self
    }

    fn write(&self, line: &str) {
        match &self.sink {
            Sink::Stderr => eprintln!("{line}"),
            Sink::Writer(writer) => {
                let mut writer = writer.borrow_mut();
                let _ = writer
                    .write_all(line.as_bytes())
                    .and_then(|()| writer.write_all(b"\n"))
                    .and_then(|()| writer.flush());
            }
        }
    }
}

impl Default for AccessLog {
    fn default() -> Self {
        AccessLog::new()
    }
}

impl fmt::Debug for AccessLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessLog")
            .field("format", &self.format)
            .field("to_stderr", &matches!(self.sink, Sink::Stderr))
            .finish()
    }
}

impl Middleware for AccessLog {
    fn call(&self, request: Request, next: Next) -> ResponseFuture {
        let log = self.clone();
        let start = SystemTime::now();
        let began = Instant::now();
        let mut asked = HeaderMap::new();
        for piece in log.format.iter() {
            if let Piece::RequestHeader(name) = piece {
                if let Some(value) = request.headers().get(name) {
                    asked.insert(name.clone(), value.clone());
                }
            }
        }
        let first_line = first_line(&request);
        let remote = request.remote_addr().map(|addr| addr.ip());
        Box::pin(async move {
            let response = next.run(request).await;
            let entry = Entry {
                remote,
                start,
                first_line: &first_line,
                status: response.status().as_u16(),
                body_size: response.body().len(),
                taken: began.elapsed(),
                request_headers: &asked,
                response_headers: response.headers(),
            };
            log.write(&render(&log.format, &entry));
            response
        })
    }
}

/// `GET /path?query HTTP/1.1`.
fn first_line(request: &Request) -> String {
    let query = request
        .query_string()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    format!(
        "{} {}{query} {:?}",
        request.method(),
        request.path(),
        request.version()
    )
}

/// What a line tells of one request.
struct Entry<'a> {
    remote: Option<IpAddr>,
    start: SystemTime,
    first_line: &'a str,
    status: u16,
    body_size: Option<u64>,
    taken: Duration,
    request_headers: &'a HeaderMap,
    response_headers: &'a HeaderMap,
}

fn parse(format: &str) -> Result<Vec<Piece>, LogFormatError> {
    if format.len() > MAX_ACCESS_LOG_FORMAT {
        return Err(LogFormatError::TooLong);
    }
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = format;
    while let Some(at_in_rest) = rest.find('%') {
        let at = format.len() - rest.len() + at_in_rest;
        text.push_str(&rest[..at_in_rest]);
        let after = &rest[at_in_rest + 1..];
        let (piece, used) = match after.as_bytes().first() {
            Some(b'%') => {
                text.push('%');
                rest = &after[1..];
                continue;
            }
            Some(b'T') if after.as_bytes().get(1) == Some(&b'f') => (Piece::SecondsFraction, 2),
            Some(b'a') => (Piece::RemoteAddr, 1),
            Some(b't') => (Piece::StartTime, 1),
            Some(b'P') => (Piece::ProcessId, 1),
            Some(b'r') => (Piece::FirstLine, 1),
            Some(b's') => (Piece::Status, 1),
            Some(b'b') => (Piece::BodySize, 1),
            Some(b'T') => (Piece::Seconds, 1),
            Some(b'D') => (Piece::Microseconds, 1),
            Some(b'{') => header_directive(after, at)?,
            _ => return Err(LogFormatError::UnknownDirective { at }),
        };
        if !text.is_empty() {
            pieces.push(Piece::Text(std::mem::take(&mut text)));
        }
        pieces.push(piece);
        rest = &after[used..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// `{NAME}i` or `{NAME}o` at the start of `after`, and its length.
fn header_directive(after: &str, at: usize) -> Result<(Piece, usize), LogFormatError> {
    let bad = LogFormatError::BadHeader { at };
    let close = after.find('}').ok_or(bad.clone())?;
    let name = HeaderName::try_from(&after[1..close]).map_err(|_| bad.clone())?;
    match after.as_bytes().get(close + 1) {
        Some(b'i') => Ok((Piece::RequestHeader(name), close + 2)),
        Some(b'o') => Ok((Piece::ResponseHeader(name), close + 2)),
        _ => Err(LogFormatError::UnknownDirective { at }),
    }
}

fn render(format: &[Piece], entry: &Entry<'_>) -> String {
    let mut line = String::new();
    let header = |headers: &HeaderMap, name: &HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-")
            .to_string()
    };
    for piece in format {
        let _ = match piece {
            Piece::Text(text) => write!(line, "{text}"),
            Piece::RemoteAddr => match entry.remote {
                Some(ip) => write!(line, "{ip}"),
                None => write!(line, "-"),
            },
            Piece::StartTime => write!(line, "{}", clf_time(entry.start)),
            Piece::ProcessId => write!(line, "-"),
            Piece::FirstLine => write!(line, "{}", entry.first_line),
            Piece::Status => write!(line, "{}", entry.status),
            Piece::BodySize => match entry.body_size {
                Some(size) => write!(line, "{size}"),
                None => write!(line, "-"),
            },
            Piece::Seconds => write!(line, "{}", entry.taken.as_secs()),
            Piece::SecondsFraction => write!(line, "{:.6}", entry.taken.as_secs_f64()),
            Piece::Microseconds => write!(line, "{}", entry.taken.as_micros()),
            Piece::RequestHeader(name) => {
                write!(line, "{}", header(entry.request_headers, name))
            }
            Piece::ResponseHeader(name) => {
                write!(line, "{}", header(entry.response_headers, name))
            }
        };
    }
    line
}

/// `[10/Oct/2000:13:55:36 +0000]`: the common log format's time, in UTC.
fn clf_time(at: SystemTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let seconds = at
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (days, of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_date(days);
    format!(
        "[{day:02}/{}/{year}:{:02}:{:02}:{:02} +0000]",
        MONTHS[(month - 1) as usize],
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// The proleptic Gregorian `(year, month, day)` of a day counted from 1970-01-01: the date
/// of 400-year eras of 146 097 days, each begun on a 1st of March so that leap days end
/// a year.
fn civil_date(days: u64) -> (u64, u64, u64) {
    let shifted = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = shifted / 146_097;
    let of_era = shifted % 146_097;
    let year_of_era = (of_era - of_era / 1460 + of_era / 36_524 - of_era / 146_096) / 365;
    let of_year = of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * of_year + 2) / 153;
    let day = of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(request: &'a HeaderMap, response: &'a HeaderMap) -> Entry<'a> {
        Entry {
            remote: Some("127.0.0.1".parse().unwrap()),
            start: SystemTime::UNIX_EPOCH + Duration::from_secs(971_185_336),
            first_line: "GET /a?b=1 HTTP/1.1",
            status: 200,
            body_size: Some(13),
            taken: Duration::from_micros(1_500_250),
            request_headers: request,
            response_headers: response,
        }
    }

    #[test]
    fn the_default_format_is_aiohttps() {
        let mut request = HeaderMap::new();
        request.insert("user-agent", "curl/8".parse().unwrap());
        let line = render(
            &parse(DEFAULT_ACCESS_LOG_FORMAT).unwrap(),
            &entry(&request, &HeaderMap::new()),
        );
        assert_eq!(
            line,
            r#"127.0.0.1 [10/Oct/2000:13:42:16 +0000] "GET /a?b=1 HTTP/1.1" 200 13 "-" "curl/8""#
        );
    }

    #[test]
    fn every_directive_renders() {
        let mut response = HeaderMap::new();
        response.insert("x-id", "7".parse().unwrap());
        let format = parse("%P|%T|%Tf|%D|%{X-Id}o|%{x-missing}i|%%|%s%b").unwrap();
        let none = HeaderMap::new();
        let mut e = entry(&none, &response);
        e.remote = None;
        e.body_size = None;
        assert_eq!(render(&format, &e), "-|1|1.500250|1500250|7|-|%|200-");
        assert_eq!(render(&parse("%a").unwrap(), &e), "-");
        assert_eq!(render(&parse("").unwrap(), &e), "");
    }

    #[test]
    fn bad_formats_are_refused_where_they_go_wrong() {
        for (format, error) in [
            ("%x", LogFormatError::UnknownDirective { at: 0 }),
            ("ab %", LogFormatError::UnknownDirective { at: 3 }),
            ("%{A}x", LogFormatError::UnknownDirective { at: 0 }),
            ("%s %{A", LogFormatError::BadHeader { at: 3 }),
            ("%{bad name}i", LogFormatError::BadHeader { at: 0 }),
            ("%{}i", LogFormatError::BadHeader { at: 0 }),
        ] {
            assert_eq!(parse(format), Err(error), "{format}");
        }
    }

    #[test]
    fn the_format_length_limit_holds_at_its_edge() {
        let longest = "x".repeat(MAX_ACCESS_LOG_FORMAT);
        assert_eq!(parse(&longest).unwrap(), [Piece::Text(longest.clone())]);
        assert_eq!(parse(&format!("{longest}x")), Err(LogFormatError::TooLong));
    }

    #[test]
    fn dates_are_gregorian_across_leap_years() {
        let at = |secs: u64| clf_time(SystemTime::UNIX_EPOCH + Duration::from_secs(secs));
        assert_eq!(at(0), "[01/Jan/1970:00:00:00 +0000]");
        assert_eq!(at(951_782_400), "[29/Feb/2000:00:00:00 +0000]");
        assert_eq!(at(1_709_251_199), "[29/Feb/2024:23:59:59 +0000]");
        assert_eq!(at(4_107_542_400), "[01/Mar/2100:00:00:00 +0000]");
        assert_eq!(at(253_402_300_799), "[31/Dec/9999:23:59:59 +0000]");
    }
}
