//! Publishing outputs made from the assembled site: sitemap, feeds, calendars, search
//! index, redirects, `robots.txt` and content-hashed static files.
//!
//! Takes the [`Site`], the [`Config`], the Fluent [`Locales`] (for the site title) and
//! the hashed [`Assets`]; adds files to the rendered [`Output`]. Everything is derived
//! from the input alone (no clock, no paths, sorted iteration), so the bytes are the
//! same on every build. Rejects a generated file that would replace a page, and a
//! `feeds.sections` entry that names no section.

pub mod assets;
pub mod calendar;
mod escape;
pub mod feed;
pub mod jsonld;
pub mod redirects;
pub mod search;
pub mod sitemap;
pub mod time;

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::locales::Locales;
use crate::render::Output;
use crate::site::{Kind, Page, Site};
use crate::sources::{PageKey, Sources, TextFile};
use crate::url::UrlPath;

pub use assets::Assets;
pub(crate) use escape::uri_into;
pub use escape::{absolute, host, uri, xml_escape, xml_escape_into};

/// Limits that tests lower to exercise the split paths.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// URLs per sitemap file before `sitemap.xml` becomes an index (the protocol's 50,000).
    pub sitemap_limit: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            sitemap_limit: 50_000,
        }
    }
}

/// Adds every publishing output and the static files to `output`.
pub fn publish(
    site: &Site,
    config: &Config,
    locales: Option<&Locales>,
    assets: &Assets,
    output: &mut Output,
) -> Result<(), Vec<Diagnostic>> {
    make(site, config, locales, Options::default(), Lent::default())
        .add(site, assets, output, assets::Linked::Read(None))
        .map(|_| ())
}

/// What the dev server's last build lends the next one's publishing: its search words,
/// to update, and its sitemap entries, to reuse where unchanged.
#[derive(Default)]
pub struct Lent<'a> {
    pub search: Option<BTreeMap<Lang, search::Postings>>,
    pub sitemap: Option<&'a mut sitemap::SitemapMemo>,
}

/// The publishing outputs of a site, made from the site alone (so they can be made
/// while something else reads the rendered pages), not yet added to an [`Output`].
pub struct Made {
    files: BTreeMap<String, Vec<u8>>,
    errors: Vec<Diagnostic>,
    search: BTreeMap<Lang, search::Postings>,
}

/// Makes the sitemap, feeds, calendars, search indexes, redirects and `robots.txt`;
/// with what the dev server's last build `lent`.
pub fn make(
    site: &Site,
    config: &Config,
    locales: Option<&Locales>,
    opts: Options,
    lent: Lent,
) -> Made {
    let Lent {
        search: search_before,
        sitemap: sitemap_memo,
    } = lent;
    let mut errors = check_reserved(site, config);
    // The outputs are independent: the sequential ones (sitemap, feeds, calendars) run
    // beside the search index, which is parallel inside.
    let ((sitemaps, feeds), (calendars, (indexes, redirects))) = rayon::join(
        || {
            rayon::join(
                || sitemap::render_with(site, config, opts.sitemap_limit, sitemap_memo),
                || feed::render(site, config, locales),
            )
        },
        || {
            rayon::join(
                || calendar::render(site, config, locales),
                || {
                    rayon::join(
                        || search::render(site, config, search_before),
                        || redirects::render(site, config),
                    )
                },
            )
        },
    );
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    files.extend(sitemaps);
    files.insert("robots.txt".into(), robots(config).into_bytes());
    match feeds {
        Ok(f) => files.extend(f),
        Err(mut e) => errors.append(&mut e),
    }
    files.extend(calendars);
    let (indexes, search) = indexes;
    files.extend(indexes);
    files.extend(redirects);
    Made {
        files,
        errors,
        search,
    }
}

impl Made {
    /// The paths these outputs go to.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Adds these outputs and the static files to `output`; a file that would replace a
    /// page is an error. Hands back each language's search words.
    pub fn add(
        self,
        site: &Site,
        assets: &Assets,
        output: &mut Output,
        linked: assets::Linked,
    ) -> Result<BTreeMap<Lang, search::Postings>, Vec<Diagnostic>> {
        let Made {
            files,
            mut errors,
            search,
        } = self;
        for (path, bytes) in files {
            match output.files.entry(path) {
                std::collections::btree_map::Entry::Occupied(e) => {
                    errors.push(replaces_page(e.key()))
                }
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(bytes.into());
                }
            }
        }
        if let Err(mut e) = assets.publish(output, linked) {
            errors.append(&mut e);
        }
        errors.extend(file_and_folder(site, output));
        if errors.is_empty() {
            Ok(search)
        } else {
            Err(errors)
        }
    }
}

/// The theme's templates plus the built-in defaults it lacks (a standalone
/// `search.html`; a theme's own replaces it), as the [`Sources`] that
/// [`crate::theme::Theme::load`] reads its templates from.
pub fn with_builtin_templates(sources: &Sources) -> Sources {
    let mut templates = vec![TextFile {
        path: "(diptych built-in)/search.html".into(),
        name: "search.html".into(),
        text: search::DEFAULT_TEMPLATE.into(),
    }];
    templates.extend(sources.templates.iter().cloned());
    Sources {
        templates,
        ..Sources::default()
    }
}

/// Paths that are a file and also the folder of another file (a page with
/// `slug: atom.xml` builds `nl/atom.xml/index.html` where the feed is `nl/atom.xml`):
/// they cannot both be written.
fn file_and_folder(site: &Site, output: &Output) -> Vec<Diagnostic> {
    let clashes: std::collections::BTreeSet<(&str, &str)> =
        output.files_as_folders().into_iter().collect();
    clashes
        .into_iter()
        .map(|(file, inner)| {
            let page = site
                .pages
                .iter()
                .find(|p| p.url.output_file() == inner || p.url.output_file() == file);
            let path = page.map_or_else(|| "content".into(), |p| p.doc.path.clone());
            Diagnostic::error(
                "url",
                path,
                format!("{file} is a file of the built site and also the folder of {inner}"),
            )
            .with_help("give the page another `slug` (names like `atom.xml` or `events.ics` are generated)")
        })
        .collect()
}

fn replaces_page(path: &str) -> Diagnostic {
    Diagnostic::error(
        "url",
        "content",
        format!("diptych generates {path}, and a page or alias is built at the same path"),
    )
    .with_help("give that page another `slug`, or remove the alias")
}

/// Pages on the URLs diptych reserves per language (`/<lang>/search/`).
fn check_reserved(site: &Site, config: &Config) -> Vec<Diagnostic> {
    let reserved: Vec<UrlPath> = config.langs().map(search::page_url).collect();
    site.pages
        .iter()
        .filter(|p| reserved.contains(&p.url))
        .map(|p| {
            Diagnostic::error(
                "url",
                &p.doc.path,
                format!("{} is the URL of the search page", p.url),
            )
            .with_help("give this page another `slug`")
        })
        .collect()
}

fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}/sitemap.xml\n",
        config.base_url
    )
}

/// The site title in `lang`: `title` in site.yaml, else the Fluent message
/// `site-title`, else the home page's title, else the base URL's host.
pub fn site_title(site: &Site, config: &Config, locales: Option<&Locales>, lang: &Lang) -> String {
    if let Some(t) = config.language(lang.as_str()).and_then(|l| l.title.clone()) {
        return t;
    }
    let fluent = locales
        .filter(|l| {
            l.messages(lang)
                .is_some_and(|m| m.contains_key("site-title"))
        })
        .and_then(|l| l.format(lang, "site-title", &[]).ok());
    fluent
        .or_else(|| home(site, lang).map(|h| site.pages[h].doc.front.title.clone()))
        .unwrap_or_else(|| host(config).to_string())
}

/// The home page in `lang`.
pub fn home(site: &Site, lang: &Lang) -> Option<usize> {
    site.by_key
        .get(&PageKey::new("_index"))
        .and_then(|m| m.get(lang))
        .copied()
}

/// The language versions of a taxonomy page (`term: None`) or a term page, itself
/// included, in the configured language order. A term's versions are every term
/// reachable through [`crate::site::Term::translations`], so each member of a group
/// lists the same group: hreflang alternates are reciprocal by construction.
pub fn generated_versions<'a>(
    site: &'a Site,
    config: &Config,
    tax: usize,
    term: Option<usize>,
) -> Vec<(&'a Lang, &'a UrlPath)> {
    let taxonomies = &site.taxonomies;
    let mut found: Vec<(usize, Option<usize>)> = match term {
        None => (0..taxonomies.len())
            .filter(|&t| taxonomies[t].name == taxonomies[tax].name)
            .map(|t| (t, None))
            .collect(),
        Some(term) => {
            let mut seen = vec![(tax, Some(term))];
            let mut at = 0;
            while let Some(&(t, Some(i))) = seen.get(at) {
                for &(b, j) in &taxonomies[t].terms[i].translations {
                    if !seen.contains(&(b, Some(j))) {
                        seen.push((b, Some(j)));
                    }
                }
                at += 1;
            }
            seen
        }
    };
    found.sort_by_key(|&(t, _)| config.langs().position(|l| *l == taxonomies[t].lang));
    found.dedup_by_key(|&mut (t, _)| taxonomies[t].lang.clone());
    if term.is_some() && found.len() < 2 {
        return Vec::new();
    }
    found
        .into_iter()
        .map(|(t, i)| {
            let tax = &taxonomies[t];
            (&tax.lang, i.map_or(&tax.url, |i| &tax.terms[i].url))
        })
        .collect()
}

/// The pages of `lang` in build order (by key).
pub fn pages_in<'a>(site: &'a Site, lang: &'a Lang) -> impl Iterator<Item = (usize, &'a Page)> {
    site.pages
        .iter()
        .enumerate()
        .filter(move |(_, p)| &p.doc.lang == lang)
}

/// Whether a page is a content page (not home, not a section index).
pub fn is_article(p: &Page) -> bool {
    p.kind == Kind::Page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encodes_what_a_uri_cannot_hold() {
        assert_eq!(uri("/nl/coöperatie/a b/"), "/nl/co%C3%B6peratie/a%20b/");
    }

    #[test]
    fn escapes_xml_and_drops_characters_xml_cannot_hold() {
        assert_eq!(xml_escape("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&apos;");
    }
}
