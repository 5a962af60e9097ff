//! Search words updated from a last build's: the pages whose words did not change keep
//! them (renumbered when pages came, went or moved), the others are read again.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use rayon::prelude::*;

use super::{FastHash, Postings, WordPages, description, page_words, source};
use crate::lang::Lang;
use crate::publish::pages_in;
use crate::site::{Page, Site};

impl Postings {
    /// The words of every page of `lang`, updated from `before` (the same language's
    /// words in an earlier build of the site): only pages that are new or whose words
    /// may have changed are read, the others are renumbered. Gives what [`Postings::of`]
    /// gives, and also remembers each page's fingerprint for the next update.
    pub fn since(before: Postings, site: &Site, lang: &Lang) -> Postings {
        let pages: Vec<&Page> = pages_in(site, lang).map(|(_, p)| p).collect();
        let sources: Vec<(PathBuf, u128)> = pages
            .par_iter()
            .map(|p| (p.doc.path.clone(), source(p)))
            .collect();
        let (renumber, fresh) = renumbering(&before.sources, &sources);
        // Lists stay ascending only if the kept pages keep their order; a site changed
        // that much is read again.
        let kept_in_order = renumber.iter().flatten().is_sorted();
        if !kept_in_order || fresh.len() * 4 > pages.len() {
            return Postings {
                sources,
                ..Postings::of(site, lang)
            };
        }
        let unmoved = renumber
            .iter()
            .enumerate()
            .all(|(old, now)| *now == Some(old as u32));
        if unmoved && before.sources.len() == sources.len() {
            // The same pages in the same order, none read again: the same words.
            return Postings { sources, ..before };
        }
        let mut words = before.words;
        if !unmoved {
            renumber_words(&mut words, &renumber);
        }
        add_words(&mut words, &fresh, &pages);
        let descriptions = carried_descriptions(before.descriptions, &renumber, &pages);
        Postings {
            words,
            descriptions,
            sources,
            made: None,
        }
    }
}

/// Each page of `before` (by number) with its number in `now` when its words are
/// unchanged (the same path and source hash); and the numbers in `now` of the pages to
/// read again.
fn renumbering(
    before: &[(PathBuf, u128)],
    now: &[(PathBuf, u128)],
) -> (Vec<Option<u32>>, Vec<usize>) {
    // By the path's bytes: `Path`'s own hash walks its components.
    let was: HashMap<&std::ffi::OsStr, (usize, u128), FastHash> = before
        .iter()
        .enumerate()
        .map(|(n, (path, f))| (path.as_os_str(), (n, *f)))
        .collect();
    let mut renumber: Vec<Option<u32>> = vec![None; before.len()];
    let mut fresh = Vec::new();
    for (n, (path, f)) in now.iter().enumerate() {
        match was.get(path.as_os_str()) {
            Some(&(old, before_f)) if before_f == *f => renumber[old] = Some(n as u32),
            _ => fresh.push(n),
        }
    }
    (renumber, fresh)
}

/// Each word's pages by their numbers now (`renumber`); pages not kept, and words left
/// without pages, go.
fn renumber_words(words: &mut WordPages, renumber: &[Option<u32>]) {
    words.par_iter_mut().for_each(|(_, ids)| {
        ids.retain_mut(|id| match renumber[*id as usize] {
            Some(now) => {
                *id = now;
                true
            }
            None => false,
        })
    });
    words.retain(|_, ids| !ids.is_empty());
}

/// The words of the pages `fresh` (ascending numbers into `pages`), read and added:
/// each word's new pages merged into its list in one pass, so that many pages read
/// again (a `git pull`) do not shift the long lists of common words once per page.
fn add_words(words: &mut WordPages, fresh: &[usize], pages: &[&Page]) {
    let found: Vec<(u32, BTreeSet<String>)> = fresh
        .par_iter()
        .map(|&n| (n as u32, page_words(pages[n])))
        .collect();
    // Each word's new pages, ascending as `fresh` is.
    let mut added: HashMap<String, Vec<u32>, FastHash> = HashMap::default();
    for (n, page) in found {
        for w in page {
            added.entry(w).or_default().push(n);
        }
    }
    for (w, new) in added {
        let ids = words.entry(w).or_default();
        *ids = merged(ids, &new);
    }
}

/// The ascending numbers of `a` and `b` (each ascending), each once.
fn merged(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut all = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        all.push(x.min(y));
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    all.extend_from_slice(&a[i..]);
    all.extend_from_slice(&b[j..]);
    all
}

/// Each page's description: the kept one where `renumber` carries it over, else made.
fn carried_descriptions(
    mut before: Vec<String>,
    renumber: &[Option<u32>],
    pages: &[&Page],
) -> Vec<String> {
    let mut descriptions: Vec<Option<String>> = vec![None; pages.len()];
    for (old, now) in renumber.iter().enumerate() {
        if let Some(now) = now {
            descriptions[*now as usize] = Some(std::mem::take(&mut before[old]));
        }
    }
    descriptions
        .into_iter()
        .zip(pages)
        .map(|(d, p)| d.unwrap_or_else(|| description(p)))
        .collect()
}
