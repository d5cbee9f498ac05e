//! Reverse routing: the URL of a named route, built from its parameters (aiohttp's
//! `request.app.router["name"].url_for(...)`). Pure logic over patterns and strings.

use std::fmt;

use super::router::{Pattern, RouteError, Segment};
use crate::http::percent::encode_segment;

/// Why [`App::url_for`](super::App::url_for) or [`Request::url_for`](super::Request::url_for)
/// could not build a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// No route has this name.
    UnknownRoute(String),
    /// The route has a parameter that was not given.
    MissingParam {
        /// The route's name.
        route: String,
        /// The parameter.
        param: String,
    },
    /// A parameter was given that the route does not have (a misspelt name, say).
    UnknownParam {
        /// The route's name.
        route: String,
        /// The parameter.
        param: String,
    },
    /// A `{name}` parameter was given an empty value, which the route would not match.
    EmptyParam {
        /// The route's name.
        route: String,
        /// The parameter.
        param: String,
    },
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::UnknownRoute(route) => write!(f, "no route is named {route:?}"),
            UrlError::MissingParam { route, param } => {
                write!(f, "route {route:?} needs the parameter {param:?}")
            }
            UrlError::UnknownParam { route, param } => {
                write!(f, "route {route:?} has no parameter {param:?}")
            }
            UrlError::EmptyParam { route, param } => {
                write!(
                    f,
                    "route {route:?}: the parameter {param:?} cannot be empty"
                )
            }
        }
    }
}

impl std::error::Error for UrlError {}

/// The named routes of an application, by name.
#[derive(Debug, Default)]
pub(crate) struct RouteNames {
    routes: Vec<(String, Pattern)>,
}

impl RouteNames {
    /// Names the route `pattern`; a name given twice is refused.
    pub(crate) fn add(&mut self, name: &str, path: &str) -> Result<(), RouteError> {
        if self.routes.iter().any(|(n, _)| n == name) {
            return Err(RouteError::new(path, "a route name is given twice"));
        }
        self.routes.push((name.to_string(), Pattern::parse(path)?));
        Ok(())
    }

    /// The path of the route `name` with `params` in place, each value percent-encoded (a
    /// `{*tail}` value segment by segment, its `/`s kept).
    pub(crate) fn url_for(&self, name: &str, params: &[(&str, &str)]) -> Result<String, UrlError> {
        let (_, pattern) = self
            .routes
            .iter()
            .find(|(n, _)| n == name)
            .ok_or_else(|| UrlError::UnknownRoute(name.to_string()))?;
        let error = |param: &str| (name.to_string(), param.to_string());
        for (param, _) in params {
            let known = pattern.segments().iter().any(|segment| match segment {
                Segment::Param(p) | Segment::Tail(p) => p == param,
                Segment::Literal(_) => false,
            });
            if !known {
                let (route, param) = error(param);
                return Err(UrlError::UnknownParam { route, param });
            }
        }
        let value = |param: &str| {
            params
                .iter()
                .find(|(p, _)| *p == param)
                .map(|(_, v)| *v)
                .ok_or_else(|| {
                    let (route, param) = error(param);
                    UrlError::MissingParam { route, param }
                })
        };
        let mut url = String::new();
        for segment in pattern.segments() {
            url.push('/');
            match segment {
                Segment::Literal(literal) => url.push_str(&encode_segment(literal)),
                Segment::Param(param) => {
                    let value = value(param)?;
                    if value.is_empty() {
                        let (route, param) = error(param);
                        return Err(UrlError::EmptyParam { route, param });
                    }
                    url.push_str(&encode_segment(value));
                }
                Segment::Tail(param) => {
                    let parts: Vec<String> = value(param)?.split('/').map(encode_segment).collect();
                    url.push_str(&parts.join("/"));
                }
            }
        }
        if url.is_empty() {
            url.push('/');
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> RouteNames {
        let mut names = RouteNames::default();
        for (name, path) in [
            ("index", "/"),
            ("user", "/users/{id}"),
            ("file", "/users/{id}/files/{*path}"),
            ("café", "/café/menu"),
        ] {
            names.add(name, path).unwrap();
        }
        names
    }

    #[test]
    fn parameters_are_put_in_place_and_percent_encoded() {
        let names = names();
        assert_eq!(names.url_for("index", &[]).unwrap(), "/");
        assert_eq!(
            names.url_for("user", &[("id", "a b/c")]).unwrap(),
            "/users/a%20b%2Fc"
        );
        assert_eq!(
            names
                .url_for("file", &[("path", "docs/read me.txt"), ("id", "7")])
                .unwrap(),
            "/users/7/files/docs/read%20me.txt"
        );
        assert_eq!(
            names.url_for("file", &[("id", "7"), ("path", "")]).unwrap(),
            "/users/7/files/",
            "a tail may be empty"
        );
        assert_eq!(names.url_for("café", &[]).unwrap(), "/caf%C3%A9/menu");
    }

    #[test]
    fn mistakes_are_typed_errors() {
        let names = names();
        let (route, param) = ("user".to_string(), "id".to_string());
        assert_eq!(
            names.url_for("nobody", &[]),
            Err(UrlError::UnknownRoute("nobody".into()))
        );
        assert_eq!(
            names.url_for("user", &[]),
            Err(UrlError::MissingParam {
                route: route.clone(),
                param: param.clone()
            })
        );
        assert_eq!(
            names.url_for("user", &[("id", "")]),
            Err(UrlError::EmptyParam {
                route: route.clone(),
                param
            })
        );
        assert_eq!(
            names.url_for("user", &[("id", "1"), ("idd", "2")]),
            Err(UrlError::UnknownParam {
                route,
                param: "idd".into()
            })
        );
    }

    #[test]
    fn a_name_is_given_once() {
        let mut names = names();
        assert_eq!(
            names.add("user", "/other"),
            Err(RouteError::new("/other", "a route name is given twice"))
        );
    }
}
