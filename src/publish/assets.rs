//! Static files with content-hashed names, and the `asset()` template function.
//!
//! Takes the static files from [`Sources`](crate::sources::Sources) (plus diptych's
//! own `search.js` unless the site has one); produces a map from each file to a name
//! with a hash of its bytes (`css/site.css` → `css/site.3f2a9c1e.css`) and, through
//! [`Assets::register`], `asset(path="css/site.css")` returning `/css/site.3f2a9c1e.css`.
//! [`Assets::publish`] writes every hashed file, and the unhashed original only where
//! it is needed: at the top of `static/` (`favicon.ico`, `CNAME` live at fixed names),
//! when a built page still links its plain URL, or when a stylesheet or script names
//! the file (relative references). Rejects an `asset()` path that is no static file
//! (with a suggestion) and a static file that would replace a page.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use bytes::Bytes;
use rayon::prelude::*;
use tera::{Kwargs, State, Tera, TeraResult};

use crate::diagnostic::Diagnostic;
use crate::once_map::OnceMap;
use crate::publish::search::FastHash;
use crate::render::Output;
use crate::sources::StaticFile;

/// Static files by path under `static/`, with their hashed names.
#[derive(Debug, Clone, Default)]
pub struct Assets {
    /// Original path → (hashed path, bytes).
    files: BTreeMap<String, (String, Bytes)>,
    /// diptych's own files, published only under their hashed names.
    builtin: Vec<&'static str>,
    /// The files in a folder, to find in the pages.
    in_folders: PlainNames,
    /// The files a stylesheet or script names (see [`named_by_text_files`]).
    named_by_text: HashSet<String>,
}

impl Assets {
    /// Names every static file by its hash; adds the built-in `search.js`.
    pub fn new(statics: &BTreeMap<String, StaticFile>) -> Assets {
        let builtin: Vec<(&'static str, StaticFile)> =
            [(super::search::SCRIPT_PATH, super::search::SCRIPT.as_bytes())]
                .into_iter()
                .filter(|(p, _)| !statics.contains_key(*p))
                .map(|(p, b)| (p, StaticFile::new(Bytes::from_static(b))))
                .collect();
        let names = builtin.iter().map(|(p, _)| *p).collect();
        let files: BTreeMap<String, (String, Bytes)> = builtin
            .iter()
            .map(|(p, f)| (*p, f))
            .chain(statics.iter().map(|(p, f)| (p.as_str(), f)))
            .map(|(path, f)| {
                (
                    path.to_string(),
                    (hashed_name(path, f.hash), f.bytes.clone()),
                )
            })
            .collect();
        let in_folders = PlainNames::new(files.keys().filter(|p| p.contains('/')));
        Assets {
            named_by_text: named_by_text_files(&files),
            files,
            builtin: names,
            in_folders,
        }
    }

    /// The URL of a static file under its hashed name: `/css/site.3f2a9c1e.css`.
    pub fn url(&self, path: &str) -> Option<String> {
        let path = path.trim_start_matches('/');
        self.files.get(path).map(|(h, _)| format!("/{h}"))
    }

    /// The static files (in a folder) that the HTML file `html` links by their plain
    /// name.
    pub fn linked_by(&self, html: &[u8]) -> Vec<&str> {
        let names = &self.in_folders.paths;
        let found = self.in_folders.in_page(html);
        found.into_iter().map(|n| names[n].as_str()).collect()
    }

    /// The static files in a folder, which are published under their plain name too
    /// when a page links that (see [`Linked`]).
    pub fn in_folders(&self) -> Vec<&str> {
        self.in_folders.paths.iter().map(String::as_str).collect()
    }

    /// The paths [`Assets::publish`] adds whichever pages link them: every hashed name,
    /// and the plain names needed anyway.
    pub fn surely_published(&self) -> impl Iterator<Item = &str> {
        self.files.iter().flat_map(|(path, (hashed, _))| {
            let plain = self.needed_anyway(path).then_some(path.as_str());
            std::iter::once(hashed.as_str()).chain(plain)
        })
    }

    /// Whether the plain name of `path` is published however the pages link it: a file
    /// at the top of `static/` (not diptych's own), or one a stylesheet or script names.
    fn needed_anyway(&self, path: &str) -> bool {
        let top_level = !path.contains('/') && !self.builtin.contains(&path);
        top_level || self.named_by_text.contains(path)
    }

    /// Registers `asset(path="…")` with Tera.
    pub fn register(&self, tera: &mut Tera) {
        let urls: Arc<BTreeMap<String, String>> = Arc::new(
            self.files
                .iter()
                .map(|(p, (h, _))| (p.clone(), format!("/{h}")))
                .collect(),
        );
        // A missing file's message, once per path: a typo in the base template fails
        // every page, and the suggestion weighs every static file.
        let missing = OnceMap::default();
        tera.register_function("asset", move |kwargs: Kwargs, _: &State| {
            asset(&urls, &missing, &kwargs)
        });
    }

    /// Adds the hashed files, and the originals still needed, to `output`.
    pub fn publish(&self, output: &mut Output, linked: Linked) -> Result<(), Vec<Diagnostic>> {
        let linked = match linked {
            _ if !self.files.keys().any(|p| p.contains('/')) => HashSet::new(),
            Linked::Read(memo) => linked_paths(output, self, memo),
            Linked::All => self.files.keys().map(String::as_str).collect(),
            Linked::ReadAnd(also) => {
                let mut linked = linked_paths(output, self, None);
                linked.extend(also);
                linked
            }
        };
        let mut errors = Vec::new();
        for (path, (hashed, bytes)) in &self.files {
            let needed = linked.contains(path.as_str()) || self.needed_anyway(path);
            let names = [Some(hashed), needed.then_some(path)];
            for name in names.into_iter().flatten() {
                if output.files.contains_key(name) {
                    errors.push(
                        Diagnostic::error(
                            "static",
                            format!("static/{path}"),
                            format!(
                                "the static file {name} would replace a page built at the same path"
                            ),
                        )
                        .with_help("rename or move the static file"),
                    );
                } else {
                    output.files.insert(name.clone(), bytes.clone());
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// The files whose name (`x.png` of `img/x.png`) another file that is a stylesheet or
/// script contains (e.g. `url(../img/x.png)`): its path relative to that file is not
/// worth resolving, so the plain name is kept. Each stylesheet and script is read once
/// for every name, not once per file.
fn named_by_text_files(files: &BTreeMap<String, (String, Bytes)>) -> HashSet<String> {
    let texts: Vec<(&String, &Bytes)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".css") || p.ends_with(".js"))
        .map(|(p, (_, bytes))| (p, bytes))
        .collect();
    if texts.is_empty() {
        return HashSet::new();
    }
    let mut names: Vec<&str> = files.keys().map(|p| file_name(p)).collect();
    names.sort_unstable();
    names.dedup();
    // An automaton for more names than its limits allow: each file searched for alone.
    let Ok(search) = aho_corasick::AhoCorasick::new(&names) else {
        let named = |path: &&String| named_by_text_file(&texts, path);
        return files.keys().filter(named).cloned().collect();
    };
    // For each name, the stylesheets and scripts that contain it.
    let mut named_in: Vec<Vec<&str>> = vec![Vec::new(); names.len()];
    for (p, text) in &texts {
        // Names may be inside one another (`a.png` in `ba.png`): every match counts.
        for found in search.find_overlapping_iter(&text[..]) {
            let files = &mut named_in[found.pattern().as_usize()];
            if files.last() != Some(&p.as_str()) {
                files.push(p);
            }
        }
    }
    let named = |path: &&String| {
        let n = names.binary_search(&file_name(path));
        n.is_ok_and(|n| named_in[n].iter().any(|p| p != path))
    };
    files.keys().filter(named).cloned().collect()
}

/// Whether a stylesheet or script of `texts` other than `path` contains its file name:
/// the definition [`named_by_text_files`] keeps.
fn named_by_text_file(texts: &[(&String, &Bytes)], path: &str) -> bool {
    let name = file_name(path);
    texts
        .iter()
        .any(|(p, text)| *p != path && memmem(text, name.as_bytes()))
}

/// `img/x.png` → `x.png`.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn asset(
    urls: &BTreeMap<String, String>,
    missing: &OnceMap<String, String>,
    kwargs: &Kwargs,
) -> TeraResult<String> {
    let path: String = kwargs.must_get("path")?;
    let key = path.trim_start_matches('/');
    if let Some(url) = urls.get(key) {
        return Ok(url.clone());
    }
    let message = missing.get_or_make(path.clone(), || {
        let hint = crate::suggest::closest(key, urls.keys().map(String::as_str))
            .map_or_else(String::new, |c| format!("; did you mean `{c}`?"));
        format!(
            "asset(): there is no static file `{path}` in the theme's or the site's static/{hint}"
        )
    });
    Err(tera::Error::message(message.as_str()))
}

/// How publishing learns which static files (in a folder) the pages link by their plain
/// name, and so must be kept under it as well as under their hashed name.
pub enum Linked<'a> {
    /// Read the HTML files. With a memo (what the dev server's last build found),
    /// unchanged pages are not read again.
    Read(Option<&'a mut LinkedMemo>),
    /// Keep every one: some pages are still to be rendered (the dev server's first
    /// look after an edit that reached every page).
    All,
    /// Read the HTML files of the output, and add these: what the pages written as
    /// they were rendered link (see [`Assets::in_folders`]).
    ReadAnd(Vec<&'a str>),
}

/// Which static files each built HTML file links by their plain name, kept between
/// the dev server's builds: a file whose bytes are the very allocation read last time
/// is not read again.
#[derive(Default)]
pub struct LinkedMemo {
    /// The static files looked for (with a folder in their path).
    wanted: Vec<String>,
    /// Each HTML file as read, with the numbers (in `wanted`) of those it links.
    files: HashMap<String, (Bytes, Vec<usize>)>,
}

/// Root-relative paths (without the leading `/`) of static files that the built HTML
/// files link by their plain name.
fn linked_paths<'a>(
    output: &Output,
    assets: &'a Assets,
    memo: Option<&mut LinkedMemo>,
) -> HashSet<&'a str> {
    let wanted = assets.in_folders();
    let found = |bytes: &[u8]| assets.in_folders.in_page(bytes);
    let html = || {
        output
            .files
            .par_iter()
            .filter(|(p, _)| p.ends_with(".html"))
    };
    let Some(memo) = memo else {
        return html()
            .flat_map_iter(|(_, bytes)| found(bytes))
            .collect::<HashSet<usize>>()
            .into_iter()
            .map(|w| wanted[w])
            .collect();
    };
    if memo.wanted != wanted {
        memo.files.clear();
        memo.wanted = wanted.iter().map(|w| w.to_string()).collect();
    }
    let kept = &memo.files;
    let fresh: Vec<(&String, &Bytes, Vec<usize>)> = html()
        .filter(|(p, b)| {
            kept.get(*p)
                .is_none_or(|(old, _)| old.as_ptr() != b.as_ptr() || old.len() != b.len())
        })
        .map(|(p, b)| (p, b, found(b)))
        .collect();
    for (path, bytes, links) in fresh {
        memo.files.insert(path.clone(), (bytes.clone(), links));
    }
    let pages = html().count();
    if memo.files.len() > pages {
        memo.files.retain(|p, _| output.files.contains_key(p));
    }
    let mut linked = HashSet::new();
    for (_, links) in memo.files.values() {
        linked.extend(links.iter().map(|&w| wanted[w]));
    }
    linked
}

/// The static files in a folder, to find in a page in one pass over it, however many
/// there are (a site's photos): a search of the page for each file would take the
/// pages' size times the files' number.
#[derive(Debug, Clone, Default)]
struct PlainNames {
    /// The paths, in order; a path's number is its place here.
    paths: Vec<String>,
    /// Each path's number, by its bytes.
    numbers: HashMap<Box<[u8]>, usize, FastHash>,
    /// Whether a path is this long, up to the longest.
    lengths: Vec<bool>,
    /// Which bytes a path starts with (a bit for each).
    firsts: [u64; 4],
}

impl PlainNames {
    fn new<'p>(paths: impl Iterator<Item = &'p String>) -> PlainNames {
        let paths: Vec<String> = paths.cloned().collect();
        let longest = paths.iter().map(String::len).max().unwrap_or(0);
        let mut names = PlainNames {
            numbers: HashMap::default(),
            lengths: vec![false; longest + 1],
            firsts: [0; 4],
            paths: Vec::new(),
        };
        for (n, p) in paths.iter().enumerate() {
            names.numbers.insert(p.as_bytes().into(), n);
            names.lengths[p.len()] = true;
            if let Some(&b) = p.as_bytes().first() {
                names.firsts[usize::from(b / 64)] |= 1 << (b % 64);
            }
        }
        names.paths = paths;
        names
    }

    /// The numbers, ascending and each once, of the paths `html` links: [`links`] of
    /// each path, found from every `/` after a quote, `(` or `=` by looking up what
    /// runs from it to each byte that may end a path.
    fn in_page(&self, html: &[u8]) -> Vec<usize> {
        let mut found = Vec::new();
        if self.numbers.is_empty() {
            return found;
        }
        let longest = self.lengths.len() - 1;
        for at in memchr::memchr_iter(b'/', html) {
            let start = at + 1;
            let linked = at > 0 && matches!(html[at - 1], b'"' | b'\'' | b'(' | b'=');
            let first = |&b: &u8| self.firsts[usize::from(b / 64)] & 1 << (b % 64) != 0;
            if !linked || !html.get(start).is_some_and(first) {
                continue;
            }
            let end = html.len().min(start + longest);
            for j in start + 1..=end {
                let may_end = html.get(j).is_none_or(|&c| !continues_a_path(c));
                if may_end && self.lengths[j - start] {
                    found.extend(self.numbers.get(&html[start..j]).copied());
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// Whether a path that this byte follows would be another (`/css/site.css2`,
/// `/css/site.css/x` and `/css/site.css.map` are no links to `css/site.css`).
fn continues_a_path(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'.' || c == b'/'
}

/// Whether `html` contains `/path` right after a quote or `(` (an attribute or CSS URL):
/// the definition [`PlainNames::in_page`] keeps.
#[cfg(test)]
fn links(html: &[u8], path: &str) -> bool {
    let needle = format!("/{path}");
    let n = needle.as_bytes();
    let mut from = 0;
    while let Some(i) = find(&html[from..], n) {
        let at = from + i;
        if at > 0 && matches!(html[at - 1], b'"' | b'\'' | b'(' | b'=') {
            let after = html.get(at + n.len()).copied();
            if !after.is_some_and(continues_a_path) {
                return true;
            }
        }
        from = at + 1;
    }
    false
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

fn memmem(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

/// `css/site.css` → `css/site.3f2a9c1e.css` (a name without an extension gets
/// `.<hash>`): the top 32 bits of the file's XXH3 (a specified hash, the same on every
/// platform and Rust version), enough to bust caches.
fn hashed_name(path: &str, hash: u64) -> String {
    let hash = format!("{:08x}", hash >> 32);
    let (dir, name) = match path.rfind('/') {
        Some(i) => (&path[..=i], &path[i + 1..]),
        None => ("", path),
    };
    match name.rfind('.') {
        Some(i) if i > 0 => format!("{dir}{}.{hash}{}", &name[..i], &name[i..]),
        _ => format!("{dir}{name}.{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_files_by_content() {
        let a = hashed_name("css/site.css", StaticFile::new(&b"body{}"[..]).hash);
        assert!(
            a.starts_with("css/site.") && a.ends_with(".css") && a.len() == 21,
            "{a}"
        );
        assert_ne!(
            a,
            hashed_name("css/site.css", StaticFile::new(&b"body{ }"[..]).hash)
        );
        assert!(hashed_name("CNAME", StaticFile::new(&b"x"[..]).hash).starts_with("CNAME."));
        assert!(
            hashed_name("js/app.min.js", StaticFile::new(&b"x"[..]).hash)
                .starts_with("js/app.min.")
        );
    }

    #[test]
    fn finds_plain_links_but_not_longer_names() {
        assert!(links(b"<link href=\"/css/site.css\">", "css/site.css"));
        assert!(links(b"<link href=\"/css/site.css?v=1\">", "css/site.css"));
        assert!(!links(b"<link href=\"/css/site.css2\">", "css/site.css"));
        assert!(!links(b"<link href=\"/x/css/site.css\">", "css/site.css"));
    }

    #[test]
    fn one_pass_over_the_stylesheets_finds_the_files_a_search_for_each_finds() {
        let text = |t: &str| (String::new(), Bytes::from(t.to_string()));
        let files: BTreeMap<String, (String, Bytes)> = [
            ("css/site.css", "body{background:url(../img/ba.png)}"),
            ("css/print.css", "@import 'site.css';"),
            ("js/app.js", "load('app.js'); load('c.png')"),
            ("img/a.png", ""),
            ("img/ba.png", ""),
            ("photos/a.png", ""),
            ("img/c.png", ""),
        ]
        .into_iter()
        .map(|(p, t)| (p.to_string(), text(t)))
        .collect();
        let mut named: Vec<String> = named_by_text_files(&files).into_iter().collect();
        named.sort();
        // `app.js` names only itself; `a.png` is in `ba.png`.
        let all = [
            "css/site.css",
            "img/a.png",
            "img/ba.png",
            "img/c.png",
            "photos/a.png",
        ];
        assert_eq!(named, all);
        let piece =
            proptest::sample::select(vec!["a", "b", ".png", ".css", ".js", "/", "x", "url(", ")"]);
        let path = proptest::sample::select(vec![
            "a.png",
            "img/a.png",
            "img/ba.png",
            "x/b.css",
            "b.css",
            "js/a.js",
            "ab.js",
            "x/x",
        ]);
        let file = (path, proptest::collection::vec(piece, 0..12));
        proptest::proptest!(|(list in proptest::collection::vec(file, 0..8))| {
            let files: BTreeMap<String, (String, Bytes)> = list
                .iter()
                .map(|(p, parts)| (p.to_string(), text(&parts.concat())))
                .collect();
            let texts: Vec<(&String, &Bytes)> = files
                .iter()
                .filter(|(p, _)| p.ends_with(".css") || p.ends_with(".js"))
                .map(|(p, (_, b))| (p, b))
                .collect();
            let each: HashSet<String> = files
                .keys()
                .filter(|p| named_by_text_file(&texts, p))
                .cloned()
                .collect();
            proptest::prop_assert_eq!(named_by_text_files(&files), each);
        });
    }

    #[test]
    fn one_pass_over_a_page_finds_what_a_search_for_each_file_finds() {
        let paths = [
            "css/site.css",
            "css/site.css.map",
            "img/a-b.png",
            "img/a",
            "img/ü.png",
            "js/x",
        ]
        .map(String::from);
        let names = PlainNames::new(paths.iter());
        let each = |html: &[u8]| -> Vec<usize> {
            (0..paths.len())
                .filter(|&n| links(html, &paths[n]))
                .collect()
        };
        for html in [
            "<link href=\"/css/site.css\"><a href='/img/a-b.png'>",
            "<p style=\"background:url(/img/a)\">/img/a-b.png</p>",
            "<a href=/js/x>x</a><img src=\"/img/ü.png\">",
            "<a href=\"/css/site.css2\"><a href=\"/css/site.css.map\">",
            "=/img/a",
            "\"/img/a-b.png/",
        ] {
            let found = names.in_page(html.as_bytes());
            assert!(!found.is_empty(), "{html}");
            assert_eq!(found, each(html.as_bytes()), "{html}");
        }
        // Text made of the paths' pieces and the bytes around links.
        let piece = proptest::sample::select(vec![
            "css", "site", ".css", ".map", "img", "/", "a", "-b", ".png", "ü", "js", "x", "\"",
            "'", "(", "=", " ", "2", "<p>",
        ]);
        proptest::proptest!(|(parts in proptest::collection::vec(piece, 0..24))| {
            let html = parts.concat();
            proptest::prop_assert_eq!(names.in_page(html.as_bytes()), each(html.as_bytes()));
        });
    }

    #[test]
    fn the_memo_finds_the_linked_files_a_full_read_finds() {
        let statics: BTreeMap<String, StaticFile> = [
            ("css/site.css".to_string(), StaticFile::new(&b"body{}"[..])),
            ("img/logo.svg".to_string(), StaticFile::new(&b"<svg/>"[..])),
        ]
        .into();
        let assets = Assets::new(&statics);
        let css = "<link href=\"/css/site.css\">";
        let logo = "<img src=\"/img/logo.svg\">";
        let mut memo = LinkedMemo::default();
        let mut output = Output::of(&[("a/index.html", css), ("b/index.html", "<p>")]);
        let steps: [(&str, &[(&str, &str)]); 4] = [
            ("a page changed", &[("b/index.html", logo)]),
            // As long as before: only its bytes tell.
            (
                "a page no longer links",
                &[("a/index.html", "<link href=\"/css/site.cs_\">")],
            ),
            ("a page added", &[("c/index.html", css)]),
            ("nothing changed", &[]),
        ];
        fn sorted(set: HashSet<&str>) -> Vec<&str> {
            let mut v: Vec<&str> = set.into_iter().collect();
            v.sort();
            v
        }
        assert_eq!(
            sorted(linked_paths(&output, &assets, Some(&mut memo))),
            ["css/site.css"]
        );
        for (what, changes) in steps {
            output.files.extend(Output::of(changes).files);
            assert_eq!(
                sorted(linked_paths(&output, &assets, Some(&mut memo))),
                sorted(linked_paths(&output, &assets, None)),
                "{what}"
            );
        }
        output.files.remove("c/index.html");
        output.files.remove("b/index.html");
        assert!(
            linked_paths(&output, &assets, Some(&mut memo)).is_empty(),
            "pages removed"
        );
    }
}
