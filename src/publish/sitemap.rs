//! `sitemap.xml`: every page, section, taxonomy and term page, with `lastmod` and
//! `xhtml:link` alternates (each existing translation and `x-default`).
//!
//! Takes the [`Site`]; produces `sitemap.xml`, or, past `limit` URLs, a sitemap index
//! in `sitemap.xml` pointing at `sitemap-1.xml`, `sitemap-2.xml`, …. Alternates come
//! from the same groups the page heads use (a key's versions, a taxonomy's languages,
//! paired terms), with `x-default` the default language's version,
//! so they are reciprocal by construction. The root chooser is listed; 404 pages,
//! search pages and redirects are not.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::date::DateTime;
use crate::lang::Lang;
use crate::site::{Page, Site};
use crate::url::UrlPath;

use rayon::prelude::*;

use super::{absolute, generated_versions, time, xml_escape, xml_escape_into};

/// One `<url>` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub loc: String,
    pub lastmod: Option<String>,
    /// `(hreflang, absolute URL)`, `x-default` last; empty when the page has no group.
    pub alternates: Vec<(String, String)>,
}

/// The sitemap file(s) by output path.
pub fn render(site: &Site, config: &Config, limit: usize) -> BTreeMap<String, Vec<u8>> {
    let entries = entries(site, config);
    let limit = limit.max(1);
    let mut files = BTreeMap::new();
    if entries.len() <= limit {
        files.insert("sitemap.xml".into(), urlset(&entries).into_bytes());
        return files;
    }
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in entries.chunks(limit).enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        index.push_str(&format!(
            "<sitemap><loc>{}/{name}</loc>",
            xml_escape(&config.base_url)
        ));
        if let Some(newest) = chunk.iter().filter_map(|e| e.lastmod.as_ref()).max() {
            index.push_str(&format!("<lastmod>{newest}</lastmod>"));
        }
        index.push_str("</sitemap>\n");
        files.insert(name, urlset(chunk).into_bytes());
    }
    index.push_str("</sitemapindex>\n");
    files.insert("sitemap.xml".into(), index.into_bytes());
    files
}

fn urlset(entries: &[Entry]) -> String {
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
    // Written in runs on both cores, then joined in order.
    let runs: Vec<String> = entries
        .par_chunks(1024)
        .map(|run| {
            let mut s = String::with_capacity(run.len() * 320);
            for e in run {
                url_entry(&mut s, e);
            }
            s
        })
        .collect();
    let mut s =
        String::with_capacity(head.len() + runs.iter().map(String::len).sum::<usize>() + 12);
    s.push_str(head);
    for run in runs {
        s.push_str(&run);
    }
    s.push_str("</urlset>\n");
    s
}

/// One `<url>` element, on its own line.
fn url_entry(s: &mut String, e: &Entry) {
    s.push_str("<url><loc>");
    xml_escape_into(s, &e.loc);
    s.push_str("</loc>");
    if let Some(m) = &e.lastmod {
        s.push_str("<lastmod>");
        s.push_str(m);
        s.push_str("</lastmod>");
    }
    for (lang, href) in &e.alternates {
        s.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
        xml_escape_into(s, lang);
        s.push_str("\" href=\"");
        xml_escape_into(s, href);
        s.push_str("\"/>");
    }
    s.push_str("</url>\n");
}

/// Every listed URL: the root chooser, content pages in build order, then each
/// language's taxonomy and term pages.
pub fn entries(site: &Site, config: &Config) -> Vec<Entry> {
    let mut out = vec![Entry {
        loc: format!("{}/", config.base_url),
        lastmod: None,
        alternates: Vec::new(),
    }];
    out.par_extend(site.pages.par_iter().map(|page| {
        let versions = &site.by_key[&page.doc.key];
        let group = config
            .langs()
            .filter_map(|l| versions.get(l).map(|&i| (l, &site.pages[i].url)));
        Entry {
            loc: absolute(config, &page.url),
            lastmod: lastmod(page).map(time::w3c),
            alternates: with_x_default(config, group),
        }
    }));
    // Each page's last change as an instant, once: term pages list pages many times.
    let changed: Vec<Option<(time::Instant, bool, &DateTime)>> = site
        .pages
        .par_iter()
        .map(|p| lastmod(p).map(|d| (time::instant(d), d.time.is_some(), d)))
        .collect();
    let newest = |pages: &mut dyn Iterator<Item = &usize>| {
        pages
            .filter_map(|&i| changed[i])
            .max_by_key(|&(at, timed, _)| (at, timed))
            .map(|(_, _, d)| time::w3c(d))
    };
    for (t, tax) in site.taxonomies.iter().enumerate() {
        let group = generated_versions(site, config, t, None);
        out.push(Entry {
            loc: absolute(config, &tax.url),
            lastmod: newest(&mut tax.terms.iter().flat_map(|t| &t.pages)),
            alternates: with_x_default(config, group.into_iter()),
        });
        for (i, term) in tax.terms.iter().enumerate() {
            let group = generated_versions(site, config, t, Some(i));
            out.push(Entry {
                loc: absolute(config, &term.url),
                lastmod: newest(&mut term.pages.iter()),
                alternates: with_x_default(config, group.into_iter()),
            });
        }
    }
    out
}

/// A group's members in language order, then `x-default`: the default language's
/// member (as the page heads have it), else the root chooser.
fn with_x_default<'a>(
    config: &Config,
    group: impl Iterator<Item = (&'a Lang, &'a UrlPath)>,
) -> Vec<(String, String)> {
    let mut alts: Vec<(String, String)> = group
        .map(|(l, u)| (l.to_string(), absolute(config, u)))
        .collect();
    let default = config.default_lang().as_str();
    let x_default = alts
        .iter()
        .find(|(l, _)| l == default)
        .map_or_else(|| format!("{}/", config.base_url), |(_, u)| u.clone());
    if !alts.is_empty() {
        alts.push(("x-default".into(), x_default));
    }
    alts
}

/// When a page last changed: `updated`, else `date`.
pub fn lastmod(page: &Page) -> Option<&DateTime> {
    page.doc
        .front
        .updated
        .as_ref()
        .or(page.doc.front.date.as_ref())
}
