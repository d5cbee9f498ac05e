//! Headers between the `http` crate's `HeaderMap` and wasi:http `fields`.

use http::Method;
use http::header::{HeaderMap, HeaderName, HeaderValue};
use wasip2::http::types::{Fields, HeaderError, Method as WasiMethod};

use super::Error;

/// `headers` as wasi:http fields; a header the host forbids is named in the error.
pub(crate) fn to_fields(headers: &HeaderMap) -> Result<Fields, Error> {
    let fields = Fields::new();
    for (name, value) in headers {
        fields
            .append(name.as_str(), value.as_bytes())
            .map_err(|error| match error {
                HeaderError::Forbidden => Error::ForbiddenHeader {
                    name: name.to_string(),
                },
                HeaderError::InvalidSyntax | HeaderError::Immutable => Error::InvalidHeader {
                    name: name.to_string(),
                },
            })?;
    }
    Ok(fields)
}

/// wasi:http fields as a `HeaderMap` (the host has validated them; anything else is skipped).
pub(crate) fn from_fields(fields: Fields) -> HeaderMap {
    let entries = fields.entries();
    drop(fields);
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
