//! Language codes as the site names them (`nl`, `en`, `fy`, …).
//!
//! Takes a code from `site.yaml` or a file name; produces a [`Lang`]. Rejects codes
//! that are not a plain BCP 47 language subtag shape (letters, digits and `-`).

use std::fmt;

/// A language code the site is built in, as written in `site.yaml` (`nl`, `en`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Lang(String);

impl Lang {
    /// Checks the shape of a language code: 2–8 ASCII letters, then optional
    /// `-`-separated alphanumeric subtags.
    pub fn parse(code: &str) -> Option<Lang> {
        let mut parts = code.split('-');
        let first = parts.next()?;
        let first_ok =
            (2..=8).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_alphabetic());
        let rest_ok = parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        (first_ok && rest_ok).then(|| Lang(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_language_codes_and_rejects_paths() {
        assert!(Lang::parse("nl").is_some());
        assert!(Lang::parse("en-GB").is_some());
        assert!(Lang::parse("fy").is_some());
        assert!(Lang::parse("").is_none());
        assert!(Lang::parse("../x").is_none());
        assert!(Lang::parse("n").is_none());
        assert!(Lang::parse("nl-").is_none());
    }
}
