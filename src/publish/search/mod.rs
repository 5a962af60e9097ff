//! The search index per language (`/<lang>/search-index.json`), the script that
//! searches it (`/search.js`, hashed like any static file) and the search page's
//! context and default template.
//!
//! Takes the content pages of each language; produces a compact inverted index:
//! `{"pages": [[title, url, description], …], "words": {word: [page, …]}, "stop": […]}`,
//! where each word's page numbers are ascending and written as gaps (`[3, 1, 4]` is
//! pages 3, 4 and 8), which keeps the lists short on large sites.
//! Words are lowercased with accents removed (NFD, combining marks dropped — the
//! script folds queries the same way); words found in more than half of the pages of
//! a language with 20 or more pages are left out and listed in `stop`, so queries
//! ignore them. Results only ever link to pages in the index's language. Rejects
//! nothing.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::BuildHasherDefault;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::fingerprint::fingerprint;
use crate::lang::Lang;
use crate::site::{Page, Site};
use crate::url::UrlPath;

use super::pages_in;

mod text;
mod update;

pub(crate) use text::WordHasher;

/// The search index's fast hasher, for maps whose keys are the site's own (words,
/// paths, URLs), not chosen to collide.
pub(crate) type FastHash = BuildHasherDefault<WordHasher>;
pub use text::{fold, html_text, tokens};
use text::{html_text_untidy, words_of};

/// The script, served under a hashed name (`asset(path="search.js")`).
pub const SCRIPT: &str = include_str!("search.js");
/// The script's path among the static files.
pub const SCRIPT_PATH: &str = "search.js";
/// The search page template used when the theme has none.
pub const DEFAULT_TEMPLATE: &str = include_str!("search.html");

/// Longest description kept per page, in characters.
const DESCRIPTION_CHARS: usize = 160;

/// The search page of `lang`: `/<lang>/search/`.
pub fn page_url(lang: &Lang) -> UrlPath {
    UrlPath::dir([lang.as_str(), "search"])
}

/// The index of `lang`: `/<lang>/search-index.json`.
pub fn index_url(lang: &Lang) -> UrlPath {
    UrlPath::file(&format!("/{lang}/search-index.json"))
}

/// What templates get as `search`.
#[derive(Debug, Serialize)]
pub struct SearchCtx {
    /// The search page of this language.
    pub url: UrlPath,
    /// The index the script loads.
    pub index: UrlPath,
}

/// The `search` context of a language.
pub fn context(lang: &Lang) -> SearchCtx {
    SearchCtx {
        url: page_url(lang),
        index: index_url(lang),
    }
}

/// Every language's index by output path, with each language's words. `before` holds
/// the words of the dev server's last build, to update rather than find again (see
/// [`Postings::since`]); a one-off build passes none.
pub fn render(
    site: &Site,
    config: &Config,
    mut before: Option<BTreeMap<Lang, Postings>>,
) -> (BTreeMap<String, Vec<u8>>, BTreeMap<Lang, Postings>) {
    let mut files = BTreeMap::new();
    let mut kept = BTreeMap::new();
    for lang in config.langs() {
        let mut postings = match before.as_mut() {
            Some(b) => Postings::since(b.remove(lang).unwrap_or_default(), site, lang),
            None => Postings::of(site, lang),
        };
        files.insert(
            index_url(lang).output_file(),
            postings.kept_json(site, lang).to_vec(),
        );
        kept.insert(lang.clone(), postings);
    }
    (files, kept)
}

/// The index of one language, as JSON.
pub fn index(site: &Site, lang: &Lang) -> String {
    Postings::of(site, lang).json(site, lang)
}

/// Each word, in order, with the ascending numbers (in index order) of the pages it is on.
type WordPages = BTreeMap<String, Vec<u32>>;

/// A language's search words: for each word, the ascending numbers (in index order) of
/// the pages it is on, stop words included; and each page's description. The dev server
/// keeps them, so an edited page changes only its own words.
#[derive(Debug, Clone, Default)]
pub struct Postings {
    words: WordPages,
    descriptions: Vec<String>,
    /// Each page's file and a fingerprint of what its words and description come from,
    /// in index order, when a later build is to update these words ([`Postings::since`]).
    sources: Vec<(PathBuf, u128)>,
    /// The JSON of these words, with a fingerprint of the pages' titles and URLs it was
    /// made with ([`Postings::kept_json`]); gone when the words or descriptions change.
    made: Option<(u128, bytes::Bytes)>,
}

impl Postings {
    /// The words of every page of `lang`.
    pub fn of(site: &Site, lang: &Lang) -> Postings {
        let pages: Vec<_> = pages_in(site, lang).map(|(_, p)| p).collect();
        // Pages fold in parallel runs, each collecting its own lists (a page's folded
        // text is dropped once its words are counted); runs merge in page order, so
        // every list stays ascending.
        let found = pages
            .par_iter()
            .enumerate()
            .fold(Words::default, |mut found, (n, p)| {
                let n = n as u32;
                for part in folded_parts(p) {
                    for w in words_of(&part) {
                        // Few words are new: look up by `&str` (once), allocate a key
                        // only for those.
                        match found.get_mut(w) {
                            // A word seen before on this page was just pushed: keep
                            // each page once.
                            Some(ids) => {
                                if ids.last() != Some(&n) {
                                    ids.push(n);
                                }
                            }
                            None => {
                                found.insert(w.to_string(), vec![n]);
                            }
                        }
                    }
                }
                found
            })
            .reduce(Words::default, |mut all, run| {
                for (w, ids) in run {
                    all.entry(w).or_default().extend(ids);
                }
                all
            });
        Postings {
            words: found.into_iter().collect(),
            descriptions: pages.par_iter().map(|p| description(p)).collect(),
            sources: Vec::new(),
            made: None,
        }
    }

    /// Takes `now`, number `n` of the index, in place of `before` (the same page
    /// before an edit of its text).
    pub fn replace(&mut self, n: usize, before: &Page, now: &Page) {
        let id = n as u32;
        let (old, new) = (folded_parts(before), folded_parts(now));
        // A page whose text is as it was (it links to a page that moved) keeps its words.
        let (old, new) = if old == new {
            (BTreeSet::new(), BTreeSet::new())
        } else {
            (words_in(&old), words_in(&new))
        };
        for w in old.difference(&new) {
            if let Some(ids) = self.words.get_mut(w) {
                ids.retain(|&i| i != id);
                if ids.is_empty() {
                    self.words.remove(w);
                }
            }
        }
        for w in new.difference(&old) {
            let ids = self.words.entry(w.clone()).or_default();
            if let Err(at) = ids.binary_search(&id) {
                ids.insert(at, id);
            }
        }
        if let Some(d) = self.descriptions.get_mut(n) {
            *d = description(now);
        }
        if let Some((_, f)) = self.sources.get_mut(n) {
            *f = source(now);
        }
        self.made = None;
    }

    /// [`Postings::json`], taken from the last call when the words and the pages'
    /// titles and URLs are the same (the dev server: most rebuilds change neither).
    pub fn kept_json(&mut self, site: &Site, lang: &Lang) -> bytes::Bytes {
        let shown: Vec<(&str, &str)> = pages_in(site, lang)
            .map(|(_, p)| (p.doc.front.title.as_str(), p.url.as_str()))
            .collect();
        let key = crate::fingerprint::fingerprint(0, &shown);
        match &self.made {
            Some((k, json)) if *k == key => json.clone(),
            _ => {
                let json = bytes::Bytes::from(self.json(site, lang));
                self.made = Some((key, json.clone()));
                json
            }
        }
    }

    /// The index as JSON: `pages` from `site` (the pages the words were taken from),
    /// words on more than half of the pages (of 20 or more) moved to `stop`, page
    /// lists as gaps.
    pub fn json(&self, site: &Site, lang: &Lang) -> String {
        let pages: Vec<[&str; 3]> = pages_in(site, lang)
            .zip(&self.descriptions)
            .map(|((_, p), d)| [p.doc.front.title.as_str(), p.url.as_str(), d.as_str()])
            .collect();
        let count = pages.len();
        let common = |ids: &Vec<u32>| count >= 20 && ids.len() * 2 > count;
        let stop: Vec<&str> = self
            .words
            .iter()
            .filter(|(_, ids)| common(ids))
            .map(|(w, _)| w.as_str())
            .collect();
        let index = Index {
            pages,
            words: IndexWords(
                self.words
                    .iter()
                    .filter(|(_, ids)| !common(ids))
                    .map(|(w, ids)| (w.as_str(), Gaps(ids)))
                    .collect(),
            ),
            stop,
        };
        serde_json::to_string(&index).unwrap_or_default()
    }
}

#[derive(Serialize)]
struct Index<'a> {
    pages: Vec<[&'a str; 3]>,
    words: IndexWords<'a>,
    stop: Vec<&'a str>,
}

/// Words in order with their page lists.
struct IndexWords<'a>(Vec<(&'a str, Gaps<'a>)>);

impl Serialize for IndexWords<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(w, g)| (w, g)))
    }
}

/// Ascending page numbers, written as the gaps between them.
struct Gaps<'a>(&'a [u32]);

impl Serialize for Gaps<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut previous = 0;
        s.collect_seq(self.0.iter().map(|&id| {
            let gap = id - previous;
            previous = id;
            gap
        }))
    }
}

/// A page's title, description and body, folded. Words never span the parts, so each
/// part is folded on its own, and the body's spaces need not be tidied.
fn folded_parts(p: &Page) -> [String; 3] {
    let fm = &p.doc.front;
    [
        fold(&fm.title),
        fold(fm.description.as_deref().unwrap_or("")),
        fold(&html_text_untidy(p.html())),
    ]
}

/// A fingerprint of what a page's words and description come from: its title,
/// description, body and summary, for which the page's own digest (of its document and
/// where its links go) stands when it has one (the dev server's builds).
fn source(p: &Page) -> u128 {
    if let Some(own) = p.digest() {
        return own;
    }
    let fm = &p.doc.front;
    fingerprint(0, &(&fm.title, &fm.description, p.html(), p.summary()))
}

/// The distinct words of a page.
fn page_words(p: &Page) -> BTreeSet<String> {
    words_in(&folded_parts(p))
}

/// The distinct words of a page's [`folded_parts`].
fn words_in(parts: &[String; 3]) -> BTreeSet<String> {
    parts
        .iter()
        .flat_map(|t| words_of(t).map(str::to_string))
        .collect()
}

/// What a result shows under the title: the description, else the summary's text.
fn description(p: &Page) -> String {
    let d = p
        .doc
        .front
        .description
        .clone()
        .unwrap_or_else(|| html_text(p.summary().unwrap_or("")));
    shorten(d.trim())
}

/// Page lists by word. Words come from the site's own pages, so a fast hash (FxHash's
/// mixing) beats SipHash's protection against chosen keys.
type Words = HashMap<String, Vec<u32>, FastHash>;

/// `s` cut to [`DESCRIPTION_CHARS`] at a word boundary, with an ellipsis.
fn shorten(s: &str) -> String {
    if s.chars().count() <= DESCRIPTION_CHARS {
        return s.to_string();
    }
    let cut: String = s.chars().take(DESCRIPTION_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A site of `pages` (`name` → markdown with front matter) in `content/news/`, on
    /// the shared test fixture's configuration and theme.
    fn site_with(root: &std::path::Path, pages: &[(String, String)]) -> Site {
        let news = root.join("content/news");
        std::fs::remove_dir_all(&news).ok();
        std::fs::create_dir_all(&news).unwrap();
        let index = "---\ntitle: Nieuws\ntranslate: false\n---\n";
        std::fs::write(news.join("_index.nl.md"), index).unwrap();
        for (name, text) in pages {
            std::fs::write(news.join(name), text).unwrap();
        }
        let config = Config::load(root).unwrap();
        let sources = crate::sources::Sources::load(&config).unwrap();
        let mut errors = Vec::new();
        let docs = crate::session::ParseCache::default().parse_all(&config, &sources, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        Site::assemble(docs, &config, false).unwrap()
    }

    #[test]
    fn updated_words_are_the_words_found_afresh() {
        let tmp = tempfile::tempdir().unwrap();
        let shared =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/_shared");
        for part in ["site.yaml", "themes", "content"] {
            let status = std::process::Command::new("cp")
                .arg("-r")
                .arg(shared.join(part))
                .arg(tmp.path())
                .status()
                .unwrap();
            assert!(status.success());
        }
        let page = |n: usize, title: &str, body: &str| {
            (
                format!("p{n:02}.nl.md"),
                format!("---\ntitle: {title}\ntranslate: false\n---\n\n{body}\n"),
            )
        };
        let mut pages: Vec<(String, String)> = (0..30)
            .map(|n| page(n, &format!("Bericht {n}"), &format!("Gedeeld woord{n}.")))
            .collect();
        let nl = Lang::parse("nl").unwrap();
        let mut kept = Postings::default();
        let mut check = |pages: &[(String, String)], what: &str| {
            let site = site_with(tmp.path(), pages);
            let updated = Postings::since(std::mem::take(&mut kept), &site, &nl);
            let fresh = Postings::of(&site, &nl);
            assert_eq!(
                format!("{:?}", updated.words),
                format!("{:?}", fresh.words),
                "{what}"
            );
            assert_eq!(updated.json(&site, &nl), fresh.json(&site, &nl), "{what}");
            let mut updated = updated;
            let json = updated.kept_json(&site, &nl);
            assert_eq!(
                json,
                fresh.json(&site, &nl).into_bytes(),
                "{what} (kept JSON)"
            );
            kept = updated;
        };
        check(&pages, "the first build");
        check(&pages, "nothing changed");
        pages[2].1 = pages[2]
            .1
            .replacen("translate: false", "translate: false\nslug: twee", 1);
        check(&pages, "a slug changed (only a URL)");
        pages[3] = page(3, "Bericht 3", "Gedeeld ander3.");
        check(&pages, "a body changed (a word only it had is gone)");
        pages[7] = page(7, "Nieuw bericht 7", "Gedeeld woord7.");
        check(&pages, "a title changed");
        pages[9] = page(9, "Bericht 9", "Gedeeld woord9.\n\nMet een tweede alinea.");
        check(&pages, "a paragraph added");
        pages.remove(5);
        check(&pages, "a page removed (the numbers after it move down)");
        pages.push(page(40, "Bericht 40", "Gedeeld woord40 woord3."));
        check(
            &pages,
            "a page added between others (the numbers after it move up)",
        );
        pages[0].0 = "p99.nl.md".into();
        check(&pages, "a page moved to the end of the order");
        for k in [1, 4, 6, 20] {
            pages[k].1 = pages[k].1.replace("Gedeeld", "Gedeeld nieuwsbrief woord3");
        }
        check(
            &pages,
            "four pages changed at once (their words merged into the lists)",
        );
        // Kept words of pages in another order cannot be renumbered into ascending lists.
        let site = site_with(tmp.path(), &pages);
        let mut shuffled = Postings::since(Postings::default(), &site, &nl);
        shuffled.sources.reverse();
        let again = Postings::since(shuffled, &site, &nl);
        assert_eq!(
            again.json(&site, &nl),
            Postings::of(&site, &nl).json(&site, &nl)
        );
        let all: Vec<(String, String)> =
            (0..30).map(|n| page(n, "Alles anders", "Nieuw.")).collect();
        check(&all, "every page changed");
    }
}
