//! The `Range` header (RFC 9110, 14.2) against a file's size: no I/O.

/// What to send for a request's `Range`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ranged {
    /// The whole file, 200: no `Range`, one that cannot be parsed (RFC 9110 says to ignore
    /// it), another unit than bytes, or several ranges (answered whole, which RFC 9110
    /// allows, rather than as `multipart/byteranges`).
    Whole,
    /// Bytes `start..=end`, 206.
    Part { start: u64, end: u64 },
    /// No byte of the range is in the file, 416.
    Unsatisfiable,
}

/// The longest `Range` header looked at; a longer one is ignored (the whole file is sent).
const MAX_RANGE_HEADER: usize = 256;

/// What `header` asks of a file of `size` bytes.
pub(crate) fn ranged(header: &str, size: u64) -> Ranged {
    if header.len() > MAX_RANGE_HEADER {
        return Ranged::Whole;
    }
    let Some((unit, set)) = header.split_once('=') else {
        return Ranged::Whole;
    };
    if !unit.trim().eq_ignore_ascii_case("bytes") || set.contains(',') {
        return Ranged::Whole;
    }
    let Some((first, last)) = set.trim().split_once('-') else {
        return Ranged::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let number = |text: &str| -> Option<u64> {
        (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse().ok())
            .flatten()
    };
    if first.is_empty() {
        // A suffix: the last `n` bytes.
        return match number(last) {
            None => Ranged::Whole,
            Some(0) => Ranged::Unsatisfiable,
            Some(_) if size == 0 => Ranged::Unsatisfiable,
            Some(n) => Ranged::Part {
                start: size.saturating_sub(n),
                end: size - 1,
            },
        };
    }
    let Some(start) = number(first) else {
        return Ranged::Whole;
    };
    let end = if last.is_empty() {
        u64::MAX
    } else {
        match number(last) {
            Some(end) if end >= start => end,
            _ => return Ranged::Whole,
        }
    };
    if start >= size {
        return Ranged::Unsatisfiable;
    }
    Ranged::Part {
        start,
        end: end.min(size - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::{MAX_RANGE_HEADER, Ranged, ranged};

    fn part(start: u64, end: u64) -> Ranged {
        Ranged::Part { start, end }
    }

    #[test]
    fn single_ranges() {
        assert_eq!(ranged("bytes=0-9", 100), part(0, 9));
        assert_eq!(ranged("bytes=90-", 100), part(90, 99));
        assert_eq!(ranged("bytes=-10", 100), part(90, 99));
        assert_eq!(ranged("bytes=-1000", 100), part(0, 99));
        assert_eq!(ranged("bytes=50-1000", 100), part(50, 99));
        assert_eq!(ranged("Bytes = 5 - 5", 100), part(5, 5));
        assert_eq!(ranged("bytes=99-99", 100), part(99, 99));
    }

    #[test]
    fn unsatisfiable_ranges() {
        assert_eq!(ranged("bytes=100-", 100), Ranged::Unsatisfiable);
        assert_eq!(ranged("bytes=100-200", 100), Ranged::Unsatisfiable);
        assert_eq!(ranged("bytes=-0", 100), Ranged::Unsatisfiable);
        assert_eq!(ranged("bytes=0-", 0), Ranged::Unsatisfiable);
        assert_eq!(ranged("bytes=-5", 0), Ranged::Unsatisfiable);
    }

    #[test]
    fn what_is_ignored_gets_the_whole_file() {
        for header in [
            "bytes=9-0",
            "bytes=a-b",
            "bytes=-",
            "bytes=+1-2",
            "bytes=1",
            "items=0-1",
            "bytes 0-1",
            "bytes=0-1,5-6",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(ranged(header, 100), Ranged::Whole, "{header}");
        }
    }

    #[test]
    fn a_long_header_is_ignored_at_its_limit() {
        let at = format!("bytes=0-{}", "0".repeat(MAX_RANGE_HEADER - 8));
        assert_eq!(at.len(), MAX_RANGE_HEADER);
        assert_eq!(ranged(&at, 100), part(0, 0));
        let past = format!("{at}0");
        assert_eq!(ranged(&past, 100), Ranged::Whole);
    }
}
