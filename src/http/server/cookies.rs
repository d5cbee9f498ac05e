//! Server-side cookies: the pairs of a request's `Cookie` header, and the `Set-Cookie` value
//! of a [`Cookie`] (RFC 6265 with the `SameSite` and `Partitioned` attributes and the
//! `__Secure-`/`__Host-` name prefixes). Pure logic over strings; no I/O.

use std::fmt;
use std::time::{Duration, SystemTime};

/// The longest `Set-Cookie` value [`Cookie::to_header`] makes, in bytes: browsers ignore a
/// cookie whose name and value pass 4096 bytes, and an attribute past 1024.
pub const MAX_SET_COOKIE_SIZE: usize = 4096;

/// The longest `Domain` or `Path` attribute, in bytes (RFC 6265bis: browsers ignore longer).
pub const MAX_ATTRIBUTE_SIZE: usize = 1024;

/// A cookie to set on the client (aiohttp's `response.set_cookie(name, value, ...)`), with
/// every attribute: built with [`Cookie::new`] and its setters, checked and written by
/// [`Response::set_cookie`](super::Response::set_cookie).
///
/// ```
/// use std::time::Duration;
/// use wasio::http::server::{Cookie, SameSite};
///
/// let cookie = Cookie::new("session", "abc123")
///     .path("/")
///     .max_age(Duration::from_secs(3600))
///     .secure(true)
///     .http_only(true)
///     .same_site(SameSite::Lax);
/// assert_eq!(
///     cookie.to_header().unwrap(),
///     "session=abc123; Max-Age=3600; Path=/; Secure; HttpOnly; SameSite=Lax"
/// );
/// assert!(Cookie::new("bad name", "x").to_header().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    name: String,
    value: String,
    max_age: Option<Duration>,
    expires: Option<SystemTime>,
    domain: Option<String>,
    path: Option<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<SameSite>,
    partitioned: bool,
}

/// The `SameSite` attribute: whether a browser sends the cookie with requests from other
/// sites.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// Only with requests from the same site.
    Strict,
    /// Also with top-level navigations from other sites (browsers' default).
    Lax,
    /// With every request; browsers take it only from a `Secure` cookie.
    None,
}

impl SameSite {
    fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }
}

/// Why a [`Cookie`] cannot be set.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CookieError {
    /// The name is empty or not an HTTP token (letters, digits and ``!#$%&'*+-.^_`|~``).
    InvalidName(String),
    /// The value has a character a cookie value cannot hold (a space, `"`, `,`, `;`, `\`, a
    /// control or a non-ASCII character), or quotes that do not wrap all of it.
    InvalidValue(String),
    /// The `Domain` or `Path` has a `;`, a control character, a non-ASCII character, or is
    /// longer than [`MAX_ATTRIBUTE_SIZE`]; a `Path` must also start with `/`.
    InvalidAttribute {
        /// `Domain` or `Path`.
        attribute: &'static str,
        /// The value refused.
        value: String,
    },
    /// The `Set-Cookie` value would pass [`MAX_SET_COOKIE_SIZE`] bytes.
    TooLarge {
        /// Its size.
        size: usize,
    },
    /// The attributes contradict a rule browsers enforce: `SameSite=None`, `Partitioned` and
    /// the `__Secure-` prefix need `Secure`; the `__Host-` prefix also needs `Path=/` and no
    /// `Domain`.
    Insecure(&'static str),
}

impl fmt::Display for CookieError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CookieError::InvalidName(name) => write!(f, "invalid cookie name {name:?}"),
            CookieError::InvalidValue(value) => write!(f, "invalid cookie value {value:?}"),
            CookieError::InvalidAttribute { attribute, value } => {
                write!(f, "invalid cookie {attribute} {value:?}")
            }
            CookieError::TooLarge { size } => write!(
                f,
                "the Set-Cookie value is {size} bytes, past the {MAX_SET_COOKIE_SIZE} a browser keeps"
            ),
            CookieError::Insecure(rule) => write!(f, "cookie refused: {rule}"),
        }
    }
}

impl std::error::Error for CookieError {}

impl Cookie {
    /// A session cookie `name=value`, with no attribute.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Cookie {
        Cookie {
            name: name.into(),
            value: value.into(),
            max_age: None,
            expires: None,
            domain: None,
            path: None,
            secure: false,
            http_only: false,
            same_site: None,
            partitioned: false,
        }
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cookie's value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// `Max-Age`: how long the client keeps the cookie, in whole seconds.
    pub fn max_age(mut self, max_age: Duration) -> Cookie {
        self.max_age = Some(max_age);
        self
    }

    /// `Expires`: when the client forgets the cookie (`Max-Age` wins where both are given).
    /// A time before 1970 is written as 1970's first second, one after 9999 as its last.
    pub fn expires(mut self, at: SystemTime) -> Cookie {
        self.expires = Some(at);
        self
    }

    /// `Domain`: the cookie also goes to the domain's subdomains (without it, to the host
    /// that set it only).
    pub fn domain(mut self, domain: impl Into<String>) -> Cookie {
        self.domain = Some(domain.into());
        self
    }

    /// `Path`: the cookie goes with requests for this path and below it.
    pub fn path(mut self, path: impl Into<String>) -> Cookie {
        self.path = Some(path.into());
        self
    }

    /// `Secure`: the cookie goes over HTTPS only.
    pub fn secure(mut self, secure: bool) -> Cookie {
        self.secure = secure;
        self
    }

    /// `HttpOnly`: the page's scripts cannot read the cookie.
    pub fn http_only(mut self, http_only: bool) -> Cookie {
        self.http_only = http_only;
        self
    }

    /// `SameSite`.
    pub fn same_site(mut self, same_site: SameSite) -> Cookie {
        self.same_site = Some(same_site);
        self
    }

    /// `Partitioned` (CHIPS): the cookie is kept apart for each top-level site it is used
    /// under; it needs `Secure`.
    pub fn partitioned(mut self, partitioned: bool) -> Cookie {
        self.partitioned = partitioned;
        self
    }

    /// The cookie that removes this one from the client: the same name, `Domain` and `Path`,
    /// an empty value, `Max-Age=0` and an `Expires` in the past (aiohttp's `del_cookie`).
    pub fn removal(&self) -> Cookie {
        Cookie {
            value: String::new(),
            max_age: Some(Duration::ZERO),
            expires: Some(SystemTime::UNIX_EPOCH),
            ..self.clone()
        }
    }

    /// The `Set-Cookie` header value, attributes in the order `Expires`, `Max-Age`, `Domain`,
    /// `Path`, `Secure`, `HttpOnly`, `SameSite`, `Partitioned`; or why it cannot be set.
    pub fn to_header(&self) -> Result<String, CookieError> {
        self.check()?;
        let mut out = format!("{}={}", self.name, self.value);
        if let Some(at) = self.expires {
            out.push_str("; Expires=");
            out.push_str(&httpdate::fmt_http_date(
                at.clamp(SystemTime::UNIX_EPOCH, last_date()),
            ));
        }
        if let Some(max_age) = self.max_age {
            out.push_str(&format!("; Max-Age={}", max_age.as_secs()));
        }
        if let Some(domain) = &self.domain {
            out.push_str("; Domain=");
            out.push_str(domain);
        }
        if let Some(path) = &self.path {
            out.push_str("; Path=");
            out.push_str(path);
        }
        for (on, flag) in [(self.secure, "; Secure"), (self.http_only, "; HttpOnly")] {
            if on {
                out.push_str(flag);
            }
        }
        if let Some(same_site) = self.same_site {
            out.push_str("; SameSite=");
            out.push_str(same_site.as_str());
        }
        if self.partitioned {
            out.push_str("; Partitioned");
        }
        if out.len() > MAX_SET_COOKIE_SIZE {
            return Err(CookieError::TooLarge { size: out.len() });
        }
        Ok(out)
    }

    fn check(&self) -> Result<(), CookieError> {
        if self.name.is_empty() || !self.name.bytes().all(is_token) {
            return Err(CookieError::InvalidName(self.name.clone()));
        }
        let bare = match self.value.strip_prefix('"') {
            Some(rest) => rest
                .strip_suffix('"')
                .ok_or_else(|| CookieError::InvalidValue(self.value.clone()))?,
            None => &self.value,
        };
        if !bare.bytes().all(is_cookie_octet) {
            return Err(CookieError::InvalidValue(self.value.clone()));
        }
        if let Some(domain) = &self.domain {
            check_attribute("Domain", domain)?;
        }
        if let Some(path) = &self.path {
            check_attribute("Path", path)?;
            if !path.starts_with('/') {
                return Err(CookieError::InvalidAttribute {
                    attribute: "Path",
                    value: path.clone(),
                });
            }
        }
        let secure_needed = [
            (
                self.same_site == Some(SameSite::None),
                "SameSite=None needs Secure",
            ),
            (self.partitioned, "Partitioned needs Secure"),
            (
                self.name.starts_with("__Secure-") || self.name.starts_with("__Host-"),
                "a __Secure- or __Host- cookie needs Secure",
            ),
        ];
        for (needs, rule) in secure_needed {
            if needs && !self.secure {
                return Err(CookieError::Insecure(rule));
            }
        }
        if self.name.starts_with("__Host-")
            && (self.domain.is_some() || self.path.as_deref() != Some("/"))
        {
            return Err(CookieError::Insecure(
                "a __Host- cookie has Path=/ and no Domain",
            ));
        }
        Ok(())
    }
}

/// The last moment an HTTP date can name: the end of year 9999 (`httpdate` refuses later).
fn last_date() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799)
}

fn check_attribute(attribute: &'static str, value: &str) -> Result<(), CookieError> {
    let valid = !value.is_empty()
        && value.len() <= MAX_ATTRIBUTE_SIZE
        && value
            .bytes()
            .all(|b| (0x20..0x7f).contains(&b) && b != b';');
    match valid {
        true => Ok(()),
        false => Err(CookieError::InvalidAttribute {
            attribute,
            value: value.to_string(),
        }),
    }
}

/// RFC 9110's `tchar`.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// RFC 6265's `cookie-octet`: visible ASCII but `"`, `,`, `;` and `\`.
fn is_cookie_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x2b | 0x2d..=0x3a | 0x3c..=0x5b | 0x5d..=0x7e)
}

/// The `(name, value)` pairs of a `Cookie` request header, in order: a value's wrapping
/// quotes are removed, and a pair without `=` or with an empty or invalid name is skipped
/// (as browsers and aiohttp do), so that one bad cookie does not hide the others.
pub(crate) fn parse_cookie_header(header: &str) -> impl Iterator<Item = (&str, &str)> {
    header.split(';').filter_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        let name = name.trim();
        if name.is_empty() || !name.bytes().all(is_token) {
            return None;
        }
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value);
        Some((name, value))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_is_written() {
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480);
        let cookie = Cookie::new("id", "a3fWa")
            .expires(at)
            .max_age(Duration::from_millis(2500))
            .domain("example.com")
            .path("/docs")
            .secure(true)
            .http_only(true)
            .same_site(SameSite::None)
            .partitioned(true);
        assert_eq!(
            cookie.to_header().unwrap(),
            "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Max-Age=2; Domain=example.com; \
             Path=/docs; Secure; HttpOnly; SameSite=None; Partitioned"
        );
        assert_eq!(
            Cookie::new("a", "").to_header().unwrap(),
            "a=",
            "an empty value is a value"
        );
        assert_eq!(
            Cookie::new("q", "\"quoted\"").to_header().unwrap(),
            "q=\"quoted\""
        );
        for (same_site, text) in [(SameSite::Strict, "Strict"), (SameSite::Lax, "Lax")] {
            let header = Cookie::new("s", "1").same_site(same_site).to_header();
            assert_eq!(header.unwrap(), format!("s=1; SameSite={text}"));
        }
    }

    #[test]
    fn expiry_dates_out_of_http_range_are_clamped() {
        let far = SystemTime::UNIX_EPOCH + Duration::from_secs(400_000_000_000);
        assert_eq!(
            Cookie::new("a", "1").expires(far).to_header().unwrap(),
            "a=1; Expires=Fri, 31 Dec 9999 23:59:59 GMT"
        );
        let before = SystemTime::UNIX_EPOCH - Duration::from_secs(10);
        assert_eq!(
            Cookie::new("a", "1").expires(before).to_header().unwrap(),
            "a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT"
        );
    }

    #[test]
    fn a_removal_expires_the_same_cookie() {
        let cookie = Cookie::new("session", "x").path("/app").domain("h.test");
        assert_eq!(
            cookie.removal().to_header().unwrap(),
            "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=h.test; Path=/app"
        );
    }

    #[test]
    fn names_and_values_are_validated() {
        for name in ["", "a b", "a;b", "a=b", "é", "a\tb", "(a)"] {
            assert_eq!(
                Cookie::new(name, "v").to_header(),
                Err(CookieError::InvalidName(name.to_string())),
                "{name:?}"
            );
        }
        for value in ["a b", "a;b", "a,b", "a\"b", "\"open", "a\\b", "é", "\u{7f}"] {
            assert_eq!(
                Cookie::new("n", value).to_header(),
                Err(CookieError::InvalidValue(value.to_string())),
                "{value:?}"
            );
        }
        assert!(
            Cookie::new("n!#$%&'*+-.^_`|~", "!#$%&'()*+-./:<=>?@[]^_`{|}~")
                .to_header()
                .is_ok()
        );
    }

    #[test]
    fn domain_and_path_are_validated() {
        let long = format!("/{}", "p".repeat(MAX_ATTRIBUTE_SIZE - 1));
        assert!(Cookie::new("n", "v").path(long.clone()).to_header().is_ok());
        for (cookie, attribute, value) in [
            (Cookie::new("n", "v").path("relative"), "Path", "relative"),
            (Cookie::new("n", "v").path("/a;b"), "Path", "/a;b"),
            (Cookie::new("n", "v").path(""), "Path", ""),
            (Cookie::new("n", "v").domain("a\nb"), "Domain", "a\nb"),
            (Cookie::new("n", "v").domain("é.fr"), "Domain", "é.fr"),
            (
                Cookie::new("n", "v").path(format!("{long}p")),
                "Path",
                &format!("{long}p"),
            ),
        ] {
            assert_eq!(
                cookie.to_header(),
                Err(CookieError::InvalidAttribute {
                    attribute,
                    value: value.to_string()
                })
            );
        }
    }

    #[test]
    fn the_size_limit_holds_at_its_edge() {
        let fits = "v".repeat(MAX_SET_COOKIE_SIZE - 2);
        assert_eq!(
            Cookie::new("n", fits.clone()).to_header().unwrap().len(),
            MAX_SET_COOKIE_SIZE
        );
        assert_eq!(
            Cookie::new("n", format!("{fits}v")).to_header(),
            Err(CookieError::TooLarge {
                size: MAX_SET_COOKIE_SIZE + 1
            })
        );
    }

    #[test]
    fn rules_browsers_enforce_are_checked() {
        let insecure = [
            Cookie::new("n", "v").same_site(SameSite::None),
            Cookie::new("n", "v").partitioned(true),
            Cookie::new("__Secure-n", "v"),
            Cookie::new("__Host-n", "v").path("/"),
            Cookie::new("__Host-n", "v").secure(true),
            Cookie::new("__Host-n", "v")
                .secure(true)
                .path("/")
                .domain("h"),
        ];
        for cookie in insecure {
            assert!(
                matches!(cookie.to_header(), Err(CookieError::Insecure(_))),
                "{cookie:?}"
            );
        }
        let secure = Cookie::new("__Host-n", "v").secure(true).path("/");
        assert_eq!(secure.to_header().unwrap(), "__Host-n=v; Path=/; Secure");
    }

    #[test]
    fn a_cookie_header_gives_its_pairs_and_skips_bad_ones() {
        let pairs: Vec<_> =
            parse_cookie_header("a=1; b=\"two\";c=; bad name=x; novalue; =x; d=x=y ").collect();
        assert_eq!(pairs, [("a", "1"), ("b", "two"), ("c", ""), ("d", "x=y")]);
        assert_eq!(parse_cookie_header("").count(), 0);
    }
}
