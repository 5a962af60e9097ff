//! diptych: a bilingual static site generator.
//!
//! [`build`] runs the pipeline top to bottom: config, load, parse, i18n, assemble,
//! render, write. Each stage is a module that takes a value and returns one.

// Diagnostics are large but only built on the error path; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod check;
pub mod config;
pub mod data;
pub mod date;
pub mod diagnostic;
pub mod document;
pub mod error;
pub mod fingerprint;
pub(crate) mod fluent_functions;
pub mod format;
pub mod frontmatter;
pub mod lang;
pub mod locales;
pub mod markdown;
pub(crate) mod message_info;
pub mod output;
pub(crate) mod patch;
pub mod publish;
pub mod render;
pub mod render_memo;
pub mod scaffold;
pub mod serve;
pub mod session;
pub mod site;
pub mod sources;
pub(crate) mod suggest;
pub mod template_fns;
pub mod theme;
pub mod translations;
pub mod url;
pub mod watch;
pub(crate) mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::config::Config;
use crate::diagnostic::Diagnostic;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::locales::Locales;
use crate::render::Output;
use crate::session::ParseCache;
use crate::site::Site;
use crate::sources::Sources;
use crate::theme::Theme;
use crate::translations::Lock;

/// What `diptych build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output directory; `public/` under the root when unset.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Warnings fail the build.
    pub strict: bool,
    /// The date the site counts as today (`YYYY-MM-DD`); else `SOURCE_DATE_EPOCH`;
    /// else none (events are then listed without an upcoming/past split).
    pub today: Option<String>,
}

/// What a successful build did.
#[derive(Debug, Clone)]
pub struct Report {
    pub pages: BTreeMap<Lang, usize>,
    pub files: usize,
    pub warnings: Vec<Diagnostic>,
    pub seconds: f64,
}

/// A site built in memory, with what it warned about.
pub struct Generated {
    pub output: Output,
    pub site: Site,
    pub warnings: Vec<Diagnostic>,
    /// Missing, stale and unsynced translations.
    pub status: translations::Status,
}

/// Builds the site at `opts.root` into its output directory.
pub fn build(opts: &BuildOptions) -> Result<Report> {
    let started = Instant::now();
    let mut config = Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.set_base_url(url).map_err(Error::Usage)?;
    }
    config.today = build_date(
        opts.today.as_deref(),
        std::env::var("SOURCE_DATE_EPOCH").ok().as_deref(),
    )?;
    let out = output_dir(&config, opts.out.as_deref())?;
    let mut clock = Stages::start();
    let sources = Sources::load(&config)?;
    clock.lap("load");
    let generated = generate(&config, sources, opts.drafts)?;
    if opts.strict && !generated.warnings.is_empty() {
        return Err(Error::Content(generated.warnings));
    }
    let mut clock = Stages::start();
    generated.output.write(&out)?;
    clock.lap("write");
    let mut pages = BTreeMap::new();
    for p in &generated.site.pages {
        *pages.entry(p.doc.lang.clone()).or_insert(0) += 1;
    }
    Ok(Report {
        pages,
        files: generated.output.files.len(),
        warnings: generated.warnings,
        seconds: started.elapsed().as_secs_f64(),
    })
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
/// the next build from (see [`patch`]).
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

/// [`generate_with`], also handing back what the build made on the way.
pub(crate) fn generate_kept(
    config: &Config,
    sources: &mut Sources,
    drafts: bool,
    cache: &mut ParseCache,
) -> Result<(Generated, Kept)> {
    let mut clock = Stages::start();
    let mut errors = Vec::new();
    let docs = cache.parse_all(config, sources, &mut errors);
    if !cache.keep {
        // The documents hold the texts now; they go once the translations are checked.
        sources.pages = Vec::new();
    }
    let sources = &*sources;
    clock.lap("parse");
    let data = data::load(sources)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    let lock = Lock::parse(sources.lock.as_deref().unwrap_or(""))
        .map_err(|e| errors.push(e))
        .ok();
    let (locales, mut warnings) = match Locales::from_sources(config, sources) {
        Ok((l, w)) => (Some(Arc::new(l)), w),
        Err(mut e) => {
            errors.append(&mut e);
            (None, Vec::new())
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
    // A failed build still reports its warnings, so `check` can list everything.
    let fail = |mut errs: Vec<Diagnostic>, warns: &[Diagnostic]| {
        errs.extend_from_slice(warns);
        Error::Content(errs)
    };
    let (Some(data), Some(lock), Some(theme), Some(locales), true) =
        (data, lock, theme, locales, errors.is_empty())
    else {
        return Err(fail(errors, &warnings));
    };
    let base_warnings = warnings.clone();
    clock.lap("locales, templates, checks");
    let mut site = Site::assemble(docs, config, drafts).map_err(|e| fail(e, &warnings))?;
    clock.lap("assemble");
    warnings.extend(site.warnings.iter().cloned());
    let mut status = translations::Status::check(&site, config, &lock);
    status.count_missing_messages(&locales);
    warnings.extend(status.warnings.iter().cloned());
    for page in &mut site.pages {
        page.newer = status
            .newer_than(page.doc.key.as_str(), &page.doc.lang)
            .into_iter()
            .cloned()
            .collect();
    }
    if !cache.keep {
        // Nothing reads the source texts (or the terms as written) from here on: free
        // them before rendering.
        site.drop_inputs();
    }
    clock.lap("translations");
    // Every output names the site the same way: site.yaml, else Fluent, else home.
    let mut config = config.clone();
    for i in 0..config.languages.len() {
        let lang = config.languages[i].code.clone();
        let title = publish::site_title(&site, &config, Some(&locales), &lang);
        config.languages[i].title = Some(title);
    }
    let config = &config;
    if let Some(memo) = cache.render.as_mut() {
        memo.begin(sources, config, drafts);
    }
    // Publishing reads only the site. A one-off build publishes while its link check
    // reads the rendered pages (the check finishes once the published files are there
    // too); the dev server's build, which checks only what changed once all is there,
    // publishes while it renders. Its search words are updated from its last build's.
    let search_before = cache.keep.then(|| cache.search.take().unwrap_or_default());
    let publish = || {
        let opts = publish::Options::default();
        publish::make(&site, config, Some(&locales), opts, search_before)
    };
    let memo = cache.render.as_mut();
    let (mut output, made, scan) = if cache.links.is_some() {
        let render = || Output::render_with(&site, &theme, config, &data, memo);
        let (rendered, made) = rayon::join(render, publish);
        clock.lap("render beside publishing");
        (rendered.map_err(|e| fail(e, &warnings))?, made, None)
    } else {
        let output = Output::render_with(&site, &theme, config, &data, memo)
            .map_err(|e| fail(e, &warnings))?;
        clock.lap("render");
        let (made, scan) = rayon::join(publish, || {
            check::LinkScan::of(&output, &site.reported_anchors)
        });
        (output, made, Some(scan))
    };
    let search = made
        .add(&site, &assets, &mut output, cache.assets.as_mut())
        .map_err(|e| fail(e, &warnings))?;
    clock.lap("publish, link scan");
    let links = match scan {
        Some(scan) => scan.finish(&output, &site.reported_anchors),
        None => cache
            .links
            .get_or_insert_default()
            .check(&output, &site.reported_anchors),
    };
    let (broken, mut anchors): (Vec<_>, Vec<_>) = links.into_iter().partition(Diagnostic::is_error);
    let link_warnings = anchors.clone();
    warnings.append(&mut anchors);
    clock.lap("link check");
    if !broken.is_empty() {
        return Err(fail(broken, &warnings));
    }
    let kept = Kept {
        config: config.clone(),
        theme,
        locales,
        data,
        lock,
        base_warnings,
        link_warnings,
        search,
    };
    Ok((
        Generated {
            output,
            site,
            warnings,
            status,
        },
        kept,
    ))
}

/// What `diptych check` found: every problem, and the state of the translations.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
    pub translations: translations::Status,
}

/// Runs everything a build checks, without writing anything.
pub fn check(root: &Path, drafts: bool) -> Result<CheckReport> {
    let config = Config::load(root)?;
    let sources = Sources::load(&config)?;
    let (diagnostics, status) = match generate(&config, sources, drafts) {
        Ok(g) => (g.warnings, g.status),
        Err(Error::Content(d)) => (d, translations::Status::default()),
        Err(other) => return Err(other),
    };
    let (mut errors, mut warnings): (Vec<_>, Vec<_>) =
        diagnostics.into_iter().partition(Diagnostic::is_error);
    diagnostic::sort(&mut errors);
    diagnostic::sort(&mut warnings);
    Ok(CheckReport {
        errors,
        warnings,
        translations: status,
    })
}

/// Records the current content of `keys` (or of every pair with `all`) in
/// `translations.lock`; returns the keys marked.
pub fn mark_synced(root: &Path, keys: &[String], all: bool) -> Result<Vec<String>> {
    if keys.is_empty() != all {
        return Err(Error::Usage(
            "name the pages to mark (`diptych mark-synced sectors/energy`), or pass --all".into(),
        ));
    }
    let config = Config::load(root)?;
    let sources = Sources::load(&config)?;
    let mut errors = Vec::new();
    let docs = ParseCache::default().parse_all(&config, &sources, &mut errors);
    if !errors.is_empty() {
        return Err(Error::Content(errors));
    }
    let site = Site::assemble(docs, &config, true).map_err(Error::Content)?;
    let mut lock =
        Lock::parse(sources.lock.as_deref().unwrap_or("")).map_err(|d| Error::Content(vec![d]))?;
    let marked = lock.mark(&site, keys).map_err(Error::Usage)?;
    lock.save(root)?;
    Ok(marked)
}

/// Stage timings on stderr when `DIPTYCH_TIMINGS` is set (for profiling builds).
pub(crate) struct Stages {
    last: Option<Instant>,
}

impl Stages {
    pub(crate) fn start() -> Stages {
        Stages {
            last: std::env::var_os("DIPTYCH_TIMINGS").map(|_| Instant::now()),
        }
    }

    pub(crate) fn lap(&mut self, stage: &str) {
        if let Some(last) = self.last {
            eprintln!(
                "{stage:>26}: {:>7.1} ms{}",
                last.elapsed().as_secs_f64() * 1000.0,
                resident()
            );
            self.last = Some(Instant::now());
        }
    }
}

/// Resident memory now and at its peak so far (Linux; empty elsewhere).
fn resident() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches(" kB").parse::<u64>().ok())
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(now), Some(peak)) => format!(
            ", {:>5} MiB resident, peak {:>5} MiB",
            now / 1024,
            peak / 1024
        ),
        _ => String::new(),
    }
}

/// The build's "today": `--today`, else `SOURCE_DATE_EPOCH` (the reproducible-builds
/// convention), else none. Never the clock, so a rebuild tomorrow gives the same bytes.
fn build_date(flag: Option<&str>, epoch: Option<&str>) -> Result<Option<date::DateTime>> {
    if let Some(day) = flag {
        let d = date::DateTime::parse(day).map_err(|e| Error::Usage(format!("--today: {e}")))?;
        return Ok(Some(date::DateTime {
            time: None,
            offset: None,
            ..d
        }));
    }
    match epoch.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => e
            .parse::<i64>()
            .map(|s| Some(date::DateTime::from_unix_seconds(s)))
            .map_err(|_| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH must be seconds since 1970, not `{e}`"
                ))
            }),
        None => Ok(None),
    }
}

/// The output directory, checked: never the site root, `content/`, or anything that
/// holds them, and never inside the site's input folders.
fn output_dir(config: &Config, out: Option<&Path>) -> Result<PathBuf> {
    let root = std::path::absolute(&config.root).map_err(Error::read(&config.root))?;
    let out = match out {
        Some(o) => std::path::absolute(o).map_err(Error::read(o))?,
        None => root.join("public"),
    };
    let out = normalize(&out);
    let root = normalize(&root);
    let inputs = [
        "content",
        "themes",
        "locales",
        "data",
        "static",
        "templates",
    ]
    .map(|d| root.join(d));
    if root.starts_with(&out) {
        return Err(Error::Usage(format!(
            "the output directory {} holds the site itself; choose another (default: public/)",
            out.display()
        )));
    }
    if let Some(input) = inputs.iter().find(|i| out.starts_with(i)) {
        return Err(Error::Usage(format!(
            "the output directory {} is inside the site's {}; choose another",
            out.display(),
            input.display()
        )));
    }
    if out.join(".git").exists() {
        return Err(Error::Usage(format!(
            "{} is a git repository; diptych will not replace it",
            out.display()
        )));
    }
    // The output folder is replaced whole: never one that holds the home folder or the
    // folder diptych was started in.
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .map(|h| normalize(&h));
    let cwd = std::env::current_dir().ok().map(|c| normalize(&c));
    if let Some(held) = [home, cwd]
        .into_iter()
        .flatten()
        .find(|p| p.starts_with(&out))
    {
        return Err(Error::Usage(format!(
            "the output directory {} holds {}; choose another (default: public/)",
            out.display(),
            held.display()
        )));
    }
    Ok(out)
}

/// Removes `.` and `..` components without touching the disk.
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
