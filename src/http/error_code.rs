//! What a wasi:http `error-code` means, in words (smaller and clearer than its `Debug`).

use std::fmt;

use super::ErrorCode;

/// Writes what `code` means: its kind, and the detail it carries if any.
pub(crate) fn describe(code: &ErrorCode, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let (what, detail): (&str, Option<&dyn fmt::Display>) = match code {
        ErrorCode::DnsTimeout => ("DNS timed out", None),
        ErrorCode::DnsError(payload) => ("DNS error", payload.rcode.as_ref().map(|r| r as _)),
        ErrorCode::DestinationNotFound => ("destination not found", None),
        ErrorCode::DestinationUnavailable => ("destination unavailable", None),
        ErrorCode::DestinationIpProhibited => ("destination IP prohibited", None),
        ErrorCode::DestinationIpUnroutable => ("destination IP unroutable", None),
        ErrorCode::ConnectionRefused => ("connection refused", None),
        ErrorCode::ConnectionTerminated => ("connection terminated", None),
        ErrorCode::ConnectionTimeout => ("connection timed out", None),
        ErrorCode::ConnectionReadTimeout => ("connection read timed out", None),
        ErrorCode::ConnectionWriteTimeout => ("connection write timed out", None),
        ErrorCode::ConnectionLimitReached => ("connection limit reached", None),
        ErrorCode::TlsProtocolError => ("TLS protocol error", None),
        ErrorCode::TlsCertificateError => ("TLS certificate error", None),
        ErrorCode::TlsAlertReceived(payload) => (
            "TLS alert received",
            payload.alert_message.as_ref().map(|m| m as _),
        ),
        ErrorCode::HttpRequestDenied => ("request denied", None),
        ErrorCode::HttpRequestLengthRequired => ("request length required", None),
        ErrorCode::HttpRequestBodySize(size) => {
            ("request body size", size.as_ref().map(|s| s as _))
        }
        ErrorCode::HttpRequestMethodInvalid => ("request method invalid", None),
        ErrorCode::HttpRequestUriInvalid => ("request URI invalid", None),
        ErrorCode::HttpRequestUriTooLong => ("request URI too long", None),
        ErrorCode::HttpRequestHeaderSectionSize(size) => (
            "request header section too large",
            size.as_ref().map(|s| s as _),
        ),
        ErrorCode::HttpRequestHeaderSize(_) => ("a request header is too large", None),
        ErrorCode::HttpRequestTrailerSectionSize(size) => (
            "request trailer section too large",
            size.as_ref().map(|s| s as _),
        ),
        ErrorCode::HttpRequestTrailerSize(_) => ("a request trailer is too large", None),
        ErrorCode::HttpResponseIncomplete => ("response incomplete", None),
        ErrorCode::HttpResponseHeaderSectionSize(size) => (
            "response header section too large",
            size.as_ref().map(|s| s as _),
        ),
        ErrorCode::HttpResponseHeaderSize(_) => ("a response header is too large", None),
        ErrorCode::HttpResponseBodySize(size) => {
            ("response body size", size.as_ref().map(|s| s as _))
        }
        ErrorCode::HttpResponseTrailerSectionSize(size) => (
            "response trailer section too large",
            size.as_ref().map(|s| s as _),
        ),
        ErrorCode::HttpResponseTrailerSize(_) => ("a response trailer is too large", None),
        ErrorCode::HttpResponseTransferCoding(coding) => (
            "unsupported response transfer coding",
            coding.as_ref().map(|c| c as _),
        ),
        ErrorCode::HttpResponseContentCoding(coding) => (
            "unsupported response content coding",
            coding.as_ref().map(|c| c as _),
        ),
        ErrorCode::HttpResponseTimeout => ("response timed out", None),
        ErrorCode::HttpUpgradeFailed => ("upgrade failed", None),
        ErrorCode::HttpProtocolError => ("HTTP protocol error", None),
        ErrorCode::LoopDetected => ("loop detected", None),
        ErrorCode::ConfigurationError => ("configuration error", None),
        ErrorCode::InternalError(message) => ("internal error", message.as_ref().map(|m| m as _)),
    };
    match detail {
        Some(detail) => write!(f, "{what}: {detail}"),
        None => f.write_str(what),
    }
}

/// An error code shown with [`describe`].
pub(crate) struct Described<'a>(pub(crate) &'a ErrorCode);

impl fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        describe(self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_as_words_with_their_detail() {
        let shown = |code: ErrorCode| Described(&code).to_string();
        assert_eq!(shown(ErrorCode::HttpProtocolError), "HTTP protocol error");
        assert_eq!(
            shown(ErrorCode::InternalError(Some("boom".into()))),
            "internal error: boom"
        );
        assert_eq!(
            shown(ErrorCode::HttpResponseBodySize(Some(10))),
            "response body size: 10"
        );
        assert_eq!(shown(ErrorCode::InternalError(None)), "internal error");
    }
}
