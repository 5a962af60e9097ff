//! Rendering: a file's other language versions (language switcher, hreflang
//! alternates) and its breadcrumbs.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::lang::Lang;
use crate::site::{Page, Site, TaxonomyIndex, Term};

use super::context::{Alternate, Link, TermLink, Translation, home};
use super::jobs::{Job, permalink};

/// publish: taxonomy and term pages get their language versions (the same groups the
/// sitemap lists, so reciprocal by construction); other generated pages have none.
pub(super) fn generated_alternates<'a>(
    site: &'a Site,
    config: &Config,
    job: &Job<'a>,
) -> Vec<Alternate<'a>> {
    if let ("search", Some(url)) = (job.page.kind, job.page.url) {
        // Every language has its search page: this one and its peers.
        let own = std::iter::once((job.lang, url));
        let others = job.peers.iter().map(|p| (p.lang, p.url));
        let mut all: Vec<Alternate> = own
            .chain(others)
            .map(|(lang, url)| Alternate {
                lang,
                url: permalink(config, url),
            })
            .collect();
        all.sort_by_key(|a| config.langs().position(|l| l == a.lang));
        return all;
    }
    let Some((tax, term)) = job.generated else {
        return Vec::new();
    };
    crate::publish::generated_versions(site, config, tax, term)
        .into_iter()
        .map(|(lang, url)| Alternate {
            lang,
            url: permalink(config, url),
        })
        .collect()
}

pub(super) fn translations<'a>(
    site: &'a Site,
    config: &'a Config,
    i: usize,
) -> Vec<Translation<'a>> {
    let page = &site.pages[i];
    let versions = &page.versions;
    config
        .languages
        .iter()
        .filter(|l| l.code != page.doc.lang)
        .filter_map(|l| {
            if let Some(&t) = versions.get(&l.code) {
                return Some(Translation::to(l, &site.pages[t], true));
            }
            let near = nearest(site, page, &l.code)?;
            Some(Translation::to(l, &site.pages[near], false))
        })
        .collect()
}

/// The closest existing page in `lang`: the section (or one above it), else home.
pub(super) fn nearest(site: &Site, page: &Page, lang: &Lang) -> Option<usize> {
    let mut key = page.doc.key.parent();
    while let Some(k) = key {
        if let Some(&i) = site.by_key.get(&k).and_then(|m| m.get(lang)) {
            return Some(i);
        }
        key = k.parent();
    }
    None
}

/// The other languages' home pages (for pages that have no counterpart).
pub(super) fn home_peers<'a>(
    site: &'a Site,
    config: &'a Config,
    lang: &Lang,
) -> Vec<Translation<'a>> {
    config
        .languages
        .iter()
        .filter(|l| &l.code != lang)
        .filter_map(|l| home(site, &l.code).map(|h| Translation::to(l, &site.pages[h], false)))
        .collect()
}

/// A page's terms by taxonomy name.
pub(super) fn term_links<'a>(site: &'a Site, p: &Page) -> BTreeMap<&'a str, Vec<TermLink<'a>>> {
    let mut links: BTreeMap<&str, Vec<TermLink>> = BTreeMap::new();
    for &(t, j) in &p.terms {
        let tax = &site.taxonomies[t];
        let term = &tax.terms[j];
        links.entry(&tax.name).or_default().push(TermLink {
            name: &term.name,
            url: &term.url,
        });
    }
    links
}

/// A taxonomy page's counterparts: the same taxonomy in the other languages (terms are
/// written per language, so a term's nearest counterpart is its taxonomy's index).
pub(super) fn taxonomy_peers<'a>(
    site: &'a Site,
    config: &'a Config,
    tax: &'a TaxonomyIndex,
    exists: bool,
) -> Vec<Translation<'a>> {
    site.taxonomies
        .iter()
        .filter(|t| t.name == tax.name && t.lang != tax.lang)
        .filter_map(|t| {
            config.language(t.lang.as_str()).map(|l| Translation {
                lang: &l.code,
                name: &l.name,
                title: &t.name,
                url: &t.url,
                exists,
            })
        })
        .collect()
}

/// A term page's counterparts: the same term in another language where one was paired
/// (`energie` ↔ `energy`), else that language's taxonomy index.
pub(super) fn term_peers<'a>(
    site: &'a Site,
    config: &'a Config,
    tax: &'a TaxonomyIndex,
    term: &'a Term,
) -> Vec<Translation<'a>> {
    taxonomy_peers(site, config, tax, false)
        .into_iter()
        .map(|index| {
            let paired = term
                .translations
                .iter()
                .map(|&(t, j)| (&site.taxonomies[t], j))
                .find(|(t, _)| &t.lang == index.lang);
            match paired {
                Some((t, j)) => Translation {
                    title: &t.terms[j].name,
                    url: &t.terms[j].url,
                    exists: true,
                    ..index
                },
                None => index,
            }
        })
        .collect()
}

pub(super) fn alternates<'a>(site: &'a Site, config: &'a Config, i: usize) -> Vec<Alternate<'a>> {
    let versions = &site.pages[i].versions;
    config
        .languages
        .iter()
        .filter_map(|l| {
            versions.get(&l.code).map(|&t| Alternate {
                lang: &l.code,
                url: permalink(config, &site.pages[t].url),
            })
        })
        .collect()
}

pub(super) fn breadcrumbs(site: &Site, i: usize) -> Vec<Link<'_>> {
    let mut crumbs = Vec::new();
    let mut at = site.pages[i].parent;
    while let Some(p) = at {
        crumbs.push(Link {
            title: &site.pages[p].doc.front.title,
            url: &site.pages[p].url,
            active: false,
        });
        at = site.pages[p].parent;
    }
    crumbs.reverse();
    crumbs
}
