//! Who claims which URL: two pages, aliases or generated pages on one output file are
//! an error.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::diagnostic::Diagnostic;
use crate::url::UrlPath;

use super::Page;

/// Which file claimed which URL, to report two on one. Claims are by output file, so
/// `/nl/` and an alias `/nl/index.html` collide too.
pub(super) struct UrlClaims {
    owners: HashMap<String, Owner, crate::publish::search::FastHash>,
}

/// What claimed a URL: described only when something else wants it too.
enum Owner {
    Page(usize),
    Alias(usize),
    Generated(String),
}

impl Owner {
    fn describe(&self, pages: &[Page]) -> String {
        match self {
            Owner::Page(i) => format!("{}", pages[*i].doc.path.display()),
            Owner::Alias(i) => format!("an alias of {}", pages[*i].doc.path.display()),
            Owner::Generated(what) => what.clone(),
        }
    }
}

impl UrlClaims {
    /// No claims yet, with room for `claims` of them.
    pub(super) fn with_capacity(claims: usize) -> UrlClaims {
        UrlClaims {
            owners: HashMap::with_capacity_and_hasher(claims, Default::default()),
        }
    }

    /// Claims `url` for page `i` (`alias`: for one of its aliases); a second claim is
    /// an error at the page's file.
    pub(super) fn claim(
        &mut self,
        url: &UrlPath,
        (i, alias): (usize, bool),
        pages: &[Page],
        errors: &mut Vec<Diagnostic>,
    ) {
        let me = if alias {
            Owner::Alias(i)
        } else {
            Owner::Page(i)
        };
        match self.owners.entry(url.output_file()) {
            Entry::Occupied(first) => {
                let doc = &pages[i].doc;
                let (me, first) = (me.describe(pages), first.get().describe(pages));
                let mut d = Diagnostic::error(
                    "url",
                    &doc.path,
                    format!("{me} and {first} both want the URL {url}"),
                )
                .with_help("give one of them another `slug` (or remove the alias)");
                if let Some(pos) = doc.text.find("slug:") {
                    d = d.at(&doc.text, pos..pos + 4);
                }
                errors.push(d);
            }
            Entry::Vacant(e) => {
                e.insert(me);
            }
        }
    }

    pub(super) fn claim_generated(
        &mut self,
        url: &UrlPath,
        what: String,
        pages: &[Page],
        errors: &mut Vec<Diagnostic>,
    ) {
        match self.owners.entry(url.output_file()) {
            Entry::Occupied(first) => errors.push(
                Diagnostic::error(
                    "url",
                    "site.yaml",
                    format!(
                        "{what} and {} both want the URL {url}",
                        first.get().describe(pages)
                    ),
                )
                .with_help("rename the taxonomy's slug in site.yaml or the page's slug"),
            ),
            Entry::Vacant(e) => {
                e.insert(Owner::Generated(what));
            }
        }
    }
}
