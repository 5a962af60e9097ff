//! One page of the assembled site: a language version of a content file, placed,
//! with its body's links resolved (see the parent module).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::document::Document;
use crate::lang::Lang;
use crate::markdown;
use crate::url::UrlPath;

/// What a page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Home,
    Section,
    Page,
}

/// One language version of one content file, placed in the site.
#[derive(Debug, Clone)]
pub struct Page {
    /// The parsed file, shared with the dev server's cache of parsed files.
    pub doc: Arc<Document>,
    pub kind: Kind,
    pub url: UrlPath,
    /// The body with its content links resolved, when it has any; else the parsed body
    /// is the page's (shared, not copied). Read it with [`Page::html`].
    pub(super) resolved: Option<String>,
    /// The first paragraph, resolved like the body: read it with [`Page::summary`].
    pub summary: Option<markdown::Summary>,
    /// A hash of what the page's own fields come from, when its document has a digest:
    /// the document, and the URLs its links resolved to (see [`Page::digest`]).
    pub(super) digest: Option<u128>,
    /// The section index page this page belongs to (none for home).
    pub parent: Option<usize>,
    /// A section's pages, sorted by weight, then date (newest first), then title.
    pub pages: Vec<usize>,
    /// A section's child sections, in the same order.
    pub subsections: Vec<usize>,
    /// The page's terms as `(taxonomy, term)` indices in [`Site::taxonomies`](super::Site::taxonomies): by
    /// taxonomy name, then as the front matter lists them.
    pub terms: Vec<(usize, usize)>,
    /// Languages whose version of this page changed since this one was synced.
    pub newer: Vec<Lang>,
    /// This page's versions by language, itself included: its entry of
    /// [`Site::by_key`](super::Site::by_key), kept with the page so that no one looks its key up per page.
    pub versions: Arc<BTreeMap<Lang, usize>>,
}

impl Page {
    /// The body, with every content link resolved.
    pub fn html(&self) -> &str {
        self.resolved.as_deref().unwrap_or(&self.doc.body.html)
    }

    /// Stands, in the dev server's fingerprints, for the fields made from the page's
    /// document alone and from where its links go: front matter, body, summary,
    /// headings. None when its document has no digest (one-off builds).
    pub fn digest(&self) -> Option<u128> {
        self.digest
    }

    /// The first paragraph's HTML, if the page has one.
    pub fn summary(&self) -> Option<&str> {
        self.summary.as_ref().map(|s| s.html(self.html()))
    }

    /// Takes the body and summary with links resolved; a page that links to no content
    /// file keeps its parsed body.
    pub(super) fn settle(
        &mut self,
        resolved: Option<(String, Option<markdown::Summary>)>,
        digest: Option<u128>,
    ) {
        self.digest = digest;
        if let Some((html, summary)) = resolved {
            (self.resolved, self.summary) = (Some(html), summary);
            // The unresolved body is done with, unless the dev server's cache shares it.
            if let Some(doc) = Arc::get_mut(&mut self.doc) {
                doc.body.html = String::new();
            }
        }
    }
}
