//! URL paths of the built site and the slugs they are made of.
//!
//! Takes slugs from front matter and file names; produces [`UrlPath`]s that always start
//! and end with `/` and stay inside the output directory. Rejects slugs with `/`, `..`,
//! control characters or characters that are unsafe in a file name.

use std::fmt;

/// A root-relative URL path: `/nl/sectoren/energie/`, `/nl/atom.xml`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct UrlPath(String);

impl UrlPath {
    /// A directory URL from path segments: `["nl", "sectoren"]` → `/nl/sectoren/`.
    pub fn dir<'a>(segments: impl IntoIterator<Item = &'a str>) -> UrlPath {
        let mut s = String::from("/");
        for seg in segments {
            if !seg.is_empty() {
                s.push_str(seg);
                s.push('/');
            }
        }
        UrlPath(s)
    }

    /// The directory URL one segment below this directory URL: `/nl/` and `energie` →
    /// `/nl/energie/`; an empty segment adds nothing, as in [`UrlPath::dir`].
    pub fn child(&self, segment: &str) -> UrlPath {
        debug_assert!(self.0.ends_with('/'));
        let mut s = String::with_capacity(self.0.len() + segment.len() + 1);
        s.push_str(&self.0);
        if !segment.is_empty() {
            s.push_str(segment);
            s.push('/');
        }
        UrlPath(s)
    }

    /// A file URL (`/nl/atom.xml`); `path` must be root-relative and made of safe segments.
    pub fn file(path: &str) -> UrlPath {
        debug_assert!(path.starts_with('/'));
        UrlPath(path.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether [`UrlPath::output_file`] is `file` (without making it).
    pub fn writes(&self, file: &str) -> bool {
        let rel = self.0.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            file.strip_suffix("index.html") == Some(rel)
        } else {
            file == rel
        }
    }

    /// The file this URL is written to, relative to the output directory:
    /// `/nl/x/` → `nl/x/index.html`, `/nl/atom.xml` → `nl/atom.xml`.
    pub fn output_file(&self) -> String {
        let rel = self.0.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            format!("{rel}index.html")
        } else {
            rel.to_string()
        }
    }
}

impl fmt::Display for UrlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `s` can be one URL path segment and one file name on every platform.
pub fn is_safe_segment(s: &str) -> bool {
    !s.is_empty()
        && s != "."
        && s != ".."
        && !s.starts_with('.')
        && s.chars().count() <= 200
        && !s.chars().any(|c| {
            c.is_control()
                || c.is_whitespace()
                || matches!(
                    c,
                    '/' | '\\'
                        | ':'
                        | '*'
                        | '?'
                        | '"'
                        | '<'
                        | '>'
                        | '|'
                        | '#'
                        | '%'
                        | '&'
                        | '+'
                        | '\''
                )
        })
}

/// Makes a slug from a title: lowercase, letters kept (with their accents), runs of
/// anything else become one `-`.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_names_its_output_file_only() {
        let urls = [
            UrlPath::dir(["nl", "sectoren", "energie"]),
            UrlPath::dir([]),
            UrlPath::file("/nl/atom.xml"),
            UrlPath::dir(["nl"]),
        ];
        let files = urls.iter().map(UrlPath::output_file).collect::<Vec<_>>();
        for (u, url) in urls.iter().enumerate() {
            for (f, file) in files.iter().enumerate() {
                assert_eq!(url.writes(file), u == f, "{url} {file}");
            }
            assert!(!url.writes("nl/sectoren/energie/"), "{url}");
        }
    }

    #[test]
    fn builds_directory_and_file_urls() {
        let u = UrlPath::dir(["nl", "sectoren", "energie"]);
        assert_eq!(u.as_str(), "/nl/sectoren/energie/");
        assert_eq!(u.output_file(), "nl/sectoren/energie/index.html");
        assert_eq!(UrlPath::dir([]).output_file(), "index.html");
        assert_eq!(UrlPath::file("/nl/atom.xml").output_file(), "nl/atom.xml");
    }

    #[test]
    fn rejects_unsafe_segments() {
        for bad in [
            "", ".", "..", "a/b", "a\\b", ".hidden", "a b", "a?b", "a#b", "x\u{0}",
        ] {
            assert!(!is_safe_segment(bad), "{bad:?}");
        }
        for good in ["energie", "coöperatie", "België", "2026-data"] {
            assert!(is_safe_segment(good), "{good:?}");
        }
    }

    #[test]
    fn slugifies_titles_keeping_accents() {
        assert_eq!(slugify("Coöperatie in België!"), "coöperatie-in-belgië");
        assert_eq!(slugify("  Data & AI  "), "data-ai");
    }
}
