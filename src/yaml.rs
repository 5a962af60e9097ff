//! The one place YAML is parsed, so the backend (`serde_yaml`, archived) can be swapped
//! for a maintained fork by changing this file alone.
//!
//! Takes YAML text and a target type; produces the value, or a [`YamlError`] with the
//! byte offset of the problem inside the text given.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostic::Diagnostic;
use crate::suggest;

/// A YAML syntax or type error, located by byte offset in the text that was parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub offset: Option<usize>,
}

impl YamlError {
    /// A located diagnostic for this error. `text` is the whole file and `base` the byte
    /// offset in it where the parsed YAML starts (after a front matter's `---` line).
    pub fn diagnostic(
        &self,
        kind: &'static str,
        path: &Path,
        text: &str,
        base: usize,
    ) -> Diagnostic {
        let line_offset = text[..base.min(text.len())].matches('\n').count();
        let (message, help) = explain(&rewrite_positions(&self.message, line_offset));
        let mut d = Diagnostic::error(kind, path, message);
        if let Some(offset) = self.offset {
            let end = text[(base + offset).min(text.len())..]
                .find(['\n', '\r', ':'])
                .map_or(text.len(), |i| base + offset + i);
            d = d.at(text, base + offset..end);
        }
        match help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }
}

/// Turns serde's "unknown field `x`, expected one of `a`, `b`" into a short message and a
/// did-you-mean suggestion.
fn explain(message: &str) -> (String, Option<String>) {
    if let Some((before, key)) = message.split_once("duplicate entry with key ") {
        let key = key.trim_matches('"');
        return (
            format!("{before}`{key}` is written twice in one map"),
            Some("keep one of them: YAML would use only the last".into()),
        );
    }
    let Some(start) = message.find("unknown field `") else {
        return (message.to_string(), None);
    };
    let rest = &message[start + "unknown field `".len()..];
    let Some(end) = rest.find('`') else {
        return (message.to_string(), None);
    };
    let field = &rest[..end];
    let expected: Vec<&str> = rest[end + 1..].split('`').skip(1).step_by(2).collect();
    let short = format!("{}unknown field `{field}`", &message[..start]);
    let help = match suggest::closest(field, expected.iter().copied()) {
        Some(near) => format!("did you mean `{near}`?"),
        None if expected.is_empty() => "remove this field".to_string(),
        None => format!(
            "the known fields are {}",
            expected
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    (short, Some(help))
}

/// Parses `text` into `T`. A key written twice in one map is an error.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    let value = serde_yaml::from_str(text).map_err(located)?;
    // Into a map type (`extra`, taxonomies, data files) serde keeps the last of two equal
    // keys without a word; the YAML value type reports them. That second parse is only
    // needed when some key may be written twice.
    if may_repeat_a_key(text) {
        serde_yaml::from_str::<Value>(text).map_err(located)?;
    }
    Ok(value)
}

/// False only when no map in `text` can hold one key twice: every key is a plain word
/// written at the start of a line (or after `- `), and no two are the same anywhere in
/// the text. Flow maps, quoted, explicit, tagged, anchored or numeric keys, and words
/// YAML reads as booleans or null, answer true (the full check runs).
fn may_repeat_a_key(text: &str) -> bool {
    if text.contains(['{', '?', '&', '*', '!', '\t']) {
        return true;
    }
    let mut keys: Vec<&str> = Vec::new();
    for line in text.lines() {
        let mut rest = line.trim_start_matches(' ');
        while let Some(item) = rest.strip_prefix('-') {
            if !(item.is_empty() || item.starts_with(' ')) {
                break;
            }
            rest = item.trim_start_matches(' ');
        }
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        if rest.starts_with("---") || rest.starts_with("...") {
            return true;
        }
        let Some(end) = rest
            .find(": ")
            .or_else(|| rest.ends_with(':').then(|| rest.len() - 1))
        else {
            continue;
        };
        let key = rest[..end].trim_end();
        let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let special = matches!(
            key.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
        if !plain || special {
            return true;
        }
        keys.push(key);
    }
    keys.sort_unstable();
    keys.windows(2).any(|w| w[0] == w[1])
}

fn located(e: serde_yaml::Error) -> YamlError {
    YamlError {
        offset: e.location().map(|l| l.index()),
        message: clean_message(&e.to_string()),
    }
}

/// serde_yaml appends " at line L column C" to its messages; we print positions ourselves.
fn clean_message(msg: &str) -> String {
    msg.to_string()
}

/// serde_yaml writes positions as " at line L column C", relative to the YAML it was
/// given: "problem at L, while parsing a list at L2". The problem's own position is
/// printed separately, so it goes; where the list started becomes a line of the file.
fn rewrite_positions(msg: &str, line_offset: usize) -> String {
    let mut out = String::new();
    let mut rest = msg;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        let line: usize = after[..digits].parse().unwrap_or(0);
        let mut tail = &after[digits..];
        if let Some(col) = tail.strip_prefix(" column ") {
            tail = &col[col.bytes().take_while(u8::is_ascii_digit).count()..];
        }
        if tail.trim().is_empty() && out.contains(", while ") {
            out.push_str(&format!(" that starts on line {}", line + line_offset));
        }
        rest = tail;
    }
    out.push_str(rest);
    plain_types(&out)
}

/// Says serde's type names in words editors know.
fn plain_types(msg: &str) -> String {
    let Some(i) = msg.find("invalid type: ") else {
        return msg.to_string();
    };
    let field = msg[..i].trim_end_matches(": ").trim();
    let rest = &msg[i + "invalid type: ".len()..];
    let Some((got, expected)) = rest.split_once(", expected ") else {
        return msg.to_string();
    };
    let want = match expected.trim() {
        "i64" | "u64" | "i32" | "u32" | "usize" => "a whole number",
        "a string" => "text",
        "a boolean" => "`true` or `false`",
        "a sequence" => "a list",
        e if e.starts_with("struct") || e == "a map" => "a map of fields",
        other => other,
    };
    let got = got
        .replace("string ", "the text ")
        .replace("sequence", "a list")
        .replace("map", "a map")
        .replace("integer ", "the number ");
    if field.is_empty() {
        format!("expected {want}, found {got}")
    } else {
        format!("`{field}` must be {want}, not {got}")
    }
}

/// A YAML value of any shape (for `extra` and data files).
pub type Value = serde_yaml::Value;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_syntax_errors_by_offset() {
        let err = from_str::<Value>("a: 1\nb: [\n").unwrap_err();
        assert!(err.offset.is_some());
        let d = err.diagnostic("data", Path::new("x.yaml"), "a: 1\nb: [\n", 0);
        assert!(!d.message.contains("at line"), "{}", d.message);
    }

    #[test]
    fn turns_relative_positions_into_file_lines() {
        let m = rewrite_positions(
            "did not find expected ']' at line 4 column 1, while parsing a flow sequence at line 2 column 7",
            1,
        );
        assert_eq!(
            m,
            "did not find expected ']', while parsing a flow sequence that starts on line 3"
        );
    }

    #[test]
    fn says_types_in_words() {
        assert_eq!(
            plain_types("weight: invalid type: string \"zwaar\", expected i64"),
            "`weight` must be a whole number, not the text \"zwaar\""
        );
    }

    #[test]
    fn explains_unknown_fields_with_a_suggestion() {
        let (msg, help) = explain("unknown field `titel`, expected one of `title`, `slug`");
        assert_eq!(msg, "unknown field `titel`");
        assert_eq!(help.as_deref(), Some("did you mean `title`?"));
        let (_, help) = explain("unknown field `zzz`, expected `title` or `slug`");
        assert_eq!(
            help.as_deref(),
            Some("the known fields are `title`, `slug`")
        );
    }

    #[test]
    fn rejects_a_key_written_twice() {
        let err = from_str::<serde_json::Value>("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(err.message.contains("duplicate"), "{}", err.message);
        let (msg, _) = explain("extra: duplicate entry with key \"a\"");
        assert_eq!(msg, "extra: `a` is written twice in one map");
    }

    #[test]
    fn checks_for_repeated_keys_only_when_one_may_be() {
        let front = "title: \"A: b\"\ndate: 2026-01-02\ntags: [a, b]\nextra:\n  width: 1\n  note: |\n    z: 2\n";
        assert!(!may_repeat_a_key(front));
        for text in [
            "a: 1\nb:\n  a: 2\n",
            "a: 1\n\"a\": 2\n",
            "a: {b: 1, b: 2}\n",
            "- a: 1\n  a: 2\n",
            "a : 1\na: 2\n",
            "1: x\n01: y\n",
            "true: x\nTrue: y\n",
            "? a\n: 1\na: 2\n",
            "x: &r 1\ny: *r\n",
        ] {
            assert!(may_repeat_a_key(text), "{text}");
        }
        proptest::proptest!(|(text in "([a-c ]{0,3}(- )?[ab01\"]{0,2}:( [ab{},]{0,4})?\n){0,6}")| {
            if !may_repeat_a_key(&text) {
                let full = serde_yaml::from_str::<Value>(&text);
                proptest::prop_assert!(
                    full.as_ref().err().is_none_or(|e| !e.to_string().contains("duplicate")),
                    "{:?}", full
                );
            }
        });
    }

    #[test]
    fn bounds_alias_expansion() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            text.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        assert!(from_str::<Value>(&text).is_err());
    }
}
