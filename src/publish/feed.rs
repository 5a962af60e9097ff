//! Atom feeds, one per language: `/<lang>/atom.xml`.
//!
//! Takes the [`Site`] and `feeds` from site.yaml (`limit`, default 20; `sections`,
//! default every section); produces a feed of that language's dated content pages,
//! newest first, with absolute links, `xml:lang`, the site title of that language and
//! each page's HTML (relative links resolved through `xml:base`). Rejects a
//! `sections` entry that names no section under `content/`.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::locales::Locales;
use crate::site::{Page, Site};
use crate::sources::PageKey;
use crate::url::UrlPath;

use super::{absolute, is_article, pages_in, site_title, sitemap::lastmod, time, xml_escape};

/// The feed's URL in `lang`.
pub fn url(lang: &Lang) -> UrlPath {
    UrlPath::file(&format!("/{lang}/atom.xml"))
}

/// Every language's feed by output path.
pub fn render(
    site: &Site,
    config: &Config,
    locales: Option<&Locales>,
) -> Result<BTreeMap<String, Vec<u8>>, Vec<Diagnostic>> {
    let sections = config.feeds.sections.as_deref();
    let unknown: Vec<Diagnostic> = sections
        .unwrap_or_default()
        .iter()
        .filter(|s| {
            !site
                .by_key
                .contains_key(&PageKey::new(format!("{s}/_index")))
        })
        .map(|s| {
            Diagnostic::error(
                "config",
                crate::config::FILE_NAME,
                format!("`feeds.sections` names `{s}`, which is not a section under content/"),
            )
            .with_help("name a folder of content/ that has an `_index.<lang>.md`, like `calendar`")
        })
        .collect();
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let mut files = BTreeMap::new();
    for lang in config.langs() {
        let pages: Vec<&Page> = pages_in(site, lang)
            .map(|(_, p)| p)
            .filter(|p| lists(p, config))
            .collect();
        // The newest `limit` pages, newest first (keys break ties): selected, then only
        // those sorted.
        let mut dated: Vec<_> = pages
            .into_iter()
            .map(|p| {
                let when = std::cmp::Reverse(p.doc.front.date.as_ref().map(time::instant));
                ((when, p.doc.key.as_str()), p)
            })
            .collect();
        if dated.len() > config.feeds.limit {
            dated.select_nth_unstable_by(config.feeds.limit, |a, b| a.0.cmp(&b.0));
            dated.truncate(config.feeds.limit);
        }
        dated.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let pages: Vec<&Page> = dated.into_iter().map(|(_, p)| p).collect();
        let title = site_title(site, config, locales, lang);
        let feed = atom(site, config, lang, &title, &pages);
        files.insert(url(lang).output_file(), feed.into_bytes());
    }
    Ok(files)
}

/// Whether the feeds list page `p` (when among the newest): a dated article, in one of
/// `feeds.sections` when the site names some.
pub fn lists(p: &Page, config: &Config) -> bool {
    is_article(p)
        && p.doc.front.date.is_some()
        && config
            .feeds
            .sections
            .as_deref()
            .is_none_or(|s| in_sections(&p.doc.key, s))
}

fn in_sections(key: &PageKey, sections: &[String]) -> bool {
    sections.iter().any(|s| {
        key.as_str()
            .strip_prefix(s.as_str())
            .is_some_and(|r| r.starts_with('/'))
    })
}

fn atom(site: &Site, config: &Config, lang: &Lang, title: &str, pages: &[&Page]) -> String {
    let self_url = absolute(config, &url(lang));
    let newest = |it: &mut dyn Iterator<Item = &Page>| {
        it.filter_map(lastmod)
            .max_by_key(|d| time::instant(d))
            .map(time::rfc3339)
    };
    // The newest entry; a feed without entries takes its language's newest page.
    let updated = newest(&mut pages.iter().copied())
        .or_else(|| newest(&mut pages_in(site, lang).map(|(_, p)| p)))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\">\n<title>{}</title>\n",
        xml_escape(title)
    );
    if let Some(d) = config
        .language(lang.as_str())
        .and_then(|l| l.description.as_deref())
    {
        s.push_str(&format!("<subtitle>{}</subtitle>\n", xml_escape(d)));
    }
    s.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n<link rel=\"alternate\" type=\"text/html\" hreflang=\"{lang}\" href=\"{}\"/>\n<id>{}</id>\n<updated>{updated}</updated>\n<author><name>{}</name></author>\n<generator>diptych</generator>\n",
        xml_escape(&self_url),
        xml_escape(&absolute(config, &UrlPath::dir([lang.as_str()]))),
        xml_escape(&self_url),
        xml_escape(title),
    ));
    for p in pages {
        s.push_str(&entry(site, config, p));
    }
    s.push_str("</feed>\n");
    s
}

fn entry(site: &Site, config: &Config, p: &Page) -> String {
    let fm = &p.doc.front;
    let link = xml_escape(&absolute(config, &p.url));
    let mut s = format!(
        "<entry>\n<title>{}</title>\n<link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n<id>{link}</id>\n",
        xml_escape(&fm.title)
    );
    if let Some(d) = &fm.date {
        s.push_str(&format!("<published>{}</published>\n", time::rfc3339(d)));
    }
    if let Some(d) = lastmod(p) {
        s.push_str(&format!("<updated>{}</updated>\n", time::rfc3339(d)));
    }
    if let Some(d) = &fm.description {
        s.push_str(&format!("<summary>{}</summary>\n", xml_escape(d)));
    }
    for &(t, j) in &p.terms {
        let term = &site.taxonomies[t].terms[j];
        s.push_str(&format!(
            "<category term=\"{}\" scheme=\"{}\"/>\n",
            xml_escape(&term.name),
            xml_escape(&absolute(config, &term.url))
        ));
    }
    s.push_str(&format!(
        "<content type=\"html\" xml:base=\"{link}\">{}</content>\n</entry>\n",
        xml_escape(p.html())
    ));
    s
}
