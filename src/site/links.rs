//! Links between pages: every content link resolved to the URL of its target in the
//! same language, broken links as errors, missing `#fragments` as warnings.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::lang::Lang;
use crate::markdown;
use crate::once_map::OnceMap;
use crate::sources::PageKey;
use crate::suggest;

use super::{Page, Site};

/// One page with its links resolved, and what resolving found.
#[derive(Default)]
struct Resolved {
    /// The body and summary with links resolved; none when the page links to no
    /// content file, and both stay as they are.
    bodies: Option<(String, Option<markdown::Summary>)>,
    /// The page's [`Page::digest`].
    digest: Option<u128>,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    reported: Vec<String>,
}

impl Site {
    /// Puts the URL of every linked page into each body; broken links are errors,
    /// fragments that match no heading of the target are warnings.
    pub(super) fn resolve_links(&mut self, errors: &mut Vec<Diagnostic>) {
        // Pages resolve independently (in parallel); results are taken in page order.
        let memo = Memo::default();
        let resolved: Vec<Resolved> = self
            .pages
            .par_iter()
            .map(|page| self.resolve_page(page, &memo))
            .collect();
        drop(memo);
        for (i, (page, r)) in self.pages.iter_mut().zip(resolved).enumerate() {
            page.settle(r.bodies, r.digest);
            errors.extend(r.errors);
            self.warned.extend(std::iter::repeat_n(i, r.warnings.len()));
            self.warnings.extend(r.warnings);
            self.reported_anchors.extend(r.reported);
        }
    }

    /// Puts `doc` in place of the document of page `i` and resolves its links again:
    /// the dev server's rebuild after an edit that changed neither where the page is
    /// in its lists nor where its links go (which the caller checked), or after a page
    /// it links to moved (`doc` is its own again). Hands back the page as it was; on
    /// link errors, leaves the site as it was.
    pub(crate) fn replace_body(
        &mut self,
        i: usize,
        doc: Arc<Document>,
    ) -> Result<Page, Vec<Diagnostic>> {
        let mut page = Page {
            summary: doc.body.summary.clone(),
            doc,
            resolved: None,
            ..self.pages[i].clone()
        };
        let r = self.resolve_page(&page, &Memo::default());
        if !r.errors.is_empty() {
            return Err(r.errors);
        }
        page.settle(r.bodies, r.digest);
        // Warnings come in page order: this page's go where its old ones were.
        let from = self.warned.partition_point(|&j| j < i);
        let to = self.warned.partition_point(|&j| j <= i);
        let n = r.warnings.len();
        self.warnings.splice(from..to, r.warnings);
        self.warned.splice(from..to, std::iter::repeat_n(i, n));
        self.reported_anchors.extend(r.reported);
        Ok(std::mem::replace(&mut self.pages[i], page))
    }

    fn resolve_page<'a>(&'a self, page: &'a Page, memo: &Memo<'a>) -> Resolved {
        let mut r = Resolved::default();
        let body = &page.doc.body;
        let mut urls = Vec::with_capacity(body.links.len());
        for link in &body.links {
            match self.link_target(link, &page.doc.lang, &memo.near) {
                Ok(t) => {
                    let target = &self.pages[t];
                    if let Some(f) = &link.fragment {
                        if !memo.anchors.has(target, f) {
                            r.reported.push(format!("{}#{f}", target.url));
                            r.warnings.push(missing_anchor(
                                page,
                                link.span.clone(),
                                f,
                                &target.doc.path.display().to_string(),
                            ));
                        }
                        urls.push(format!("{}#{f}", target.url));
                    } else {
                        urls.push(target.url.to_string());
                    }
                }
                Err(d) => {
                    let mut d = d.at(&page.doc.text, link.span.clone());
                    d.path = page.doc.path.clone();
                    r.errors.push(d);
                    urls.push(String::new());
                }
            }
        }
        for (f, span) in &body.local_fragments {
            if !memo.anchors.has(page, f) {
                r.reported.push(format!("{}#{f}", page.url));
                r.warnings
                    .push(missing_anchor(page, span.clone(), f, "this page"));
            }
        }
        r.digest = page.doc.digest.map(|d| with_urls(d, &urls));
        // Without links there is nothing to resolve: the page keeps the parsed body.
        if !body.links.is_empty() {
            let summary = page
                .summary
                .as_ref()
                .map(|s| markdown::Summary::Own(markdown::resolve(s.html(&body.html), &urls)));
            let mut html = markdown::resolve(&body.html, &urls);
            html.shrink_to_fit();
            r.bodies = Some((html, summary));
        }
        r
    }

    fn link_target<'a>(
        &'a self,
        link: &'a markdown::Link,
        from: &Lang,
        near: &Near<'a>,
    ) -> Result<usize, Diagnostic> {
        let lang = link.lang.as_deref().unwrap_or(from.as_str());
        let versions = self.by_key.get(&link.key);
        if let Some(&i) =
            versions.and_then(|m| m.iter().find(|(l, _)| l.as_str() == lang).map(|(_, i)| i))
        {
            return Ok(i);
        }
        if let Some(why) = self.unpublished.get(&format!("{}.{lang}", link.key)) {
            let message = format!(
                "`{}` links to a page that is not published: it {why}",
                link.dest
            );
            let help = "link to it once it is published, or build with --drafts to preview both";
            return Err(Diagnostic::error("link", "", message)
                .about(link.key.as_str())
                .with_help(help));
        }
        let err = Diagnostic::error(
            "link",
            "",
            format!(
                "`{}` links to a page that does not exist in `{lang}`",
                link.dest
            ),
        )
        .about(link.key.as_str());
        let help = match versions {
            Some(m) => {
                let other: Vec<&str> = m.keys().map(Lang::as_str).collect();
                format!(
                    "`{}` exists only in {}: translate it, or link to `{}.{}.md` on purpose",
                    link.key,
                    other.join(", "),
                    link.key.name(),
                    other[0]
                )
            }
            None => {
                let keys = || self.by_key.keys().map(PageKey::as_str);
                match *near.get_or_make(&link.key, || suggest::closest(link.key.as_str(), keys())) {
                    Some(near) => format!(
                        "did you mean `{near}`? (links name the file without its language: `{}.md`)",
                        near
                    ),
                    None => "link to an existing file under content/, without its language suffix"
                        .to_string(),
                }
            }
        };
        Err(err.with_help(help))
    }
}

/// What resolving links finds once for many pages: the anchors of the pages they point
/// into, and the key nearest to each missing one.
#[derive(Default)]
struct Memo<'a> {
    anchors: Anchors<'a>,
    near: Near<'a>,
}

/// The existing page key nearest to each key that links name but no page has (for
/// "did you mean"): a page renamed or removed is often linked from many pages.
type Near<'a> = OnceMap<&'a PageKey, Option<&'a str>>;

/// The anchors of each page that links point into, found on the first such link: a page
/// that many links point into (a glossary, a long page's table of contents) is read
/// once for them all, not once per link.
#[derive(Default)]
struct Anchors<'a>(OnceMap<&'a Path, HashSet<&'a str>>);

impl<'a> Anchors<'a> {
    /// [`has_anchor`], from one reading of `page` for all of its links.
    fn has(&self, page: &'a Page, fragment: &str) -> bool {
        // A quote in the fragment could end an attribute value inside it.
        if fragment.is_empty() || fragment == "top" || fragment.contains('"') {
            return has_anchor(page, fragment);
        }
        let ids = self.0.get_or_make(&page.doc.path, || {
            let headings = page.doc.body.headings.iter().map(|h| h.id.as_str());
            headings
                .chain(quoted_ids(&page.doc.body.html))
                .chain(quoted_ids(page.html()))
                .collect()
        });
        ids.contains(fragment)
    }
}

/// Every `s` that `id="s"` spells in `html` (in an attribute or not, as
/// [`has_anchor`] looks).
fn quoted_ids(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("id=\"").filter_map(move |(i, m)| {
        let rest = &html[i + m.len()..];
        rest.find('"').map(|end| &rest[..end])
    })
}

/// Whether `fragment` names a heading (or a footnote) of `page`; an empty one is the top.
pub(super) fn has_anchor(page: &Page, fragment: &str) -> bool {
    fragment.is_empty()
        || fragment == "top"
        || page.doc.body.headings.iter().any(|h| h.id == fragment)
        || page.doc.body.html.contains(&format!("id=\"{fragment}\""))
        // Once resolved (a dev-server rebuild resolves one page among resolved ones).
        || page.html().contains(&format!("id=\"{fragment}\""))
}

fn missing_anchor(
    page: &Page,
    span: std::ops::Range<usize>,
    fragment: &str,
    target: &str,
) -> Diagnostic {
    Diagnostic::warning(
        "link",
        &page.doc.path,
        format!("`#{fragment}` matches no heading in {target}"),
    )
    .at(&page.doc.text, span)
    .with_help("use the id of a heading there (shown in the page's HTML), or drop the `#…`")
}
/// A page's digest with where its links go: its document's digest `own`, and the URLs
/// its links were resolved to.
fn with_urls(own: u128, urls: &[String]) -> u128 {
    if urls.is_empty() {
        return own;
    }
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(&own.to_le_bytes());
    for u in urls {
        h.update(&(u.len() as u64).to_le_bytes());
        h.update(u.as_bytes());
    }
    h.digest128()
}
