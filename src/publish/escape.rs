//! The text of URLs and XML in published files: absolute, percent-encoded URLs, the
//! site's host, and XML escaping.

use crate::config::Config;
use crate::url::UrlPath;

/// The absolute URL of a path on the site, percent-encoded (a URI, as sitemaps, feeds
/// and calendars require; slugs may hold `ö`).
pub fn absolute(config: &Config, url: &UrlPath) -> String {
    let mut out = String::with_capacity(config.base_url.len() + url.as_str().len());
    out.push_str(&config.base_url);
    uri_into(&mut out, url.as_str());
    out
}

/// Percent-encodes the bytes a URI cannot hold as they are (non-ASCII, space, quotes,
/// angle brackets); `/`, `%` and the rest pass through.
pub fn uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    uri_into(&mut out, s);
    out
}

/// [`uri`], appending to `out`.
pub(crate) fn uri_into(out: &mut String, s: &str) {
    let plain = |b: u8| {
        b.is_ascii_graphic()
            && !matches!(
                b,
                b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}'
            )
    };
    // Most URLs need nothing.
    if s.bytes().all(plain) {
        out.push_str(s);
        return;
    }
    for b in s.bytes() {
        if plain(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// The host of the base URL (`kennisstad.groningen.example`), for UIDs.
pub fn host(config: &Config) -> &str {
    let rest = config
        .base_url
        .split_once("://")
        .map_or(config.base_url.as_str(), |(_, r)| r);
    let end = rest.find(['/', ':']).unwrap_or(rest.len());
    &rest[..end]
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    xml_escape_into(&mut out, s);
    out
}

/// [`xml_escape`], appending to `out`. Runs of characters that need nothing are copied
/// whole.
pub fn xml_escape_into(out: &mut String, s: &str) {
    // Most texts need nothing: no markup characters, no control characters, and no
    // 0xEF (the lead byte of U+FFFE and U+FFFF).
    let clean = |b: &u8| *b >= 0x20 && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0xEF);
    if s.as_bytes().iter().all(clean) {
        out.push_str(s);
        return;
    }
    let mut plain = 0;
    for (at, c) in s.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&apos;",
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => "",
            '\u{FFFE}' | '\u{FFFF}' => "",
            _ => continue,
        };
        out.push_str(&s[plain..at]);
        out.push_str(replacement);
        plain = at + c.len_utf8();
    }
    out.push_str(&s[plain..]);
}
