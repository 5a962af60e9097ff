//! The pipeline in memory: parse, load the other inputs, assemble, check translations,
//! render, publish, check links.
//!
//! Takes the configuration and the loaded [`Sources`] (and, for the dev server, what
//! its last build left in a [`ParseCache`]); produces a [`Generated`] site (output
//! files, the site, warnings, the state of the translations), or every problem found.
//! Writes nothing to disk.

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::locales::Locales;
use crate::render::Output;
use crate::session::ParseCache;
use crate::site::Site;
use crate::sources::Sources;
use crate::stream::{Stream, Streamed};
use crate::theme::Theme;
use crate::translations::{self, Lock};
use crate::{Stages, check, data, publish, template_fns};

/// A site built in memory, with what it warned about.
pub struct Generated {
    pub output: Output,
    pub site: Site,
    pub warnings: Vec<Diagnostic>,
    /// Missing, stale and unsynced translations.
    pub status: translations::Status,
}

/// Parses, assembles and renders the site in memory (no disk writes).
pub fn generate(config: &Config, mut sources: Sources, drafts: bool) -> Result<Generated> {
    generate_with(config, &mut sources, drafts, &mut ParseCache::default())
}

/// [`generate`], re-parsing only the pages `cache` does not hold (the dev server's
/// rebuilds). When the cache keeps nothing, the content pages are taken out of
/// `sources` once parsed, so that their texts are freed before rendering.
pub fn generate_with(
    config: &Config,
    sources: &mut Sources,
    drafts: bool,
    cache: &mut ParseCache,
) -> Result<Generated> {
    generate_kept(config, sources, drafts, cache).map(|(g, _)| g)
}

/// What a build made besides its [`Generated`] result, for the dev server to patch
/// the next build from (see [`crate::patch`]).
pub(crate) struct Kept {
    /// The configuration the site rendered with (site titles filled in).
    pub config: Config,
    pub theme: Theme,
    pub locales: Arc<Locales>,
    pub data: serde_json::Value,
    pub lock: Lock,
    /// Warnings that do not depend on the content (Fluent files).
    pub base_warnings: Vec<Diagnostic>,
    /// Warnings of the check of the built output's links.
    pub link_warnings: Vec<Diagnostic>,
    /// Each language's search words.
    pub search: BTreeMap<Lang, publish::search::Postings>,
}

impl Kept {
    fn new(
        config: &Config,
        ready: Ready,
        base_warnings: Vec<Diagnostic>,
        link_warnings: Vec<Diagnostic>,
        search: BTreeMap<Lang, publish::search::Postings>,
    ) -> Kept {
        let Ready {
            data,
            lock,
            locales,
            theme,
            ..
        } = ready;
        Kept {
            config: config.clone(),
            theme,
            locales,
            data,
            lock,
            base_warnings,
            link_warnings,
            search,
        }
    }
}

/// [`generate_with`], also handing back what the build made on the way.
pub(crate) fn generate_kept(
    config: &Config,
    sources: &mut Sources,
    drafts: bool,
    cache: &mut ParseCache,
) -> Result<(Generated, Kept)> {
    generate_into(config, sources, drafts, cache, None)
}

/// [`generate`], putting each rendered file into `staging` as soon as it is rendered
/// (when no two paths clash as file and folder): its entry in the output then holds
/// no bytes. Only [`crate::output::Staging::finish`] tells whether every put worked.
pub(crate) fn generate_staged(
    config: &Config,
    mut sources: Sources,
    drafts: bool,
    staging: &crate::output::Staging,
) -> Result<Generated> {
    let cache = &mut ParseCache::default();
    generate_into(config, &mut sources, drafts, cache, Some(staging)).map(|(g, _)| g)
}

/// [`generate_kept`], with the rendered files put into `staging` as they come (a
/// one-off build: see [`generate_staged`]).
fn generate_into(
    config: &Config,
    sources: &mut Sources,
    drafts: bool,
    cache: &mut ParseCache,
    staging: Option<&crate::output::Staging>,
) -> Result<(Generated, Kept)> {
    let mut clock = Stages::start();
    let (mut site, ready, mut warnings) =
        parse_and_assemble(config, sources, drafts, cache, &mut clock)?;
    let base_warnings = warnings.clone();
    warnings.extend(site.warnings.iter().cloned());
    let status = translations(&mut site, config, &ready.lock, &ready.locales);
    warnings.extend(status.warnings.iter().cloned());
    clock.lap("translations");
    if !cache.keep {
        // Nothing reads the source texts (or the terms as written) from here on: free
        // them before rendering.
        site.drop_inputs();
    }
    clock.lap("free the inputs");
    let config = &with_site_titles(config, &site, &ready.locales);
    if let Some(memo) = cache.render.as_mut() {
        memo.begin(sources, config, drafts, &ready.locales);
    }
    let inputs = Inputs {
        theme: &ready.theme,
        config,
        data: &ready.data,
        locales: &ready.locales,
        assets: &ready.assets,
    };
    let built = render_and_check(&site, &inputs, cache, staging, &mut clock)
        .map_err(|e| fail(e, &warnings))?;
    warnings.extend(built.link_warnings.iter().cloned());
    clock.lap("link check");
    if !built.broken_links.is_empty() {
        return Err(fail(built.broken_links, &warnings));
    }
    let kept = Kept::new(
        config,
        ready,
        base_warnings,
        built.link_warnings,
        built.search,
    );
    let generated = Generated {
        output: built.output,
        site,
        warnings,
        status,
    };
    Ok((generated, kept))
}

/// A failed build's error: its errors, then its warnings (so `check` lists everything).
fn fail(mut errors: Vec<Diagnostic>, warnings: &[Diagnostic]) -> Error {
    errors.extend_from_slice(warnings);
    Error::Content(errors)
}

/// The inputs besides the content pages, all loaded without errors.
struct Ready {
    data: serde_json::Value,
    lock: Lock,
    locales: Arc<Locales>,
    theme: Theme,
    assets: publish::Assets,
}

/// Parses the content pages (those `cache` does not hold) and assembles the site while
/// the other inputs load beside it; with the warnings so far. When the cache keeps
/// nothing, the pages are taken out of `sources` once parsed.
fn parse_and_assemble(
    config: &Config,
    sources: &mut Sources,
    drafts: bool,
    cache: &mut ParseCache,
    clock: &mut Stages,
) -> Result<(Site, Ready, Vec<Diagnostic>)> {
    let mut errors = Vec::new();
    let docs = cache.parse_all(config, sources, &mut errors);
    if !cache.keep {
        // The documents hold the texts now; they go once the translations are checked.
        sources.pages = Vec::new();
    }
    let sources = &*sources;
    clock.lap("parse");
    let again = last_site(config, drafts, cache, &docs);
    // The other inputs load while the pages are assembled; the site counts only when
    // they loaded without errors.
    let (loaded, assembled) = rayon::join(
        || {
            let (mut errors, mut warnings) = (Vec::new(), Vec::new());
            let ready = load_inputs(config, sources, &mut errors, &mut warnings);
            (ready, errors, warnings)
        },
        || match again {
            Some(site) => Ok(site),
            None => Site::assemble(docs, config, drafts),
        },
    );
    let (ready, load_errors, warnings) = loaded;
    errors.extend(load_errors);
    let (Some(ready), true) = (ready, errors.is_empty()) else {
        return Err(fail(errors, &warnings));
    };
    let site = assembled.map_err(|e| fail(e, &warnings))?;
    clock.lap("assemble beside the other inputs");
    Ok((site, ready, warnings))
}

/// The dev server's last site (`cache.last_site`), when it was assembled from the very
/// same documents `docs` and configuration; else none, and the last site is freed on
/// a thread of its own (freeing ten thousand pages takes a few milliseconds). Notes
/// what this build assembles from, for the next.
fn last_site(
    config: &Config,
    drafts: bool,
    cache: &mut ParseCache,
    docs: &[Arc<crate::document::Document>],
) -> Option<Site> {
    let key = cache.keep.then(|| assembly_key(config, drafts))?;
    let last = cache.last_site.take();
    let same = |(k, was): &(u64, Vec<Arc<crate::document::Document>>)| {
        *k == key && was.len() == docs.len() && was.iter().zip(docs).all(|(a, b)| Arc::ptr_eq(a, b))
    };
    let again = cache.assembled_from.as_ref().is_some_and(same);
    cache.assembled_from = Some((key, docs.to_vec()));
    match last {
        Some(site) if again => Some(site),
        Some(site) => {
            std::thread::spawn(move || drop(site));
            None
        }
        None => None,
    }
}

/// A fingerprint of what assembling a site reads beside its documents: the
/// configuration (with the build's today) and whether drafts are in.
fn assembly_key(config: &Config, drafts: bool) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    (format!("{config:?}"), drafts).hash(&mut h);
    h.finish()
}

/// Loads the data files, the lock file, the Fluent messages (checked against each
/// other and the templates), the theme (with diptych's template functions) and the
/// static files; problems go to `errors` and `warnings`. None when one of them failed.
fn load_inputs(
    config: &Config,
    sources: &Sources,
    errors: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Ready> {
    let data = data::load(sources)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    let lock = Lock::parse(sources.lock.as_deref().unwrap_or(""))
        .map_err(|e| errors.push(e))
        .ok();
    let locales = match Locales::from_sources(config, sources) {
        Ok((l, mut w)) => {
            warnings.append(&mut w);
            Some(Arc::new(l))
        }
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    let assets = publish::Assets::new(&sources.statics);
    let theme = locales.as_ref().and_then(|l| {
        let templates = publish::with_builtin_templates(sources);
        Theme::load(&templates, |tera| {
            template_fns::register(tera, l.clone());
            assets.register(tera);
        })
        .map_err(|mut e| errors.append(&mut e))
        .ok()
    });
    if let Some(l) = &locales {
        let (mut errs, mut warns): (Vec<_>, Vec<_>) = check::fluent(l, sources)
            .into_iter()
            .partition(Diagnostic::is_error);
        errors.append(&mut errs);
        warnings.append(&mut warns);
    }
    Some(Ready {
        data: data?,
        lock: lock?,
        locales: locales?,
        theme: theme?,
        assets,
    })
}

/// The state of the site's translations; each page learns which of its other language
/// versions changed since they were synced.
pub(crate) fn translations(
    site: &mut Site,
    config: &Config,
    lock: &Lock,
    locales: &Locales,
) -> translations::Status {
    let mut status = translations::Status::check(site, config, lock);
    status.count_missing_messages(locales);
    site.pages.par_iter_mut().for_each(|page| {
        page.newer = status
            .newer_than(page.doc.key.as_str(), &page.doc.lang)
            .into_iter()
            .cloned()
            .collect();
    });
    status
}

/// `config` with every language's site title filled in, so that every output names the
/// site the same way: site.yaml, else Fluent, else the home page.
fn with_site_titles(config: &Config, site: &Site, locales: &Locales) -> Config {
    let mut config = config.clone();
    for i in 0..config.languages.len() {
        let lang = config.languages[i].code.clone();
        let title = publish::site_title(site, &config, Some(locales), &lang);
        config.languages[i].title = Some(title);
    }
    config
}

/// What a build renders and publishes with, besides the site.
struct Inputs<'a> {
    theme: &'a Theme,
    config: &'a Config,
    data: &'a serde_json::Value,
    locales: &'a Arc<Locales>,
    assets: &'a publish::Assets,
}

/// What rendering, publishing and the link check made of a site.
struct Built {
    output: Output,
    search: BTreeMap<Lang, publish::search::Postings>,
    /// The link check's errors (they fail the build) and warnings.
    broken_links: Vec<Diagnostic>,
    link_warnings: Vec<Diagnostic>,
}

/// Renders the site, publishes its other files (sitemap, feeds, calendars, search
/// indexes, static files) and checks every link; errors are what failed the rendering
/// or publishing.
/// Publishing reads only the site. A one-off build with a `staging` folder publishes
/// first, so that each page's links can be checked as it is rendered and put there;
/// one without publishes while its link check reads the rendered pages (the check
/// finishes once the published files are there too); the dev server's build
/// (`cache.keep`), which checks only what changed once all is there, publishes while
/// it renders, and updates its search words from its last build's.
fn render_and_check(
    site: &Site,
    inputs: &Inputs,
    cache: &mut ParseCache,
    staging: Option<&crate::output::Staging>,
    clock: &mut Stages,
) -> std::result::Result<Built, Vec<Diagnostic>> {
    let Inputs {
        theme,
        config,
        data,
        locales,
        assets,
    } = *inputs;
    let lent = publish::Lent {
        search: cache.keep.then(|| cache.search.take().unwrap_or_default()),
        sitemap: cache.keep.then(|| cache.sitemap.get_or_insert_default()),
    };
    let publish = || publish::make(site, config, Some(locales), Default::default(), lent);
    let memo = cache.render.as_mut();
    let reported = &site.reported_anchors;
    let stream;
    // What the link check has read so far, and the static files the pages put as they
    // were rendered link by their plain name.
    let (mut output, made, scan, also) = if cache.keep {
        let render = || Output::render_with(site, theme, config, data, memo);
        let (rendered, made) = rayon::join(render, publish);
        clock.lap("render beside publishing");
        (rendered?, made, None, None)
    } else if let Some(staging) = staging {
        let made = publish();
        clock.lap("publish");
        stream = Stream::new(staging, made.paths(), reported, assets);
        let output = Output::render_to(site, theme, config, data, &stream)?;
        clock.lap("render and write");
        let Streamed { links, linked } = stream.finish();
        (output, made, Some(links), Some(linked))
    } else {
        let output = Output::render_with(site, theme, config, data, memo)?;
        clock.lap("render");
        let (made, scan) = rayon::join(publish, || check::LinkScan::of(&output, reported));
        (output, made, Some(scan), None)
    };
    // Pages left for the next build (the dev server's first look after an edit that
    // reached every page): the output is not whole, so its links wait for that build.
    let partial = cache.render.as_ref().is_some_and(|m| !m.pending.is_empty());
    let stage = match also {
        Some(_) => "add the published files",
        None => "publish, link scan",
    };
    let linked = match also {
        _ if partial => publish::assets::Linked::All,
        Some(also) => publish::assets::Linked::ReadAnd(also),
        None => publish::assets::Linked::Read(cache.assets.as_mut()),
    };
    let search = made.add(site, assets, &mut output, linked)?;
    clock.lap(stage);
    let links = match scan {
        _ if partial => Vec::new(),
        Some(scan) => scan.finish(&output, &site.reported_anchors),
        None => cache
            .links
            .get_or_insert_default()
            .check(&output, &site.reported_anchors),
    };
    let (broken_links, link_warnings) = links.into_iter().partition(Diagnostic::is_error);
    Ok(Built {
        output,
        search,
        broken_links,
        link_warnings,
    })
}
