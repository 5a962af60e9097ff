//! Markdown bodies to HTML.
//!
//! Takes a page's markdown body (and where it starts in the file); produces
//! [`Markdown`]: HTML with a placeholder for every link to another content file, the
//! links themselves (resolved to page keys, with their byte spans for errors), the
//! headings with unique ids, the first paragraph as a summary, and a word count. Raw
//! HTML is sanitized unless the site trusts its content. Rejects links with unsafe
//! schemes (`javascript:`) and links that climb out of `content/`.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::sources::PageKey;
use crate::url::slugify;

/// Marks a placeholder for a resolved link: a private-use character in the destination,
/// which the HTML writer percent-encodes to `MARK`.
const MARK_CHAR: char = '\u{E000}';
const MARK: &str = "%EE%80%80";

/// A link from a page to another content file (`../welcome/iwcn.md#permits`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// As written in the markdown.
    pub dest: String,
    pub key: PageKey,
    /// Set when the link names a language file (`iwcn.en.md`).
    pub lang: Option<String>,
    pub fragment: Option<String>,
    /// Byte range of the destination in the whole file.
    pub span: Range<usize>,
}

/// A heading with its anchor id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// A problem in the markdown, with its byte range in the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub message: String,
    pub help: String,
    pub span: Range<usize>,
}

/// A page's first paragraph, rendered. (Not comparable: compare [`Summary::html`].)
#[derive(Debug, Clone)]
pub enum Summary {
    /// Where the body holds it as is (mostly: then it takes no memory of its own).
    Within(Range<usize>),
    /// Its own HTML, where the body does not hold it as is.
    Own(String),
}

impl Summary {
    /// The summary's HTML, given the body it was made with.
    pub fn html<'a>(&'a self, body: &'a str) -> &'a str {
        match self {
            Summary::Within(r) => body.get(r.clone()).unwrap_or(""),
            Summary::Own(s) => s,
        }
    }
}

/// A rendered markdown body.
#[derive(Debug, Clone, Default)]
pub struct Markdown {
    /// HTML with `MARK n MARK` where the URL of `links[n]` goes.
    pub html: String,
    pub summary: Option<Summary>,
    pub links: Vec<Link>,
    /// `#fragment` links within the page, with their spans.
    pub local_fragments: Vec<(String, Range<usize>)>,
    pub headings: Vec<Heading>,
    pub words: usize,
}

/// Renders `text[body..]`; `key` is the page's own key (links are relative to its
/// folder); `langs` are the site's language codes.
pub fn render(
    text: &str,
    body: usize,
    key: &PageKey,
    langs: &[&str],
    sanitize: bool,
) -> (Markdown, Vec<Problem>) {
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM;
    let mut events: Vec<(Event, Range<usize>)> = Parser::new_ext(&text[body..], opts)
        .into_offset_iter()
        .collect();
    let mut md = Markdown {
        headings: assign_heading_ids(&mut events),
        ..Markdown::default()
    };
    let mut problems = Vec::new();
    let mut raw_html = false;
    for (event, range) in &mut events {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                let span = locate_dest(text, body, range, dest_url);
                problems.extend(md.take_link(dest_url, span, key, langs));
            }
            Event::Text(t) => {
                md.words += t
                    .split_whitespace()
                    .filter(|w| w.chars().any(char::is_alphanumeric))
                    .count()
            }
            Event::Html(_) | Event::InlineHtml(_) => raw_html = true,
            _ => {}
        }
    }
    md.finish(events, text.len(), raw_html && sanitize);
    (md, problems)
}

impl Markdown {
    /// Notes the link or image to `dest_url` (at `span` in the file): a link to a content
    /// page becomes a numbered mark for its URL, an in-page fragment is kept for the
    /// check, an external one stays; a bad one is emptied and its problem returned.
    fn take_link(
        &mut self,
        dest_url: &mut CowStr,
        span: Range<usize>,
        key: &PageKey,
        langs: &[&str],
    ) -> Option<Problem> {
        match classify(dest_url, key, langs) {
            Ok(Target::External) => {}
            Ok(Target::Fragment(f)) => self.local_fragments.push((f, span)),
            Ok(Target::Page {
                key,
                lang,
                fragment,
            }) => {
                let n = self.links.len();
                self.links.push(Link {
                    dest: dest_url.to_string(),
                    key,
                    lang,
                    fragment,
                    span,
                });
                *dest_url = CowStr::from(format!("{MARK_CHAR}{n}{MARK_CHAR}"));
            }
            Err((message, help)) => {
                *dest_url = CowStr::from("");
                return Some(Problem {
                    message,
                    help,
                    span,
                });
            }
        }
        None
    }

    /// The HTML of `events` (from a text of `len` bytes) and its summary, both
    /// sanitized when `sanitize` (the text has raw HTML and the site asks for it).
    fn finish(&mut self, events: Vec<(Event, Range<usize>)>, len: usize, sanitize: bool) {
        let summary = summary(&events, sanitize);
        let mut html = String::with_capacity(len * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, events.into_iter().map(|(e, _)| e));
        // An exact copy: the body may live to the end of the build, and shrinking the
        // buffer in place would keep its whole block allocated.
        self.html = if sanitize {
            clean(&html)
        } else {
            html.as_str().to_owned()
        };
        self.summary = summary.map(|s| match first_occurrence(&self.html, &s) {
            Some(at) => Summary::Within(at..at + s.len()),
            None => Summary::Own(s),
        });
    }
}

/// Where `needle` first occurs in `hay`: [`str::find`], without preparing a search for
/// the whole of a long needle (a summary is a paragraph, found near the start). Matches
/// of its first bytes are found, then compared in full.
fn first_occurrence(hay: &str, needle: &str) -> Option<usize> {
    let prefix = &needle.as_bytes()[..needle.len().min(16)];
    memchr::memmem::find_iter(hay.as_bytes(), prefix)
        .find(|&at| hay.as_bytes()[at..].starts_with(needle.as_bytes()))
}

/// Replaces link placeholders with URLs (`urls[n]` for `links[n]`).
pub fn resolve(html: &str, urls: &[String]) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = rest.find(MARK) {
        out.push_str(&rest[..i]);
        let after = &rest[i + MARK.len()..];
        match after
            .find(MARK)
            .and_then(|j| after[..j].parse::<usize>().ok().map(|n| (j, n)))
        {
            Some((j, n)) if n < urls.len() => {
                out.push_str(&pulldown_cmark_escape_href(&urls[n]));
                rest = &after[j + MARK.len()..];
            }
            _ => {
                out.push_str(MARK);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn pulldown_cmark_escape_href(url: &str) -> String {
    let mut s = String::new();
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_href(&mut s, url);
    s
}

enum Target {
    External,
    Fragment(String),
    Page {
        key: PageKey,
        lang: Option<String>,
        fragment: Option<String>,
    },
}

fn classify(dest: &str, from: &PageKey, langs: &[&str]) -> Result<Target, (String, String)> {
    if let Some(f) = dest.strip_prefix('#') {
        return Ok(Target::Fragment(f.to_string()));
    }
    if let Some(scheme) = scheme(dest) {
        return if ["http", "https", "mailto", "tel"].contains(&scheme.to_ascii_lowercase().as_str())
        {
            Ok(Target::External)
        } else {
            Err((
                format!("links with the `{scheme}:` scheme are not allowed"),
                "link to an http(s), mailto: or tel: address".into(),
            ))
        };
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    let Some(stem) = path.strip_suffix(".md") else {
        return Ok(Target::External);
    };
    let joined = if let Some(abs) = stem.strip_prefix('/') {
        abs.to_string()
    } else if from.dir().is_empty() {
        stem.to_string()
    } else {
        format!("{}/{stem}", from.dir())
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err((
                        format!("`{dest}` points outside content/"),
                        "link to a file inside content/".into(),
                    ));
                }
            }
            s => parts.push(s),
        }
    }
    let mut key = parts.join("/");
    let mut lang = None;
    if let Some((k, l)) = key.rsplit_once('.')
        && langs.contains(&l)
    {
        lang = Some(l.to_string());
        key = k.to_string();
    }
    let percent_decoded = key.replace("%20", " ");
    Ok(Target::Page {
        key: PageKey::new(percent_decoded),
        lang,
        fragment,
    })
}

fn scheme(dest: &str) -> Option<&str> {
    let i = dest.find(':')?;
    let s = &dest[..i];
    let ok = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    ok.then_some(s).filter(|_| !dest.starts_with("//"))
}

/// The span of the destination text inside a link's source range, in file offsets.
fn locate_dest(text: &str, body: usize, range: &Range<usize>, dest: &str) -> Range<usize> {
    let (s, e) = (body + range.start, (body + range.end).min(text.len()));
    match text.get(s..e).and_then(|src| src.rfind(dest)) {
        Some(i) if !dest.is_empty() => s + i..s + i + dest.len(),
        _ => s..e,
    }
}

/// Gives every heading an id (its own `{#id}`, or one made from its text), unique in the page.
fn assign_heading_ids(events: &mut [(Event, Range<usize>)]) -> Vec<Heading> {
    let mut ids = UniqueIds::default();
    let mut headings = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i].0 {
            let (level, explicit) = (heading_level(*level), id.as_ref().map(|s| s.to_string()));
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j].0, Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j].0 {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| {
                let s = slugify(&text);
                if s.is_empty() {
                    "section".to_string()
                } else {
                    s
                }
            });
            let unique = ids.claim(base);
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i].0 {
                *id = Some(CowStr::from(unique.clone()));
            }
            headings.push(Heading {
                level,
                id: unique,
                text,
            });
            i = j;
        }
        i += 1;
    }
    headings
}

/// The ids given so far in a page: a taken id gets the first free `-1`, `-2`, … suffix.
#[derive(Default)]
struct UniqueIds {
    seen: HashSet<String>,
    /// For each id asked for again, the suffix to try next: those before it are
    /// taken (ids are never given back), so many headings of the same text (a page of
    /// questions all called "Answer") cost one try each, not one per earlier heading.
    next: std::collections::HashMap<String, usize>,
}

impl UniqueIds {
    fn claim(&mut self, base: String) -> String {
        if self.seen.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            let unique = format!("{base}-{n}");
            *n += 1;
            if self.seen.insert(unique.clone()) {
                return unique;
            }
        }
    }
}

fn heading_level(l: HeadingLevel) -> u8 {
    l as u8
}

/// The first paragraph, rendered.
fn summary(events: &[(Event, Range<usize>)], sanitize: bool) -> Option<String> {
    let start = events
        .iter()
        .position(|(e, _)| matches!(e, Event::Start(Tag::Paragraph)))?;
    let end = events[start..]
        .iter()
        .position(|(e, _)| matches!(e, Event::End(TagEnd::Paragraph)))?
        + start;
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        events[start..=end].iter().map(|(e, _)| e.clone()),
    );
    Some(if sanitize { clean(&html) } else { html })
}

/// Removes scripts, event handlers and unsafe URLs from HTML written by hand in markdown.
fn clean(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "lang", "dir", "title"])
        .add_tags(["input", "figure", "figcaption", "details", "summary"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tag_attributes("th", ["style"])
        .add_tag_attributes("td", ["style"])
        .link_rel(None);
    b.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_occurrence_like_find() {
        for (hay, needle) in [
            ("<p>a</p><p>ab</p><p>abc</p>", "<p>abc</p>"),
            ("<p>same</p><p>same</p>", "<p>same</p>"),
            (
                "<p>0123456789abcdefX</p><p>0123456789abcdefY</p>",
                "<p>0123456789abcdefY</p>",
            ),
            ("<p>x</p>", "<p>y</p>"),
            ("", "<p>"),
            ("<p>", ""),
        ] {
            assert_eq!(
                first_occurrence(hay, needle),
                hay.find(needle),
                "{hay} {needle}"
            );
        }
    }

    fn md(body: &str) -> (Markdown, Vec<Problem>) {
        render(
            body,
            0,
            &PageKey::new("sectors/energy"),
            &["nl", "en"],
            true,
        )
    }

    proptest::proptest! {
        #[test]
        fn ids_claimed_are_those_a_search_from_the_first_suffix_gives(
            bases in proptest::collection::vec("a|a-1|a-2|b|b-1|a-1-1", 0..24),
        ) {
            let mut ids = UniqueIds::default();
            let mut seen = HashSet::new();
            for base in bases {
                // The definition: try `base`, then `base-1`, `base-2`, … until one is free.
                let mut unique = base.clone();
                let mut n = 1;
                while !seen.insert(unique.clone()) {
                    unique = format!("{base}-{n}");
                    n += 1;
                }
                proptest::prop_assert_eq!(ids.claim(base), unique);
            }
        }
    }

    #[test]
    fn gives_headings_unique_ids() {
        let (m, _) =
            md("## Waterstof & energie\n\n## Waterstof & energie\n\n### Eigen {#mijn-id}\n");
        let ids: Vec<&str> = m.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["waterstof-energie", "waterstof-energie-1", "mijn-id"]);
        assert!(
            m.html.contains("<h2 id=\"waterstof-energie-1\">"),
            "{}",
            m.html
        );
    }

    #[test]
    fn resolves_links_to_content_files() {
        let (m, p) = md(
            "See [IWCN](../welcome/iwcn.md#permits), [x](health.en.md) and [ext](https://rug.nl).\n",
        );
        assert!(p.is_empty());
        assert_eq!(m.links[0].key.as_str(), "welcome/iwcn");
        assert_eq!(m.links[0].fragment.as_deref(), Some("permits"));
        assert_eq!(m.links[1].key.as_str(), "sectors/health");
        assert_eq!(m.links[1].lang.as_deref(), Some("en"));
        let html = resolve(
            &m.html,
            &["/nl/welkom/iwcn/#permits".into(), "/en/x/".into()],
        );
        assert!(html.contains("href=\"/nl/welkom/iwcn/#permits\""), "{html}");
        assert!(html.contains("href=\"https://rug.nl\""));
    }

    #[test]
    fn locates_link_destinations() {
        let text = "---\ntitle: T\n---\nA [b](missing.md).\n";
        let (m, _) = render(text, 16, &PageKey::new("a"), &["nl"], true);
        assert_eq!(&text[m.links[0].span.clone()], "missing.md");
    }

    #[test]
    fn refuses_script_urls_and_escaping_content() {
        let (_, p) = md("[x](javascript:alert(1)) [y](../../../etc/passwd.md)\n");
        assert_eq!(p.len(), 2);
        assert!(p[0].message.contains("javascript"));
        assert!(p[1].message.contains("outside content/"));
    }

    #[test]
    fn sanitizes_raw_html() {
        let (m, _) = md("<script>alert(1)</script>\n\n<p onclick=\"x()\">hi</p>\n\n- [x] done\n");
        assert!(!m.html.contains("<script"), "{}", m.html);
        assert!(!m.html.contains("onclick"));
        assert!(m.html.contains("checkbox"));
    }

    #[test]
    fn takes_the_first_paragraph_as_summary() {
        let (m, _) = md("## Kop\n\nEerste *alinea*.\n\nTweede.\n");
        assert_eq!(
            m.summary.as_ref().map(|s| s.html(&m.html)),
            Some("<p>Eerste <em>alinea</em>.</p>\n")
        );
        assert!(matches!(m.summary, Some(Summary::Within(_))));
        assert_eq!(m.words, 4);
    }
}
