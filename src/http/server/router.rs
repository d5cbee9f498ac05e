//! Matching a request path to a route: literal segments, `{name}` parameters and `{*name}`
//! tails. A literal beats a parameter, which beats a tail. Pure logic over strings.

use std::borrow::Cow;
use std::fmt;

/// Why a route pattern was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteError {
    pattern: String,
    reason: &'static str,
}

impl RouteError {
    pub(crate) fn new(pattern: &str, reason: &'static str) -> Self {
        RouteError {
            pattern: pattern.to_string(),
            reason,
        }
    }
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "route \"{}\": {}", self.pattern, self.reason)
    }
}

impl std::error::Error for RouteError {}

/// One segment of a route pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    Param(String),
    Tail(String),
}

/// A compiled route pattern such as `/users/{id}/files/{*path}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pattern {
    segments: Vec<Segment>,
}

impl Pattern {
    pub(crate) fn parse(text: &str) -> Result<Pattern, RouteError> {
        let error = |reason| RouteError::new(text, reason);
        let Some(rest) = text.strip_prefix('/') else {
            return Err(error("a route starts with /"));
        };
        let parts: Vec<&str> = if rest.is_empty() {
            Vec::new()
        } else {
            rest.split(is_slash).collect()
        };
        let mut segments = Vec::with_capacity(parts.len());
        let mut names: Vec<&str> = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let Some(inner) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) else {
                if part.contains(['{', '}']) {
                    return Err(error("a parameter takes a whole segment, as in /{name}/"));
                }
                segments.push(Segment::Literal(part.to_string()));
                continue;
            };
            let (tail, name) = match inner.strip_prefix('*') {
                Some(name) => (true, name),
                None => (false, inner),
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(error("a parameter name is made of letters, digits and _"));
            }
            if names.contains(&name) {
                return Err(error("a parameter name appears twice"));
            }
            names.push(name);
            if tail && i + 1 != parts.len() {
                return Err(error("a {*tail} parameter must be the last segment"));
            }
            segments.push(if tail {
                Segment::Tail(name.to_string())
            } else {
                Segment::Param(name.to_string())
            });
        }
        Ok(Pattern { segments })
    }

    /// The segments, in order.
    pub(crate) fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether two patterns match the same paths, so that one would hide the other.
    fn same_shape(&self, other: &Pattern) -> bool {
        self.segments.len() == other.segments.len()
            && self
                .segments
                .iter()
                .zip(&other.segments)
                .all(|pair| match pair {
                    (Segment::Literal(a), Segment::Literal(b)) => a == b,
                    (Segment::Param(_), Segment::Param(_))
                    | (Segment::Tail(_), Segment::Tail(_)) => true,
                    _ => false,
                })
    }

    /// The parameters when the (decoded) `path` segments match, and how specific the match
    /// is: more literal segments first, then no tail.
    fn matches(&self, path: &[Cow<'_, str>]) -> Option<(Params, (usize, bool))> {
        let mut params = Params::default();
        let mut literals = 0;
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Tail(name) => {
                    params.push(name, path.get(i..).unwrap_or_default().join("/"));
                    return Some((params, (literals, false)));
                }
                _ if i >= path.len() => return None,
                Segment::Literal(literal) if *literal == path[i] => literals += 1,
                Segment::Literal(_) => return None,
                Segment::Param(_) if path[i].is_empty() => return None,
                Segment::Param(name) => params.push(name, path[i].to_string()),
            }
        }
        (self.segments.len() == path.len()).then_some((params, (literals, true)))
    }
}

/// Path parameters by name, in pattern order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    fn push(&mut self, name: &str, value: String) {
        self.pairs.push((name.to_string(), value));
    }

    /// The value of parameter `name`, percent-decoded.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every `(name, value)` pair.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }
}

/// Why a request path cannot be routed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathError {
    /// A `%` escape is malformed or decodes to invalid UTF-8.
    BadEncoding,
}

/// Routes and what they lead to.
#[derive(Debug)]
pub(crate) struct Table<T> {
    routes: Vec<(Pattern, T)>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { routes: Vec::new() }
    }
}

impl<T> Table<T> {
    /// The value at exactly `pattern`'s shape, to add to it.
    pub(crate) fn get_mut(&mut self, pattern: &Pattern) -> Option<&mut T> {
        self.routes
            .iter_mut()
            .find(|(p, _)| p.same_shape(pattern))
            .map(|(_, value)| value)
    }

    pub(crate) fn insert(&mut self, pattern: Pattern, value: T) {
        self.routes.push((pattern, value));
    }

    /// The most specific route for `path` (the part of the URL before `?`).
    pub(crate) fn find(&self, path: &str) -> Result<Option<(&T, Params)>, PathError> {
        let segments = split_path(path)?;
        let mut best: Option<(&T, Params, (usize, bool))> = None;
        for (pattern, value) in &self.routes {
            if let Some((params, rank)) = pattern.matches(&segments) {
                if best.as_ref().is_none_or(|(_, _, seen)| rank > *seen) {
                    best = Some((value, params, rank));
                }
            }
        }
        Ok(best.map(|(value, params, _)| (value, params)))
    }
}

/// `/a/b%20c/` as decoded segments `["a", "b c", ""]` (borrowed where nothing was decoded); `/`
/// as no segment.
pub(crate) fn split_path(path: &str) -> Result<Vec<Cow<'_, str>>, PathError> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    if rest.is_empty() {
        return Ok(Vec::new());
    }
    rest.split(is_slash).map(percent_decode).collect()
}

/// `/` as a predicate: a smaller matcher than the `char` pattern's, which matters in
/// components served per request.
fn is_slash(c: char) -> bool {
    c == '/'
}

/// A path segment with its `%XX` escapes decoded.
fn percent_decode(text: &str) -> Result<Cow<'_, str>, PathError> {
    crate::http::percent::decode(text).ok_or(PathError::BadEncoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(patterns: &[&str]) -> Table<String> {
        let mut table = Table::default();
        for p in patterns {
            table.insert(Pattern::parse(p).unwrap(), p.to_string());
        }
        table
    }

    fn route(table: &Table<String>, path: &str) -> Option<(String, Vec<(String, String)>)> {
        let (value, params) = table.find(path).unwrap()?;
        let params = params
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        Some((value.clone(), params))
    }

    #[test]
    fn literals_beat_parameters_which_beat_tails() {
        let t = table(&[
            "/users/{id}",
            "/users/me",
            "/users/{id}/posts",
            "/{*rest}",
            "/",
        ]);
        assert_eq!(route(&t, "/users/me").unwrap().0, "/users/me");
        assert_eq!(
            route(&t, "/users/7"),
            Some(("/users/{id}".into(), vec![("id".into(), "7".into())]))
        );
        assert_eq!(route(&t, "/users/7/posts").unwrap().0, "/users/{id}/posts");
        assert_eq!(route(&t, "/").unwrap().0, "/");
        assert_eq!(
            route(&t, "/static/css/site.css"),
            Some((
                "/{*rest}".into(),
                vec![("rest".into(), "static/css/site.css".into())]
            ))
        );
        assert_eq!(
            route(&t, "/users/"),
            Some(("/{*rest}".into(), vec![("rest".into(), "users/".into())]))
        );
    }

    #[test]
    fn without_a_tail_unknown_paths_match_nothing() {
        let t = table(&["/a/{b}", "/c"]);
        assert_eq!(route(&t, "/a"), None);
        assert_eq!(route(&t, "/a/"), None, "an empty parameter does not match");
        assert_eq!(route(&t, "/a/b/c"), None);
        assert_eq!(route(&t, "/c/"), None, "the trailing slash counts");
        assert_eq!(route(&t, "/"), None);
    }

    #[test]
    fn a_tail_may_be_empty() {
        let t = table(&["/files/{*path}"]);
        assert_eq!(
            route(&t, "/files/").unwrap().1,
            vec![("path".into(), "".into())]
        );
        assert_eq!(
            route(&t, "/files").unwrap().1,
            vec![("path".into(), "".into())]
        );
    }

    #[test]
    fn segments_are_percent_decoded_one_by_one() {
        let t = table(&["/files/{name}", "/café"]);
        assert_eq!(
            route(&t, "/files/a%20b%2Fc").unwrap().1,
            vec![("name".into(), "a b/c".into())]
        );
        assert_eq!(route(&t, "/caf%C3%A9").unwrap().0, "/café");
        for bad in ["/files/%", "/files/%2", "/files/%zz", "/files/%ff"] {
            assert_eq!(t.find(bad).unwrap_err(), PathError::BadEncoding, "{bad}");
        }
    }

    #[test]
    fn bad_patterns_are_refused_with_a_reason() {
        for (pattern, reason) in [
            ("users", "a route starts with /"),
            ("/a{b}", "a parameter takes a whole segment, as in /{name}/"),
            (
                "/{a-b}",
                "a parameter name is made of letters, digits and _",
            ),
            ("/{}", "a parameter name is made of letters, digits and _"),
            ("/{a}/{a}", "a parameter name appears twice"),
            ("/{*a}/b", "a {*tail} parameter must be the last segment"),
        ] {
            assert_eq!(
                Pattern::parse(pattern),
                Err(RouteError::new(pattern, reason))
            );
        }
    }

    #[test]
    fn same_shapes_are_found_to_extend_a_route() {
        let mut t = table(&["/users/{id}"]);
        assert!(
            t.get_mut(&Pattern::parse("/users/{user}").unwrap())
                .is_some()
        );
        assert!(t.get_mut(&Pattern::parse("/users/me").unwrap()).is_none());
    }
}
