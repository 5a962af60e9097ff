//! Rendered pages kept between the dev server's builds, so a rebuild renders again only
//! the pages whose inputs changed.
//!
//! Takes a fingerprint of everything all pages share (messages, static files, data,
//! configuration and each language's global template context) and, per output file, a
//! fingerprint of its own context and of the templates its template can read (see
//! [`crate::theme::Theme::reach`]); produces the previous bytes when both match. Tera
//! renders the same bytes from the same templates, context and functions (the
//! functions read only messages and static files), so a match is safe to reuse. An
//! edit of one template thus renders again only the files whose template reads it.
//! Rejects nothing: a miss renders.
//!
//! When an edit reaches many pages (a template most pages read, a message,
//! `site.yaml`), the dev server can ask for the pages open in a browser first: with
//! [`RenderMemo::defer`] set, a build that must render more than a tenth of the files
//! again, an open one among them, renders of those only the ones named, and lists the
//! rest as pending (the next build renders them, since the memo holds nothing for
//! them).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use bytes::Bytes;

use crate::config::Config;
use crate::lang::Lang;
use crate::sources::Sources;

/// Output path → the fingerprint a file was rendered from, and its bytes.
pub(crate) type Pages = HashMap<String, (u128, Bytes), crate::publish::search::FastHash>;

/// Rendered bytes by output path, with the fingerprint they were rendered from.
#[derive(Default)]
pub struct RenderMemo {
    /// Fingerprint of the site-wide inputs of the build that filled `pages`.
    inputs: u64,
    pages: Pages,
    /// How many files the last render rendered (the rest came from the memo).
    pub rendered: usize,
    /// Each language's fingerprint of what all its pages share in their context, in
    /// the last render.
    pub shared: BTreeMap<Lang, u128>,
    /// Whether this build's site-wide inputs differ from the last build's.
    changed: bool,
    /// Each template's reach ([`crate::theme::Theme::reach`]) in the last render.
    reach: BTreeMap<String, u128>,
    /// For the next build: the output paths to render now, when many files must be
    /// rendered again (see the module's notes); the others wait. The dev server sets it for one build, and
    /// takes `pending` after it.
    pub defer: Option<HashSet<String>>,
    /// The output paths the last build left to render (see `defer`).
    pub pending: Vec<String>,
}

impl RenderMemo {
    /// Starts a build whose site-wide inputs are `sources`, `config` and `drafts`;
    /// forgets every page when any of them changed.
    pub fn begin(&mut self, sources: &Sources, config: &Config, drafts: bool) {
        let inputs = site_inputs(sources, config, drafts);
        self.changed = inputs != self.inputs;
        if self.changed {
            self.pages.clear();
            self.inputs = inputs;
        }
    }

    /// Whether a file of a language whose pages share `shared` in their context must be
    /// rendered again: the site-wide inputs or the language's shared context changed, or
    /// `template` (the templates its template reads changed; see
    /// [`crate::theme::Theme::stale_since`] and [`RenderMemo::reach`]).
    pub fn stale(&self, lang: &Lang, shared: u128, template: bool) -> bool {
        self.changed || self.shared.get(lang) != Some(&shared) || template
    }

    /// Each template's reach ([`crate::theme::Theme::reach`]) in the last render.
    pub fn reach(&self) -> &BTreeMap<String, u128> {
        &self.reach
    }

    /// The bytes rendered last time for `out`, if they came from `fingerprint`.
    pub fn get(&self, out: &str, fingerprint: u128) -> Option<&Bytes> {
        self.pages
            .get(out)
            .filter(|(f, _)| *f == fingerprint)
            .map(|(_, b)| b)
    }

    /// Makes the memo this build's files (path, fingerprint, bytes), rendered with
    /// `shared` and templates of `reach`: updated in place, so that a path already
    /// there costs no new key.
    pub(crate) fn keep<'a>(
        &mut self,
        files: impl Iterator<Item = (&'a str, u128, &'a Bytes)>,
        rendered: usize,
        (shared, reach): (BTreeMap<Lang, u128>, BTreeMap<String, u128>),
    ) {
        let mut now = Vec::new();
        for (path, fingerprint, bytes) in files {
            match self.pages.get_mut(path) {
                Some(e) => *e = (fingerprint, bytes.clone()),
                None => {
                    self.pages
                        .insert(path.to_string(), (fingerprint, bytes.clone()));
                }
            }
            now.push(path);
        }
        // Files this build did not make go.
        if self.pages.len() > now.len() {
            let now: std::collections::HashSet<&str> = now.into_iter().collect();
            self.pages.retain(|p, _| now.contains(p.as_str()));
        }
        self.rendered = rendered;
        self.shared = shared;
        self.reach = reach;
    }
}

/// A fingerprint of the site-wide inputs of a build but the templates (each file's
/// fingerprint takes in those its template reads): messages, data, static files,
/// configuration (with the build's today) and whether drafts are in.
pub fn site_inputs(sources: &Sources, config: &Config, drafts: bool) -> u64 {
    let mut h = DefaultHasher::new();
    for (lang, f) in &sources.ftl {
        (lang.as_str(), &f.path, &f.text).hash(&mut h);
    }
    for t in &sources.data {
        (&t.name, &t.text).hash(&mut h);
    }
    sources.statics.hash(&mut h);
    format!("{config:?}").hash(&mut h);
    drafts.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_bytes_only_for_the_same_fingerprint() {
        let mut memo = RenderMemo::default();
        let x = Bytes::from_static(b"x");
        memo.keep(
            [("nl/index.html", 7, &x)].into_iter(),
            1,
            Default::default(),
        );
        assert_eq!(
            memo.get("nl/index.html", 7).map(|b| &b[..]),
            Some(&b"x"[..])
        );
        assert_eq!(memo.get("nl/index.html", 8), None);
        assert_eq!(memo.get("en/index.html", 7), None);
        // Kept in place: a file of the last build that this one did not make is gone.
        let y = Bytes::from_static(b"y");
        memo.keep(
            [("nl/index.html", 9, &y), ("en/index.html", 7, &x)].into_iter(),
            2,
            Default::default(),
        );
        memo.keep(
            [("en/index.html", 7, &x)].into_iter(),
            0,
            Default::default(),
        );
        assert_eq!(memo.get("nl/index.html", 9), None);
        assert_eq!(
            memo.get("en/index.html", 7).map(|b| &b[..]),
            Some(&b"x"[..])
        );
    }
}
