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
mod generate;
pub mod lang;
pub mod locales;
pub mod markdown;
pub(crate) mod message_info;
pub(crate) mod once_map;
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
pub(crate) mod stream;
pub(crate) mod suggest;
pub mod template_fns;
pub mod theme;
pub mod translations;
pub mod url;
pub mod watch;
pub(crate) mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use generate::{Generated, generate, generate_with};
pub(crate) use generate::{Kept, generate_kept};

use crate::config::Config;
use crate::diagnostic::Diagnostic;

use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::session::ParseCache;
use crate::site::Site;
use crate::sources::Sources;
use crate::translations::Lock;

/// Seeds Tera's maps from a counter of each thread's own. Tera makes a hash map for
/// every object a template builds or is handed, and ahash seeds each from one atomic
/// counter shared by all threads: under parallel rendering that counter's cache line
/// went back and forth between the cores for 4% of a build. Each thread's counter
/// starts at the address of its own slot, which the system places at random, and
/// every seed is still mixed with ahash's random per-process keys. Call before any
/// map is made; later calls do nothing (nor does a call after one was made).
pub fn fast_map_seeds() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = ahash::random_state::set_random_source(PerThreadSeeds);
    });
}

/// Map seeds from a counter of the calling thread's own (see [`fast_map_seeds`]).
struct PerThreadSeeds;

impl ahash::random_state::RandomSource for PerThreadSeeds {
    fn gen_hasher_seed(&self) -> usize {
        thread_local!(static NEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
        NEXT.with(|next| {
            let seed = match next.get() {
                0 => next as *const _ as usize,
                n => n,
            };
            next.set(seed.wrapping_add(0x9E37_79B9_7F4A_7C15_u64 as usize));
            seed
        })
    }
}

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

/// Builds the site at `opts.root` into its output directory.
pub fn build(opts: &BuildOptions) -> Result<Report> {
    build_keeping(opts).map(|(report, _)| report)
}

/// [`build`], also handing back the site it built in memory (its output files freed
/// as they were written, so `output` is empty). A caller that exits next
/// can leave it unfreed (`std::mem::forget`): the system takes the memory back at once,
/// where freeing a 100,000-page site piece by piece takes a fifth of a second.
pub fn build_keeping(opts: &BuildOptions) -> Result<(Report, Generated)> {
    fast_map_seeds();
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
    // Each page goes into the new output folder as soon as it is rendered, so that the
    // build does not hold every page until the end. Where that folder cannot be
    // opened, or a folder would have to be made for it, the pages are kept and
    // written at the end, which reports any problem after the site's own.
    let staging = output::Staging::parent_exists(&out)
        .then(|| output::Staging::open(&out).ok())
        .flatten();
    let mut generated = match &staging {
        Some(staging) => generate::generate_staged(&config, sources, opts.drafts, staging)?,
        None => generate(&config, sources, opts.drafts)?,
    };
    if opts.strict && !generated.warnings.is_empty() {
        return Err(Error::Content(generated.warnings));
    }
    let mut clock = Stages::start();
    let files = generated.output.files.len();
    let rest = std::mem::take(&mut generated.output);
    match staging {
        Some(staging) => {
            staging.write(rest)?;
            staging.finish()?;
        }
        None => rest.write(&out)?,
    }
    clock.lap("write");
    let mut pages = BTreeMap::new();
    for p in &generated.site.pages {
        *pages.entry(p.doc.lang.clone()).or_insert(0) += 1;
    }
    let report = Report {
        pages,
        files,
        warnings: generated.warnings.clone(),
        seconds: started.elapsed().as_secs_f64(),
    };
    Ok((report, generated))
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
    fast_map_seeds();
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
    last: Option<(Instant, Option<Duration>)>,
}

impl Stages {
    pub(crate) fn start() -> Stages {
        Stages {
            last: std::env::var_os("DIPTYCH_TIMINGS").map(|_| (Instant::now(), on_cpu())),
        }
    }

    /// The time since the last lap: wall clock, how busy the cores were (the CPU time
    /// of all threads over the wall time: 2.00 is two cores all the time), and memory.
    pub(crate) fn lap(&mut self, stage: &str) {
        if let Some((last, cpu)) = self.last {
            let wall = last.elapsed();
            let busy = match (cpu, on_cpu()) {
                (Some(before), Some(now)) => format!(
                    ", {:>4.2} cores",
                    now.saturating_sub(before).as_secs_f64() / wall.as_secs_f64().max(1e-9)
                ),
                _ => String::new(),
            };
            eprintln!(
                "{stage:>26}: {:>7.1} ms{busy}{}",
                wall.as_secs_f64() * 1000.0,
                resident()
            );
            self.last = Some((Instant::now(), on_cpu()));
        }
    }
}

/// The CPU time of the process so far, all its threads (Unix).
fn on_cpu() -> Option<Duration> {
    #[cfg(unix)]
    {
        let t = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
        Some(Duration::new(t.tv_sec as u64, t.tv_nsec as u32))
    }
    #[cfg(not(unix))]
    None
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

#[cfg(test)]
mod tests {
    use super::PerThreadSeeds;
    use ahash::random_state::RandomSource;
    use std::collections::HashSet;

    #[test]
    fn map_seeds_differ_within_and_between_threads() {
        let take = || {
            (0..1000)
                .map(|_| PerThreadSeeds.gen_hasher_seed())
                .collect::<Vec<_>>()
        };
        let here = take();
        let there = std::thread::spawn(take).join().unwrap();
        let all: HashSet<usize> = here.iter().chain(&there).copied().collect();
        assert_eq!(all.len(), 2000, "a seed came twice");
        assert!(here.iter().all(|&s| s != 0));
    }
}
