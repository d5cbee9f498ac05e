//! Choosing a coding from a request's `Accept-Encoding` (RFC 9110 §12.5.3), with q-values.

use super::Coding;

/// The quality `accept_encoding` gives `coding`: its own entry's, else the `*` entry's, else
/// 0 (not acceptable). A q-value that is not valid makes its entry count as absent.
fn quality(accept_encoding: &str, coding: Coding) -> u16 {
    let mut wildcard = None;
    for entry in accept_encoding.split(',') {
        let mut parts = entry.split(';');
        let name = parts.next().unwrap_or("").trim();
        if name.is_empty() {
            continue;
        }
        let Some(q) = parts
            .map(str::trim)
            .find_map(|param| param.strip_prefix("q=").or(param.strip_prefix("Q=")))
            .map_or(Some(1000), parse_q)
        else {
            continue;
        };
        if Coding::from_token(name) == Some(coding) {
            return q;
        }
        if name == "*" {
            wildcard = Some(q);
        }
    }
    wildcard.unwrap_or(0)
}

/// A q-value (`0`, `0.5`, `1.000`, at most three decimals) in thousandths.
fn parse_q(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = format!("{fraction:0<3}").parse::<u16>().ok()?;
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
}

/// Whether a request whose `Accept-Encoding` is `accept_encoding` takes `coding` (with a
/// q-value above 0).
///
/// ```
/// use wasio::http::coding::{Coding, accepts};
///
/// assert!(accepts("gzip, br;q=0.5", Coding::Brotli));
/// assert!(!accepts("gzip;q=0, *", Coding::Gzip));
/// assert!(accepts("*", Coding::Deflate));
/// ```
pub fn accepts(accept_encoding: &str, coding: Coding) -> bool {
    quality(accept_encoding, coding) > 0
}

/// The coding of `offered` (in the server's order of preference) that `accept_encoding`
/// values most: the highest q-value wins, and the server's order breaks ties. `None` when it
/// takes none of them: the body goes as it is.
///
/// ```
/// use wasio::http::coding::{Coding, preferred};
///
/// let offered = [Coding::Gzip, Coding::Deflate];
/// assert_eq!(preferred("deflate, gzip", &offered), Some(Coding::Gzip));
/// assert_eq!(preferred("deflate;q=1, gzip;q=0.8", &offered), Some(Coding::Deflate));
/// assert_eq!(preferred("br", &offered), None);
/// ```
pub fn preferred(accept_encoding: &str, offered: &[Coding]) -> Option<Coding> {
    let mut best: Option<(Coding, u16)> = None;
    for &coding in offered {
        let q = quality(accept_encoding, coding);
        if q > 0 && best.is_none_or(|(_, best_q)| q > best_q) {
            best = Some((coding, q));
        }
    }
    best.map(|(coding, _)| coding)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFERED: [Coding; 2] = [Coding::Gzip, Coding::Deflate];

    #[test]
    fn q_values_rank_the_codings_and_ties_go_to_the_server() {
        assert_eq!(preferred("gzip, deflate", &OFFERED), Some(Coding::Gzip));
        assert_eq!(preferred("deflate", &OFFERED), Some(Coding::Deflate));
        assert_eq!(
            preferred("gzip;q=0.5, deflate;q=0.501", &OFFERED),
            Some(Coding::Deflate)
        );
        assert_eq!(
            preferred("gzip; q=0.9 , deflate ;q=1.0", &OFFERED),
            Some(Coding::Deflate)
        );
        assert_eq!(preferred("GZIP;Q=0.2", &OFFERED), Some(Coding::Gzip));
    }

    #[test]
    fn zero_refuses_and_the_wildcard_covers_what_is_not_named() {
        assert_eq!(preferred("gzip;q=0", &OFFERED), None);
        assert_eq!(preferred("gzip;q=0, *", &OFFERED), Some(Coding::Deflate));
        assert_eq!(preferred("*;q=0", &OFFERED), None);
        assert_eq!(preferred("*;q=0, deflate", &OFFERED), Some(Coding::Deflate));
        assert_eq!(
            preferred("*;q=0.1, gzip;q=0.05", &OFFERED),
            Some(Coding::Deflate)
        );
    }

    #[test]
    fn nothing_acceptable_leaves_the_body_as_it_is() {
        assert_eq!(preferred("", &OFFERED), None);
        assert_eq!(preferred("identity", &OFFERED), None);
        assert_eq!(preferred("br, zstd", &OFFERED), None);
        assert_eq!(preferred(" , ,", &OFFERED), None);
    }

    #[test]
    fn q_values_out_of_grammar_void_their_entry() {
        for bad in [
            "gzip;q=2",
            "gzip;q=1.5",
            "gzip;q=0.1234",
            "gzip;q=-1",
            "gzip;q=",
            "gzip;q=x",
        ] {
            assert_eq!(preferred(bad, &[Coding::Gzip]), None, "{bad}");
        }
        assert_eq!(parse_q("1.000"), Some(1000));
        assert_eq!(parse_q("0.05"), Some(50));
        assert_eq!(parse_q("0"), Some(0));
        assert_eq!(parse_q("1."), Some(1000));
    }
}
