//! The link check of a built site: every root-relative `href` and `src` in the built
//! HTML must name a built file, and its `#fragment` an `id` in that file.
//!
//! Takes the rendered [`Output`]; produces diagnostics (a missing file is an error, a
//! missing `id` a warning). The whole check ([`output_links`]), a scan beside
//! publishing ([`LinkScan`]); the dev server's check that reads again only what
//! changed is [`super::LinkMemo`].

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::once_map::OnceMap;
use crate::render::Output;

/// Every root-relative `href`/`src` in the built HTML must name a built file (else an
/// error), and its `#fragment` an `id` in that file (else a warning, unless `reported`
/// — `url#fragment` strings from content — already said so with a line and column).
pub fn output_links(output: &Output, reported: &BTreeSet<String>) -> Vec<Diagnostic> {
    LinkScan::default().finish(output, reported)
}

/// The link check of the HTML files an output has so far: the part that reads every
/// byte, done before the published files are added (the build runs it beside
/// publishing). Links to files already built are settled at once; the few to files not
/// built yet (feeds, static files) wait for [`LinkScan::finish`]. Files are only ever
/// added to an output, never replaced, so what is settled stays settled.
///
/// A one-off build that writes each page as soon as it is rendered scans it then
/// (`LinkScan::page`) and keeps only what it left (`LinkScan::written`).
#[derive(Default)]
pub struct LinkScan<'w> {
    /// What each scanned file left, in the order of its links.
    files: HashMap<String, Vec<Seen>>,
    /// The files written to disk as they were rendered (their output entries hold no
    /// bytes), and the folder they are in.
    written: Option<(&'w HashSet<String, FastHash>, &'w Path)>,
}

/// What the scan of one page as it was rendered left: its problems and the links it
/// could not settle yet, in the order of its links.
pub(crate) struct PageScan(Vec<Seen>);

/// A link the scan found broken, or could not settle yet.
pub(super) enum Seen {
    Problem(Box<Diagnostic>),
    /// A link to a file not built yet, or to an `id` in a file whose bytes are not at
    /// hand: its URL as written.
    Pending(Box<str>),
}

/// What a link check knows of the file a link names.
pub(super) enum Target<'a> {
    /// Not built (so far).
    Missing,
    /// Built, with these bytes.
    Built(&'a [u8]),
    /// Built, but its bytes are not at hand (written to disk as it was rendered).
    Written,
}

impl<'a> From<Option<&'a [u8]>> for Target<'a> {
    fn from(bytes: Option<&'a [u8]>) -> Target<'a> {
        bytes.map_or(Target::Missing, Target::Built)
    }
}

impl<'w> LinkScan<'w> {
    /// Checks every UTF-8 HTML file of `output` against the files it has so far.
    pub fn of(output: &Output, reported: &BTreeSet<String>) -> LinkScan<'w> {
        let built = built(output);
        let links = Links {
            file: |t: &str, _| built.get(t).copied().into(),
            reported,
            complete: false,
            ids: TargetIds::default(),
        };
        LinkScan {
            files: output
                .files
                .par_iter()
                .filter(|(p, _)| p.ends_with(".html"))
                .filter_map(|(p, b)| {
                    std::str::from_utf8(b).ok()?;
                    Some((p.clone(), links.scan(p, b)))
                })
                .collect(),
            written: None,
        }
    }

    /// Checks the HTML file `path` (`text`) as it is rendered, before its bytes are
    /// written and freed: `known` tells whether a path is to be built. Links to
    /// known files are settled at once; those to other files, and to an `id` in
    /// another page, wait for [`LinkScan::finish`]. None when it left nothing (the
    /// usual case) or is not a UTF-8 HTML file.
    pub(crate) fn page(
        path: &str,
        text: &[u8],
        known: impl Fn(&str) -> bool,
        reported: &BTreeSet<String>,
    ) -> Option<PageScan> {
        if !path.ends_with(".html") {
            return None;
        }
        std::str::from_utf8(text).ok()?;
        let links = Links {
            file: |t: &str, _| match t {
                _ if t == path => Target::Built(text),
                _ if known(t) => Target::Written,
                _ => Target::Missing,
            },
            reported,
            complete: false,
            ids: TargetIds::default(),
        };
        let seen = links.scan(path, text);
        (!seen.is_empty()).then_some(PageScan(seen))
    }

    /// The scan of files `written` to the folder `dir` as they were rendered: what
    /// their [`LinkScan::page`] left (`left`); the others left nothing.
    pub(crate) fn written(
        left: Vec<(String, PageScan)>,
        written: &'w HashSet<String, FastHash>,
        dir: &'w Path,
    ) -> LinkScan<'w> {
        LinkScan {
            files: left.into_iter().map(|(p, s)| (p, s.0)).collect(),
            written: Some((written, dir)),
        }
    }

    /// The problems, once `output` is complete: pending links are checked again, and
    /// HTML files added since the scan are checked whole. The pages whose `id`s
    /// pending links look for and that were written as rendered are read back.
    pub fn finish(mut self, output: &Output, reported: &BTreeSet<String>) -> Vec<Diagnostic> {
        // Each file's scan found, beside the index of every file, on both cores.
        let (html, built) = rayon::join(
            || -> Vec<_> {
                output
                    .files
                    .iter()
                    .filter(|(p, _)| p.ends_with(".html"))
                    .map(|(p, b)| (p, &b[..], self.files.remove(p.as_str())))
                    .collect()
            },
            || built(output),
        );
        let written = |t: &str| self.written.is_some_and(|(w, _)| w.contains(t));
        let at_hand = |t: &str| match written(t) {
            true => Target::Written,
            false => built.get(t).copied().into(),
        };
        let links = Links {
            file: |t: &str, _| at_hand(t),
            reported,
            complete: true,
            ids: TargetIds::default(),
        };
        let seen: Vec<(&String, &[u8], Vec<Seen>)> = html
            .into_par_iter()
            .filter_map(|(path, text, seen)| match seen {
                Some(seen) => Some((path, text, seen)),
                None if written(path) => None,
                None => {
                    std::str::from_utf8(text).ok()?;
                    Some((path, text, links.scan(path, text)))
                }
            })
            .collect();
        let read = self
            .written
            .map(|(_, dir)| read_back(&seen, &links, dir))
            .unwrap_or_default();
        let links = Links {
            file: |t: &str, _| match read.get(t) {
                Some(bytes) => Target::Built(bytes),
                None => at_hand(t),
            },
            reported,
            complete: true,
            ids: TargetIds::default(),
        };
        let mut problems: Vec<Diagnostic> = seen
            .into_par_iter()
            .flat_map_iter(|(path, text, seen)| links.problems(path, text, seen))
            .collect();
        problems.dedup();
        problems
    }
}

/// The files written as rendered in `dir` whose bytes the pending links of `seen`
/// want (to look for an `id`), read back; one that cannot be read counts as empty.
fn read_back<'a, F: Fn(&str, bool) -> Target<'a> + Sync>(
    seen: &[(&String, &[u8], Vec<Seen>)],
    links: &Links<'a, F>,
    dir: &Path,
) -> HashMap<String, Vec<u8>> {
    let wanted = std::sync::Mutex::new(HashSet::new());
    let note = Links {
        file: |t: &str, read: bool| {
            let found = (links.file)(t, read);
            if read && matches!(found, Target::Written) {
                wanted.lock().unwrap().insert(t.to_string());
            }
            found
        },
        reported: links.reported,
        complete: true,
        ids: TargetIds::default(),
    };
    seen.par_iter()
        .filter(|(_, _, s)| s.iter().any(|s| matches!(s, Seen::Pending(_))))
        .for_each(|(path, text, seen)| {
            let page = OwnIds::of(text);
            let mut scratch = String::new();
            for s in seen {
                if let Seen::Pending(url) = s {
                    note.check_url(path, &page, url, &mut scratch);
                }
            }
        });
    let wanted: Vec<String> = wanted.into_inner().unwrap().into_iter().collect();
    wanted
        .into_par_iter()
        .map(|t| {
            let bytes = std::fs::read(dir.join(&t)).unwrap_or_default();
            (t, bytes)
        })
        .collect()
}

pub(crate) use crate::publish::search::FastHash;

/// The files of an output by path. Hashing each path once beats comparing long shared
/// prefixes in the BTreeMap for every link of every page; the paths are the site's
/// own, so a fast hash will do.
pub(super) fn built(output: &Output) -> HashMap<&str, &[u8], FastHash> {
    output
        .files
        .iter()
        .map(|(p, b)| (p.as_str(), &b[..]))
        .collect()
}

/// Checks links against the files of an output.
pub(super) struct Links<'a, F> {
    /// What is known of a file by output path, and whether its bytes are wanted (to
    /// look for an `id`).
    pub(super) file: F,
    pub(super) reported: &'a BTreeSet<String>,
    /// Whether every file is there: else a link to a file not built is left pending.
    pub(super) complete: bool,
    /// The `id`s of the files linked into, as they are read.
    pub(super) ids: TargetIds<'a>,
}

/// The `id`s of each file that links point into (`/nl/x/#kop`), found on the first
/// such link: a page that every page links into (a glossary) is read once for them
/// all, not once per link.
#[derive(Default)]
pub(super) struct TargetIds<'a>(OnceMap<String, HashSet<&'a [u8], FastHash>>);

impl<'a> TargetIds<'a> {
    /// Whether the file `target` (`bytes`) has an element with `id="fragment"` (either
    /// quote); ids count only in UTF-8 files. [`has_id`] of the file, from one pass
    /// over it for all of its links.
    fn has(&self, target: &str, bytes: &'a [u8], fragment: &str) -> bool {
        // A quote in the fragment could end an attribute value inside it.
        if fragment.contains(['"', '\'']) {
            return has_id(bytes, fragment) && std::str::from_utf8(bytes).is_ok();
        }
        let ids = self
            .0
            .get_or_make(target.to_string(), || match std::str::from_utf8(bytes) {
                Ok(_) => attribute_ranges(bytes, "id=")
                    .map(|(a, z)| &bytes[a..z])
                    .collect(),
                Err(_) => HashSet::default(),
            });
        ids.contains(fragment.as_bytes())
    }
}

impl<'a, F: Fn(&str, bool) -> Target<'a>> Links<'a, F> {
    /// What is wrong with the links of one UTF-8 HTML file, in their order.
    pub(super) fn scan(&self, path: &str, text: &[u8]) -> Vec<Seen> {
        let mut scratch = String::new();
        let page = OwnIds::of(text);
        link_ranges(text)
            .filter_map(|range| self.check(path, &page, range, &mut scratch))
            .collect()
    }

    /// The problems among what a scan of `path` saw, its pending links checked again.
    pub(super) fn problems(&self, path: &str, text: &[u8], seen: Vec<Seen>) -> Vec<Diagnostic> {
        let mut scratch = String::new();
        let page = OwnIds::of(text);
        seen.into_iter()
            .filter_map(|s| match s {
                Seen::Pending(url) => self.check_url(path, &page, &url, &mut scratch),
                problem => Some(problem),
            })
            .filter_map(|s| match s {
                Seen::Problem(d) => Some(*d),
                Seen::Pending(..) => None,
            })
            .collect()
    }

    /// What is wrong with the link at `a..z` of the file `from`, if anything.
    fn check(
        &self,
        from: &str,
        page: &OwnIds,
        (a, z): (usize, usize),
        scratch: &mut String,
    ) -> Option<Seen> {
        // Links end at a quote, so they are whole characters of a UTF-8 file.
        let url = std::str::from_utf8(&page.text[a..z]).ok()?;
        self.check_url(from, page, url, scratch)
    }

    /// What is wrong with the link to `url` of the file `from`, if anything.
    fn check_url(
        &self,
        from: &str,
        page: &OwnIds,
        url: &str,
        scratch: &mut String,
    ) -> Option<Seen> {
        // Links to an id of the same page (`#main`) need no lookup.
        if own_id_found(page, url) {
            return None;
        }
        let problem = match broken(&self.file, &self.ids, from, url, scratch)? {
            Broken::File(_) if !self.complete => return Some(Seen::Pending(url.into())),
            Broken::Unread => return Some(Seen::Pending(url.into())),
            Broken::File(why) => Diagnostic::error(
                "link",
                Path::new(from),
                format!("the built page links to `{url}`, {why}"),
            ),
            Broken::Anchor(target, fragment, why)
                if !self
                    .reported
                    .contains(&format!("{}#{fragment}", url_of(&target))) =>
            {
                Diagnostic::warning(
                    "link",
                    Path::new(from),
                    format!("the built page links to `{url}`, {why}"),
                )
            }
            Broken::Anchor(..) => return None,
        };
        let help = "fix the link in the template or content that produces it";
        Some(Seen::Problem(Box::new(problem.with_help(help))))
    }
}

/// A page being checked, with the values of its `id` attributes, read once on the
/// first link to one of them (a page links to its own headings, `#main` and `#top`).
struct OwnIds<'h> {
    text: &'h [u8],
    ids: std::cell::OnceCell<HashSet<&'h [u8], FastHash>>,
}

impl<'h> OwnIds<'h> {
    fn of(text: &'h [u8]) -> OwnIds<'h> {
        OwnIds {
            text,
            ids: Default::default(),
        }
    }

    /// [`has_id`] of the page, from one pass over it for all of its links.
    fn has(&self, fragment: &str) -> bool {
        // A quote in the fragment could end an attribute value inside it.
        if fragment.contains(['"', '\'']) {
            return has_id(self.text, fragment);
        }
        let ids = self.ids.get_or_init(|| {
            let values = attribute_ranges(self.text, "id=");
            values.map(|(a, z)| &self.text[a..z]).collect()
        });
        ids.contains(fragment.as_bytes())
    }
}

/// Whether `url` is a link to an `id` of the page itself (`#main`, `?x#main`) that the
/// page has: a link [`broken`] would find nothing wrong with.
fn own_id_found(page: &OwnIds, url: &str) -> bool {
    let url: Cow<str> = if url.contains("&amp;") {
        Cow::Owned(url.replace("&amp;", "&"))
    } else {
        Cow::Borrowed(url)
    };
    let Some((path, fragment)) = url.split_once('#') else {
        return false;
    };
    path.split('?').next().unwrap_or("").is_empty() && !fragment.is_empty() && page.has(fragment)
}

/// What is wrong with a link: no such file, or no such `id` in it.
enum Broken {
    File(String),
    /// The file is built, but its bytes (to look for the `id`) are not at hand.
    Unread,
    /// Target file, fragment, explanation.
    Anchor(String, String, String),
}

/// `nl/x/index.html` → `/nl/x/`.
fn url_of(file: &str) -> String {
    format!("/{}", file.strip_suffix("index.html").unwrap_or(file))
}

/// `scratch` holds a target that has to be built (`nl/x/` → `nl/x/index.html`), so
/// checking a link allocates nothing unless it is broken. `file` gives a built file's
/// bytes; `from` is a UTF-8 HTML file.
fn broken<'o>(
    file: &impl Fn(&str, bool) -> Target<'o>,
    ids: &TargetIds<'o>,
    from: &str,
    url: &str,
    scratch: &mut String,
) -> Option<Broken> {
    let url: Cow<str> = if memchr::memchr(b'&', url.as_bytes()).is_some() && url.contains("&amp;") {
        Cow::Owned(url.replace("&amp;", "&"))
    } else {
        Cow::Borrowed(url)
    };
    let (path, fragment) = match url.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (&*url, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let target: &str = if path.is_empty() {
        from
    } else if path.starts_with('/') && !path.starts_with("//") {
        let rel = path.trim_start_matches('/');
        let rel = if rel.contains('%') {
            Cow::Owned(percent_decode(rel))
        } else {
            Cow::Borrowed(rel)
        };
        scratch.clear();
        scratch.push_str(&rel);
        if rel.is_empty() || rel.ends_with('/') {
            scratch.push_str("index.html");
        }
        scratch
    } else {
        return None;
    };
    let read = fragment.is_some_and(|f| !f.is_empty()) && target.ends_with(".html");
    let bytes = match file(target, read) {
        Target::Missing => return Some(Broken::File("which is not built".to_string())),
        Target::Written if read => return Some(Broken::Unread),
        Target::Written => return None,
        Target::Built(bytes) => bytes,
    };
    let f = fragment.filter(|f| !f.is_empty() && target.ends_with(".html"))?;
    if ids.has(target, bytes, f) {
        return None;
    }
    let why = format!("but {target} has no element with id `{f}`");
    Some(Broken::Anchor(target.to_string(), f.to_string(), why))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The character that ends `bytes[..at]` of a UTF-8 text, if any.
fn char_before(bytes: &[u8], at: usize) -> Option<char> {
    let mut start = at.checked_sub(1)?;
    while start > 0 && at - start < 4 && bytes[start] & 0xC0 == 0x80 {
        start -= 1;
    }
    std::str::from_utf8(&bytes[start..at])
        .ok()?
        .chars()
        .next_back()
}

/// Whether the HTML has an element with `id="fragment"` (either quote).
fn has_id(html: &[u8], fragment: &str) -> bool {
    ['"', '\''].iter().any(|q| {
        let needle = format!("id={q}{fragment}{q}");
        memchr::memmem::find_iter(html, needle.as_bytes())
            .any(|i| char_before(html, i).is_some_and(char::is_whitespace))
    })
}

/// Byte ranges of the values of every `href="…"`, then every `src="…"` (double or
/// single quotes) in a UTF-8 HTML file.
fn link_ranges(html: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    ["href=", "src="]
        .into_iter()
        .flat_map(move |name| attribute_ranges(html, name))
}

fn attribute_ranges<'h>(
    html: &'h [u8],
    needle: &'static str,
) -> impl Iterator<Item = (usize, usize)> + 'h {
    memchr::memmem::find_iter(html, needle.as_bytes()).filter_map(move |i| {
        if !char_before(html, i)?.is_whitespace() {
            return None;
        }
        let start = i + needle.len();
        let quote = *html.get(start).filter(|q| **q == b'"' || **q == b'\'')?;
        let end = memchr::memchr(quote, &html[start + 1..])?;
        Some((start + 1, start + 1 + end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_to_pages_and_anchors_that_were_not_built() {
        let o = Output::of(&[
            (
                "nl/index.html",
                "<a href=\"/nl/x/\">x</a> <a href=\"/nl/y/#kop\">y</a> <a href=\"/nl/x/#nee\">z</a> <a href=\"https://e.org/a\">e</a> <a href=\"#top\">t</a>",
            ),
            ("nl/x/index.html", "<h2 id=\"kop\">"),
        ]);
        let msgs: Vec<String> = output_links(&o, &Default::default())
            .into_iter()
            .map(|d| d.message)
            .collect();
        assert_eq!(
            msgs,
            [
                "the built page links to `/nl/y/#kop`, which is not built",
                "the built page links to `/nl/x/#nee`, but nl/x/index.html has no element with id `nee`",
                "the built page links to `#top`, but nl/index.html has no element with id `top`",
            ]
        );
    }

    #[test]
    fn links_into_one_page_find_its_ids_as_a_search_for_each_would() {
        let glossary = "<h2 id=\"a\">a</h2><h2\tid='b'>b</h2><p data-id=\"c\">c</p><h2 id=\"d'e\">";
        let mut output = Output::of(&[
            ("nl/woorden/index.html", glossary),
            (
                "nl/x/index.html",
                "<a href=\"/nl/woorden/#a\"></a><a href='/nl/woorden/#b'></a><a href=\"/nl/woorden/#c\"></a>",
            ),
            (
                "nl/y/index.html",
                "<a href=\"/nl/woorden/#b\"></a><a href=\"/nl/woorden/#d'e\"></a><a href=\"/nl/z/#a\"></a><a href=\"/nl/woorden/#zz\"></a>",
            ),
        ]);
        // Not UTF-8: its id counts for nothing.
        let latin1 = bytes::Bytes::from_static(b"<h2 id=\"a\">caf\xe9</h2>");
        output.files.insert("nl/z/index.html".to_string(), latin1);
        let msgs: Vec<String> = output_links(&output, &Default::default())
            .into_iter()
            .map(|d| format!("{}: {}", d.path.display(), d.message))
            .collect();
        assert_eq!(
            msgs,
            [
                "nl/x/index.html: the built page links to `/nl/woorden/#c`, but nl/woorden/index.html has no element with id `c`",
                "nl/y/index.html: the built page links to `/nl/z/#a`, but nl/z/index.html has no element with id `a`",
                "nl/y/index.html: the built page links to `/nl/woorden/#zz`, but nl/woorden/index.html has no element with id `zz`",
            ]
        );
    }

    #[test]
    fn a_page_has_the_ids_a_search_for_each_would_find() {
        let html = "<body id=\"top\"><main\tid='main'><h2 id=\"a'b\">x</h2><p data-id=\"no\"> id=\"loose\" <h3 id=\"zo\u{e9}\">";
        let page = OwnIds::of(html.as_bytes());
        for fragment in [
            "top", "main", "a'b", "no", "loose", "zoé", "zo", "", "ma", "a",
        ] {
            assert_eq!(
                page.has(fragment),
                has_id(html.as_bytes(), fragment),
                "{fragment}"
            );
        }
        assert!(page.has("main") && page.has("a'b") && !page.has("no"));
    }

    #[test]
    fn a_scan_before_files_are_added_finds_what_a_check_of_the_whole_output_finds() {
        let page = "<link href=\"/nl/atom.xml\"> <a href=\"/nl/x/#nee\">x</a> <a href=\"/gone.css\">g</a> <a href=\"/nl/r/\">r</a>";
        let mut o = Output::of(&[("nl/index.html", page), ("nl/x/index.html", "<p>")]);
        let scan = LinkScan::of(&o, &Default::default());
        let later = Output::of(&[
            ("nl/atom.xml", "<feed/>"),
            ("nl/r/index.html", "<a href=\"/nl/nergens/\">"),
        ]);
        o.files.extend(later.files);
        let scanned = scan.finish(&o, &Default::default());
        assert_eq!(scanned, output_links(&o, &Default::default()));
        let msgs: Vec<&str> = scanned.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "the built page links to `/nl/x/#nee`, but nl/x/index.html has no element with id `nee`",
                "the built page links to `/gone.css`, which is not built",
                "the built page links to `/nl/nergens/`, which is not built",
            ]
        );
    }

    #[test]
    fn a_scan_of_pages_as_they_are_written_finds_what_a_check_of_the_whole_output_finds() {
        let pages = [
            (
                "nl/index.html",
                "<main id=\"main\"><a href=\"/nl/x/#kop\">a</a> <a href=\"/nl/x/#nee\">b</a> \
                 <a href=\"/gone.css\">c</a> <link href=\"/nl/atom.xml\"> <a href=\"/nl/r/\">d</a> \
                 <a href=\"#top\">e</a> <a href=\"/nl/#main\">f</a> <a href=\"/s/p.html#q\">g</a> \
                 <a href=\"/nl/r/#weg\">h</a>",
            ),
            ("nl/x/index.html", "<h2 id=\"kop\"> <a href=\"/nl/#main\">"),
            ("nl/r/index.html", "<a href=\"/nl/nergens/\">"),
        ];
        // Built later, kept in memory: a page links into the written pages' ids.
        let later = [
            ("nl/atom.xml", "<feed/>"),
            (
                "s/p.html",
                "<p id=\"q\"><a href=\"/nl/x/#kop\"> <a href=\"/nl/r/#ook-weg\">",
            ),
        ];
        let whole = output_links(
            &Output::of(&[&pages[..], &later[..]].concat()),
            &Default::default(),
        );
        let dir = tempfile::tempdir().unwrap();
        let written: HashSet<String, FastHash> = pages.iter().map(|(p, _)| p.to_string()).collect();
        let known = |t: &str| written.contains(t) || later.iter().any(|(p, _)| *p == t);
        let mut left = Vec::new();
        for (path, text) in pages {
            let file = dir.path().join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, text).unwrap();
            left.extend(
                LinkScan::page(path, text.as_bytes(), known, &Default::default())
                    .map(|s| (path.to_string(), s)),
            );
        }
        // Their output entries hold no bytes.
        let mut output = Output::of(&later);
        output.files.extend(
            pages
                .iter()
                .map(|(p, _)| (p.to_string(), Default::default())),
        );
        let scan = LinkScan::written(left, &written, dir.path());
        assert_eq!(scan.finish(&output, &Default::default()), whole);
        let msgs: Vec<&str> = whole.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "the built page links to `/nl/x/#nee`, but nl/x/index.html has no element with id `nee`",
                "the built page links to `/gone.css`, which is not built",
                "the built page links to `#top`, but nl/index.html has no element with id `top`",
                "the built page links to `/nl/r/#weg`, but nl/r/index.html has no element with id `weg`",
                "the built page links to `/nl/nergens/`, which is not built",
                "the built page links to `/nl/r/#ook-weg`, but nl/r/index.html has no element with id `ook-weg`",
            ]
        );
    }
}
