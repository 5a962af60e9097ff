//! The assembled site: pages paired across languages, placed in sections, given URLs.
//!
//! Takes the parsed [`Document`]s and the [`Config`]; produces a [`Site`] where every
//! page has its localized URL, its section, its translations, its taxonomy terms and
//! its HTML with links resolved to URLs in the same language. Rejects pages whose
//! section has no index in their language, two pages (or aliases, or taxonomy pages) on
//! one URL, and links to pages that do not exist; warns about `#fragments` that match
//! no heading. Pages are in `page`, taxonomies in `taxonomies`, links in `links`, URL
//! claims in `urls`.

mod links;
mod page;
mod taxonomies;
mod urls;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::lang::Lang;
use crate::sources::PageKey;
use crate::url::UrlPath;
pub use page::{Kind, Page};
use urls::UrlClaims;

/// One term of one taxonomy in one language.
#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub url: UrlPath,
    pub pages: Vec<usize>,
    /// The same term in other languages (`energie` ↔ `energy`): `(taxonomy index, term
    /// index)` in [`Site::taxonomies`], found from the pages the terms share.
    pub translations: Vec<(usize, usize)>,
}

/// One taxonomy in one language.
#[derive(Debug, Clone)]
pub struct TaxonomyIndex {
    pub name: String,
    pub lang: Lang,
    pub url: UrlPath,
    pub terms: Vec<Term>,
}

/// The whole site, ready to render.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub pages: Vec<Page>,
    /// Page indices by key and language (each key's map shared with its pages).
    pub by_key: BTreeMap<PageKey, Arc<BTreeMap<Lang, usize>>>,
    pub taxonomies: Vec<TaxonomyIndex>,
    /// Redirects from alias URL to the page index.
    pub aliases: BTreeMap<UrlPath, usize>,
    /// Problems that do not stop the build (fail it under `--strict`).
    pub warnings: Vec<Diagnostic>,
    /// The page of each of `warnings`, in step with it: ascending, as links are
    /// resolved page by page.
    warned: Vec<usize>,
    /// `url#fragment` links from content already reported as matching no heading, so
    /// the check of the built output does not report them twice.
    pub reported_anchors: std::collections::BTreeSet<String>,
    /// Pages left out of this build (`key.lang` → why), to explain links to them.
    pub unpublished: BTreeMap<String, String>,
}

impl Site {
    /// Places every document; `drafts` keeps pages marked `draft: true` and pages
    /// dated after the build's today (when the build has one: `config.today`).
    pub fn assemble(
        docs: Vec<Arc<Document>>,
        config: &Config,
        drafts: bool,
    ) -> Result<Site, Vec<Diagnostic>> {
        let mut unpublished = BTreeMap::new();
        let mut docs: Vec<Option<Arc<Document>>> = docs
            .into_iter()
            .filter(|d| match unpublished_because(d, config, drafts) {
                Some(why) => {
                    unpublished.insert(format!("{}.{}", d.key, d.lang), why);
                    false
                }
                None => true,
            })
            .map(Some)
            .collect();
        // Sections before their pages; sorting indices moves no documents.
        let mut order: Vec<usize> = (0..docs.len()).collect();
        let keys: Vec<_> = docs
            .par_iter()
            .map(|d| d.as_ref().map(|d| (depth(&d.key), &d.key, &d.lang)))
            .collect();
        // Every (key, language) is one file: the order is the same unstable, and on both
        // cores.
        order.par_sort_unstable_by_key(|&i| keys[i]);
        let depths: Vec<_> = order.iter().map(|&i| keys[i].map(|k| k.0)).collect();
        drop(keys);
        let mut errors = Vec::new();
        let mut site = Site {
            pages: Vec::with_capacity(docs.len()),
            by_key: BTreeMap::new(),
            taxonomies: Vec::new(),
            aliases: BTreeMap::new(),
            warnings: Vec::new(),
            warned: Vec::new(),
            reported_anchors: Default::default(),
            unpublished,
        };
        // Level by level (a page's section is at a lower one), each level on both cores.
        let mut sections = Sections::default();
        let mut ordered: Vec<_> = order.into_iter().map(|i| docs[i].take()).collect();
        for level in depths.chunk_by(|a, b| a == b).map(<[_]>::len) {
            let docs: Vec<_> = ordered.drain(..level).flatten().collect();
            site.place_level(docs, &mut sections, &mut errors);
        }
        // Claiming URLs, ranking the pages and pairing their versions only read the
        // pages: they run side by side.
        let ((mut urls, aliases), (rank, versions)) = rayon::join(
            || site.claim_urls(&mut errors),
            || rayon::join(|| site.ranks(), || site.versions()),
        );
        site.aliases = aliases;
        site.index_versions(versions);
        site.link_sections(&rank);
        site.collect_taxonomies(config, &rank, &mut urls, &mut errors);
        site.pair_terms();
        site.resolve_links(&mut errors);
        if errors.is_empty() {
            Ok(site)
        } else {
            Err(errors)
        }
    }

    /// Empties what only assembling and the translation check read: every page's source
    /// text (`doc.text`) and its terms as its front matter lists them (its `terms` have
    /// them). A one-off build renders without them. Freed on both cores, each run of
    /// pages with an empty text of its own (so the cores do not share one reference
    /// count).
    pub fn drop_inputs(&mut self) {
        self.pages.par_chunks_mut(256).for_each(|pages| {
            let empty: Arc<str> = Arc::from("");
            for page in pages {
                if let Some(doc) = Arc::get_mut(&mut page.doc) {
                    doc.text = empty.clone();
                    doc.front.taxonomies = BTreeMap::new();
                }
            }
        });
    }

    /// Adds documents of one depth under their sections, computing each URL from its
    /// section's. Their sections are placed already (lower depths come first); the
    /// sections among them are noted in `sections`.
    fn place_level(
        &mut self,
        docs: Vec<Arc<Document>>,
        sections: &mut Sections,
        errors: &mut Vec<Diagnostic>,
    ) {
        let placed: Vec<_> = docs
            .into_par_iter()
            .map(|doc| self.place(doc, sections))
            .collect();
        for page in placed {
            match page {
                Ok(page) => {
                    if page.doc.key.is_index() {
                        sections.add(page.doc.key.dir(), &page.doc.lang, self.pages.len());
                    }
                    self.pages.push(page);
                }
                Err(d) => errors.push(d),
            }
        }
    }

    /// A document as a page under its section, with its URL made from the section's.
    fn place(&self, mut doc: Arc<Document>, sections: &Sections) -> Result<Page, Diagnostic> {
        let (kind, parent) = match doc.key.parent_dir() {
            None => (Kind::Home, None),
            Some(dir) => {
                let Some(parent) = sections.get(dir, &doc.lang) else {
                    let pk = doc.key.parent().expect("a page with a parent directory");
                    let file = format!("content/{}.{}.md", pk.as_str(), doc.lang);
                    return Err(Diagnostic::error(
                        "content",
                        &doc.path,
                        format!("the section of this page has no index in `{}`", doc.lang),
                    )
                    .with_help(format!(
                        "create {file} with a title (and a `slug`) for the section"
                    )));
                };
                (
                    if doc.key.is_index() {
                        Kind::Section
                    } else {
                        Kind::Page
                    },
                    Some(parent),
                )
            }
        };
        let url = match parent {
            None => UrlPath::dir([doc.lang.as_str()]),
            Some(p) => {
                let slug = doc.front.slug.as_deref().unwrap_or_else(|| doc.key.name());
                self.pages[p].url.child(slug)
            }
        };
        // Moved, not copied: the page's summary is the one resolved and rendered.
        let summary = match Arc::get_mut(&mut doc) {
            Some(d) => d.body.summary.take(),
            None => doc.body.summary.clone(),
        };
        Ok(Page {
            doc,
            kind,
            url,
            resolved: None,
            summary,
            digest: None,
            parent,
            pages: Vec::new(),
            subsections: Vec::new(),
            terms: Vec::new(),
            newer: Vec::new(),
            versions: Arc::default(),
        })
    }

    /// Claims every page's URL and its aliases' (an alias is a folder unless its last
    /// segment has a dot); with the aliases' targets.
    fn claim_urls(&self, errors: &mut Vec<Diagnostic>) -> (UrlClaims, BTreeMap<UrlPath, usize>) {
        // Room for every page's claim and as many again (aliases, taxonomies, terms).
        let mut urls = UrlClaims::with_capacity(2 * self.pages.len());
        let mut aliases = BTreeMap::new();
        for (i, p) in self.pages.iter().enumerate() {
            urls.claim(&p.url, (i, false), &self.pages, errors);
            for alias in &p.doc.front.aliases {
                let url = UrlPath::file(alias);
                let url = if alias.ends_with('/')
                    || !alias.rsplit('/').next().unwrap_or("").contains('.')
                {
                    UrlPath::dir(alias.split('/'))
                } else {
                    url
                };
                urls.claim(&url, (i, true), &self.pages, errors);
                aliases.insert(url, i);
            }
        }
        (urls, aliases)
    }

    /// Each key's versions by language. Pages are placed in order of key and language
    /// within each depth (and a key has one depth), so a key's versions are neighbours.
    fn versions(&self) -> Vec<(PageKey, Arc<BTreeMap<Lang, usize>>)> {
        let mut first = 0;
        self.pages
            .chunk_by(|a, b| a.doc.key == b.doc.key)
            .map(|run| {
                let versions = run
                    .iter()
                    .zip(first..)
                    .map(|(p, i)| (p.doc.lang.clone(), i));
                first += run.len();
                (run[0].doc.key.clone(), Arc::new(versions.collect()))
            })
            .collect()
    }

    /// Fills [`Site::by_key`] with `runs` (from [`Site::versions`]) and gives each page
    /// its share.
    fn index_versions(&mut self, runs: Vec<(PageKey, Arc<BTreeMap<Lang, usize>>)>) {
        for (_, versions) in &runs {
            for &i in versions.values() {
                self.pages[i].versions = Arc::clone(versions);
            }
        }
        self.by_key = runs.into_iter().collect();
    }

    /// Each page's place in the order lists use (weight, newest date, title): sorting
    /// by it compares two numbers instead of building keys again for every list.
    fn ranks(&self) -> Vec<u32> {
        // Keys made and sorted on both cores; the index breaks ties, as a stable sort would.
        let mut by_order: Vec<_> = self
            .pages
            .par_iter()
            .enumerate()
            .map(|(i, p)| (sort_key(p), i))
            .collect();
        by_order.par_sort_unstable();
        let mut rank = vec![0; self.pages.len()];
        for (r, (_, i)) in by_order.into_iter().enumerate() {
            rank[i] = r as u32;
        }
        rank
    }

    fn link_sections(&mut self, rank: &[u32]) {
        for i in 0..self.pages.len() {
            if let Some(p) = self.pages[i].parent {
                if self.pages[i].kind == Kind::Section {
                    self.pages[p].subsections.push(i);
                } else {
                    self.pages[p].pages.push(i);
                }
            }
        }
        for page in &mut self.pages {
            page.pages.sort_by_key(|&i| rank[i]);
            page.subsections.sort_by_key(|&i| rank[i]);
        }
    }
}

/// The sections placed so far, by the directory they index (`sectors`; empty for
/// home): each language's page. Few, so a page finds its section without making a key.
#[derive(Default)]
struct Sections(std::collections::HashMap<String, Vec<(Lang, usize)>>);

impl Sections {
    fn add(&mut self, dir: &str, lang: &Lang, page: usize) {
        let langs = match self.0.get_mut(dir) {
            Some(langs) => langs,
            None => self.0.entry(dir.to_string()).or_default(),
        };
        langs.push((lang.clone(), page));
    }

    fn get(&self, dir: &str, lang: &Lang) -> Option<usize> {
        let langs = self.0.get(dir)?;
        langs.iter().find(|(l, _)| l == lang).map(|&(_, i)| i)
    }
}

/// Why a page is left out of this build: a draft, or dated after the build's today
/// (known only when the build is given one). `None` when it is published.
fn unpublished_because(d: &Document, config: &Config, drafts: bool) -> Option<String> {
    if drafts {
        return None;
    }
    if d.front.draft {
        return Some("is a draft (`draft: true`)".to_string());
    }
    match (&d.front.date, &config.today) {
        (Some(date), Some(today)) if after_today(d, config) => Some(format!(
            "is dated {}, after today ({})",
            date.date_iso(),
            today.date_iso()
        )),
        _ => None,
    }
}

/// Whether a document is dated after the build's today (known only when the build is
/// given one): such a page is left out unless drafts are shown.
pub(crate) fn after_today(d: &Document, config: &Config) -> bool {
    let day = |d: &crate::date::DateTime| (d.year, d.month, d.day);
    match (&d.front.date, &config.today) {
        (Some(date), Some(today)) => day(date) > day(today),
        _ => false,
    }
}

/// Depth of a key, so sections are placed before their pages.
fn depth(key: &PageKey) -> (usize, bool) {
    (
        key.dir().matches('/').count() + usize::from(!key.dir().is_empty()),
        !key.is_index(),
    )
}

/// Where a page goes in the lists it is in: weight, newest date, title (then its index).
pub(crate) fn sort_key(p: &Page) -> ListOrder<'_> {
    ListOrder {
        weight: p.doc.front.weight.unwrap_or(i64::MAX),
        date: std::cmp::Reverse(p.doc.front.date.as_ref()),
        title: &p.doc.front.title,
    }
}

/// A page's place in lists ([`sort_key`]), borrowed from it: titles compare as their
/// lowercase would, without making it for every page.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ListOrder<'a> {
    weight: i64,
    date: std::cmp::Reverse<Option<&'a crate::date::DateTime>>,
    title: &'a str,
}

impl Ord for ListOrder<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.weight, self.date)
            .cmp(&(other.weight, other.date))
            .then_with(|| lowercase_cmp(self.title, other.title))
    }
}

impl PartialOrd for ListOrder<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ListOrder<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for ListOrder<'_> {}

/// `a.to_lowercase().cmp(&b.to_lowercase())`; ASCII titles (most) without making either.
fn lowercase_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    if a.is_ascii() && b.is_ascii() {
        let (a, b) = (a.bytes(), b.bytes());
        a.map(|c| c.to_ascii_lowercase())
            .cmp(b.map(|c| c.to_ascii_lowercase()))
    } else {
        a.to_lowercase().cmp(&b.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::ParseOptions;
    use crate::sources::SourceFile;

    /// A site of `files` (`key.lang` → title), each a page with only a title.
    fn assembled(files: &[(&str, &str)]) -> Result<Site, Vec<Diagnostic>> {
        let files: Vec<_> = files
            .iter()
            .map(|&(file, title)| (file, title, ""))
            .collect();
        assembled_with(&files)
    }

    /// A site of `files` (`key.lang`, title, markdown body).
    fn assembled_with(files: &[(&str, &str, &str)]) -> Result<Site, Vec<Diagnostic>> {
        let config = Config::parse(
            std::path::Path::new("."),
            "base_url: https://example.nl\ntheme: plain\nlanguages: [{code: nl, name: N, default: true}, {code: en, name: E}]\n",
        )
        .unwrap();
        let docs = files
            .iter()
            .map(|&(file, title, body)| Arc::new(document(file, title, body)))
            .collect();
        Site::assemble(docs, &config, false)
    }

    /// The document of `file` (`key.lang`) with `title` and markdown `body`.
    fn document(file: &str, title: &str, body: &str) -> Document {
        let opts = ParseOptions {
            langs: &["nl", "en"],
            taxonomies: &[],
            sanitize: true,
        };
        let (key, lang) = file.rsplit_once('.').unwrap();
        let source = SourceFile {
            path: format!("content/{file}.md").into(),
            lang: Lang::parse(lang).unwrap(),
            key: PageKey::new(key),
            text: format!("---\ntitle: \"{title}\"\n---\n{body}").into(),
        };
        Document::parse(&source, opts).unwrap()
    }

    #[test]
    fn pages_find_their_sections_and_versions_at_every_depth() {
        // Given out of order: pages before their sections, languages mixed.
        let site = assembled(&[
            ("a/b/x.en", "X"),
            ("a/b-c.nl", "BC"),
            ("a/y.nl", "Y"),
            ("a/b/_index.nl", "B"),
            ("a/_index.en", "A"),
            ("z.nl", "Z"),
            ("a/b/x.nl", "X"),
            ("_index.en", "Home"),
            ("a/b/_index.en", "B"),
            ("a/y.en", "Y"),
            ("a/_index.nl", "A"),
            ("_index.nl", "Thuis"),
        ])
        .unwrap();
        let page = |key: &str, lang: &str| {
            let i = site.by_key[&PageKey::new(key)][&Lang::parse(lang).unwrap()];
            (i, &site.pages[i])
        };
        let url = |key: &str, lang: &str| page(key, lang).1.url.as_str().to_string();
        assert_eq!(url("a/b/x", "nl"), "/nl/a/b/x/");
        assert_eq!(url("a/b/x", "en"), "/en/a/b/x/");
        assert_eq!(url("a/b-c", "nl"), "/nl/a/b-c/");
        assert_eq!(url("z", "nl"), "/nl/z/");
        assert_eq!(
            page("a/b/x", "en").1.parent,
            Some(page("a/b/_index", "en").0)
        );
        assert_eq!(
            page("a/b/_index", "nl").1.parent,
            Some(page("a/_index", "nl").0)
        );
        assert_eq!(page("z", "nl").1.parent, Some(page("_index", "nl").0));
        assert_eq!(page("_index", "nl").1.kind, Kind::Home);
        assert_eq!(page("a/b/_index", "en").1.kind, Kind::Section);
        // Every page shares its key's versions, and every key has its languages.
        assert_eq!(site.by_key.len(), 7);
        for (key, versions) in &site.by_key {
            for (lang, &i) in versions.iter() {
                assert_eq!(
                    (&site.pages[i].doc.key, &site.pages[i].doc.lang),
                    (key, lang)
                );
                assert!(Arc::ptr_eq(&site.pages[i].versions, versions));
            }
        }
        assert_eq!(site.by_key[&PageKey::new("a/b-c")].len(), 1);
        assert_eq!(site.by_key[&PageKey::new("a/y")].len(), 2);
        let (a, _) = page("a/_index", "nl");
        let listed: Vec<&str> = site.pages[a]
            .pages
            .iter()
            .map(|&i| site.pages[i].doc.front.title.as_str())
            .collect();
        assert_eq!(listed, ["BC", "Y"]);
        assert_eq!(site.pages[a].subsections, [page("a/b/_index", "nl").0]);
    }

    #[test]
    fn links_into_a_page_find_its_anchors_as_a_search_for_each_would() {
        let glossary = "## Kop\n\n<p id=\"term\">Term</p>\n\nTekst[^een].\n\n[^een]: Noot.\n";
        let links = "[a](b.md#kop) [b](b.md#term) [c](b.md#nergens) [d](b.md#kop) \
                     [e](b.md#t\"x) [f](#zelf) [g](#eigen) [h](#top) [i](b.md#)\n\n## Eigen\n";
        let site = assembled_with(&[
            ("_index.nl", "Thuis", ""),
            ("b.nl", "B", glossary),
            ("a.nl", "A", links),
        ])
        .unwrap();
        let b = &site.pages[site.by_key[&PageKey::new("b")][&Lang::parse("nl").unwrap()]];
        let mut warned: Vec<&str> = site.warnings.iter().map(|w| w.message.as_str()).collect();
        warned.sort();
        let linked = ["kop", "term", "nergens", "t\"x", ""];
        let missing = linked.iter().filter(|f| !links::has_anchor(b, f));
        let into_b = missing.map(|f| format!("`#{f}` matches no heading in content/b.nl.md"));
        let mut expected: Vec<String> = into_b.collect();
        expected.push("`#zelf` matches no heading in this page".into());
        expected.sort();
        assert_eq!(warned, expected);
        assert!(warned.iter().any(|w| w.contains("#nergens")), "{warned:?}");
        assert!(!warned.iter().any(|w| w.contains("#kop")), "{warned:?}");
    }

    #[test]
    fn a_body_replaced_leaves_the_warnings_a_fresh_assembly_gives() {
        // Missing anchors are warnings of the page that links, in page order.
        let mut files = vec![
            ("_index.nl", "Thuis", String::new()),
            ("a.nl", "A", "[x](#mis-a)".to_string()),
            ("b.nl", "B", "geen".to_string()),
            ("c.nl", "C", "[y](#mis-c) [z](a.md#ook-mis)".to_string()),
            ("d.nl", "D", "[w](#mis-d)".to_string()),
        ];
        let mut site = assembled_with(&as_refs(&files)).unwrap();
        let edits = [
            ("b.nl", "[n](#nieuw) [m](#nog)"),
            ("c.nl", "schoon"),
            ("a.nl", ""),
            ("d.nl", "[w](#anders) [v](c.md#weg)"),
            ("_index.nl", "[h](#thuis)"),
            ("c.nl", "[y](#weer)"),
            ("b.nl", "[k](#kort)"),
            ("d.nl", ""),
        ];
        for (file, body) in edits {
            let at = files.iter().position(|f| f.0 == file).unwrap();
            files[at].2 = body.to_string();
            let fresh = assembled_with(&as_refs(&files)).unwrap();
            let (key, lang) = file.rsplit_once('.').unwrap();
            let i = site.by_key[&PageKey::new(key)][&Lang::parse(lang).unwrap()];
            let doc = document(file, files[at].1, body);
            site.replace_body(i, Arc::new(doc)).unwrap();
            assert_eq!(site.warnings, fresh.warnings, "after {file}: {body}");
        }
        assert_eq!(site.warnings.len(), 3, "{:?}", site.warnings);
    }

    #[test]
    fn links_to_missing_pages_suggest_the_nearest_key_each() {
        let errors = assembled_with(&[
            ("_index.nl", "Thuis", ""),
            ("over-ons.nl", "Over ons", ""),
            ("contact.nl", "Contact", ""),
            ("a.nl", "A", "[x](over-on.md) [y](kontact.md)"),
            ("b.nl", "B", "[x](over-on.md) [z](iets-heel-anders.md)"),
        ])
        .unwrap_err();
        let helps: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.message.as_str(), e.help.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(helps.len(), 4, "{helps:?}");
        for (message, help) in helps {
            let near = if message.contains("over-on.md") {
                "did you mean `over-ons`?"
            } else if message.contains("kontact.md") {
                "did you mean `contact`?"
            } else {
                "link to an existing file"
            };
            assert!(help.starts_with(near), "{message}: {help}");
        }
    }

    fn as_refs<'a>(files: &'a [(&'a str, &'a str, String)]) -> Vec<(&'a str, &'a str, &'a str)> {
        files.iter().map(|(f, t, b)| (*f, *t, b.as_str())).collect()
    }

    #[test]
    fn a_page_whose_section_has_no_index_in_its_language_is_reported() {
        let errors = assembled(&[
            ("_index.nl", "Thuis"),
            ("a/x.nl", "X"),
            ("a/_index.en", "A"),
            ("_index.en", "Home"),
            ("b/_index.nl", "B"),
            ("b/y.nl", "Y"),
        ])
        .unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].message.contains("has no index in `nl`"),
            "{errors:?}"
        );
    }

    #[test]
    fn titles_sort_as_their_lowercase() {
        let titles = [
            "Alpha", "alpha", "ALPHA!", "alpha", "Beta", "b", "Éclair", "eclair", "Zürich",
            "zurich", "zz", "ΣΑΣ", "σας", "", "10 jaar", "9 dagen", "a_b", "A-B", "[x]",
        ];
        for a in titles {
            for b in titles {
                assert_eq!(
                    lowercase_cmp(a, b),
                    a.to_lowercase().cmp(&b.to_lowercase()),
                    "{a} against {b}"
                );
            }
        }
    }
}
