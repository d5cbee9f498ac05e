//! The boundary of a multipart body: read from a `Content-Type`, or made at random.

use super::error::MultipartError;
use super::params::param;

/// The longest boundary RFC 2046 allows.
const MAX_BOUNDARY: usize = 70;

/// The boundary of a `multipart/*` content type: 415 for another type, 400 when it has no
/// valid boundary (1 to 70 of RFC 2046's characters, not ending in a space).
///
/// ```
/// use wasio::http::multipart::{MultipartError, boundary};
///
/// assert_eq!(boundary("multipart/form-data; boundary=\"a b\"").unwrap(), "a b");
/// assert!(matches!(boundary("multipart/form-data"), Err(MultipartError::InvalidBoundary)));
/// assert!(matches!(boundary("text/plain; boundary=x"), Err(MultipartError::NotMultipart)));
/// ```
pub fn boundary(content_type: &str) -> Result<String, MultipartError> {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let is_multipart = essence
        .get(..10)
        .is_some_and(|start| start.eq_ignore_ascii_case("multipart/"));
    if !is_multipart {
        return Err(MultipartError::NotMultipart);
    }
    let value = param(content_type, "boundary").ok_or(MultipartError::InvalidBoundary)?;
    let valid = (1..=MAX_BOUNDARY).contains(&value.len())
        && !value.ends_with(' ')
        && value.bytes().all(is_boundary_char);
    if !valid {
        return Err(MultipartError::InvalidBoundary);
    }
    Ok(value.into_owned())
}

/// A character RFC 2046 allows in a boundary.
fn is_boundary_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"'()+_,-./:=? ".contains(&byte)
}

/// A new boundary: 32 random letters and digits after a fixed prefix, so that it is, with
/// overwhelming likelihood, in no part's content.
pub(crate) fn random_boundary() -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut random = crate::sys::random::bytes(32);
    // A host gives what is asked; should one give fewer, the rest is padded.
    random.resize(32, 0);
    let letters = random
        .into_iter()
        .map(|byte| ALPHABET[byte as usize % ALPHABET.len()] as char);
    "wasio-".chars().chain(letters).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boundary_is_checked_against_rfc_2046() {
        let long = "b".repeat(70);
        assert_eq!(
            boundary(&format!("multipart/form-data; boundary={long}")).unwrap(),
            long
        );
        for refused in [
            "multipart/form-data; boundary=",
            "multipart/form-data; boundary=\"\"",
            "multipart/form-data; boundary=\"ends \"",
            "multipart/form-data; boundary=semi{colon}",
            &format!("multipart/form-data; boundary={long}b"),
        ] {
            assert!(
                matches!(boundary(refused), Err(MultipartError::InvalidBoundary)),
                "{refused}"
            );
        }
        assert_eq!(boundary("Multipart/Mixed;BOUNDARY=x").unwrap(), "x");
        assert!(matches!(
            boundary("multipar"),
            Err(MultipartError::NotMultipart)
        ));
    }
}
