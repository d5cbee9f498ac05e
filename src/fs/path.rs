//! Which preopened directory holds a path, and the path relative to it (no I/O).
//!
//! The host names each preopened directory by a guest path (`wasmtime run --dir
//! HOST::GUEST`): `/data`, `/`, `.`, or a relative name. An absolute path belongs to the
//! absolute preopen that is its longest prefix, whole components only (`/data` holds
//! `/data/a` but not `/database`); a relative path to `.` (or a relative preopen that
//! prefixes it). What is left is resolved by the host inside that directory, whose sandbox
//! refuses `..` beyond it and links that lead out of it.

/// The index of the preopen (among `names`) that holds `path`, and `path` relative to it
/// (`.` for the directory itself); `None` if none does.
pub(crate) fn resolve<'p, 'n>(
    path: &'p str,
    names: impl IntoIterator<Item = &'n str>,
) -> Option<(usize, &'p str)> {
    let absolute = path.starts_with('/');
    let path = if absolute { path } else { strip_dots(path) };
    let mut best: Option<(usize, usize, &'p str)> = None;
    for (index, name) in names.into_iter().enumerate() {
        let name = normalize(name);
        if name.starts_with('/') != absolute {
            continue;
        }
        let Some(rest) = within(path, name) else {
            continue;
        };
        if best.is_none_or(|(_, longest, _)| name.len() > longest) {
            best = Some((index, name.len(), rest));
        }
    }
    best.map(|(index, _, rest)| {
        let rest = rest.trim_start_matches('/');
        (index, if rest.is_empty() { "." } else { rest })
    })
}

/// A preopen's name without trailing slashes (`/` stays), and `""` for `.` or `./`.
fn normalize(name: &str) -> &str {
    let trimmed = name.trim_end_matches('/');
    if trimmed.is_empty() && name.starts_with('/') {
        "/"
    } else {
        strip_dots(trimmed)
    }
}

/// A relative path without its leading `./` steps (`.` alone becomes empty).
fn strip_dots(mut path: &str) -> &str {
    loop {
        if path == "." {
            return "";
        }
        match path.strip_prefix("./") {
            Some(rest) => path = rest.trim_start_matches('/'),
            None => return path,
        }
    }
}

/// `path` after `name`, if `name` is a whole-component prefix of it.
fn within<'p>(path: &'p str, name: &str) -> Option<&'p str> {
    if name.is_empty() || name == "/" {
        return Some(path);
    }
    let rest = path.strip_prefix(name)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::resolve;

    #[test]
    fn the_longest_absolute_prefix_holds_a_path() {
        let names = ["/", "/data", "/data/www", "."];
        assert_eq!(resolve("/data/a.txt", names), Some((1, "a.txt")));
        assert_eq!(resolve("/data/www/i.html", names), Some((2, "i.html")));
        assert_eq!(resolve("/database", names), Some((0, "database")));
        assert_eq!(resolve("/data", names), Some((1, ".")));
        assert_eq!(resolve("/data/", names), Some((1, ".")));
        assert_eq!(resolve("/", names), Some((0, ".")));
    }

    #[test]
    fn whole_components_only() {
        assert_eq!(resolve("/database/x", ["/data"]), None);
        assert_eq!(resolve("/data/x", ["/data/"]), Some((0, "x")));
    }

    #[test]
    fn relative_paths_belong_to_relative_preopens() {
        assert_eq!(resolve("a/b", ["/data", "."]), Some((1, "a/b")));
        assert_eq!(resolve("./a", ["./"]), Some((0, "a")));
        assert_eq!(resolve("files/a", ["files", "."]), Some((0, "a")));
        assert_eq!(resolve("a", ["/data"]), None);
        assert_eq!(resolve("/data/a", ["."]), None);
    }

    #[test]
    fn dot_dot_is_left_to_the_host() {
        assert_eq!(resolve("/data/../etc", ["/data"]), Some((0, "../etc")));
    }
}
