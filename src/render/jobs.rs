//! Rendering: the files to render. One job per content page, taxonomy, term, search
//! page, 404 and the root chooser, each with its template, output path and page context.

use rayon::prelude::*;

use crate::config::Config;
use crate::lang::Lang;
use crate::site::{Kind, Page, Site};
use crate::url::UrlPath;

use super::context::{Link, PageCtx, Summary, TermCount, Translation};
use super::versions::{home_peers, taxonomy_peers, term_links, term_peers};

/// One file to render: which template, where to, with what.
pub(super) struct Job<'a> {
    pub(super) template: &'a str,
    pub(super) out: String,
    pub(super) lang: &'a Lang,
    pub(super) page: PageCtx<'a>,
    /// The content page, for translations, breadcrumbs and error messages.
    pub(super) source: Option<usize>,
    /// The switcher's targets for generated pages (taxonomies, terms, 404s).
    pub(super) peers: Vec<Translation<'a>>,
    /// A taxonomy's page: its number in `site.taxonomies`, with the term's number in
    /// its terms for a term's page.
    pub(super) generated: Option<(usize, Option<usize>)>,
}

/// The jobs of the files that are not content pages (taxonomies, terms, 404s, the root
/// chooser); with `digests` (each page's [`digest`]) in the summaries they list. Each
/// content page's job is made where it is done ([`page_job`]).
pub(super) fn generated_jobs<'a>(
    site: &'a Site,
    config: &'a Config,
    digests: Option<&[u128]>,
) -> Vec<Job<'a>> {
    let mut jobs = Vec::new();
    for (t, tax) in site.taxonomies.iter().enumerate() {
        jobs.push(taxonomy_job(site, config, t));
        jobs.par_extend(
            (0..tax.terms.len())
                .into_par_iter()
                .map(|n| term_job(site, config, (t, n), digests)),
        );
    }
    // A 404 page per language, and one at the root in the default language.
    let default = config.default_lang();
    let not_found = config
        .languages
        .iter()
        .map(|l| (&l.code, format!("{}/404.html", l.code)))
        .chain([(default, "404.html".to_string())]);
    for (lang, out) in not_found {
        jobs.push(Job {
            template: "404.html",
            out,
            lang,
            page: PageCtx {
                kind: "404",
                ..PageCtx::default()
            },
            source: None,
            peers: home_peers(site, config, lang),
            generated: None,
        });
    }
    jobs.push(Job {
        template: "root.html",
        out: "index.html".into(),
        lang: default,
        page: PageCtx {
            kind: "root",
            permalink: format!("{}/", config.base_url),
            ..PageCtx::default()
        },
        source: None,
        peers: Vec::new(),
        generated: None,
    });
    jobs
}

/// The page of a taxonomy in one language: its terms, each with its count of pages.
fn taxonomy_job<'a>(site: &'a Site, config: &'a Config, t: usize) -> Job<'a> {
    let tax = &site.taxonomies[t];
    let terms = tax
        .terms
        .iter()
        .map(|t| TermCount {
            name: &t.name,
            url: &t.url,
            count: t.pages.len(),
        })
        .collect();
    Job {
        template: "taxonomy.html",
        out: tax.url.output_file(),
        lang: &tax.lang,
        page: PageCtx {
            kind: "taxonomy",
            title: &tax.name,
            url: Some(&tax.url),
            permalink: permalink(config, &tax.url),
            terms,
            taxonomy: Some(&tax.name),
            ..PageCtx::default()
        },
        source: None,
        peers: taxonomy_peers(site, config, tax, true),
        generated: Some((t, None)),
    }
}

/// The page of term `n` of taxonomy `t` (numbers in `site.taxonomies` and its terms).
pub(super) fn term_job<'a>(
    site: &'a Site,
    config: &'a Config,
    (t, n): (usize, usize),
    digests: Option<&[u128]>,
) -> Job<'a> {
    let tax = &site.taxonomies[t];
    let term = &tax.terms[n];
    Job {
        template: "term.html",
        out: term.url.output_file(),
        lang: &tax.lang,
        page: PageCtx {
            kind: "term",
            title: &term.name,
            url: Some(&term.url),
            permalink: permalink(config, &term.url),
            pages: term
                .pages
                .iter()
                .map(|&i| listed(site, i, digests))
                .collect(),
            taxonomy: Some(&tax.name),
            ..PageCtx::default()
        },
        source: None,
        peers: term_peers(site, config, tax, term),
        generated: Some((t, Some(n))),
    }
}

/// Each page's place in its section's list of pages (none for sections and home): found
/// once, not by searching the list for every page of a big section.
pub(super) fn places(site: &Site) -> Vec<Option<usize>> {
    let mut at = vec![None; site.pages.len()];
    for p in &site.pages {
        for (k, &c) in p.pages.iter().enumerate() {
            at[c] = Some(k);
        }
    }
    at
}

/// The template of page `p`'s job.
pub(super) fn template(p: &Page) -> &str {
    p.doc.front.template.as_deref().unwrap_or(match p.kind {
        Kind::Home => "home.html",
        Kind::Section => "section.html",
        Kind::Page => "page.html",
    })
}

pub(super) fn page_job<'a>(
    site: &'a Site,
    config: &'a Config,
    i: usize,
    places: &[Option<usize>],
    digests: Option<&[u128]>,
) -> Job<'a> {
    let p = &site.pages[i];
    let fm = &p.doc.front;
    let (previous, next) = neighbours(site, p, places[i]);
    let listed_all = |list: &[usize]| list.iter().map(|&c| listed(site, c, digests)).collect();
    let page = PageCtx {
        kind: match p.kind {
            Kind::Home => "home",
            Kind::Section => "section",
            Kind::Page => "page",
        },
        key: p.doc.key.as_str(),
        title: &fm.title,
        description: fm.description.as_deref(),
        url: Some(&p.url),
        permalink: permalink(config, &p.url),
        content: p.html(),
        summary: p.summary(),
        date: fm.date.as_ref(),
        updated: fm.updated.as_ref(),
        weight: fm.weight,
        image: fm.image.as_deref(),
        image_alt: fm.image_alt.as_deref(),
        event: fm.event.as_ref(),
        extra: Some(&fm.extra),
        headings: &p.doc.body.headings,
        taxonomies: term_links(site, p),
        previous,
        next,
        pages: listed_all(&p.pages),
        events: listed_all(&crate::publish::calendar::by_start(
            site,
            p.pages.iter().copied(),
        )),
        subsections: listed_all(&p.subsections),
        words: p.doc.body.words,
        newer_translations: newer(site, config, p),
        section: top_section(site, i),
        digest: p.digest(),
        ..PageCtx::default()
    };
    Job {
        template: template(p),
        out: p.url.output_file(),
        lang: &p.doc.lang,
        page,
        source: Some(i),
        peers: Vec::new(),
        generated: None,
    }
}

/// The pages before and after page `p` in its section's list, where it is at `place`.
fn neighbours<'a>(
    site: &'a Site,
    p: &Page,
    place: Option<usize>,
) -> (Option<Link<'a>>, Option<Link<'a>>) {
    let siblings = p.parent.map(|s| &site.pages[s].pages[..]).unwrap_or(&[]);
    let at = |j: Option<usize>| {
        j.and_then(|j| siblings.get(j)).map(|&n| Link {
            title: &site.pages[n].doc.front.title,
            url: &site.pages[n].url,
            active: false,
        })
    };
    (
        at(place.and_then(|x| x.checked_sub(1))),
        at(place.map(|x| x + 1)),
    )
}

pub(super) fn newer<'a>(site: &'a Site, config: &'a Config, p: &'a Page) -> Vec<Translation<'a>> {
    let versions = &p.versions;
    p.newer
        .iter()
        .filter_map(|lang| {
            let t = &site.pages[*versions.get(lang)?];
            let name = config
                .language(lang.as_str())
                .map_or(lang.as_str(), |l| l.name.as_str());
            Some(Translation {
                lang,
                name,
                title: &t.doc.front.title,
                url: &t.url,
                exists: true,
            })
        })
        .collect()
}

/// The URL of the section right under home that holds page `i` (or is it).
pub(super) fn top_section(site: &Site, i: usize) -> Option<&UrlPath> {
    let mut at = i;
    loop {
        let parent = site.pages[at].parent?;
        if site.pages[parent].parent.is_none() {
            return (site.pages[at].kind == Kind::Section).then_some(&site.pages[at].url);
        }
        at = parent;
    }
}

/// Page `i` as a list shows it, with its digest when there are `digests`.
fn listed<'a>(site: &'a Site, i: usize, digests: Option<&[u128]>) -> Summary<'a> {
    summary(&site.pages[i], digests.map(|d| d[i]))
}

/// A fingerprint of how lists show page `p`: what its summary's `digest` stands for.
/// A summary is made of the page's document, where its links go and its URL: with the
/// page's own digest (of the first two), that digest and the URL stand for it, and its
/// fields are not read again.
pub(super) fn digest(p: &Page) -> u128 {
    match p.digest() {
        Some(own) => crate::fingerprint::fingerprint(own, &p.url),
        None => crate::fingerprint::fingerprint(0, &summary(p, None)),
    }
}

pub(super) fn summary(p: &Page, digest: Option<u128>) -> Summary<'_> {
    let fm = &p.doc.front;
    Summary {
        key: p.doc.key.as_str(),
        title: &fm.title,
        url: &p.url,
        description: fm.description.as_deref(),
        summary: p.summary(),
        date: fm.date.as_ref(),
        event: fm.event.as_ref(),
        weight: fm.weight,
        digest,
    }
}

pub(super) fn permalink(config: &Config, url: &UrlPath) -> String {
    format!("{}{}", config.base_url, url)
}

/// publish: one search page per language (`/<lang>/search/`), linked to the others.
pub(super) fn search_jobs<'a>(config: &'a Config, urls: &'a [(&'a Lang, UrlPath)]) -> Vec<Job<'a>> {
    urls.iter()
        .map(|(lang, url)| Job {
            template: "search.html",
            out: url.output_file(),
            lang,
            page: PageCtx {
                kind: "search",
                url: Some(url),
                permalink: permalink(config, url),
                ..PageCtx::default()
            },
            source: None,
            peers: urls
                .iter()
                .filter(|(l, _)| l != lang)
                .filter_map(|(l, u)| {
                    config.language(l.as_str()).map(|c| Translation {
                        lang: l,
                        name: &c.name,
                        title: "",
                        url: u,
                        exists: true,
                    })
                })
                .collect(),
            generated: None,
        })
        .collect()
}
