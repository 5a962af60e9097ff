//! The published files a quick rebuild makes again: the sitemap, the search indexes
//! and the feeds, each only when an edit reached it.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::Kept;
use crate::publish::sitemap::lastmod;
use crate::publish::{feed, search};
use crate::render::Output;
use crate::site::{Page, Site};

/// The published files an edit reaches, made again into `output`: the sitemap when a
/// page `moved` or changed its date (or `updated`), the search index of each edited page's
/// language, and the feeds when they list an edited page, before or after the edit
/// (they carry bodies and dates). `None` when one cannot be made.
pub(super) fn republish(
    site: &Site,
    kept: &mut Kept,
    output: &mut Output,
    before: &[(usize, Page)],
    moved: bool,
) -> Option<()> {
    let dated = |(i, old): &(usize, Page)| lastmod(old) != lastmod(&site.pages[*i]);
    if moved || before.iter().any(dated) {
        let limit = crate::publish::Options::default().sitemap_limit;
        for (path, bytes) in crate::publish::sitemap::render(site, &kept.config, limit) {
            output.files.insert(path, bytes.into());
        }
    }
    let mut langs = BTreeSet::new();
    let places = places_in_languages(site, before.iter().map(|(i, _)| *i).collect());
    for (i, old) in before {
        let lang = &site.pages[*i].doc.lang;
        kept.search
            .get_mut(lang)?
            .replace(places[i], old, &site.pages[*i]);
        langs.insert(lang.clone());
    }
    for lang in &langs {
        let json = kept.search.get_mut(lang)?.kept_json(site, lang);
        output
            .files
            .insert(search::index_url(lang).output_file(), json);
    }
    let feeds = |p: &Page| feed::lists(p, &kept.config);
    if before
        .iter()
        .any(|(i, old)| feeds(&site.pages[*i]) || feeds(old))
    {
        for (path, bytes) in feed::render(site, &kept.config, Some(&kept.locales)).ok()? {
            output.files.insert(path, bytes.into());
        }
    }
    Some(())
}

/// The place of each of the `pages` among the pages of its language (as
/// [`crate::publish::pages_in`] lists them), found in one pass over the site rather
/// than one per page: a slug edit can reach every page that links to it.
fn places_in_languages(site: &Site, pages: HashSet<usize>) -> HashMap<usize, usize> {
    let mut counts: HashMap<&crate::lang::Lang, usize> = HashMap::new();
    let mut places = HashMap::with_capacity(pages.len());
    for (i, page) in site.pages.iter().enumerate() {
        let n = counts.entry(&page.doc.lang).or_default();
        if pages.contains(&i) {
            places.insert(i, *n);
        }
        *n += 1;
    }
    places
}
