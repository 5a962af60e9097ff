//! Rendered pages kept between the dev server's builds, so a rebuild renders again only
//! the pages whose inputs changed.
//!
//! Takes a fingerprint of everything all pages share (templates, messages, static files,
//! data, configuration and each language's global template context) and, per output
//! file, a fingerprint of its own context; produces the previous bytes when both match.
//! Tera renders the same bytes from the same template, context and functions (the
//! functions read only messages and static files), so a match is safe to reuse. Rejects
//! nothing: a miss renders.

use std::collections::{BTreeMap, HashMap};
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
}

impl RenderMemo {
    /// Starts a build whose site-wide inputs are `sources`, `config` and `drafts`;
    /// forgets every page when any of them changed.
    pub fn begin(&mut self, sources: &Sources, config: &Config, drafts: bool) {
        let inputs = site_inputs(sources, config, drafts);
        if inputs != self.inputs {
            self.pages.clear();
            self.inputs = inputs;
        }
    }

    /// The bytes rendered last time for `out`, if they came from `fingerprint`.
    pub fn get(&self, out: &str, fingerprint: u128) -> Option<&Bytes> {
        self.pages
            .get(out)
            .filter(|(f, _)| *f == fingerprint)
            .map(|(_, b)| b)
    }

    /// Replaces the memo with this build's pages, rendered with `shared`.
    pub(crate) fn keep(&mut self, pages: Pages, rendered: usize, shared: BTreeMap<Lang, u128>) {
        self.pages = pages;
        self.rendered = rendered;
        self.shared = shared;
    }
}

/// A fingerprint of the site-wide inputs of a build: templates, messages, data, static
/// files, configuration (with the build's today) and whether drafts are in.
pub fn site_inputs(sources: &Sources, config: &Config, drafts: bool) -> u64 {
    let mut h = DefaultHasher::new();
    for t in &sources.templates {
        (&t.name, &t.text).hash(&mut h);
    }
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
        let mut pages = Pages::default();
        pages.insert("nl/index.html".to_string(), (7, Bytes::from_static(b"x")));
        memo.keep(pages, 1, BTreeMap::new());
        assert_eq!(
            memo.get("nl/index.html", 7).map(|b| &b[..]),
            Some(&b"x"[..])
        );
        assert_eq!(memo.get("nl/index.html", 8), None);
        assert_eq!(memo.get("en/index.html", 7), None);
    }
}
