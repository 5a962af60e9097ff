//! Front matter: the YAML block between `---` lines at the top of a page.
//!
//! Takes a page's text and the site's taxonomy names; produces the typed
//! [`FrontMatter`] and the byte offset where the markdown body starts. Rejects a missing
//! or unclosed block, an empty one, YAML errors, unknown fields (with a suggestion),
//! wrong types, an empty title, impossible dates, unsafe slugs, templates and aliases — every problem
//! located at its line and column.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::date::DateTime;
use crate::diagnostic::Diagnostic;
use crate::suggest;
use crate::url;
use crate::yaml;

mod locate;
use locate::{find_field, find_in};

/// The fields a page may set.
pub const FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "updated",
    "draft",
    "slug",
    "weight",
    "tags",
    "template",
    "aliases",
    "image",
    "image_alt",
    "event",
    "extra",
    "translate",
];

#[derive(Debug, Deserialize)]
struct Raw {
    title: String,
    description: Option<String>,
    date: Option<String>,
    updated: Option<String>,
    #[serde(default)]
    draft: bool,
    slug: Option<String>,
    weight: Option<i64>,
    template: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    image: Option<String>,
    image_alt: Option<String>,
    event: Option<RawEvent>,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
    #[serde(default = "yes")]
    translate: bool,
    #[serde(flatten)]
    other: BTreeMap<String, yaml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    start: String,
    end: Option<String>,
    location: Option<String>,
    url: Option<String>,
}

/// A calendar entry.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Event {
    pub start: DateTime,
    pub end: Option<DateTime>,
    pub location: Option<String>,
    pub url: Option<String>,
}

/// A page's validated front matter.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<DateTime>,
    pub updated: Option<DateTime>,
    pub draft: bool,
    pub slug: Option<String>,
    pub weight: Option<i64>,
    pub template: Option<String>,
    pub aliases: Vec<String>,
    pub image: Option<String>,
    pub image_alt: Option<String>,
    pub event: Option<Event>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// `false` when the page exists in its language only, on purpose.
    pub translate: bool,
    /// Terms per taxonomy name (`tags: [energie, talent]`); a one-off build empties it
    /// once its page has its terms ([`crate::site::Site::drop_inputs`]).
    pub taxonomies: BTreeMap<String, Vec<String>>,
}

/// Where the parts of a page's text are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the YAML between the `---` lines.
    pub yaml: (usize, usize),
    /// Byte offset where the markdown body starts.
    pub body: usize,
}

/// Finds the front matter block. The first line must be `---`; the block ends at the
/// next line that is `---` (trailing spaces and `\r` allowed).
pub fn split(path: &Path, text: &str) -> Result<Split, Diagnostic> {
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text.trim().is_empty() {
        return Err(Diagnostic::error("front-matter", path, "the file is empty")
            .at(text, 0..0)
            .with_help("start the page with front matter: `---`, `title: …`, `---`"));
    }
    if text[..first_end].trim_end() != "---" {
        return Err(Diagnostic::error(
            "front-matter",
            path,
            "the page does not start with front matter",
        )
        .at(text, 0..first_end.saturating_sub(1))
        .with_help("put `---` on the first line, then `title: …`, then `---`"));
    }
    let mut pos = first_end;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..end].trim_end() == "---" {
            return Ok(Split {
                yaml: (first_end, pos),
                body: end,
            });
        }
        pos = end;
    }
    Err(
        Diagnostic::error("front-matter", path, "the front matter is never closed")
            .at(text, 0..3)
            .with_help("add a line with `---` after the last front-matter field"),
    )
}

/// Parses and validates the front matter of `text` (already split).
pub fn parse(
    path: &Path,
    text: &str,
    at: Split,
    taxonomies: &[&str],
) -> Result<FrontMatter, Vec<Diagnostic>> {
    let (start, end) = at.yaml;
    if text[start..end].trim().is_empty() {
        let d = Diagnostic::error("front-matter", path, "the front matter is empty").at(text, 0..3);
        return Err(vec![
            d.with_help("add at least `title: …` between the `---` lines"),
        ]);
    }
    let raw: Raw = yaml::from_str(&text[start..end]).map_err(|e| {
        let d = e.diagnostic("front-matter", path, text, start);
        let missing_title = d.message.contains("missing field `title`");
        vec![if missing_title {
            d.with_help("every page needs `title: …`")
        } else {
            d
        }]
    })?;
    let mut c = Checker {
        path,
        text,
        start,
        end,
        problems: Vec::new(),
    };
    let fm = FrontMatter {
        date: c.date("date", raw.date),
        updated: c.date("updated", raw.updated),
        event: raw.event.and_then(|ev| c.event(ev)),
        slug: raw.slug.and_then(|slug| c.slug(slug)),
        template: raw.template.and_then(|t| c.template(t)),
        aliases: c.aliases(raw.aliases),
        taxonomies: c.taxonomies(raw.other, taxonomies),
        title: c.title(raw.title),
        description: raw.description,
        draft: raw.draft,
        translate: raw.translate,
        weight: raw.weight,
        image: raw.image,
        image_alt: raw.image_alt,
        extra: raw.extra,
    };
    if c.problems.is_empty() {
        Ok(fm)
    } else {
        Err(c.problems)
    }
}

/// Checks fields one by one, collecting every problem located in the file.
struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    /// The YAML block's byte range in `text`.
    start: usize,
    end: usize,
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn problem(&mut self, span: Option<(usize, usize)>, message: String, help: &str) {
        let d = Diagnostic::error("front-matter", self.path, message).with_help(help);
        self.problems.push(match span {
            Some((s, e)) => d.at(self.text, s..e),
            None => d,
        });
    }

    fn field(&self, name: &str) -> Option<(usize, usize)> {
        find_field(self.text, self.start, self.end, name)
    }

    /// The title, which pages, lists, feeds and the browser's tab show: never blank.
    fn title(&mut self, title: String) -> String {
        if title.trim().is_empty() {
            self.problem(
                self.field("title"),
                "the `title` is empty".into(),
                "write the page's title after `title:`",
            );
        }
        title
    }

    fn date(&mut self, field: &str, value: Option<String>) -> Option<DateTime> {
        match DateTime::parse(&value?) {
            Ok(d) => Some(d),
            Err(why) => {
                self.problem(
                    self.field(field),
                    format!("`{field}`: {why}"),
                    "write dates as `2026-11-26` or `2026-11-26T19:30`",
                );
                None
            }
        }
    }

    fn event(&mut self, ev: RawEvent) -> Option<Event> {
        let start = self.date("start", Some(ev.start));
        let end = self.date("end", ev.end);
        if let (Some(s), Some(e)) = (&start, &end)
            && e < s
        {
            self.problem(
                self.field("end"),
                "the event ends before it starts".into(),
                "check `start` and `end`",
            );
        }
        // Templates put the event's website in an `href`: only web addresses, never
        // `javascript:`.
        let url = ev.url.filter(|u| {
            let web = is_web_url(u);
            if !web {
                self.problem(
                    self.field("url"),
                    format!("the event's `url` `{u}` is not a web address"),
                    "write it like `https://example.nl/event`",
                );
            }
            web
        });
        Some(Event {
            start: start?,
            end,
            location: ev.location,
            url,
        })
    }

    fn slug(&mut self, slug: String) -> Option<String> {
        if url::is_safe_segment(&slug) {
            return Some(slug);
        }
        let message = format!("slug `{slug}` cannot be used as one URL segment");
        self.problem(
            self.field("slug"),
            message,
            "use letters, digits and `-`, without `/`, `..`, spaces or `?#%&`",
        );
        None
    }

    fn template(&mut self, t: String) -> Option<String> {
        if t.split('/').all(url::is_safe_segment) {
            return Some(t);
        }
        let message = format!("template `{t}` is not a template name");
        self.problem(
            self.field("template"),
            message,
            "name a file in the theme's templates/, like `page.html`",
        );
        None
    }

    fn aliases(&mut self, aliases: Vec<String>) -> Vec<String> {
        for alias in aliases.iter().filter(|a| !is_safe_alias(a)) {
            let span = find_in(self.text, self.start, self.end, alias);
            self.problem(
                span,
                format!("alias `{alias}` is not a safe site path"),
                "write a root-relative path like `/nl/oud/adres/`, without `..`",
            );
        }
        aliases
    }

    /// The fields serde did not know: the site's taxonomies, or mistakes.
    fn taxonomies(
        &mut self,
        other: BTreeMap<String, yaml::Value>,
        taxonomies: &[&str],
    ) -> BTreeMap<String, Vec<String>> {
        let mut found = BTreeMap::new();
        for (key, value) in other {
            if !taxonomies.contains(&key.as_str()) {
                let known = FIELDS
                    .iter()
                    .copied()
                    .filter(|f| *f != "tags")
                    .chain(taxonomies.iter().copied());
                let help = match suggest::closest(&key, known) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "custom fields go under `extra:`".to_string(),
                };
                self.problem(self.field(&key), format!("unknown field `{key}`"), &help);
            } else if let Some(list) = terms(value) {
                found.insert(key, list);
            } else {
                self.problem(
                    self.field(&key),
                    format!("`{key}` must be a list of names"),
                    "write it like `tags: [energie, talent]`",
                );
            }
        }
        found
    }
}

fn yes() -> bool {
    true
}

fn terms(value: yaml::Value) -> Option<Vec<String>> {
    let seq = value.as_sequence()?;
    seq.iter()
        .map(|v| match v {
            yaml::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            yaml::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
        .collect()
}

fn is_web_url(u: &str) -> bool {
    let lower = u.to_ascii_lowercase();
    ["https://", "http://"]
        .iter()
        .any(|p| lower.starts_with(p) && lower.len() > p.len())
        && !u.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_safe_alias(alias: &str) -> bool {
    let Some(rest) = alias.strip_prefix('/') else {
        return false;
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    !rest.is_empty() && rest.split('/').all(url::is_safe_segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(text: &str) -> Result<FrontMatter, Vec<Diagnostic>> {
        let p = Path::new("x.md");
        let at = split(p, text).map_err(|d| vec![d])?;
        parse(p, text, at, &["tags"])
    }

    fn first_error(text: &str) -> (String, usize, usize, Option<String>) {
        let d = fm(text).unwrap_err().remove(0);
        let l = d.location.unwrap();
        (d.message, l.line, l.column, d.help)
    }

    #[test]
    fn splits_front_matter_with_crlf() {
        let text = "---\r\ntitle: A\r\n---\r\nbody\r\n";
        let at = split(Path::new("x"), text).unwrap();
        assert_eq!(&text[at.body..], "body\r\n");
        assert_eq!(fm(text).unwrap().title, "A");
    }

    #[test]
    fn reads_every_field() {
        let f = fm("---\ntitle: T\nslug: energie\nweight: 2\ndate: 2026-11-26\ntags: [a, b]\nevent: {start: 2026-11-26T19:30, location: Forum}\nextra: {x: 1}\n---\n").unwrap();
        assert_eq!(f.slug.as_deref(), Some("energie"));
        assert_eq!(f.taxonomies["tags"], vec!["a", "b"]);
        assert_eq!(f.event.unwrap().location.as_deref(), Some("Forum"));
        assert_eq!(f.extra["x"], serde_json::json!(1));
    }

    #[test]
    fn suggests_the_field_meant() {
        let (msg, line, col, help) = first_error("---\ntitle: T\ntitel: U\n---\n");
        assert_eq!((msg.as_str(), line, col), ("unknown field `titel`", 3, 1));
        assert_eq!(help.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn requires_a_title() {
        let (msg, line, _, _) = first_error("---\ndescription: D\n---\n");
        assert!(msg.contains("missing field `title`"), "{msg}");
        assert_eq!(line, 2);
    }

    #[test]
    fn rejects_an_empty_title_at_its_line() {
        for text in [
            "---\ndescription: D\ntitle:\n---\n",
            "---\ndescription: D\ntitle: \"  \"\n---\n",
            "---\ndescription: D\ntitle: ''\n---\n",
        ] {
            let (msg, line, col, help) = first_error(text);
            assert_eq!(
                (msg.as_str(), line, col),
                ("the `title` is empty", 3, 1),
                "{text}"
            );
            assert!(help.unwrap().contains("title"));
        }
        assert_eq!(fm("---\ntitle: T\n---\n").unwrap().title, "T");
    }

    #[test]
    fn rejects_impossible_dates_at_their_line() {
        let (msg, line, col, _) = first_error("---\ntitle: T\ndate: 2026-02-30\n---\n");
        assert_eq!((line, col), (3, 1));
        assert!(msg.contains("February 2026 has 28 days"), "{msg}");
    }

    #[test]
    fn rejects_unsafe_slugs_and_aliases() {
        assert!(
            first_error("---\ntitle: T\nslug: ../etc\n---\n")
                .0
                .contains("slug")
        );
        assert!(
            first_error("---\ntitle: T\naliases: [/a/../../b/]\n---\n")
                .0
                .contains("alias")
        );
    }

    #[test]
    fn accepts_only_web_addresses_as_event_urls() {
        let page = |url: &str| {
            format!("---\ntitle: T\nevent:\n  start: 2026-11-26\n  url: '{url}'\n---\n")
        };
        assert!(fm(&page("https://forum.nl/x")).is_ok());
        for bad in [
            "javascript:alert(1)",
            " https://x.nl",
            "//x.nl",
            "data:text/html,x",
            "https://",
        ] {
            assert!(
                first_error(&page(bad)).0.contains("not a web address"),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_missing_and_unclosed_blocks() {
        assert!(
            first_error("# hello\n")
                .0
                .contains("does not start with front matter")
        );
        assert!(first_error("---\ntitle: T\n").0.contains("never closed"));
        assert!(first_error("").0.contains("empty"));
        assert!(
            first_error("---\n---\n")
                .0
                .contains("front matter is empty")
        );
    }

    #[test]
    fn locates_wrong_types() {
        let (msg, line, _, _) = first_error("---\ntitle: T\nweight: heavy\n---\n");
        assert!(msg.contains("weight"), "{msg}");
        assert_eq!(line, 3);
    }
}
