//! The four parameters of permessage-deflate (RFC 7692, section 7.1), read from an offer or
//! an answer with the rules both share: each at most once, known names only, values of the
//! right form.

use std::fmt;

/// permessage-deflate's parameters as an offer or an answer carries them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Params {
    /// `server_no_context_takeover`.
    pub server_no_context_takeover: bool,
    /// `client_no_context_takeover`.
    pub client_no_context_takeover: bool,
    /// `server_max_window_bits=N`.
    pub server_max_window_bits: Option<u8>,
    /// `client_max_window_bits`: `Some(None)` without a value (in an offer only), `Some(Some(N))`
    /// with one.
    pub client_max_window_bits: Option<Option<u8>>,
}

/// Why an offer or an answer cannot be taken. A server declines such an offer; a client
/// fails the handshake over such an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NegotiationError {
    /// `Sec-WebSocket-Extensions` does not follow the header's grammar.
    Malformed,
    /// A parameter permessage-deflate does not define.
    UnknownParameter(String),
    /// A parameter given twice.
    Duplicate(&'static str),
    /// A parameter with a value it may not have, or without one it needs (window bits are
    /// 8 to 15, without leading zeros).
    BadValue(&'static str),
    /// The answer lacks a parameter the offer asked the server to include.
    Missing(&'static str),
    /// The answer sets a parameter to what the offer did not allow (a window larger than
    /// offered, `client_max_window_bits` of 8, which zlib cannot compress with).
    NotAllowed(&'static str),
    /// The answer turns permessage-deflate on more than once.
    Repeated,
}

impl fmt::Display for NegotiationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NegotiationError::Malformed => f.write_str("Sec-WebSocket-Extensions is malformed"),
            NegotiationError::UnknownParameter(name) => {
                write!(f, "permessage-deflate has no parameter {name:?}")
            }
            NegotiationError::Duplicate(name) => write!(f, "{name} given twice"),
            NegotiationError::BadValue(name) => write!(f, "{name} has an invalid value"),
            NegotiationError::Missing(name) => {
                write!(f, "the answer lacks {name}, which was offered")
            }
            NegotiationError::NotAllowed(name) => {
                write!(f, "the answer's {name} is not what the offer allows")
            }
            NegotiationError::Repeated => f.write_str("permessage-deflate answered twice"),
        }
    }
}

impl std::error::Error for NegotiationError {}

const SERVER_NO_CONTEXT_TAKEOVER: &str = "server_no_context_takeover";
const CLIENT_NO_CONTEXT_TAKEOVER: &str = "client_no_context_takeover";
const SERVER_MAX_WINDOW_BITS: &str = "server_max_window_bits";
const CLIENT_MAX_WINDOW_BITS: &str = "client_max_window_bits";

impl Params {
    /// The parameters of one offer or answer, checked for unknown names, duplicates and
    /// values.
    pub fn parse(params: &[(String, Option<String>)]) -> Result<Params, NegotiationError> {
        let mut parsed = Params::default();
        let mut seen = [false; 4];
        for (name, value) in params {
            let (index, name) = match name.to_ascii_lowercase().as_str() {
                SERVER_NO_CONTEXT_TAKEOVER => (0, SERVER_NO_CONTEXT_TAKEOVER),
                CLIENT_NO_CONTEXT_TAKEOVER => (1, CLIENT_NO_CONTEXT_TAKEOVER),
                SERVER_MAX_WINDOW_BITS => (2, SERVER_MAX_WINDOW_BITS),
                CLIENT_MAX_WINDOW_BITS => (3, CLIENT_MAX_WINDOW_BITS),
                _ => return Err(NegotiationError::UnknownParameter(name.clone())),
            };
            if std::mem::replace(&mut seen[index], true) {
                return Err(NegotiationError::Duplicate(name));
            }
            let value = value.as_deref();
            match index {
                0 | 1 if value.is_some() => return Err(NegotiationError::BadValue(name)),
                0 => parsed.server_no_context_takeover = true,
                1 => parsed.client_no_context_takeover = true,
                2 => {
                    let bits = value.and_then(window_bits);
                    parsed.server_max_window_bits =
                        Some(bits.ok_or(NegotiationError::BadValue(name))?);
                }
                _ => {
                    parsed.client_max_window_bits = Some(match value {
                        None => None,
                        Some(value) => {
                            Some(window_bits(value).ok_or(NegotiationError::BadValue(name))?)
                        }
                    });
                }
            }
        }
        Ok(parsed)
    }

    /// The parameters as they follow `permessage-deflate` in the header.
    pub fn write(&self, out: &mut String) {
        if self.server_no_context_takeover {
            out.push_str("; ");
            out.push_str(SERVER_NO_CONTEXT_TAKEOVER);
        }
        if self.client_no_context_takeover {
            out.push_str("; ");
            out.push_str(CLIENT_NO_CONTEXT_TAKEOVER);
        }
        if let Some(bits) = self.server_max_window_bits {
            out.push_str(&format!("; {SERVER_MAX_WINDOW_BITS}={bits}"));
        }
        match self.client_max_window_bits {
            None => {}
            Some(None) => {
                out.push_str("; ");
                out.push_str(CLIENT_MAX_WINDOW_BITS);
            }
            Some(Some(bits)) => out.push_str(&format!("; {CLIENT_MAX_WINDOW_BITS}={bits}")),
        }
    }
}

/// A window bits value: 8 to 15, written without leading zeros.
fn window_bits(value: &str) -> Option<u8> {
    if value.starts_with('0') || value.len() > 2 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok().filter(|bits| (8..=15).contains(bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(list: &[(&str, Option<&str>)]) -> Result<Params, NegotiationError> {
        let list: Vec<_> = list
            .iter()
            .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
            .collect();
        Params::parse(&list)
    }

    #[test]
    fn every_parameter_is_read_and_written_back() {
        let all = params(&[
            ("server_no_context_takeover", None),
            ("Client_No_Context_Takeover", None),
            ("server_max_window_bits", Some("9")),
            ("client_max_window_bits", Some("15")),
        ])
        .unwrap();
        assert_eq!(
            all,
            Params {
                server_no_context_takeover: true,
                client_no_context_takeover: true,
                server_max_window_bits: Some(9),
                client_max_window_bits: Some(Some(15)),
            }
        );
        let mut text = String::new();
        all.write(&mut text);
        assert_eq!(
            text,
            "; server_no_context_takeover; client_no_context_takeover; \
             server_max_window_bits=9; client_max_window_bits=15"
        );
        let bare = params(&[("client_max_window_bits", None)]).unwrap();
        assert_eq!(bare.client_max_window_bits, Some(None));
    }

    #[test]
    fn unknown_names_duplicates_and_bad_values_are_refused() {
        use NegotiationError::*;
        for (list, expected) in [
            (vec![("x", None)], UnknownParameter("x".into())),
            (
                vec![("server_no_context_takeover", None); 2],
                Duplicate(SERVER_NO_CONTEXT_TAKEOVER),
            ),
            (
                vec![
                    ("client_max_window_bits", None),
                    ("client_max_window_bits", Some("9")),
                ],
                Duplicate(CLIENT_MAX_WINDOW_BITS),
            ),
            (
                vec![("client_no_context_takeover", Some("1"))],
                BadValue(CLIENT_NO_CONTEXT_TAKEOVER),
            ),
            (
                vec![("server_max_window_bits", None)],
                BadValue(SERVER_MAX_WINDOW_BITS),
            ),
        ] {
            assert_eq!(params(&list), Err(expected.clone()), "{list:?}");
        }
        for bad in ["7", "16", "010", "09", "", "a", "+9", "999"] {
            assert_eq!(
                params(&[("server_max_window_bits", Some(bad))]),
                Err(BadValue(SERVER_MAX_WINDOW_BITS)),
                "{bad}"
            );
            assert_eq!(
                params(&[("client_max_window_bits", Some(bad))]),
                Err(BadValue(CLIENT_MAX_WINDOW_BITS)),
                "{bad}"
            );
        }
        for good in 8..=15 {
            let value = good.to_string();
            let parsed = params(&[("server_max_window_bits", Some(&value))]).unwrap();
            assert_eq!(parsed.server_max_window_bits, Some(good));
        }
    }
}
