//! Problems found in a user's files.
//!
//! Takes a path, the file's text and a byte range; produces a [`Diagnostic`] whose
//! line and column are resolved once, at creation, so it can be printed, sorted and
//! serialized without the source at hand. Rejects nothing: a range past the end of
//! the text is clamped to it.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// How bad a problem is. `--strict` turns warnings into failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where in a file a problem is: 1-based line and column (in characters), plus the
/// text of that line for the caret display.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
    /// Byte range in the file the problem covers.
    #[serde(skip)]
    pub span: Range<usize>,
    #[serde(skip)]
    pub line_text: String,
    /// Width of the underline in characters (at least 1).
    #[serde(skip)]
    pub width: usize,
}

impl Location {
    /// Resolves a byte range in `source` to a line, column and the line's text.
    pub fn resolve(source: &str, span: Range<usize>) -> Location {
        let start = floor_char_boundary(source, span.start.min(source.len()));
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = source[start..]
            .find('\n')
            .map_or(source.len(), |i| start + i);
        let line = source[..start].matches('\n').count() + 1;
        Location::of_line(source, start..end, line, line_start..line_end)
    }

    /// The location of `span` (on char boundaries) in `source`, on line number `line`,
    /// which spans `line_span` (without its newline).
    fn of_line(source: &str, span: Range<usize>, line: usize, line_span: Range<usize>) -> Location {
        let (start, end) = (span.start, span.end);
        let line_text = source[line_span.clone()].trim_end_matches('\r');
        let column = source[line_span.start..start].chars().count() + 1;
        let width = source[start..end.min(line_span.end).max(start)]
            .chars()
            .count()
            .max(1);
        Location {
            line,
            column,
            span: start..end,
            line_text: line_text.to_string(),
            width,
        }
    }
}

/// The line starts of a text, to place many offsets in it (a Fluent file's every
/// message) with one pass over the text rather than one per offset.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Lines<'a> {
        let after_newlines = memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
        Lines {
            text,
            starts: std::iter::once(0).chain(after_newlines).collect(),
        }
    }

    /// The line and column of byte `offset`, as [`Location::resolve`] gives them.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let (at, line) = self.line_of(offset);
        let column = self.text[self.starts[line - 1]..at].chars().count() + 1;
        (line, column)
    }

    /// Where byte range `span` is, as [`Location::resolve`] finds it in the text.
    pub fn resolve(&self, span: Range<usize>) -> Location {
        let source = self.text;
        let (start, line) = self.line_of(span.start);
        let end = floor_char_boundary(source, span.end.clamp(start, source.len()));
        let line_end = self.starts.get(line).map_or(source.len(), |&s| s - 1);
        Location::of_line(source, start..end, line, self.starts[line - 1]..line_end)
    }

    /// Byte `offset`, clamped to the text and a char boundary, and its 1-based line.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let at = floor_char_boundary(self.text, offset.min(self.text.len()));
        (at, self.starts.partition_point(|&s| s <= at))
    }

    /// The byte offset at which 1-based line `line` starts (the first line for 0).
    pub fn start_of(&self, line: usize) -> Option<usize> {
        self.starts.get(line.max(1) - 1).copied()
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem in one of the site's files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A short machine-readable class: `front-matter`, `link`, `fluent`, `template`, …
    pub kind: &'static str,
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    #[serde(flatten)]
    pub location: Option<Location>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The page key or Fluent message id the problem is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

impl Diagnostic {
    /// An error about a whole file (no position inside it).
    pub fn error(kind: &'static str, path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            path: path.as_ref().to_path_buf(),
            location: None,
            message: message.into(),
            help: None,
            subject: None,
        }
    }

    /// A warning about a whole file (no position inside it).
    pub fn warning(kind: &'static str, path: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(kind, path, message)
        }
    }

    /// Places the problem at `span` (byte offsets) in `source`, the file's text.
    pub fn at(mut self, source: &str, span: Range<usize>) -> Self {
        self.location = Some(Location::resolve(source, span));
        self
    }

    /// [`Diagnostic::at`] for a text whose [`Lines`] are at hand: one of many problems
    /// in the same file.
    pub fn at_line_of(mut self, lines: &Lines, span: Range<usize>) -> Self {
        self.location = Some(lines.resolve(span));
        self
    }

    /// Adds a suggestion for how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Names the page key or message id the problem is about.
    pub fn about(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: file, then position, then message, so output is stable.
    fn sort_key(&self) -> (&Path, usize, usize, &str) {
        let (line, col) = self
            .location
            .as_ref()
            .map_or((0, 0), |l| (l.line, l.column));
        (&self.path, line, col, &self.message)
    }
}

/// Sorts diagnostics by file and position and drops exact duplicates.
pub fn sort(diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    diagnostics.dedup();
}

impl fmt::Display for Diagnostic {
    /// `path:line:col: error: message`, then the source line with a caret, then `help:`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let path = self.path.display();
        match &self.location {
            Some(loc) => {
                writeln!(
                    f,
                    "{path}:{}:{}: {severity}: {}",
                    loc.line, loc.column, self.message
                )?;
                let gutter = loc.line.to_string().len();
                let text = loc.line_text.replace('\t', " ");
                writeln!(f, "{:gutter$} |", "")?;
                writeln!(f, "{} | {}", loc.line, text)?;
                let pad = " ".repeat(loc.column - 1);
                let marks = "^".repeat(loc.width);
                writeln!(f, "{:gutter$} | {pad}{marks}", "")?;
            }
            None => writeln!(f, "{path}: {severity}: {}", self.message)?,
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_line_and_column_in_characters() {
        let src = "a\nbé cd\n";
        let loc = Location::resolve(src, 6..8);
        assert_eq!((loc.line, loc.column, loc.width), (2, 4, 2));
        assert_eq!(loc.line_text, "bé cd");
    }

    proptest::proptest! {
        #[test]
        fn lines_place_a_span_where_resolving_it_alone_does(
            text in "[a\nb\r\u{e9}\u{1f600} ]{0,40}",
            offset in 0usize..50,
            len in 0usize..12,
        ) {
            let loc = Location::resolve(&text, offset..offset + len);
            let lines = Lines::new(&text);
            proptest::prop_assert_eq!(lines.line_column(offset), (loc.line, loc.column));
            proptest::prop_assert_eq!(lines.resolve(offset..offset + len), loc.clone());
            // Where that line starts, found by line number.
            let start = lines.start_of(loc.line).unwrap();
            proptest::prop_assert_eq!(Location::resolve(&text, start..start).line, loc.line);
            proptest::prop_assert_eq!(Location::resolve(&text, start..start).column, 1);
        }
    }

    #[test]
    fn clamps_spans_past_the_end() {
        let loc = Location::resolve("abc", 10..20);
        assert_eq!((loc.line, loc.column), (1, 4));
    }

    #[test]
    fn prints_path_line_col_caret_and_help() {
        let d = Diagnostic::error("front-matter", "content/a.nl.md", "unknown field `titel`")
            .at("---\ntitel: x\n---\n", 4..9)
            .with_help("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/a.nl.md:2:1: error: unknown field `titel`\n  |\n2 | titel: x\n  | ^^^^^\n  = help: did you mean `title`?\n"
        );
    }

    #[test]
    fn strips_carriage_returns_from_the_shown_line() {
        let loc = Location::resolve("x: 1\r\ny: 2\r\n", 6..7);
        assert_eq!(loc.line_text, "y: 2");
    }
}
