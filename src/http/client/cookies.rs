//! `CookieJar`: cookies from `Set-Cookie`, sent back where they belong (RFC 6265, the parts a
//! client needs). Pure logic over URLs and header values; no I/O.
//!
//! Written here rather than taken from `cookie_store` for size: `cookie_store` 0.22 (with its
//! `public_suffix` feature, on `url`, `cookie`, `time` and `publicsuffix`) adds 317 KB to a
//! release component (a program that parses one cookie and asks for a URL's cookies: 66 KB
//! without it, 383 KB with it), and still leaves the Public Suffix List for the
//! application to load; wasio's client already parses URLs and dates itself. This jar adds a
//! few KB. The list, when wanted, comes from the `psl` crate (the `public-suffix` feature).

use std::cell::RefCell;
use std::fmt;
use std::time::{Duration, SystemTime};

use http::Uri;

/// The longest `Set-Cookie` value kept; longer ones are ignored (browsers use 4096).
pub const MAX_COOKIE_SIZE: usize = 4096;
/// The most cookies a jar holds; past it the oldest are dropped.
pub const MAX_COOKIES: usize = 3000;
/// The most cookies a jar holds for one domain (as Chrome); past it that domain's oldest are
/// dropped, so one site cannot push every other site's cookies out.
pub const MAX_COOKIES_PER_DOMAIN: usize = 180;

/// Cookies the [`Client`](super::Client) stores from responses and sends with requests, like
/// aiohttp's `CookieJar`. Opt in with
/// [`ClientBuilder::cookie_store`](super::ClientBuilder::cookie_store).
///
/// Domain, path, `Secure`, `Expires` and `Max-Age` are honoured; cookies for another site, with
/// an expired date or an oversized value are ignored. No site can set a cookie for its
/// neighbours: with the `public-suffix` feature, a `Domain` that is a public suffix
/// (`Domain=co.uk`, `github.io`) is refused and any other widens the cookie to that domain's
/// subdomains, as in browsers; without it, which domains are public is not known, so every
/// cookie stays the host's own (sent to the host that set it only).
/// A jar holds at most [`MAX_COOKIES`], and [`MAX_COOKIES_PER_DOMAIN`] for one domain.
#[derive(Default)]
pub struct CookieJar {
    cookies: RefCell<Vec<Cookie>>,
}

#[derive(Debug, Clone)]
struct Cookie {
    name: String,
    value: String,
    /// Lower-case, without a leading dot.
    domain: String,
    host_only: bool,
    path: String,
    secure: bool,
    expires: Option<SystemTime>,
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> Self {
        CookieJar::default()
    }

    /// How many cookies the jar holds (expired ones included until next used).
    pub fn len(&self) -> usize {
        self.cookies.borrow().len()
    }

    /// Whether the jar is empty.
    pub fn is_empty(&self) -> bool {
        self.cookies.borrow().is_empty()
    }

    /// Forgets every cookie.
    pub fn clear(&self) {
        self.cookies.borrow_mut().clear();
    }

    /// The `(name, value)` pairs a request to `url` would send, most specific path first.
    pub fn cookies_for(&self, url: &Uri) -> Vec<(String, String)> {
        let now = SystemTime::now();
        let mut cookies = self.cookies.borrow_mut();
        cookies.retain(|c| c.expires.is_none_or(|at| at > now));
        let host = host_of(url);
        let secure = url.scheme_str() == Some("https");
        let mut matching: Vec<&Cookie> = cookies
            .iter()
            .filter(|c| {
                domain_matches(&host, &c.domain, c.host_only)
                    && path_matches(url.path(), &c.path)
                    && (!c.secure || secure)
            })
            .collect();
        matching.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        matching
            .into_iter()
            .map(|c| (c.name.clone(), c.value.clone()))
            .collect()
    }

    /// The `Cookie` header for a request to `url`, if any cookie applies.
    pub(crate) fn header_for(&self, url: &Uri) -> Option<String> {
        let pairs = self.cookies_for(url);
        if pairs.is_empty() {
            return None;
        }
        let parts: Vec<String> = pairs.into_iter().map(|(n, v)| format!("{n}={v}")).collect();
        Some(parts.join("; "))
    }

    /// Stores the cookie of one `Set-Cookie` value received from `url`; ignores it when it is
    /// malformed, too large, or for another site.
    pub fn store(&self, url: &Uri, set_cookie: &str) {
        let Some(cookie) = parse(url, set_cookie, SystemTime::now()) else {
            return;
        };
        let mut cookies = self.cookies.borrow_mut();
        cookies.retain(|c| {
            !(c.name == cookie.name && c.domain == cookie.domain && c.path == cookie.path)
        });
        let expired = cookie.expires.is_some_and(|at| at <= SystemTime::now());
        if !expired {
            let same_domain = cookies.iter().filter(|c| c.domain == cookie.domain).count();
            if same_domain >= MAX_COOKIES_PER_DOMAIN {
                if let Some(oldest) = cookies.iter().position(|c| c.domain == cookie.domain) {
                    cookies.remove(oldest);
                }
            } else if cookies.len() >= MAX_COOKIES {
                cookies.remove(0);
            }
            cookies.push(cookie);
        }
    }
}

impl fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CookieJar")
            .field("cookies", &self.len())
            .finish()
    }
}

fn host_of(url: &Uri) -> String {
    url.host()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

fn parse(url: &Uri, text: &str, now: SystemTime) -> Option<Cookie> {
    if text.len() > MAX_COOKIE_SIZE {
        return None;
    }
    let mut parts = text.split(';');
    let (name, value) = parts.next()?.split_once('=')?;
    let (name, value) = (name.trim(), value.trim());
    if name.is_empty() {
        return None;
    }
    let host = host_of(url);
    let mut cookie = Cookie {
        name: name.to_string(),
        value: value.to_string(),
        domain: host.clone(),
        host_only: true,
        path: default_path(url.path()),
        secure: false,
        expires: None,
    };
    let mut max_age = None;
    for attribute in parts {
        let (key, val) = attribute.split_once('=').unwrap_or((attribute, ""));
        let (key, val) = (key.trim().to_ascii_lowercase(), val.trim());
        match key.as_str() {
            "domain" if !val.is_empty() => {
                let domain = val.trim_start_matches('.').to_ascii_lowercase();
                if !domain_matches(&host, &domain, false) {
                    return None;
                }
                // RFC 6265, 5.3, step 5: a public suffix (`com`, `co.uk`, `github.io`) is
                // no cookie's domain, unless it is the host itself, whose cookie it then
                // stays. Without the list, which domains are public is not known: no domain
                // widens a cookie, which stays the host's own.
                #[cfg(feature = "public-suffix")]
                {
                    if !is_public_suffix(&domain) {
                        cookie.domain = domain;
                        cookie.host_only = false;
                    } else if domain != host {
                        return None;
                    }
                }
            }
            "path" if val.starts_with('/') => cookie.path = val.to_string(),
            "secure" => cookie.secure = true,
            "max-age" => max_age = val.parse::<i64>().ok(),
            "expires" => cookie.expires = httpdate::parse_http_date(val).ok(),
            _ => {}
        }
    }
    if let Some(seconds) = max_age {
        cookie.expires = Some(match u64::try_from(seconds) {
            Ok(seconds) if seconds > 0 => now
                .checked_add(Duration::from_secs(seconds))
                .unwrap_or(now + Duration::from_secs(u64::from(u32::MAX))),
            _ => SystemTime::UNIX_EPOCH,
        });
    }
    Some(cookie)
}

/// Whether `domain` is a public suffix: a name under which anyone may register theirs, by
/// the `psl` crate's copy of the Public Suffix List (its ICANN and private sections both:
/// `co.uk` and `github.io` alike), or a single label the list does not know (`test`).
#[cfg(feature = "public-suffix")]
fn is_public_suffix(domain: &str) -> bool {
    use psl::Psl;
    psl::List
        .suffix(domain.as_bytes())
        .is_some_and(|suffix| suffix.as_bytes() == domain.as_bytes())
}

/// RFC 6265, 5.1.4: the directory of the request path.
fn default_path(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(at) => path[..at].to_string(),
    }
}

/// RFC 6265, 5.1.3.
fn domain_matches(host: &str, domain: &str, host_only: bool) -> bool {
    if host == domain {
        return true;
    }
    !host_only
        && host.parse::<std::net::IpAddr>().is_err()
        && host.ends_with(domain)
        && host[..host.len() - domain.len()].ends_with('.')
}

/// RFC 6265, 5.1.4.
fn path_matches(request: &str, cookie: &str) -> bool {
    request == cookie
        || (request.starts_with(cookie)
            && (cookie.ends_with('/') || request[cookie.len()..].starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Uri {
        text.parse().unwrap()
    }

    #[test]
    fn a_cookie_goes_back_to_its_host_and_path() {
        let jar = CookieJar::new();
        jar.store(
            &url("http://example.com/shop/cart"),
            "session=abc; Path=/shop",
        );
        jar.store(&url("http://example.com/shop/cart"), "theme=dark");
        assert_eq!(
            jar.header_for(&url("http://example.com/shop/cart/items")),
            Some("session=abc; theme=dark".to_string())
        );
        assert_eq!(jar.header_for(&url("http://example.com/")), None);
        assert_eq!(jar.header_for(&url("http://other.com/shop")), None);
        assert_eq!(
            jar.header_for(&url("http://sub.example.com/shop")),
            None,
            "host-only"
        );
    }

    #[test]
    fn a_cookie_for_another_site_is_ignored() {
        let jar = CookieJar::new();
        jar.store(
            &url("http://www.example.com/"),
            "evil=1; Domain=attacker.com",
        );
        jar.store(&url("http://www.example.com/"), "evil=2; Domain=ample.com");
        assert!(jar.is_empty());
    }

    #[cfg(feature = "public-suffix")]
    #[test]
    fn a_domain_cookie_covers_subdomains_but_not_other_sites() {
        let jar = CookieJar::new();
        jar.store(&url("http://www.example.com/"), "a=1; Domain=.example.com");
        assert_eq!(
            jar.header_for(&url("http://api.example.com/x")),
            Some("a=1".into())
        );
        assert_eq!(jar.header_for(&url("http://notexample.com/x")), None);
    }

    #[cfg(not(feature = "public-suffix"))]
    #[test]
    fn without_the_list_a_domain_cookie_stays_the_hosts() {
        let jar = CookieJar::new();
        jar.store(&url("http://www.example.com/"), "a=1; Domain=.example.com");
        jar.store(&url("http://shop.example.co.uk/"), "b=1; Domain=co.uk");
        assert_eq!(
            jar.header_for(&url("http://www.example.com/")),
            Some("a=1".into())
        );
        assert_eq!(jar.header_for(&url("http://api.example.com/")), None);
        assert_eq!(
            jar.header_for(&url("http://shop.example.co.uk/")),
            Some("b=1".into())
        );
    }

    #[test]
    fn secure_cookies_stay_on_https() {
        let jar = CookieJar::new();
        jar.store(&url("https://h/"), "token=t; Secure");
        assert_eq!(jar.header_for(&url("http://h/")), None);
        assert_eq!(jar.header_for(&url("https://h/")), Some("token=t".into()));
    }

    #[test]
    fn expiry_and_max_age_remove_cookies() {
        let jar = CookieJar::new();
        jar.store(
            &url("http://h/"),
            "old=1; Expires=Wed, 21 Oct 2015 07:28:00 GMT",
        );
        assert!(jar.is_empty(), "an expired cookie is not stored");
        jar.store(&url("http://h/"), "keep=1; Max-Age=3600");
        jar.store(&url("http://h/"), "gone=1");
        jar.store(&url("http://h/"), "gone=1; Max-Age=0");
        assert_eq!(jar.header_for(&url("http://h/")), Some("keep=1".into()));
        jar.store(&url("http://h/"), "keep=2");
        assert_eq!(
            jar.cookies_for(&url("http://h/")),
            [("keep".into(), "2".into())]
        );
    }

    #[test]
    fn malformed_and_oversized_cookies_are_ignored() {
        let jar = CookieJar::new();
        for bad in [
            "",
            "novalue",
            "=x",
            &format!("big={}", "x".repeat(MAX_COOKIE_SIZE)),
        ] {
            jar.store(&url("http://h/"), bad);
        }
        assert!(jar.is_empty());
        jar.store(&url("http://h/"), "ok=1; Expires=not a date; Path=relative");
        assert_eq!(jar.header_for(&url("http://h/")), Some("ok=1".into()));
    }

    /// Cookies that `host` sets for `domain`, a public suffix.
    const PUBLIC: [(&str, &str); 4] = [
        ("http://shop.example.co.uk/", "co.uk"),
        ("http://shop.example.co.uk/", ".CO.UK"),
        ("http://me.github.io/", "github.io"),
        ("http://a.b.kawasaki.jp/", "b.kawasaki.jp"),
    ];

    #[test]
    fn no_site_sets_a_cookie_for_its_public_suffix() {
        let jar = CookieJar::new();
        for (host, domain) in PUBLIC {
            jar.store(&url(host), &format!("wide=1; Domain={domain}"));
        }
        jar.store(&url("http://shop.example.com/"), "wide=1; Domain=com");
        for neighbour in [
            "http://other.co.uk/",
            "http://you.github.io/",
            "http://c.b.kawasaki.jp/",
            "http://other.com/",
        ] {
            assert_eq!(jar.header_for(&url(neighbour)), None, "{neighbour}");
        }
    }

    #[cfg(feature = "public-suffix")]
    #[test]
    fn public_suffixes_are_refused_as_domains_and_sites_below_them_are_not() {
        let jar = CookieJar::new();
        for (host, domain) in PUBLIC {
            jar.store(&url(host), &format!("wide=1; Domain={domain}"));
            assert!(jar.is_empty(), "{domain} from {host}");
        }
        jar.store(&url("http://shop.example.com/"), "wide=2; Domain=.com");
        assert!(jar.is_empty());
        jar.store(
            &url("http://shop.example.co.uk/"),
            "site=1; Domain=example.co.uk",
        );
        jar.store(&url("http://me.github.io/"), "mine=1; Domain=me.github.io");
        assert_eq!(
            jar.header_for(&url("http://www.example.co.uk/")),
            Some("site=1".into())
        );
        assert_eq!(
            jar.header_for(&url("http://x.me.github.io/")),
            Some("mine=1".into())
        );
    }

    #[test]
    fn a_host_keeps_a_cookie_for_its_own_name_for_itself_only() {
        let jar = CookieJar::new();
        jar.store(&url("http://github.io/"), "own=1; Domain=github.io");
        jar.store(&url("http://localhost/"), "local=1; Domain=localhost");
        assert_eq!(
            jar.header_for(&url("http://github.io/")),
            Some("own=1".into())
        );
        assert_eq!(
            jar.header_for(&url("http://me.github.io/")),
            None,
            "host-only"
        );
        assert_eq!(
            jar.header_for(&url("http://localhost/")),
            Some("local=1".into())
        );
    }

    fn names(jar: &CookieJar, at: &str) -> Vec<String> {
        jar.cookies_for(&url(at)).into_iter().map(|c| c.0).collect()
    }

    #[test]
    fn one_domain_holds_a_bounded_number_of_cookies() {
        let jar = CookieJar::new();
        jar.store(&url("http://other/"), "kept=1");
        for n in 0..=MAX_COOKIES_PER_DOMAIN {
            jar.store(&url("http://h/"), &format!("c{n}=v"));
        }
        assert_eq!(jar.len(), MAX_COOKIES_PER_DOMAIN + 1);
        let on_h = names(&jar, "http://h/");
        assert_eq!(on_h.len(), MAX_COOKIES_PER_DOMAIN);
        assert!(
            !on_h.contains(&"c0".to_string()),
            "the domain's oldest went"
        );
        assert!(on_h.contains(&"c1".to_string()));
        assert_eq!(names(&jar, "http://other/"), ["kept"], "others stay");
    }

    #[test]
    fn the_jar_holds_a_bounded_number_of_cookies() {
        let jar = CookieJar::new();
        let hosts = MAX_COOKIES / 100 + 1;
        for host in 0..hosts {
            for n in 0..100 {
                jar.store(&url(&format!("http://h{host}/")), &format!("c{n}=v"));
            }
        }
        assert_eq!(jar.len(), MAX_COOKIES);
        assert!(
            names(&jar, "http://h0/").is_empty(),
            "the oldest went first"
        );
        assert_eq!(names(&jar, &format!("http://h{}/", hosts - 1)).len(), 100);
        jar.clear();
        assert!(jar.is_empty());
    }

    #[test]
    fn path_matching_follows_rfc_6265() {
        assert!(path_matches("/a/b", "/a"));
        assert!(path_matches("/a/b", "/a/"));
        assert!(path_matches("/a", "/a"));
        assert!(!path_matches("/ab", "/a"));
        assert_eq!(default_path("/a/b/c"), "/a/b");
        assert_eq!(default_path("/a"), "/");
    }
}
