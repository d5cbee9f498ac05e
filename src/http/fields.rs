//! Headers between the `http` crate's `HeaderMap` and wasi:http `fields`.

use std::fmt;

use crate::sys::http::wasi::{self, Fields, HeaderError, Method as WasiMethod};
use http::Method;
use http::header::{CONTENT_LENGTH, HeaderMap, HeaderName, HeaderValue};

use super::Error;

/// A header the host would not take.
#[derive(Debug)]
pub(crate) struct FieldError {
    pub(crate) name: String,
    /// The host forbids the name (it sets the header itself); otherwise the syntax was wrong.
    pub(crate) forbidden: bool,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = if self.forbidden { "forbids" } else { "refuses" };
        write!(f, "the host {why} the header {}", self.name)
    }
}

impl From<FieldError> for Error {
    fn from(error: FieldError) -> Error {
        match error.forbidden {
            true => Error::ForbiddenHeader { name: error.name },
            false => Error::InvalidHeader { name: error.name },
        }
    }
}

/// `headers` as wasi:http fields, made in one host call; a header the host forbids is named
/// in the error.
pub(crate) fn to_fields(headers: &HeaderMap) -> Result<Fields, FieldError> {
    to_fields_with_length(headers, None)
}

/// `headers` as wasi:http fields, as [`to_fields`], with `content-length: length` in place of
/// any `content-length` they have when `length` is given (no `HeaderMap` insert on the way).
pub(crate) fn to_fields_with_length(
    headers: &HeaderMap,
    length: Option<u64>,
) -> Result<Fields, FieldError> {
    let mut entries: Vec<(String, Vec<u8>)> = Vec::with_capacity(headers.len() + 1);
    entries.extend(
        headers
            .iter()
            .filter(|(name, _)| length.is_none() || *name != CONTENT_LENGTH)
            .map(|(name, value)| (name.as_str().to_string(), value.as_bytes().to_vec())),
    );
    if let Some(length) = length {
        entries.push((
            CONTENT_LENGTH.as_str().into(),
            length.to_string().into_bytes(),
        ));
    }
    Fields::from_list(&entries).map_err(|_| {
        // Which header was refused, and why: asked one by one, now that one was.
        let fields = Fields::new();
        let refused = entries.iter().find_map(|(name, value)| {
            let error = fields.append(name, value).err()?;
            Some(FieldError {
                name: name.clone(),
                forbidden: matches!(error, HeaderError::Forbidden),
            })
        });
        refused.unwrap_or(FieldError {
            name: "(unknown)".into(),
            forbidden: false,
        })
    })
}

/// wasi:http fields as a `HeaderMap` (the host has validated them; anything else is skipped).
pub(crate) fn from_fields(fields: Fields) -> HeaderMap {
    let entries = wasi::entries(&fields);
    drop(fields);
    header_map(entries)
}

/// Name and value pairs as a `HeaderMap`, skipping any the `http` crate refuses.
pub(crate) fn header_map(entries: Vec<(String, Vec<u8>)>) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(entries.len());
    for (name, value) in entries {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_bytes(&value),
        ) {
            headers.append(name, value);
        }
    }
    headers
}

/// The wasi:http form of a method.
pub(crate) fn to_wasi_method(method: &Method) -> WasiMethod {
    match *method {
        Method::GET => WasiMethod::Get,
        Method::HEAD => WasiMethod::Head,
        Method::POST => WasiMethod::Post,
        Method::PUT => WasiMethod::Put,
        Method::DELETE => WasiMethod::Delete,
        Method::CONNECT => WasiMethod::Connect,
        Method::OPTIONS => WasiMethod::Options,
        Method::TRACE => WasiMethod::Trace,
        Method::PATCH => WasiMethod::Patch,
        ref other => WasiMethod::Other(other.as_str().to_string()),
    }
}

/// A wasi:http method as the `http` crate's; `None` for a method name it refuses.
pub(crate) fn from_wasi_method(method: WasiMethod) -> Option<Method> {
    Some(match method {
        WasiMethod::Get => Method::GET,
        WasiMethod::Head => Method::HEAD,
        WasiMethod::Post => Method::POST,
        WasiMethod::Put => Method::PUT,
        WasiMethod::Delete => Method::DELETE,
        WasiMethod::Connect => Method::CONNECT,
        WasiMethod::Options => Method::OPTIONS,
        WasiMethod::Trace => Method::TRACE,
        WasiMethod::Patch => Method::PATCH,
        WasiMethod::Other(other) => Method::from_bytes(other.as_bytes()).ok()?,
    })
}

#[cfg(test)]
mod tests {
    use http::header::CONTENT_TYPE;

    use super::*;

    #[test]
    fn a_length_given_replaces_the_content_length_of_the_headers() {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("99"));
        let fields = to_fields_with_length(&headers, Some(5)).expect("valid headers");
        assert_eq!(fields.get("content-length"), [b"5".to_vec()]);
        assert_eq!(fields.get("content-type"), [b"text/plain".to_vec()]);
        let fields = to_fields_with_length(&headers, None).expect("valid headers");
        assert_eq!(fields.get("content-length"), [b"99".to_vec()]);
    }
}
