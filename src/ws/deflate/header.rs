//! The `Sec-WebSocket-Extensions` grammar (RFC 6455, section 9.1): a comma-separated list of
//! extensions, each a token with `;`-separated parameters, a parameter a token with an
//! optional value, a token or a quoted string.

/// One extension of the list, as written: its name and its parameters in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    /// The extension's name (`permessage-deflate`).
    pub name: String,
    /// The parameters, each with its value (unquoted) when it has one.
    pub params: Vec<(String, Option<String>)>,
}

/// The extension header is not valid per the grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed;

/// Every extension in `values` (the header's field values, in order).
///
/// ```
/// use wasio::ws::deflate::parse_extensions;
///
/// let list = parse_extensions(["permessage-deflate; client_max_window_bits, x-other"]).unwrap();
/// assert_eq!(list[0].name, "permessage-deflate");
/// assert_eq!(list[0].params, [("client_max_window_bits".to_string(), None)]);
/// assert_eq!(list[1].name, "x-other");
/// ```
pub fn parse_extensions<'a>(
    values: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<Extension>, Malformed> {
    let mut list = Vec::new();
    for value in values {
        let mut input = Input {
            rest: value.as_bytes(),
        };
        loop {
            input.skip_space();
            if input.eat(b',') {
                continue; // Empty list elements are allowed (RFC 7230, section 7).
            }
            if input.rest.is_empty() {
                break;
            }
            list.push(input.extension()?);
            input.skip_space();
            if !input.rest.is_empty() && !input.eat(b',') {
                return Err(Malformed);
            }
        }
    }
    Ok(list)
}

/// What is left of a field value.
struct Input<'a> {
    rest: &'a [u8],
}

impl Input<'_> {
    fn skip_space(&mut self) {
        while let [b' ' | b'\t', rest @ ..] = self.rest {
            self.rest = rest;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        match self.rest {
            [first, rest @ ..] if *first == byte => {
                self.rest = rest;
                true
            }
            _ => false,
        }
    }

    fn token(&mut self) -> Result<String, Malformed> {
        let len = self.rest.iter().take_while(|b| is_tchar(**b)).count();
        if len == 0 {
            return Err(Malformed);
        }
        let (token, rest) = self.rest.split_at(len);
        self.rest = rest;
        Ok(String::from_utf8_lossy(token).into_owned())
    }

    fn quoted(&mut self) -> Result<String, Malformed> {
        let mut value = Vec::new();
        loop {
            match self.rest {
                [b'"', rest @ ..] => {
                    self.rest = rest;
                    return String::from_utf8(value).map_err(|_| Malformed);
                }
                [b'\\', escaped, rest @ ..] => {
                    value.push(*escaped);
                    self.rest = rest;
                }
                [byte, rest @ ..] if *byte != b'\\' && (*byte >= 0x20 || *byte == b'\t') => {
                    value.push(*byte);
                    self.rest = rest;
                }
                _ => return Err(Malformed),
            }
        }
    }

    fn extension(&mut self) -> Result<Extension, Malformed> {
        let name = self.token()?;
        let mut params = Vec::new();
        loop {
            self.skip_space();
            if !self.eat(b';') {
                return Ok(Extension { name, params });
            }
            self.skip_space();
            let param = self.token()?;
            self.skip_space();
            let value = if self.eat(b'=') {
                self.skip_space();
                Some(if self.eat(b'"') {
                    self.quoted()?
                } else {
                    self.token()?
                })
            } else {
                None
            };
            params.push((param, value));
        }
    }
}

/// A character of an HTTP token (RFC 7230, section 3.2.6).
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ext(name: &str, params: &[(&str, Option<&str>)]) -> Extension {
        Extension {
            name: name.into(),
            params: params
                .iter()
                .map(|(n, v)| (n.to_string(), v.map(str::to_string)))
                .collect(),
        }
    }

    #[test]
    fn offers_with_parameters_quoted_values_and_several_fields_are_read() {
        let list = parse_extensions([
            "permessage-deflate; client_max_window_bits; server_max_window_bits=10 ,",
            " permessage-deflate ;server_max_window_bits = \"12\",foo",
        ])
        .unwrap();
        assert_eq!(
            list,
            [
                ext(
                    "permessage-deflate",
                    &[
                        ("client_max_window_bits", None),
                        ("server_max_window_bits", Some("10"))
                    ]
                ),
                ext(
                    "permessage-deflate",
                    &[("server_max_window_bits", Some("12"))]
                ),
                ext("foo", &[]),
            ]
        );
        assert_eq!(parse_extensions([""]), Ok(Vec::new()));
    }

    #[test]
    fn broken_grammar_is_refused() {
        for bad in [
            "permessage-deflate;",
            "permessage-deflate; =1",
            "permessage-deflate; a=",
            "permessage-deflate; a=\"1",
            "permessage-deflate x",
            "a b",
            "per message",
            "@",
        ] {
            assert_eq!(parse_extensions([bad]), Err(Malformed), "{bad}");
        }
    }
}
