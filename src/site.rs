//! The assembled site: pages paired across languages, placed in sections, given URLs.
//!
//! Takes the parsed [`Document`]s and the [`Config`]; produces a [`Site`] where every
//! page has its localized URL, its section, its translations, its taxonomy terms and
//! its HTML with links resolved to URLs in the same language. Rejects pages whose
//! section has no index in their language, two pages (or aliases, or taxonomy pages) on
//! one URL, and links to pages that do not exist; warns about `#fragments` that match
//! no heading.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::{Config, Taxonomy};
use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::lang::Lang;
use crate::markdown;
use crate::sources::PageKey;
use crate::suggest;
use crate::url::{UrlPath, slugify};

/// One page with its links resolved, and what resolving found.
#[derive(Default)]
struct Resolved {
    /// The body and summary with links resolved; none when the page links to no
    /// content file, and both stay as they are.
    bodies: Option<(String, Option<markdown::Summary>)>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    reported: Vec<String>,
}

/// What a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Home,
    Section,
    Page,
}

/// One language version of one content file, placed in the site.
#[derive(Debug, Clone)]
pub struct Page {
    /// The parsed file, shared with the dev server's cache of parsed files.
    pub doc: Arc<Document>,
    pub kind: Kind,
    pub url: UrlPath,
    /// The body with every content link resolved.
    pub html: String,
    /// The first paragraph, resolved like the body: read it with [`Page::summary`].
    pub summary: Option<markdown::Summary>,
    /// The section index page this page belongs to (none for home).
    pub parent: Option<usize>,
    /// A section's pages, sorted by weight, then date (newest first), then title.
    pub pages: Vec<usize>,
    /// A section's child sections, in the same order.
    pub subsections: Vec<usize>,
    /// The page's terms as `(taxonomy, term)` indices in [`Site::taxonomies`]: by
    /// taxonomy name, then as the front matter lists them.
    pub terms: Vec<(usize, usize)>,
    /// Languages whose version of this page changed since this one was synced.
    pub newer: Vec<Lang>,
    /// This page's versions by language, itself included: its entry of
    /// [`Site::by_key`], kept with the page so that no one looks its key up per page.
    pub versions: Arc<BTreeMap<Lang, usize>>,
}

impl Page {
    /// The first paragraph's HTML, if the page has one.
    pub fn summary(&self) -> Option<&str> {
        self.summary.as_ref().map(|s| s.html(&self.html))
    }

    /// Takes the body and summary with links resolved; a page that links to no content
    /// file keeps its parsed body. The unresolved body is done with either way.
    fn settle(&mut self, resolved: Option<(String, Option<markdown::Summary>)>) {
        // A document shared with the dev server's cache stays as it is.
        let body = match Arc::get_mut(&mut self.doc) {
            Some(doc) => std::mem::take(&mut doc.body.html),
            None if resolved.is_none() => self.doc.body.html.clone(),
            None => String::new(),
        };
        match resolved {
            Some((html, summary)) => (self.html, self.summary) = (html, summary),
            None => self.html = body,
        }
    }
}

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
#[derive(Debug, Clone)]
pub struct Site {
    pub pages: Vec<Page>,
    /// Page indices by key and language (each key's map shared with its pages).
    pub by_key: BTreeMap<PageKey, Arc<BTreeMap<Lang, usize>>>,
    pub taxonomies: Vec<TaxonomyIndex>,
    /// Redirects from alias URL to the page index.
    pub aliases: BTreeMap<UrlPath, usize>,
    /// Problems that do not stop the build (fail it under `--strict`).
    pub warnings: Vec<Diagnostic>,
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
            .iter()
            .map(|d| d.as_ref().map(|d| (depth(&d.key), &d.key, &d.lang)))
            .collect();
        order.sort_by_key(|&i| keys[i]);
        let mut errors = Vec::new();
        let mut site = Site {
            pages: Vec::with_capacity(docs.len()),
            by_key: BTreeMap::new(),
            taxonomies: Vec::new(),
            aliases: BTreeMap::new(),
            warnings: Vec::new(),
            reported_anchors: Default::default(),
            unpublished,
        };
        for doc in order.into_iter().filter_map(|i| docs[i].take()) {
            if let Err(d) = site.place(doc) {
                errors.push(d);
            }
        }
        let mut urls = UrlClaims::default();
        for (i, p) in site.pages.iter().enumerate() {
            urls.claim(&p.url, (i, false), &site.pages, &mut errors);
            for alias in &p.doc.front.aliases {
                let url = UrlPath::file(alias);
                let url = if alias.ends_with('/')
                    || !alias.rsplit('/').next().unwrap_or("").contains('.')
                {
                    UrlPath::dir(alias.split('/'))
                } else {
                    url
                };
                urls.claim(&url, (i, true), &site.pages, &mut errors);
                site.aliases.insert(url, i);
            }
        }
        for versions in site.by_key.values() {
            for &i in versions.values() {
                site.pages[i].versions = Arc::clone(versions);
            }
        }
        let rank = site.ranks();
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
    /// them). A one-off build renders without them.
    pub fn drop_inputs(&mut self) {
        let empty: Arc<str> = Arc::from("");
        for page in &mut self.pages {
            if let Some(doc) = Arc::get_mut(&mut page.doc) {
                doc.text = empty.clone();
                doc.front.taxonomies = BTreeMap::new();
            }
        }
    }

    /// Adds a document under its section, computing its URL from the section's.
    fn place(&mut self, mut doc: Arc<Document>) -> Result<(), Diagnostic> {
        let lang = doc.lang.clone();
        let (kind, parent) = match doc.key.parent() {
            None => (Kind::Home, None),
            Some(pk) => {
                let Some(&parent) = self.by_key.get(&pk).and_then(|m| m.get(&lang)) else {
                    let file = format!("content/{}.{lang}.md", pk.as_str());
                    return Err(Diagnostic::error(
                        "content",
                        &doc.path,
                        format!("the section of this page has no index in `{lang}`"),
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
            None => UrlPath::dir([lang.as_str()]),
            Some(p) => {
                let slug = doc
                    .front
                    .slug
                    .clone()
                    .unwrap_or_else(|| doc.key.name().to_string());
                UrlPath::dir(self.pages[p].url.as_str().split('/').chain([slug.as_str()]))
            }
        };
        let index = self.pages.len();
        // Pages get their share of the map once every page is placed.
        Arc::make_mut(self.by_key.entry(doc.key.clone()).or_default()).insert(lang, index);
        // Moved, not copied: the page's summary is the one resolved and rendered.
        let summary = match Arc::get_mut(&mut doc) {
            Some(d) => d.body.summary.take(),
            None => doc.body.summary.clone(),
        };
        self.pages.push(Page {
            doc,
            kind,
            url,
            html: String::new(),
            summary,
            parent,
            pages: Vec::new(),
            subsections: Vec::new(),
            terms: Vec::new(),
            newer: Vec::new(),
            versions: Arc::default(),
        });
        Ok(())
    }

    /// Each page's place in the order lists use (weight, newest date, title): sorting
    /// by it compares two numbers instead of building keys again for every list.
    fn ranks(&self) -> Vec<u32> {
        let mut by_order: Vec<usize> = (0..self.pages.len()).collect();
        by_order.sort_by_cached_key(|&i| sort_key(&self.pages[i]));
        let mut rank = vec![0; self.pages.len()];
        for (r, i) in by_order.into_iter().enumerate() {
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

    fn collect_taxonomies(
        &mut self,
        config: &Config,
        rank: &[u32],
        urls: &mut UrlClaims,
        errors: &mut Vec<Diagnostic>,
    ) {
        for lang in config.langs() {
            for tax in &config.taxonomies {
                let t = self.taxonomies.len();
                let (index, listed) = self.taxonomy(lang, tax, rank);
                let what = format!("the `{}` taxonomy", tax.name);
                urls.claim_generated(&index.url, what, &self.pages, errors);
                for term in &index.terms {
                    let what = format!("the `{}` term `{}`", tax.name, term.name);
                    urls.claim_generated(&term.url, what, &self.pages, errors);
                }
                for (page, term) in listed {
                    self.pages[page].terms.push((t, term));
                }
                self.taxonomies.push(index);
            }
        }
        let taxonomies = &self.taxonomies;
        for page in &mut self.pages {
            page.terms
                .sort_by(|a, b| taxonomies[a.0].name.cmp(&taxonomies[b.0].name));
        }
    }

    /// One taxonomy in one language, with the `(page, term)` of every term its pages
    /// list, in order.
    fn taxonomy(
        &self,
        lang: &Lang,
        tax: &Taxonomy,
        rank: &[u32],
    ) -> (TaxonomyIndex, Vec<(usize, usize)>) {
        let base = UrlPath::dir([lang.as_str(), tax.slug(lang)]);
        // Terms in the order first seen, numbered; names repeat on many pages, so each
        // is slugified once.
        let mut terms: Vec<(String, Term)> = Vec::new();
        let mut by_slug: HashMap<String, usize> = HashMap::new();
        let mut by_name: HashMap<&str, usize> = HashMap::new();
        let mut listed = Vec::new();
        for (i, page) in self.pages.iter().enumerate() {
            if &page.doc.lang != lang {
                continue;
            }
            for name in page
                .doc
                .front
                .taxonomies
                .get(&tax.name)
                .into_iter()
                .flatten()
            {
                let n = *by_name.entry(name.as_str()).or_insert_with(|| {
                    let slug = slugify(name);
                    let slug = if slug.is_empty() {
                        "-".to_string()
                    } else {
                        slug
                    };
                    *by_slug.entry(slug.clone()).or_insert_with(|| {
                        let url = UrlPath::dir(base.as_str().split('/').chain([slug.as_str()]));
                        terms.push((
                            slug,
                            Term {
                                name: name.clone(),
                                url,
                                pages: Vec::new(),
                                translations: Vec::new(),
                            },
                        ));
                        terms.len() - 1
                    })
                });
                terms[n].1.pages.push(i);
                listed.push((i, n));
            }
        }
        // Sorted by slug first, as a map by slug would hold them, so that terms whose
        // names sort alike keep one order.
        let mut order: Vec<usize> = (0..terms.len()).collect();
        order.sort_by(|&a, &b| terms[a].0.cmp(&terms[b].0));
        order.sort_by_cached_key(|&n| terms[n].1.name.to_lowercase());
        let mut position = vec![0; terms.len()];
        for (at, &n) in order.iter().enumerate() {
            position[n] = at;
        }
        for (_, t) in &mut terms {
            t.pages.sort_by_key(|&i| rank[i]);
            t.pages.dedup();
        }
        let listed = listed.into_iter().map(|(i, n)| (i, position[n])).collect();
        let mut slots: Vec<Option<Term>> = terms.into_iter().map(|(_, t)| Some(t)).collect();
        let terms: Vec<Term> = order.iter().filter_map(|&n| slots[n].take()).collect();
        let index = TaxonomyIndex {
            name: tax.name.clone(),
            lang: lang.clone(),
            url: base,
            terms,
        };
        (index, listed)
    }

    /// Pairs each term with its counterpart in every other language: the term whose
    /// pages are, for the most part, translations of this term's pages, when that
    /// choice is mutual. Terms are written per language, so this is how `energie`
    /// finds `energy` without a mapping file.
    fn pair_terms(&mut self) {
        let mut links = Vec::new();
        // Number the translation keys, so pages of one key find each other by index.
        let mut keys = vec![0; self.pages.len()];
        for (k, versions) in self.by_key.values().enumerate() {
            for &p in versions.values() {
                keys[p] = k;
            }
        }
        for (a, ta) in self.taxonomies.iter().enumerate() {
            for (b, tb) in self.taxonomies.iter().enumerate() {
                if a == b || ta.name != tb.name {
                    continue;
                }
                let back: std::collections::HashSet<(usize, usize)> =
                    self.best_matches(&keys, tb, ta).into_iter().collect();
                for (i, j) in self.best_matches(&keys, ta, tb) {
                    if back.contains(&(j, i)) {
                        links.push((a, i, b, j));
                    }
                }
            }
        }
        for (a, i, b, j) in links {
            self.taxonomies[a].terms[i].translations.push((b, j));
        }
    }

    /// For each term of `from`, the term of `to` sharing the most page keys, if they
    /// share at least half of their combined keys.
    fn best_matches(
        &self,
        keys: &[usize],
        from: &TaxonomyIndex,
        to: &TaxonomyIndex,
    ) -> Vec<(usize, usize)> {
        // The terms of `to` on each translation key (dense: keys are numbered).
        let mut term_of: Vec<Vec<usize>> = vec![Vec::new(); self.by_key.len()];
        for (j, t) in to.terms.iter().enumerate() {
            for &p in &t.pages {
                term_of[keys[p]].push(j);
            }
        }
        let mut out = Vec::new();
        // Keys each term of `to` shares with the term at hand, counted in place; the
        // terms counted are listed, to be reset for the next.
        let mut shared = vec![0usize; to.terms.len()];
        let mut counted = Vec::new();
        for (i, t) in from.terms.iter().enumerate() {
            for &p in &t.pages {
                for &j in &term_of[keys[p]] {
                    if shared[j] == 0 {
                        counted.push(j);
                    }
                    shared[j] += 1;
                }
            }
            let found: Vec<(usize, usize)> = counted.drain(..).map(|j| (j, shared[j])).collect();
            for &(j, _) in &found {
                shared[j] = 0;
            }
            // Rank by overlap over union (in thousandths), then a shared name (`talent`
            // in both languages), then the first term (the ranking ties on nothing else).
            let best = found.into_iter().max_by_key(|&(j, n)| {
                let union = t.pages.len() + to.terms[j].pages.len() - n;
                (
                    n * 1000 / union.max(1),
                    to.terms[j].url.as_str().rsplit('/').nth(1)
                        == t.url.as_str().rsplit('/').nth(1),
                    std::cmp::Reverse(j),
                )
            });
            if let Some((j, n)) = best
                && 2 * n >= t.pages.len() + to.terms[j].pages.len() - n
            {
                out.push((i, j));
            }
        }
        out
    }

    /// Puts the URL of every linked page into each body; broken links are errors,
    /// fragments that match no heading of the target are warnings.
    fn resolve_links(&mut self, errors: &mut Vec<Diagnostic>) {
        // Pages resolve independently (in parallel); results are taken in page order.
        let resolved: Vec<Resolved> = self
            .pages
            .par_iter()
            .map(|page| self.resolve_page(page))
            .collect();
        for (page, r) in self.pages.iter_mut().zip(resolved) {
            page.settle(r.bodies);
            errors.extend(r.errors);
            self.warnings.extend(r.warnings);
            self.reported_anchors.extend(r.reported);
        }
    }

    /// Puts `doc` in place of the document of page `i` and resolves its links again:
    /// the dev server's rebuild after an edit that changed neither where the page is
    /// nor where its links go (which the caller checked). Hands back the page as
    /// it was; on link errors, leaves the site as it was.
    pub(crate) fn replace_body(
        &mut self,
        i: usize,
        doc: Document,
    ) -> Result<Page, Vec<Diagnostic>> {
        let mut page = Page {
            summary: doc.body.summary.clone(),
            doc: Arc::new(doc),
            html: String::new(),
            ..self.pages[i].clone()
        };
        let r = self.resolve_page(&page);
        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        page.settle(r.bodies);
        // Warnings come in page order: this page's go where its old ones were.
        let path = page.doc.path.clone();
        let before: std::collections::HashSet<&Path> = self.pages[..i]
            .iter()
            .map(|p| p.doc.path.as_path())
            .collect();
        let at = self
            .warnings
            .iter()
            .take_while(|w| before.contains(w.path.as_path()) || w.path == path)
            .filter(|w| w.path != path)
            .count();
        self.warnings.retain(|w| w.path != path);
        self.warnings.splice(at..at, r.warnings);
        self.reported_anchors.extend(r.reported);
        Ok(std::mem::replace(&mut self.pages[i], page))
    }

    fn resolve_page(&self, page: &Page) -> Resolved {
        let mut r = Resolved::default();
        let body = &page.doc.body;
        let mut urls = Vec::with_capacity(body.links.len());
        for link in &body.links {
            match self.link_target(link, &page.doc.lang) {
                Ok(t) => {
                    let target = &self.pages[t];
                    if let Some(f) = &link.fragment {
                        if !has_anchor(target, f) {
                            r.reported.push(format!("{}#{f}", target.url));
                            r.warnings.push(missing_anchor(
                                page,
                                link.span.clone(),
                                f,
                                &target.doc.path.display().to_string(),
                            ));
                        }
                        urls.push(format!("{}#{f}", target.url));
                    } else {
                        urls.push(target.url.to_string());
                    }
                }
                Err(d) => {
                    let mut d = d.at(&page.doc.text, link.span.clone());
                    d.path = page.doc.path.clone();
                    r.errors.push(d);
                    urls.push(String::new());
                }
            }
        }
        for (f, span) in &body.local_fragments {
            if !has_anchor(page, f) {
                r.reported.push(format!("{}#{f}", page.url));
                r.warnings
                    .push(missing_anchor(page, span.clone(), f, "this page"));
            }
        }
        // Without links there is nothing to resolve: the page keeps the parsed body.
        if !body.links.is_empty() {
            let summary = page
                .summary
                .as_ref()
                .map(|s| markdown::Summary::Own(markdown::resolve(s.html(&body.html), &urls)));
            let mut html = markdown::resolve(&body.html, &urls);
            html.shrink_to_fit();
            r.bodies = Some((html, summary));
        }
        r
    }

    fn link_target(&self, link: &markdown::Link, from: &Lang) -> Result<usize, Diagnostic> {
        let lang = link.lang.as_deref().unwrap_or(from.as_str());
        let versions = self.by_key.get(&link.key);
        if let Some(&i) =
            versions.and_then(|m| m.iter().find(|(l, _)| l.as_str() == lang).map(|(_, i)| i))
        {
            return Ok(i);
        }
        if let Some(why) = self.unpublished.get(&format!("{}.{lang}", link.key)) {
            let message = format!(
                "`{}` links to a page that is not published: it {why}",
                link.dest
            );
            let help = "link to it once it is published, or build with --drafts to preview both";
            return Err(Diagnostic::error("link", "", message)
                .about(link.key.as_str())
                .with_help(help));
        }
        let err = Diagnostic::error(
            "link",
            "",
            format!(
                "`{}` links to a page that does not exist in `{lang}`",
                link.dest
            ),
        )
        .about(link.key.as_str());
        let help = match versions {
            Some(m) => {
                let other: Vec<&str> = m.keys().map(Lang::as_str).collect();
                format!(
                    "`{}` exists only in {}: translate it, or link to `{}.{}.md` on purpose",
                    link.key,
                    other.join(", "),
                    link.key.name(),
                    other[0]
                )
            }
            None => {
                match suggest::closest(link.key.as_str(), self.by_key.keys().map(PageKey::as_str)) {
                    Some(near) => format!(
                        "did you mean `{near}`? (links name the file without its language: `{}.md`)",
                        near
                    ),
                    None => "link to an existing file under content/, without its language suffix"
                        .to_string(),
                }
            }
        };
        Err(err.with_help(help))
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
    let day = |d: &crate::date::DateTime| (d.year, d.month, d.day);
    match (&d.front.date, &config.today) {
        (Some(date), Some(today)) if day(date) > day(today) => Some(format!(
            "is dated {}, after today ({})",
            date.date_iso(),
            today.date_iso()
        )),
        _ => None,
    }
}

/// Whether `fragment` names a heading (or a footnote) of `page`; an empty one is the top.
fn has_anchor(page: &Page, fragment: &str) -> bool {
    fragment.is_empty()
        || fragment == "top"
        || page.doc.body.headings.iter().any(|h| h.id == fragment)
        || page.doc.body.html.contains(&format!("id=\"{fragment}\""))
        // Once resolved (a dev-server rebuild resolves one page among resolved ones).
        || page.html.contains(&format!("id=\"{fragment}\""))
}

fn missing_anchor(
    page: &Page,
    span: std::ops::Range<usize>,
    fragment: &str,
    target: &str,
) -> Diagnostic {
    Diagnostic::warning(
        "link",
        &page.doc.path,
        format!("`#{fragment}` matches no heading in {target}"),
    )
    .at(&page.doc.text, span)
    .with_help("use the id of a heading there (shown in the page's HTML), or drop the `#…`")
}

/// Depth of a key, so sections are placed before their pages.
fn depth(key: &PageKey) -> (usize, bool) {
    (
        key.dir().matches('/').count() + usize::from(!key.dir().is_empty()),
        !key.is_index(),
    )
}

/// Where a page goes in the lists it is in: weight, newest date, title (then its index).
pub(crate) fn sort_key(
    p: &Page,
) -> (
    i64,
    std::cmp::Reverse<Option<crate::date::DateTime>>,
    String,
) {
    (
        p.doc.front.weight.unwrap_or(i64::MAX),
        std::cmp::Reverse(p.doc.front.date.clone()),
        p.doc.front.title.to_lowercase(),
    )
}

/// Which file claimed which URL, to report two on one. Claims are by output file, so
/// `/nl/` and an alias `/nl/index.html` collide too.
#[derive(Default)]
struct UrlClaims {
    owners: HashMap<String, Owner>,
}

/// What claimed a URL: described only when something else wants it too.
enum Owner {
    Page(usize),
    Alias(usize),
    Generated(String),
}

impl Owner {
    fn describe(&self, pages: &[Page]) -> String {
        match self {
            Owner::Page(i) => format!("{}", pages[*i].doc.path.display()),
            Owner::Alias(i) => format!("an alias of {}", pages[*i].doc.path.display()),
            Owner::Generated(what) => what.clone(),
        }
    }
}

impl UrlClaims {
    /// Claims `url` for page `i` (`alias`: for one of its aliases); a second claim is
    /// an error at the page's file.
    fn claim(
        &mut self,
        url: &UrlPath,
        (i, alias): (usize, bool),
        pages: &[Page],
        errors: &mut Vec<Diagnostic>,
    ) {
        let me = if alias {
            Owner::Alias(i)
        } else {
            Owner::Page(i)
        };
        match self.owners.entry(url.output_file()) {
            Entry::Occupied(first) => {
                let doc = &pages[i].doc;
                let (me, first) = (me.describe(pages), first.get().describe(pages));
                let mut d = Diagnostic::error(
                    "url",
                    &doc.path,
                    format!("{me} and {first} both want the URL {url}"),
                )
                .with_help("give one of them another `slug` (or remove the alias)");
                if let Some(pos) = doc.text.find("slug:") {
                    d = d.at(&doc.text, pos..pos + 4);
                }
                errors.push(d);
            }
            Entry::Vacant(e) => {
                e.insert(me);
            }
        }
    }

    fn claim_generated(
        &mut self,
        url: &UrlPath,
        what: String,
        pages: &[Page],
        errors: &mut Vec<Diagnostic>,
    ) {
        match self.owners.entry(url.output_file()) {
            Entry::Occupied(first) => errors.push(
                Diagnostic::error(
                    "url",
                    "site.yaml",
                    format!(
                        "{what} and {} both want the URL {url}",
                        first.get().describe(pages)
                    ),
                )
                .with_help("rename the taxonomy's slug in site.yaml or the page's slug"),
            ),
            Entry::Vacant(e) => {
                e.insert(Owner::Generated(what));
            }
        }
    }
}
