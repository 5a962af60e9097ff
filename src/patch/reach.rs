//! What an edit reaches, for the quick rebuild: the pages a new slug moves and the pages
//! that link to them, whether an edited page kept its place in its lists (and its lists
//! sorted again when it did not), the pages that show its title, and the ids a page's
//! HTML has.

use std::collections::BTreeSet;

use crate::document::Document;
use crate::site::{Kind, Page, Site, sort_key};
use crate::sources::PageKey;
use crate::url::UrlPath;

/// Gives each edited page whose slug changed its new URL; with its old one. `None` (the
/// patch declines) when a moved page is not a plain page (a section moves the pages under
/// it), when its new URL is taken by a file of the output or by another moved page, or
/// needs a folder where the output has a file, or when a link into the page was
/// reported as missing its anchor (the report names the old URL).
pub(super) fn move_pages(
    site: &mut Site,
    output: &crate::render::Output,
    docs: &[(usize, Document)],
) -> Option<Vec<(usize, UrlPath)>> {
    let mut moved = Vec::new();
    let mut taken = BTreeSet::new();
    for (i, doc) in docs {
        let page = &site.pages[*i];
        let Some(parent) = page.parent else {
            continue;
        };
        let slug = doc.front.slug.as_deref().unwrap_or_else(|| doc.key.name());
        let url = site.pages[parent].url.child(slug);
        if url == page.url {
            continue;
        }
        let file = url.output_file();
        let folder_is_a_file = file
            .match_indices('/')
            .any(|(at, _)| output.files.contains_key(&file[..at]));
        let was = page.url.as_str();
        let reported = site
            .reported_anchors
            .iter()
            .any(|a| a.strip_prefix(was).is_some_and(|f| f.starts_with('#')));
        if page.kind != Kind::Page
            || output.files.contains_key(&file)
            || folder_is_a_file
            || reported
            || !taken.insert(file)
        {
            return None;
        }
        moved.push((*i, std::mem::replace(&mut site.pages[*i].url, url)));
    }
    Some(moved)
}

/// The pages, besides those in `done`, whose content links lead to a page of `moved`
/// (by its key: one in another language too).
pub(super) fn linking_to(
    site: &Site,
    moved: &[(usize, UrlPath)],
    done: &[(usize, Page)],
) -> Vec<usize> {
    if moved.is_empty() {
        return Vec::new();
    }
    let keys: BTreeSet<&PageKey> = moved.iter().map(|(i, _)| &site.pages[*i].doc.key).collect();
    let done: BTreeSet<usize> = done.iter().map(|(i, _)| *i).collect();
    site.pages
        .iter()
        .enumerate()
        .filter(|(j, p)| {
            !done.contains(j) && p.doc.body.links.iter().any(|l| keys.contains(&l.key))
        })
        .map(|(j, _)| j)
        .collect()
}

/// Whether page `i` is still in order among its neighbours in every list it is in (its
/// section's pages or subsections, its terms' pages), as assembling sorts them.
pub(super) fn in_place(site: &Site, i: usize) -> bool {
    let key = |j: usize| (sort_key(&site.pages[j]), j);
    let sorted = |list: &[usize]| {
        let Some(at) = list.iter().position(|&j| j == i) else {
            return true;
        };
        let me = key(i);
        at.checked_sub(1).is_none_or(|b| key(list[b]) < me)
            && list.get(at + 1).is_none_or(|&n| me < key(n))
    };
    let parent = site.pages[i].parent.map(|p| &site.pages[p]);
    parent.is_none_or(|p| sorted(&p.pages) && sorted(&p.subsections))
        && site.pages[i]
            .terms
            .iter()
            .all(|&(t, n)| sorted(&site.taxonomies[t].terms[n].pages))
}

/// A list of pages that assembling sorts: a section's pages, its subsections, or a
/// term's pages (by taxonomy and term).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum List {
    Pages(usize),
    Subsections(usize),
    Term(usize, usize),
}

impl List {
    fn of(self, site: &mut Site) -> &mut Vec<usize> {
        match self {
            List::Pages(p) => &mut site.pages[p].pages,
            List::Subsections(p) => &mut site.pages[p].subsections,
            List::Term(t, n) => &mut site.taxonomies[t].terms[n].pages,
        }
    }
}

/// Sorts again, as assembling sorts them, the lists that hold an edited page (of
/// `edited`) that a new title, date or weight took out of order; with the pages whose
/// previous or next page changed (their section's pages are the list they step through).
pub(super) fn reorder(site: &mut Site, edited: &[usize]) -> Vec<usize> {
    let mut lists = BTreeSet::new();
    for &i in edited.iter().filter(|&&i| !in_place(site, i)) {
        if let Some(p) = site.pages[i].parent {
            // Where assembling put it: a section among its parent's subsections.
            lists.insert(match site.pages[i].kind {
                Kind::Section => List::Subsections(p),
                _ => List::Pages(p),
            });
        }
        lists.extend(site.pages[i].terms.iter().map(|&(t, n)| List::Term(t, n)));
    }
    let mut stepped = Vec::new();
    for list in lists {
        let before = std::mem::take(list.of(site));
        let mut after = before.clone();
        after.sort_by_cached_key(|&j| (sort_key(&site.pages[j]), j));
        if matches!(list, List::Pages(_)) {
            stepped.extend(new_neighbours(&before, &after));
        }
        *list.of(site) = after;
    }
    stepped
}

/// The entries of a list whose previous or next entry differ between its order
/// `before` and its order `after` (the same entries).
fn new_neighbours(before: &[usize], after: &[usize]) -> Vec<usize> {
    let around = |list: &[usize], k: usize| {
        let previous = k.checked_sub(1).map(|b| list[b]);
        (previous, list.get(k + 1).copied())
    };
    let was: std::collections::HashMap<usize, usize> =
        before.iter().enumerate().map(|(k, &j)| (j, k)).collect();
    (0..after.len())
        .filter(|&k| around(after, k) != around(before, was[&after[k]]))
        .map(|k| after[k])
        .collect()
}

/// The pages that show page `i`'s title or description besides itself and the lists of
/// it: its previous and next page, its versions in other languages (their language
/// switchers) and, when the title changed on a section, every page under it in any
/// language (breadcrumbs; switchers that fall back to the section).
pub(super) fn shows_title(site: &Site, i: usize, title: bool) -> Vec<usize> {
    let page = &site.pages[i];
    let mut found: Vec<usize> = page.versions.values().copied().collect();
    if let Some(p) = page.parent {
        let list = &site.pages[p].pages;
        if let Some(at) = list.iter().position(|&j| j == i) {
            found.extend(at.checked_sub(1).map(|b| list[b]));
            found.extend(list.get(at + 1).copied());
        }
    }
    if title && page.kind == Kind::Section {
        let folder = page.doc.key.as_str().trim_end_matches("_index");
        found.extend(
            (0..site.pages.len()).filter(|&j| site.pages[j].doc.key.as_str().starts_with(folder)),
        );
    }
    found
}

/// Every `id='…'`/`id="…"` value of an HTML text (also of `data-id` and the like: a
/// change there only costs the full link check), sorted.
pub(super) fn ids(html: &[u8]) -> Vec<&[u8]> {
    let mut found: Vec<&[u8]> = memchr::memmem::find_iter(html, b"id=")
        .filter_map(|at| {
            let quote = *html.get(at + 3).filter(|q| matches!(q, b'"' | b'\''))?;
            let value = &html[at + 4..];
            memchr::memchr(quote, value).map(|end| &value[..end])
        })
        .collect();
    found.sort_unstable();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_entries_whose_neighbours_changed_are_found() {
        // 4 moved from the end to the front: it, its new and its old neighbours.
        assert_eq!(new_neighbours(&[1, 2, 3, 4], &[4, 1, 2, 3]), vec![4, 1, 3]);
        // Two swapped in the middle: they and the entries around them.
        assert_eq!(
            new_neighbours(&[1, 2, 3, 4, 5], &[1, 3, 2, 4, 5]),
            vec![1, 3, 2, 4]
        );
        assert_eq!(new_neighbours(&[1, 2, 3], &[1, 2, 3]), Vec::<usize>::new());
        assert_eq!(new_neighbours(&[7], &[7]), Vec::<usize>::new());
    }

    #[test]
    fn ids_are_found_and_sorted() {
        let html = br#"<h2 id="b">B</h2><p data-id="x"><a id="a" href="/">x</a></p>"#;
        assert_eq!(ids(html), vec![&b"a"[..], &b"b"[..], &b"x"[..]]);
        assert_eq!(ids(b"<p id='c' title=\"id=\">"), vec![&b"c"[..]]);
    }
}
