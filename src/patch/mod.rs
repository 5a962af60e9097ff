//! The dev server's quick rebuild: the last build patched, when only the text of
//! content pages changed, or only templates.
//!
//! An edit of templates alone renders again the files whose template reads an edited
//! one (see [`crate::theme::Theme::reach`]) and checks their links again, when those
//! are at most a tenth of the files ([`render::many`]); it declines when a template
//! fails or a file links other static files by plain name than before.
//!
//! Takes the last build (its site, output and warnings, and what it was made with) and
//! the inputs read again. When every input but some content pages is as it was, and
//! each edited page kept its shape (front matter other than title, description, date,
//! `updated`, weight, image, `extra` and slug), where its links go and its ids, produces
//! the new build by resolving only the edited pages and rendering again only the files
//! whose template context the edit reached: the page itself; the pages that list its
//! summary (its section, its terms); pages whose notice of newer translations changed;
//! and after a new title or description also its neighbours (previous/next), its other
//! language versions and, for a section, every page under it (breadcrumbs, language
//! switchers). A new title, date or weight that moves a page in its lists sorts those
//! lists again, and the pages whose previous or next page changed are rendered again
//! too. A new slug moves a plain page (not a section) to a URL nothing else has: its
//! old file goes, the pages linking to it resolve their links again, and what shows
//! its URL is rendered again as after a new title, with the sitemap (also made again
//! after a new date). The search words and feeds follow; the links that could have
//! changed are checked again. Declines everything else (home, events and pages with
//! aliases when their front matter changed; a date after today; any other change; any
//! problem): the caller then builds in full, which also reports the problems.

mod reach;
mod republish;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use crate::check::LinkMemo;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::{Document, ParseSettings};
use crate::frontmatter::FrontMatter;
use crate::lang::Lang;
use crate::publish::search;
use crate::render::Output;
use crate::render::{self, Teras};
use crate::render_memo::site_inputs;
use crate::site::{Kind, Page, Site, after_today};
use crate::sources::Sources;
use crate::url::UrlPath;
use crate::{Generated, Kept};
use reach::{ids, linking_to, move_pages, reorder, shows_title};
use republish::republish;

/// A good build, kept to patch the next one from.
pub(crate) struct Last {
    /// Fingerprint of every input but the content pages and the templates (see
    /// [`inputs`]).
    inputs: u64,
    /// Fingerprint of the templates (see [`templates`]).
    templates: u64,
    /// The content pages the build read, in order.
    pages: Vec<(PathBuf, Arc<str>)>,
    pub generated: Generated,
    kept: Kept,
    /// Each language's fingerprint of what all its pages share in their context.
    shared: BTreeMap<Lang, u128>,
    /// Whether the site is still as the build assembled it (no text patch began).
    as_assembled: bool,
    /// Each page's index in the site by its file (a patch moves no page): made when a
    /// patch first needs it.
    index: std::sync::OnceLock<crate::sources::ByPath<usize>>,
}

/// What a patch did: files parsed, files rendered.
pub(crate) struct Patched {
    pub parsed: usize,
    pub rendered: usize,
}

/// Checks the links of the patched build again: `None` when one is broken (the full
/// build that follows reports it); else the build's warnings are made again, with the
/// translation `status` of the patched site.
fn check_again(
    generated: &mut Generated,
    kept: &mut Kept,
    links: &mut LinkMemo,
    status: crate::translations::Status,
) -> Option<()> {
    let site = &generated.site;
    let (broken, anchors): (Vec<_>, Vec<_>) = links
        .check(&generated.output, &site.reported_anchors)
        .into_iter()
        .partition(Diagnostic::is_error);
    if !broken.is_empty() {
        return None;
    }
    kept.link_warnings = anchors;
    generated.warnings = kept
        .base_warnings
        .iter()
        .chain(&site.warnings)
        .chain(&status.warnings)
        .chain(&kept.link_warnings)
        .cloned()
        .collect();
    generated.status = status;
    Some(())
}

impl Last {
    /// The site, if it is still as the build assembled it (no text patch began), for
    /// a full build to take again when its documents are the same.
    pub fn take_site(&mut self) -> Option<Site> {
        self.as_assembled
            .then(|| std::mem::take(&mut self.generated.site))
    }

    /// The search words of this build (as patches left them), for a full build to
    /// update; the rest of the build is handed back to be freed.
    pub fn take_search(&mut self) -> BTreeMap<Lang, search::Postings> {
        std::mem::take(&mut self.kept.search)
    }

    /// The build of `sources` (whose [`inputs`] are `inputs`), with `shared`: each
    /// language's fingerprint of what all its pages share in their context, as
    /// rendering found it.
    pub fn new(
        inputs: u64,
        sources: Sources,
        (generated, kept): (Generated, Kept),
        shared: BTreeMap<Lang, u128>,
    ) -> Last {
        Last {
            inputs,
            templates: templates(&sources),
            pages: sources
                .pages
                .into_iter()
                .map(|s| (s.path, s.text))
                .collect(),
            shared,
            as_assembled: true,
            index: std::sync::OnceLock::new(),
            generated,
            kept,
        }
    }

    fn index(&self) -> &crate::sources::ByPath<usize> {
        self.index.get_or_init(|| {
            let pages = &self.generated.site.pages;
            pages
                .iter()
                .enumerate()
                .map(|(i, p)| (p.doc.path.clone().into_os_string(), i))
                .collect()
        })
    }

    /// The files and warnings to show.
    pub fn preview(&self) -> crate::session::Preview {
        crate::session::Preview {
            output: self.generated.output.clone(),
            warnings: self.generated.warnings.clone(),
            pending: Vec::new(),
        }
    }

    /// Makes this the build of `sources` (whose [`inputs`] are `inputs`), if only page
    /// texts changed and the edits allow a patch. `None` when it declines; the build may
    /// be half patched then, so the caller must drop it.
    /// `links` is the dev server's link check, which reads again only what the patch
    /// changed.
    pub fn patch(
        &mut self,
        config: &Config,
        sources: &Sources,
        inputs: u64,
        links: &mut LinkMemo,
    ) -> Option<Patched> {
        let edited = self.edited(sources, inputs)?;
        let templates = templates(sources);
        if templates != self.templates {
            // Templates and pages edited at once: a full build.
            if !edited.is_empty() {
                return None;
            }
            let done = self.patch_templates(sources, links)?;
            self.templates = templates;
            return Some(done);
        }
        if edited.is_empty() {
            return Some(Patched {
                parsed: 0,
                rendered: 0,
            });
        }
        let docs = self.parse(config, sources, &edited)?;
        // From here the site changes (or is half changed, when the patch declines).
        self.as_assembled = false;
        let Last {
            generated, kept, ..
        } = self;
        let site = &mut generated.site;
        let (moved, before, stepped) = take_bodies(site, &generated.output, docs)?;
        // Pages whose notice of newer translations changed show it again.
        let newer_before: Vec<Vec<Lang>> = site.pages.iter().map(|p| p.newer.clone()).collect();
        let status = crate::generate::translations(site, config, &kept.lock, &kept.locales);
        let (pages, terms) = reached(site, &before, &moved, &stepped, &newer_before);
        let site = &generated.site;
        let teras = render::teras(&kept.theme, site, &kept.config, &kept.data);
        if fingerprints(&teras) != self.shared {
            return None;
        }
        let files =
            render::render_some(site, &kept.theme, &kept.config, &teras, &pages, &terms).ok()?;
        let rendered = files.len();
        let output = &mut generated.output;
        for (_, was) in &moved {
            output.files.remove(&was.output_file());
        }
        output.files.extend(files);
        republish(site, kept, output, &before, !moved.is_empty())?;
        check_again(generated, kept, links, status)?;
        for &k in &edited {
            self.pages[k].1 = sources.pages[k].text.clone();
        }
        Some(Patched {
            parsed: edited.len(),
            rendered,
        })
    }

    /// Makes this the build of `sources`, whose templates alone changed: renders again
    /// the files whose template reads an edited one ([`crate::theme::Theme::reach`]),
    /// and checks their links again. `None` when the templates fail to load, more
    /// than a tenth of the files are reached (a full build can show the pages open in
    /// a browser first), one fails to render or links other static files by their
    /// plain name than before (publishing reads them): the full build then reports
    /// the problems.
    fn patch_templates(&mut self, sources: &Sources, links: &mut LinkMemo) -> Option<Patched> {
        let Last {
            generated,
            kept,
            shared,
            ..
        } = self;
        let templates = crate::publish::with_builtin_templates(sources);
        let edited = crate::theme::Theme::stale_in(&templates, kept.theme.reaches());
        let stale = |t: &str| edited.iter().any(|e| e == t);
        // Most files are content pages: when many are reached, decline before compiling.
        let site = &generated.site;
        if render::many(render::pages_reached(site, stale), site.pages.len()) {
            return None;
        }
        let assets = crate::publish::Assets::new(&sources.statics);
        let theme = crate::theme::Theme::load(&templates, |tera| {
            crate::template_fns::register(tera, kept.locales.clone());
            assets.register(tera);
        })
        .ok()?;
        let teras = || {
            let teras = render::teras(&theme, site, &kept.config, &kept.data);
            (fingerprints(&teras) == *shared).then_some(teras)
        };
        let files = render::render_stale(site, &theme, &kept.config, teras, stale)?;
        let output = &mut generated.output;
        for (path, bytes) in &files {
            let was = output.files.get(path)?;
            if assets.linked_by(was) != assets.linked_by(bytes) {
                return None;
            }
        }
        let rendered = files.len();
        output.files.extend(files);
        let status = std::mem::take(&mut generated.status);
        check_again(generated, kept, links, status)?;
        kept.theme = theme;
        Some(Patched {
            parsed: 0,
            rendered,
        })
    }

    /// The content pages of `sources` (indices) whose text changed since this build;
    /// `None` when anything else changed: another input, or which pages there are.
    fn edited(&self, sources: &Sources, inputs: u64) -> Option<Vec<usize>> {
        if inputs != self.inputs || sources.pages.len() != self.pages.len() {
            return None;
        }
        let mut edited = Vec::new();
        for (k, (s, (path, text))) in sources.pages.iter().zip(&self.pages).enumerate() {
            // By bytes: `Path`'s own comparison walks the components of both.
            if s.path.as_os_str() != path.as_os_str() {
                return None;
            }
            if !Arc::ptr_eq(&s.text, text) && s.text != *text {
                edited.push(k);
            }
        }
        Some(edited)
    }

    /// Parses the edited pages `edited` (indices into `sources.pages`); with the index of
    /// each in the site. `None` when one does not parse, is not in the site (drafts,
    /// future pages) or changed more than its text.
    fn parse(
        &self,
        config: &Config,
        sources: &Sources,
        edited: &[usize],
    ) -> Option<Vec<(usize, Document)>> {
        let parse = ParseSettings::of(config);
        let opts = parse.options();
        let site = &self.generated.site;
        edited
            .iter()
            .map(|&k| {
                let doc = Document::parse(&sources.pages[k], opts).ok()?.with_digest();
                let i = *self.index().get(doc.path.as_os_str())?;
                let old = &site.pages[i];
                let front_changed = old.doc.front != doc.front;
                // A page dated after today leaves the site: a full build.
                let dated_later = old.doc.front.date != doc.front.date && after_today(&doc, config);
                let plain = old.kind != Kind::Home
                    && old.doc.front.event.is_none()
                    && old.doc.front.aliases.is_empty();
                let fits = same_shape(&old.doc, &doc) && (plain || !front_changed);
                (fits && !dated_later).then_some((i, doc))
            })
            .collect()
    }
}

/// The inputs a patch needs unchanged: the site-wide inputs the render memo watches,
/// the messages, and the lock file (it decides which translations are stale). Found
/// once per rebuild. The templates are apart (see [`templates`]): an edit of them
/// alone has a patch of its own.
pub(crate) fn inputs(sources: &Sources, config: &Config, drafts: bool) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    site_inputs(sources, config, drafts).hash(&mut h);
    for (lang, f) in &sources.ftl {
        (lang.as_str(), &f.path, &f.text).hash(&mut h);
    }
    sources.lock.hash(&mut h);
    h.finish()
}

/// A fingerprint of the templates of `sources`, names and texts.
fn templates(sources: &Sources) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    for t in &sources.templates {
        (&t.name, &t.text).hash(&mut h);
    }
    h.finish()
}

/// The pages a new slug moved, each with its old URL.
type Moved = Vec<(usize, UrlPath)>;

/// The pages whose bodies were taken again (edited, or linking to a moved page), each
/// with its page as it was.
type Before = Vec<(usize, Page)>;

/// The edited pages `docs` in the site, each with its page as it was: a page with a
/// new slug takes its new URL (with its old one in the first list) before any link is
/// resolved again, and the pages linking to it resolve theirs again. The lists a new
/// title, date or weight took an edited page out of order in are sorted again; the
/// third list holds the pages whose previous or next page changed. `None` when an
/// edited page no longer fits: links into it would find other ids.
fn take_bodies(
    site: &mut Site,
    output: &Output,
    docs: Vec<(usize, Document)>,
) -> Option<(Moved, Before, Vec<usize>)> {
    let moved = move_pages(site, output, &docs)?;
    let mut before = Vec::with_capacity(docs.len());
    for (i, doc) in docs {
        before.push((i, site.replace_body(i, Arc::new(doc)).ok()?));
    }
    for j in linking_to(site, &moved, &before) {
        let doc = Arc::clone(&site.pages[j].doc);
        before.push((j, site.replace_body(j, doc).ok()?));
    }
    let edited: Vec<usize> = before.iter().map(|(i, _)| *i).collect();
    let stepped = reorder(site, &edited);
    // Links into the page (checked in content and in the output) find the same ids.
    if before
        .iter()
        .any(|(i, old)| ids(old.html().as_bytes()) != ids(site.pages[*i].html().as_bytes()))
    {
        return None;
    }
    Some((moved, before, stepped))
}

/// The pages and the `(taxonomy, term)` pages to render again: the edited ones
/// (`before`), those whose previous or next page changed (`stepped`), those whose notice
/// of newer translations changed (it was `newer_before`), and those that show what an
/// edit changed of a page: its summary in its section's and its terms' lists (also
/// after a new date or weight, which may have moved it there), its title or
/// description, or a moved page's URL (events show on every page: the fingerprints
/// decline that).
fn reached(
    site: &Site,
    before: &[(usize, Page)],
    moved: &[(usize, UrlPath)],
    stepped: &[usize],
    newer_before: &[Vec<Lang>],
) -> (Vec<usize>, Vec<(usize, usize)>) {
    let mut pages: BTreeSet<usize> = before.iter().map(|(i, _)| *i).collect();
    pages.extend(stepped);
    pages.extend(
        site.pages
            .iter()
            .zip(newer_before)
            .enumerate()
            .filter(|(_, (page, was))| page.newer != **was)
            .map(|(i, _)| i),
    );
    let mut terms = BTreeSet::new();
    let mut listed_in = |i: usize, pages: &mut BTreeSet<usize>| {
        pages.extend(site.pages[i].parent);
        terms.extend(site.pages[i].terms.iter().copied());
    };
    for (i, old) in before {
        let (now, was) = (&site.pages[*i].doc.front, &old.doc.front);
        let named = now.title != was.title || now.description != was.description;
        if named {
            pages.extend(shows_title(site, *i, now.title != was.title));
        }
        let placed = now.date != was.date || now.weight != was.weight;
        if named || placed || old.summary() != site.pages[*i].summary() {
            listed_in(*i, &mut pages);
        }
    }
    // A moved page's URL shows where its title does, and in its lists.
    for (i, _) in moved {
        pages.extend(shows_title(site, *i, false));
        listed_in(*i, &mut pages);
    }
    (pages.into_iter().collect(), terms.into_iter().collect())
}

fn fingerprints(teras: &Teras) -> BTreeMap<Lang, u128> {
    teras.iter().map(|(l, (_, f))| (l.clone(), *f)).collect()
}

/// Whether `new` keeps the shape of `old`: the same front matter but for title,
/// description, date, `updated`, weight, image, `extra` and slug (a new slug moves a
/// page, see [`move_pages`]; the others may move it in its lists, see [`reorder`]);
/// links to the same places; the same headings and in-page fragments.
fn same_shape(old: &Document, new: &Document) -> bool {
    let links = |d: &Document| {
        d.body
            .links
            .iter()
            .map(|l| (l.key.clone(), l.lang.clone(), l.fragment.clone()))
            .collect::<Vec<_>>()
    };
    let fragments = |d: &Document| {
        d.body
            .local_fragments
            .iter()
            .map(|(f, _)| f.clone())
            .collect::<Vec<_>>()
    };
    let placed = FrontMatter {
        slug: old.front.slug.clone(),
        title: old.front.title.clone(),
        description: old.front.description.clone(),
        date: old.front.date.clone(),
        updated: old.front.updated.clone(),
        weight: old.front.weight,
        image: old.front.image.clone(),
        image_alt: old.front.image_alt.clone(),
        extra: old.front.extra.clone(),
        ..new.front.clone()
    };
    placed == old.front
        && old.key == new.key
        && old.lang == new.lang
        && old.body.headings == new.body.headings
        && links(old) == links(new)
        && fragments(old) == fragments(new)
}
