//! A site's taxonomies: each language's terms from its pages' front matter, and terms
//! paired across languages by the pages they share.

use std::collections::HashMap;

use rayon::prelude::*;

use crate::config::{Config, Taxonomy};
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::publish::search::FastHash;
use crate::url::{UrlPath, slugify};

use super::{Site, TaxonomyIndex, Term, UrlClaims};

/// A term with its slug.
type Slugged = (String, Term);

impl Site {
    pub(super) fn collect_taxonomies(
        &mut self,
        config: &Config,
        rank: &[u32],
        urls: &mut UrlClaims,
        errors: &mut Vec<Diagnostic>,
    ) {
        // Each language's taxonomies are read from the pages independently.
        let found: Vec<_> = config
            .langs()
            .flat_map(|lang| config.taxonomies.iter().map(move |tax| (lang, tax)))
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(|(lang, tax)| (tax, self.taxonomy(lang, tax, rank)))
            .collect();
        for (tax, (index, listed)) in found {
            let t = self.taxonomies.len();
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
        let (mut terms, listed) = self.terms_as_listed(lang, &tax.name, &base);
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

    /// The terms of taxonomy `name` that the pages in `lang` list, in the order first
    /// seen and numbered so, each with its slug and its pages (as listed, not yet sorted);
    /// and the `(page, term)` of every term a page lists. Names repeat on many pages, so
    /// each is slugified once; names that slugify alike are one term.
    fn terms_as_listed(
        &self,
        lang: &Lang,
        name: &str,
        base: &UrlPath,
    ) -> (Vec<Slugged>, Vec<(usize, usize)>) {
        let mut terms: Vec<Slugged> = Vec::new();
        let mut by_slug: HashMap<String, usize, FastHash> = HashMap::default();
        let mut by_name: HashMap<&str, usize, FastHash> = HashMap::default();
        let mut listed = Vec::new();
        for (i, page) in self.pages.iter().enumerate() {
            if &page.doc.lang != lang {
                continue;
            }
            for term in page.doc.front.taxonomies.get(name).into_iter().flatten() {
                let n = *by_name.entry(term.as_str()).or_insert_with(|| {
                    let slug = slugify(term);
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
                                name: term.clone(),
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
        (terms, listed)
    }

    /// Pairs each term with its counterpart in every other language: the term whose
    /// pages are, for the most part, translations of this term's pages, when that
    /// choice is mutual. Terms are written per language, so this is how `energie`
    /// finds `energy` without a mapping file.
    pub(super) fn pair_terms(&mut self) {
        let mut links = Vec::new();
        // Number the translation keys, so pages of one key find each other by index.
        let mut keys = vec![0; self.pages.len()];
        for (k, versions) in self.by_key.values().enumerate() {
            for &p in versions.values() {
                keys[p] = k;
            }
        }
        // Each ordered pair of one taxonomy's languages matched once, on both cores.
        let taxonomies = &self.taxonomies;
        let pairs: Vec<(usize, usize)> = (0..taxonomies.len())
            .flat_map(|a| (0..taxonomies.len()).map(move |b| (a, b)))
            .filter(|&(a, b)| a != b && taxonomies[a].name == taxonomies[b].name)
            .collect();
        let best: HashMap<(usize, usize), Vec<(usize, usize)>> = pairs
            .par_iter()
            .map(|&(a, b)| {
                let matches = self.best_matches(&keys, &taxonomies[a], &taxonomies[b]);
                ((a, b), matches)
            })
            .collect();
        for &(a, b) in &pairs {
            let back: std::collections::HashSet<(usize, usize)> =
                best[&(b, a)].iter().copied().collect();
            for &(i, j) in &best[&(a, b)] {
                if back.contains(&(j, i)) {
                    links.push((a, i, b, j));
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
}
