//! `sitemap.xml`: every page, section, taxonomy and term page, with `lastmod` and
//! `xhtml:link` alternates (each existing translation and `x-default`).
//!
//! Takes the [`Site`]; produces `sitemap.xml`, or, past `limit` URLs, a sitemap index
//! in `sitemap.xml` pointing at `sitemap-1.xml`, `sitemap-2.xml`, …. Alternates come
//! from the same groups the page heads use (a key's versions, a taxonomy's languages,
//! paired terms), with `x-default` the default language's version,
//! so they are reciprocal by construction. The root chooser is listed; 404 pages,
//! search pages and redirects are not.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::date::DateTime;
use crate::fingerprint::fingerprint;
use crate::lang::Lang;
use crate::site::{Page, Site};
use crate::url::UrlPath;

use super::{generated_versions, time, uri_into, xml_escape, xml_escape_into};

/// One `<url>` entry: its line of XML, and its `lastmod` for the index of a split
/// sitemap.
struct Entry {
    xml: String,
    lastmod: Option<String>,
}

/// The content pages' entries of the last sitemap, by a fingerprint of what each was
/// made from (URL, last change, alternates, the site's base URL and default language):
/// the dev server's rebuilds make again only the entries whose page changed.
#[derive(Default)]
pub struct SitemapMemo(HashMap<u128, Arc<Entry>>);

/// The sitemap file(s) by output path.
pub fn render(site: &Site, config: &Config, limit: usize) -> BTreeMap<String, Vec<u8>> {
    render_with(site, config, limit, None)
}

/// [`render`], taking unchanged entries from `memo` and leaving this sitemap's in it.
pub fn render_with(
    site: &Site,
    config: &Config,
    limit: usize,
    memo: Option<&mut SitemapMemo>,
) -> BTreeMap<String, Vec<u8>> {
    let entries = entries(site, config, memo);
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

fn urlset(entries: &[Arc<Entry>]) -> String {
    let head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n";
    let body: usize = entries.iter().map(|e| e.xml.len()).sum();
    let mut s = String::with_capacity(head.len() + body + 12);
    s.push_str(head);
    for e in entries {
        s.push_str(&e.xml);
    }
    s.push_str("</urlset>\n");
    s
}

/// Every listed URL: the root chooser, content pages in build order, then each
/// language's taxonomy and term pages. Pages are written on both cores.
fn entries(site: &Site, config: &Config, memo: Option<&mut SitemapMemo>) -> Vec<Arc<Entry>> {
    let mut out = vec![Arc::new(entry(config, None, None, &[]))];
    let seed = memo
        .is_some()
        .then(|| fingerprint(0, &(&config.base_url, config.default_lang())));
    let before = memo.as_deref();
    let pages: Vec<(Option<u128>, Arc<Entry>)> = site
        .pages
        .par_iter()
        .map(|page| {
            let versions = &page.versions;
            let group: Vec<(&Lang, &UrlPath)> = config
                .langs()
                .filter_map(|l| versions.get(l).map(|&i| (l, &site.pages[i].url)))
                .collect();
            let changed = lastmod(page);
            let key = seed.map(|s| fingerprint(s, &(&page.url, changed, &group)));
            if let Some(kept) = key.and_then(|k| before?.0.get(&k)) {
                return (key, Arc::clone(kept));
            }
            let made = entry(config, Some(&page.url), changed.map(time::w3c), &group);
            (key, Arc::new(made))
        })
        .collect();
    if let Some(memo) = memo {
        memo.0 = pages
            .iter()
            .filter_map(|(k, e)| k.map(|k| (k, Arc::clone(e))))
            .collect();
    }
    out.extend(pages.into_iter().map(|(_, e)| e));
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
        let all = newest(&mut tax.terms.iter().flat_map(|t| &t.pages));
        out.push(Arc::new(entry(config, Some(&tax.url), all, &group)));
        for (i, term) in tax.terms.iter().enumerate() {
            let group = generated_versions(site, config, t, Some(i));
            out.push(Arc::new(entry(
                config,
                Some(&term.url),
                newest(&mut term.pages.iter()),
                &group,
            )));
        }
    }
    out
}

/// The `<url>` element of `url` (the root chooser when none), on its own line: its
/// `lastmod`, and the group's members in language order, then `x-default` (the default
/// language's member, as the page heads have it, else the root chooser); no alternates
/// when the page has no group.
fn entry(
    config: &Config,
    url: Option<&UrlPath>,
    lastmod: Option<String>,
    group: &[(&Lang, &UrlPath)],
) -> Entry {
    let mut xml = String::with_capacity(160 + 120 * group.len());
    let mut scratch = String::new();
    let mut absolute = |xml: &mut String, url: Option<&UrlPath>| {
        scratch.clear();
        scratch.push_str(&config.base_url);
        match url {
            Some(u) => uri_into(&mut scratch, u.as_str()),
            None => scratch.push('/'),
        }
        xml_escape_into(xml, &scratch);
    };
    xml.push_str("<url><loc>");
    absolute(&mut xml, url);
    xml.push_str("</loc>");
    if let Some(m) = &lastmod {
        xml.push_str("<lastmod>");
        xml.push_str(m);
        xml.push_str("</lastmod>");
    }
    if !group.is_empty() {
        let default = config.default_lang();
        let x_default = group.iter().find(|(l, _)| *l == default).map(|(_, u)| *u);
        let alternates = group.iter().map(|(l, u)| (l.as_str(), Some(*u)));
        for (lang, href) in alternates.chain([("x-default", x_default)]) {
            xml.push_str("<xhtml:link rel=\"alternate\" hreflang=\"");
            xml_escape_into(&mut xml, lang);
            xml.push_str("\" href=\"");
            absolute(&mut xml, href);
            xml.push_str("\"/>");
        }
    }
    xml.push_str("</url>\n");
    Entry { xml, lastmod }
}

/// When a page last changed: `updated`, else `date`.
pub fn lastmod(page: &Page) -> Option<&DateTime> {
    page.doc
        .front
        .updated
        .as_ref()
        .or(page.doc.front.date.as_ref())
}
