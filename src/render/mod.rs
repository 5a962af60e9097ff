//! Rendering: the assembled site through the theme, into bytes by output path.
//!
//! Takes the [`Site`], the compiled [`Theme`], the [`Config`] and the data files;
//! produces an [`Output`] (`BTreeMap` of output path to bytes) and touches no disk.
//! Pages render in parallel; every failing page is reported (template, span, and the
//! content file that triggered it).

mod asked;
mod context;
mod jobs;
mod versions;

use std::collections::{BTreeMap, HashSet};

use bytes::Bytes;
use rayon::prelude::*;
use tera::Tera;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::fingerprint::fingerprint;
use crate::lang::Lang;
use crate::render_memo::RenderMemo;
use crate::site::Site;
use crate::theme::Theme;
use crate::url::UrlPath;

pub use asked::Asked;
use context::Parts;
pub(crate) use context::teras;
use jobs::{Job, generated_jobs, page_job, places, search_jobs, term_job};

/// The built site: output path (`nl/index.html`) → bytes (shared, so copies of an
/// output and the dev server's memo of it cost no copies of the files).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<String, Bytes>,
}

impl Output {
    /// An output of text files, for tests.
    #[cfg(test)]
    pub(crate) fn of(files: &[(&str, &str)]) -> Output {
        Output {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), Bytes::copy_from_slice(b.as_bytes())))
                .collect(),
        }
    }

    /// Renders every page, section, taxonomy, term, 404 and the root chooser.
    pub fn render(
        site: &Site,
        theme: &Theme,
        config: &Config,
        data: &serde_json::Value,
    ) -> Result<Output, Vec<Diagnostic>> {
        Output::render_with(site, theme, config, data, None)
    }

    /// [`Output::render`], taking from `memo` every file whose context did not change
    /// since the memo's build, and leaving this build's files in it (the dev server).
    pub fn render_with(
        site: &Site,
        theme: &Theme,
        config: &Config,
        data: &serde_json::Value,
        memo: Option<&mut RenderMemo>,
    ) -> Result<Output, Vec<Diagnostic>> {
        Output::render_into(site, theme, config, data, With::Memo(memo))
    }

    /// [`Output::render`], handing each file to `sink` as soon as it is rendered (if
    /// its [`Sink::begin`] agrees): the output keeps what the sink hands back in its
    /// place.
    pub(crate) fn render_to(
        site: &Site,
        theme: &Theme,
        config: &Config,
        data: &serde_json::Value,
        sink: &dyn Sink,
    ) -> Result<Output, Vec<Diagnostic>> {
        Output::render_into(site, theme, config, data, With::Sink(sink))
    }

    /// [`Output::render_with`] a memo, or [`Output::render_to`] a sink.
    fn render_into(
        site: &Site,
        theme: &Theme,
        config: &Config,
        data: &serde_json::Value,
        with: With,
    ) -> Result<Output, Vec<Diagnostic>> {
        let (sink, memo) = match with {
            With::Sink(sink) => (Some(sink), None),
            With::Memo(memo) => (None, memo),
        };
        let teras = teras(theme, site, config, data);
        // Each language's pages share its global context: part of every fingerprint.
        let shared: BTreeMap<&Lang, u128> = match memo {
            Some(_) => teras.iter().map(|(l, (_, f))| (l, *f)).collect(),
            None => BTreeMap::new(),
        };
        // Each page's summary fingerprinted once, not again in every list that shows it.
        let digests: Option<Vec<u128>> = memo
            .is_some()
            .then(|| site.pages.par_iter().map(jobs::digest).collect());
        let digests = digests.as_deref();
        let search_urls = search_urls(config);
        let generated = others(site, theme, config, digests, &search_urls);
        let missing = missing_templates(site, theme, config, &generated);
        if !missing.is_empty() {
            return Err(missing);
        }
        let n = site.pages.len();
        let sink = sink.and_then(|s| {
            let paths = (0..n + generated.len()).map(|i| out_path(site, &generated, i));
            s.begin(paths.collect()).then_some(s)
        });
        let previous = memo.as_deref();
        let stale = previous.and_then(|memo| Stale::new(memo, (theme, &shared), site, &generated));
        let places = places(site);
        // Each content page settled, or its job made and done, on both cores; then the rest.
        let done = |job: &Job| {
            let seed = shared.get(job.lang).copied();
            let parts = Parts::new(site, config, job);
            let template = (job.template, theme.reach(job.template));
            let key = seed.map(|seed| fingerprint(seed, &(template, &parts)));
            if let Some((bytes, used)) = previous.zip(key).and_then(|(m, k)| m.get(&job.out, k)) {
                let kept = key.map(|k| (k, used.into()));
                return Ok(Done::File((job.out.clone(), bytes.clone(), kept, false)));
            }
            // With a memo, the messages the render asks for are kept with it.
            let render = || render_job(site, theme, &teras, job, parts);
            let (bytes, used) = match previous {
                Some(m) => crate::template_fns::recording(m.messages(), render),
                None => (render(), Vec::new()),
            };
            let kept = key.map(|k| (k, used.into_boxed_slice()));
            let bytes = match sink {
                Some(sink) => bytes.map(|b| sink.take(&job.out, b)),
                None => bytes,
            };
            bytes.map(|b| Done::File((job.out.clone(), b, kept, true)))
        };
        // File `i` settled, else done; or, when it may not be rendered now, left waiting.
        let one = |i: usize, render: bool| match (
            Stale::settle_file(stale.as_ref(), site, &generated, i),
            i.checked_sub(n),
        ) {
            (Some(settled), _) => Ok(settled),
            (None, _) if !render => Ok(Done::Waits(out_path(site, &generated, i))),
            (None, None) => done(&page_job(site, config, i, &places, digests)),
            (None, Some(g)) => done(&generated[g]),
        };
        let asked = previous.and_then(|m| m.asked.as_deref());
        let out = |i: usize| out_path(site, &generated, i);
        let results = all_files(asked, n + generated.len(), previous.is_none(), out, one);
        gather(results, memo, (shared, theme, site))
    }
}

/// What a render hands its files to besides the output.
enum With<'a> {
    /// The dev server's memo, if any: files are taken from it, and left in it.
    Memo(Option<&'a mut RenderMemo>),
    /// A one-off build's [`Sink`].
    Sink(&'a dyn Sink),
}

/// Takes each file of a one-off build as soon as it is rendered (the build's
/// [`crate::stream::Stream`], which writes it to disk).
pub(crate) trait Sink: Sync {
    /// Told the output path of every file to render, before any is rendered; false
    /// when the files are to stay in the output after all.
    fn begin(&self, paths: Vec<String>) -> bool;
    /// Takes a file as rendered; hands back what the output keeps in its place.
    fn take(&self, path: &str, bytes: Bytes) -> Bytes;
}

/// `one` for each file index below `total` on both cores, the results in index order;
/// `one_by_one` when most files are to be rendered (no memo).
/// With `asked`, the files asked for come first, each handed over once rendered (`out`
/// gives an index's output path). While `asked` is stopped, the others that must be
/// rendered wait (`one(i, false)`).
fn all_files(
    asked: Option<&Asked>,
    total: usize,
    one_by_one: bool,
    out: impl Fn(usize) -> String + Sync,
    one: impl Fn(usize, bool) -> Result<Done, Diagnostic> + Sync + Send,
) -> Vec<Result<Done, Diagnostic>> {
    let Some(asked) = asked else {
        // Rayon hands each core runs of the range that cannot be split once begun, and
        // the slowest files to render, the lists, can end up in the last of them: at
        // 100,000 pages one core finished 0.26–0.32 s before the other. Handed
        // out one at a time, a core with nothing left takes the next file. With a memo
        // most files are settled in microseconds, and the handing out would cost more.
        let most = if one_by_one { 1 } else { usize::MAX };
        return (0..total)
            .into_par_iter()
            .with_max_len(most)
            .map(|i| one(i, true))
            .collect();
    };
    asked::asked_first(asked, total, out, |i, first| {
        let done = one(i, first || !asked.stopped());
        if let Ok(Done::File((out, bytes, _, true))) = &done {
            asked.ready(out, bytes);
        }
        done
    })
}

/// The output path of file `i` of a build: content page `i`, else `generated[i - n]`
/// (`n` content pages).
fn out_path(site: &Site, generated: &[Job], i: usize) -> String {
    match i.checked_sub(site.pages.len()) {
        None => site.pages[i].url.output_file(),
        Some(g) => generated[g].out.clone(),
    }
}

/// Whether `reached` files of `files` are many: more than a tenth. Rendering many files
/// again costs more than a build that takes the others from the last, so the dev
/// server then shows the pages open in a browser first (and renders the rest in a
/// second build); few are rendered at once.
pub(crate) fn many(reached: usize, files: usize) -> bool {
    reached * 10 > files
}

/// The number of content pages whose template is `stale`.
pub(crate) fn pages_reached(site: &Site, stale: impl Fn(&str) -> bool) -> usize {
    site.pages
        .iter()
        .filter(|p| stale(jobs::template(p)))
        .count()
}

/// Which files a build with a memo must render again, by language and template.
struct Stale<'a> {
    memo: &'a RenderMemo,
    /// The templates whose reach changed since the memo's build.
    templates: Vec<String>,
    /// Each language's fingerprint of what its pages share in their context.
    shared: &'a BTreeMap<&'a Lang, u128>,
    /// The open pages to render first, when that pays (see [`Stale::defer`]).
    first: Option<&'a HashSet<String>>,
    /// Whether the site is the memo's ([`RenderMemo::same_site`]): a file that is not
    /// stale is then taken from it as it was, without a fingerprint.
    same: bool,
    /// For a build that may put the open pages first: the files the last build left
    /// to render (a rest that a newer change stopped), which count as stale.
    left: HashSet<&'a str>,
}

impl<'a> Stale<'a> {
    /// What renders again with `memo`, for `site` (whose other files are `generated`)
    /// through `theme`, each language's pages sharing `shared` in their context. None
    /// when no file can be settled: none is taken from the memo as it was (another
    /// site) and none is left for after the open pages.
    fn new(
        memo: &'a RenderMemo,
        (theme, shared): (&Theme, &'a BTreeMap<&'a Lang, u128>),
        site: &Site,
        generated: &[Job],
    ) -> Option<Self> {
        let mut stale = Stale {
            memo,
            templates: theme.stale_since(memo.reach()),
            shared,
            first: None,
            same: memo.same_site(site),
            left: match memo.defer {
                Some(_) => memo.pending.iter().map(String::as_str).collect(),
                None => HashSet::new(),
            },
        };
        stale.first = stale.defer(site, generated);
        (stale.same || stale.first.is_some()).then_some(stale)
    }

    /// What becomes of `job` before any fingerprint: it waits (it is stale and not
    /// open, with the open pages first), or it is taken from the memo (it is not
    /// stale, on the memo's site); else (and without a memo) none, and it is
    /// fingerprinted.
    fn settle(this: Option<&Self>, (lang, template, out): (&Lang, &str, &str)) -> Option<Done> {
        let this = this?;
        let stale = this.of(lang, template, || out.to_string());
        if stale && this.first.is_some_and(|open| !open.contains(out)) {
            return Some(Done::Waits(out.to_string()));
        }
        let (key, bytes, used) = (this.same && !stale)
            .then(|| this.memo.kept(out))
            .flatten()?;
        let kept = Some((key, used.into()));
        Some(Done::File((out.to_string(), bytes.clone(), kept, false)))
    }

    /// [`Stale::settle`] for file `i` of a build: content page `i` (see
    /// [`Stale::settle_page`]), else `generated[i - n]` (`n` content pages).
    fn settle_file(this: Option<&Self>, site: &Site, generated: &[Job], i: usize) -> Option<Done> {
        match i.checked_sub(site.pages.len()) {
            None => Stale::settle_page(this, &site.pages[i]),
            Some(g) => {
                let job = &generated[g];
                Stale::settle(this, (job.lang, job.template, &job.out))
            }
        }
    }

    /// [`Stale::settle`] for content page `p`, before its job is made.
    fn settle_page(this: Option<&Self>, p: &crate::site::Page) -> Option<Done> {
        let out = this.map(|_| p.url.output_file())?;
        Stale::settle(this, (&p.doc.lang, jobs::template(p), &out))
    }

    /// Whether a file of language `lang` made with `template` must be rendered again;
    /// `out` gives its output path, asked for only when a message changed or the last
    /// build left files to render.
    fn of(&self, lang: &Lang, template: &str, out: impl FnOnce() -> String) -> bool {
        let seed = self.shared.get(lang).copied().unwrap_or_default();
        let template = self.templates.iter().any(|t| t == template);
        if self.memo.stale(lang, seed, template) {
            return true;
        }
        let messages = self.memo.any_message_changed();
        if !messages && self.left.is_empty() {
            return false;
        }
        let out = out();
        (messages && self.memo.messages_changed(&out)) || self.left.contains(out.as_str())
    }

    /// The open pages to render first ([`RenderMemo::defer`]), when that pays: [`many`]
    /// files must be rendered again. The others wait for the next build, which renders
    /// first those asked for meanwhile ([`RenderMemo::asked`]).
    fn defer(&self, site: &Site, generated: &[Job]) -> Option<&'a HashSet<String>> {
        let open = self.memo.defer.as_ref()?;
        let files = site.pages.len() + generated.len();
        let pages = site.pages.iter();
        let pages =
            pages.filter(|p| self.of(&p.doc.lang, jobs::template(p), || p.url.output_file()));
        let generated = generated.iter();
        let generated = generated.filter(|j| self.of(j.lang, j.template, || j.out.clone()));
        many(pages.count() + generated.count(), files).then_some(open)
    }
}

/// Each language's search page URL.
fn search_urls(config: &Config) -> Vec<(&Lang, UrlPath)> {
    config
        .langs()
        .map(|l| (l, crate::publish::search::page_url(l)))
        .collect()
}

/// The jobs of the files that are not content pages: [`generated_jobs`], and the search
/// page per language (at `search_urls`) when the theme (or diptych's default) has one.
fn others<'a>(
    site: &'a Site,
    theme: &Theme,
    config: &'a Config,
    digests: Option<&[u128]>,
    search_urls: &'a [(&'a Lang, UrlPath)],
) -> Vec<Job<'a>> {
    let mut generated = generated_jobs(site, config, digests);
    if theme.has("search.html") {
        generated.extend(search_jobs(config, search_urls));
    }
    generated
}

/// Every template that a page or a generated file names and the theme lacks, each
/// reported once.
fn missing_templates(
    site: &Site,
    theme: &Theme,
    config: &Config,
    generated: &[Job],
) -> Vec<Diagnostic> {
    site.pages
        .iter()
        .map(jobs::template)
        .chain(generated.iter().map(|j| j.template))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|t| !theme.has(t))
        .map(|t| {
            Diagnostic::error(
                "template",
                format!("themes/{}/templates", config.theme),
                format!("the theme has no template `{t}`"),
            )
            .with_help(format!(
                "add {t} to the theme or to the site's templates/ folder"
            ))
        })
        .collect()
}

/// The rendered files as an [`Output`], or every failure (each template mistake once);
/// with a `memo`, this build's files and fingerprints are left in it.
/// The files left to render go to the memo's `pending`, even when rendering failed.
fn gather(
    results: Vec<Result<Done, Diagnostic>>,
    memo: Option<&mut RenderMemo>,
    (shared, theme, site): (BTreeMap<&Lang, u128>, &Theme, &Site),
) -> Result<Output, Vec<Diagnostic>> {
    let mut files = Vec::with_capacity(results.len());
    let mut keys = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    let mut pending = Vec::new();
    let mut rendered = 0;
    for r in results {
        match r {
            Ok(Done::File((path, bytes, key, fresh))) => {
                rendered += usize::from(fresh);
                keys.push(key);
                files.push((path, bytes));
            }
            Ok(Done::Waits(path)) => pending.push(path),
            Err(d) => errors.push(d),
        }
    }
    if let Some(m) = memo {
        if errors.is_empty() {
            let shared = shared.into_iter().map(|(l, f)| (l.clone(), f)).collect();
            let made = files.iter().zip(keys);
            let made = made.filter_map(|((p, b), k)| k.map(|(k, used)| (p.as_str(), k, b, used)));
            m.keep(made, rendered, (shared, theme.reaches().clone(), site));
        }
        m.pending = pending;
        m.gathered = true;
    }
    // Sorted on both cores, the map is built in one pass (from sorted input) instead
    // of one insertion, and its comparisons of long paths, per file.
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let files: BTreeMap<String, Bytes> = files.into_iter().collect();
    if errors.is_empty() {
        Ok(Output { files })
    } else {
        Err(collapse(errors))
    }
}

/// Each language's Tera, with what every page of that language shares in its global
/// context, and a fingerprint of that context.
pub(crate) type Teras = BTreeMap<Lang, (Tera, u128)>;

/// Renders the content pages `pages` and the term pages `terms` (`(taxonomy, term)`
/// indices) again, with `teras` made for this site: the dev server's rebuild after an
/// edit that changed only these pages' contexts.
pub(crate) fn render_some(
    site: &Site,
    theme: &Theme,
    config: &Config,
    teras: &Teras,
    pages: &[usize],
    terms: &[(usize, usize)],
) -> Result<Vec<(String, Bytes)>, Vec<Diagnostic>> {
    let places = places(site);
    let mut jobs: Vec<Job> = pages
        .iter()
        .map(|&i| page_job(site, config, i, &places, None))
        .collect();
    for &(t, n) in terms {
        jobs.push(term_job(site, config, (t, n), None));
    }
    render_jobs(site, theme, config, teras, jobs)
}

/// Renders again, with `theme` and the `teras` it makes for this site, every file
/// whose template is `stale`: the dev server's rebuild after an edit of templates
/// alone. `None` when more than a tenth of the files are (a full build, which can show
/// the pages open in a browser first, serves better; the caller can count the content
/// pages first with [`pages_reached`], before compiling the theme), when `teras` gives
/// none (it is made only when the files are few), or when a file fails (the full build
/// reports it).
pub(crate) fn render_stale(
    site: &Site,
    theme: &Theme,
    config: &Config,
    teras: impl FnOnce() -> Option<Teras>,
    stale: impl Fn(&str) -> bool,
) -> Option<Vec<(String, Bytes)>> {
    let pages: Vec<usize> = (0..site.pages.len())
        .filter(|&i| stale(jobs::template(&site.pages[i])))
        .collect();
    let search_urls = search_urls(config);
    let generated = others(site, theme, config, None, &search_urls);
    let files = site.pages.len() + generated.len();
    let generated: Vec<Job> = generated
        .into_iter()
        .filter(|j| stale(j.template))
        .collect();
    if many(pages.len() + generated.len(), files) {
        return None;
    }
    let teras = teras()?;
    let places = places(site);
    let pages = pages
        .iter()
        .map(|&i| page_job(site, config, i, &places, None));
    let jobs = pages.chain(generated).collect();
    render_jobs(site, theme, config, &teras, jobs).ok()
}

/// Renders `jobs` on both cores: every file, or every failure.
fn render_jobs(
    site: &Site,
    theme: &Theme,
    config: &Config,
    teras: &Teras,
    jobs: Vec<Job>,
) -> Result<Vec<(String, Bytes)>, Vec<Diagnostic>> {
    let (files, errors): (Vec<_>, Vec<_>) = jobs
        .into_par_iter()
        .with_max_len(1) // as in `all_files`
        .map(|job| {
            let parts = Parts::new(site, config, &job);
            render_job(site, theme, teras, &job, parts).map(|b| (job.out, b))
        })
        .partition(Result::is_ok);
    if errors.is_empty() {
        Ok(files.into_iter().flatten().collect())
    } else {
        Err(collapse(
            errors.into_iter().filter_map(Result::err).collect(),
        ))
    }
}

/// One file through its template.
fn render_job(
    site: &Site,
    theme: &Theme,
    teras: &Teras,
    job: &Job,
    parts: Parts,
) -> Result<Bytes, Diagnostic> {
    let page_path = job.source.map(|i| site.pages[i].doc.path.as_path());
    teras[job.lang]
        .0
        .render(job.template, &parts.into_context())
        .map(|s| {
            // Kept until written: without the growth slack of rendering.
            let mut bytes = s.into_bytes();
            bytes.shrink_to_fit();
            Bytes::from(bytes)
        })
        .map_err(|e| theme.diagnostic(&e, page_path))
}

/// One template mistake fails every page that uses it; report it once, saying how
/// many other pages hit it.
fn collapse(errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut seen: Vec<(Diagnostic, usize)> = Vec::new();
    for d in errors {
        let same = |(k, _): &&mut (Diagnostic, usize)| {
            k.path == d.path
                && k.message == d.message
                && k.location.as_ref().map(|l| &l.span) == d.location.as_ref().map(|l| &l.span)
        };
        match seen.iter_mut().find(|e| same(e)) {
            Some((_, n)) => *n += 1,
            None => seen.push((d, 0)),
        }
    }
    seen.into_iter()
        .map(|(mut d, n)| {
            if n > 0 {
                let help = d.help.take().unwrap_or_default();
                d.help = Some(
                    format!(
                        "{help} (and {n} other page{})",
                        if n == 1 { "" } else { "s" }
                    )
                    .trim_start()
                    .to_string(),
                );
            }
            d
        })
        .collect()
}

/// One rendered file: path, bytes, with a memo the fingerprint it was rendered from
/// and the messages it asked for (see [`crate::template_fns::recording`]), and whether
/// it was rendered now (else it came from the memo).
type Rendered = (String, Bytes, Option<(u128, Box<[u64]>)>, bool);

/// What became of one file: rendered (or taken from the memo), or left for the next
/// build (its path).
enum Done {
    File(Rendered),
    Waits(String),
}
