//! The text side of search: folding text the way the browser script folds queries,
//! splitting it into words, and taking the text out of HTML.
//!
//! Takes strings; produces folded strings and words. Rejects nothing.

use std::collections::BTreeSet;
use std::hash::Hasher;

use icu_normalizer::DecomposingNormalizerBorrowed;

/// The distinct search words of a text: folded, split on anything not a letter or
/// digit, one character words dropped.
pub fn tokens(text: &str) -> BTreeSet<String> {
    words_of(&fold(text)).map(str::to_string).collect()
}

/// The words of folded text, in order, repeats included.
pub(super) fn words_of(folded: &str) -> impl Iterator<Item = &str> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
}

#[derive(Default)]
pub(crate) struct WordHasher(u64);

impl WordHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let mut last = [0u8; 8];
        let rest = chunks.remainder();
        last[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(last) ^ (rest.len() as u64) << 59);
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Lowercase without accents: NFD, then the combining marks U+0300–U+036F removed
/// (what `search.js` does with `normalize('NFD')`).
pub fn fold(text: &str) -> String {
    // Lowercasing is per character except for a final sigma, and NFD never reaches
    // across an ASCII character (a starter that does not decompose), so ASCII runs
    // skip the normalizer: most text is mostly ASCII.
    if text.contains('Σ') {
        return fold_whole(text);
    }
    let nfd = DecomposingNormalizerBorrowed::new_nfd();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest.find(|c: char| !c.is_ascii()).unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let other = rest.find(|c: char| c.is_ascii()).unwrap_or(rest.len());
        if other > 0 {
            let lower = rest[..other].to_lowercase();
            out.extend(nfd.normalize_iter(lower.chars()).filter(|c| !is_mark(*c)));
            rest = &rest[other..];
        }
    }
    out
}

/// [`fold`] of the whole text at once: the definition.
fn fold_whole(text: &str) -> String {
    DecomposingNormalizerBorrowed::new_nfd()
        .normalize(&text.to_lowercase())
        .chars()
        .filter(|c| !is_mark(*c))
        .collect()
}

fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// The text of an HTML fragment: tags dropped (block ends become spaces), the common
/// entities decoded.
pub fn html_text(html: &str) -> String {
    html_text_untidy(html)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`html_text`] with its white space as it comes (runs, ends).
pub(super) fn html_text_untidy(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        match rest[i..].find('>') {
            Some(j) => {
                out.push(' ');
                rest = &rest[i + j + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    if out.contains('&') {
        decode_entities(&out)
    } else {
        out
    }
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let end = tail.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| entity(&tail[1..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_and_case_like_the_script() {
        assert_eq!(fold("Coöperatie in BELGIË"), "cooperatie in belgie");
        let t = tokens("Energie, energie! a 2027 coöperatie");
        assert_eq!(
            t.into_iter().collect::<Vec<_>>(),
            ["2027", "cooperatie", "energie"]
        );
    }

    #[test]
    fn folds_in_runs_like_the_whole_text() {
        for s in [
            "Coöperatie — één ÏJSSEL, Ærø; straße İstanbul",
            "e\u{301}e\u{323}\u{301} x\u{5b0}\u{591} ΣΑΣ.Β ὈΔΥΣΣΕΎΣ",
            "ǅ ﬁ Ⅻ ①② 漢字 日本語 e\u{20dd}",
        ] {
            assert_eq!(fold(s), fold_whole(s), "{s}");
        }
        proptest::proptest!(|(s in "\\PC{0,40}")| {
            proptest::prop_assert_eq!(fold(&s), fold_whole(&s));
        });
    }

    #[test]
    fn extracts_text_from_html() {
        assert_eq!(
            html_text("<p>Data &amp; AI</p><ul><li>één</li></ul>&#x41;&bogus"),
            "Data & AI één A&bogus"
        );
    }
}
