//! Close codes (RFC 6455, 7.4) and the close frame's payload.

use std::fmt;

/// A close status code.
///
/// ```
/// use wasio::ws::CloseCode;
///
/// assert!(CloseCode::NORMAL.is_valid());
/// assert!(CloseCode(4000).is_valid(), "4000-4999 are for applications");
/// assert!(!CloseCode::NO_STATUS.is_valid(), "1005 is never sent");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CloseCode(pub u16);

impl CloseCode {
    /// 1000: the purpose of the connection is fulfilled.
    pub const NORMAL: CloseCode = CloseCode(1000);
    /// 1001: the endpoint is going away (a server shutting down, a page navigated away).
    pub const GOING_AWAY: CloseCode = CloseCode(1001);
    /// 1002: the peer broke the protocol.
    pub const PROTOCOL_ERROR: CloseCode = CloseCode(1002);
    /// 1003: a kind of data the endpoint cannot accept (binary for a text-only endpoint).
    pub const UNSUPPORTED_DATA: CloseCode = CloseCode(1003);
    /// 1005: no code was given (only reported, never sent).
    pub const NO_STATUS: CloseCode = CloseCode(1005);
    /// 1006: the connection closed without a close frame (only reported, never sent).
    pub const ABNORMAL: CloseCode = CloseCode(1006);
    /// 1007: the data did not fit its type (text that is not UTF-8).
    pub const INVALID_DATA: CloseCode = CloseCode(1007);
    /// 1008: a message broke the endpoint's policy.
    pub const POLICY: CloseCode = CloseCode(1008);
    /// 1009: a message too big to process.
    pub const TOO_BIG: CloseCode = CloseCode(1009);
    /// 1010: the client needed an extension the server did not negotiate.
    pub const EXTENSION_REQUIRED: CloseCode = CloseCode(1010);
    /// 1011: the server met an unexpected condition.
    pub const INTERNAL_ERROR: CloseCode = CloseCode(1011);

    /// Whether the code may appear in a close frame: 1000-1003, 1007-1014 (the registered
    /// ones) and 3000-4999 (libraries and applications).
    pub fn is_valid(self) -> bool {
        matches!(self.0, 1000..=1003 | 1007..=1014 | 3000..=4999)
    }
}

impl fmt::Display for CloseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The payload of a close frame: a code and a reason of at most 123 bytes of UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseFrame {
    /// Why the connection closes.
    pub code: CloseCode,
    /// Words for people; may be empty.
    pub reason: String,
}

impl CloseFrame {
    /// The largest reason that fits a control frame with its code.
    pub const MAX_REASON: usize = 123;

    /// A close frame; a longer reason is cut at a character boundary to fit.
    pub fn new(code: CloseCode, reason: impl Into<String>) -> CloseFrame {
        let mut reason = reason.into();
        if reason.len() > Self::MAX_REASON {
            let mut end = Self::MAX_REASON;
            while !reason.is_char_boundary(end) {
                end -= 1;
            }
            reason.truncate(end);
        }
        CloseFrame { code, reason }
    }
}

impl fmt::Display for CloseFrame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.reason.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{} ({})", self.code, self.reason)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_valid_on_the_wire_are_those_rfc_6455_and_autobahn_allow() {
        for valid in [
            1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999,
        ] {
            assert!(CloseCode(valid).is_valid(), "{valid}");
        }
        for invalid in [
            0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535,
        ] {
            assert!(!CloseCode(invalid).is_valid(), "{invalid}");
        }
    }

    #[test]
    fn a_long_reason_is_cut_at_a_character_boundary() {
        let frame = CloseFrame::new(CloseCode::NORMAL, "é".repeat(100));
        assert!(frame.reason.len() <= CloseFrame::MAX_REASON);
        assert_eq!(frame.reason.len(), 122);
        assert_eq!(frame.to_string(), format!("1000 ({})", frame.reason));
    }
}
