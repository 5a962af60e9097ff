//! Rendering: the assembled site through the theme, into bytes by output path.
//!
//! Takes the [`Site`], the compiled [`Theme`], the [`Config`] and the data files;
//! produces an [`Output`] (`BTreeMap` of output path to bytes) and touches no disk.
//! Pages render in parallel; every failing page is reported (template, span, and the
//! content file that triggered it).

use std::collections::BTreeMap;

use bytes::Bytes;
use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lang::Lang;
use crate::markdown::Heading;
use crate::render_memo::{RenderMemo, fingerprint};
use crate::site::{Kind, Page, Site, TaxonomyIndex, Term};
use crate::theme::Theme;
use crate::url::UrlPath;

/// The built site: output path (`nl/index.html`) → bytes (shared, so copies of an
/// output and the dev server's memo of it cost no copies of the files).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<String, Bytes>,
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    base_url: &'a str,
    default_lang: &'a Lang,
    title: Option<&'a str>,
    description: Option<&'a str>,
    languages: Vec<LanguageCtx<'a>>,
    /// This language's entry of `languages`.
    language: Option<LanguageCtx<'a>>,
}

#[derive(Serialize, Clone)]
struct LanguageCtx<'a> {
    code: &'a Lang,
    name: &'a str,
    locale: &'a str,
    url: UrlPath,
    current: bool,
}

#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    url: &'a UrlPath,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    active: bool,
}

#[derive(Serialize, Clone)]
struct Translation<'a> {
    lang: &'a Lang,
    name: &'a str,
    title: &'a str,
    url: &'a UrlPath,
    exists: bool,
}

#[derive(Serialize)]
struct Alternate<'a> {
    lang: &'a Lang,
    url: String,
}

#[derive(Serialize)]
struct Summary<'a> {
    key: &'a str,
    title: &'a str,
    url: &'a UrlPath,
    description: Option<&'a str>,
    summary: Option<&'a str>,
    date: Option<&'a crate::date::DateTime>,
    event: Option<&'a crate::frontmatter::Event>,
    weight: Option<i64>,
}

#[derive(Serialize, Default)]
struct PageCtx<'a> {
    kind: &'a str,
    key: &'a str,
    title: &'a str,
    description: Option<&'a str>,
    url: Option<&'a UrlPath>,
    permalink: String,
    content: &'a str,
    summary: Option<&'a str>,
    date: Option<&'a crate::date::DateTime>,
    updated: Option<&'a crate::date::DateTime>,
    weight: Option<i64>,
    image: Option<&'a str>,
    image_alt: Option<&'a str>,
    event: Option<&'a crate::frontmatter::Event>,
    extra: Option<&'a serde_json::Map<String, serde_json::Value>>,
    headings: &'a [Heading],
    taxonomies: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    previous: Option<Link<'a>>,
    next: Option<Link<'a>>,
    pages: Vec<Summary<'a>>,
    subsections: Vec<Summary<'a>>,
    terms: Vec<TermCount<'a>>,
    taxonomy: Option<&'a str>,
    words: usize,
    /// The top-level section this page is in (for marking the menu), if any.
    section: Option<&'a UrlPath>,
    /// Versions in other languages that changed since this one was synced.
    newer_translations: Vec<Translation<'a>>,
}

#[derive(Serialize)]
struct TermLink<'a> {
    name: &'a str,
    url: &'a UrlPath,
}

#[derive(Serialize)]
struct TermCount<'a> {
    name: &'a str,
    url: &'a UrlPath,
    count: usize,
}

/// One file to render: which template, where to, with what.
struct Job<'a> {
    template: &'a str,
    out: String,
    lang: &'a Lang,
    page: PageCtx<'a>,
    /// The content page, for translations, breadcrumbs and error messages.
    source: Option<usize>,
    /// The switcher's targets for generated pages (taxonomies, terms, 404s).
    peers: Vec<Translation<'a>>,
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
        let teras = teras(theme, site, config, data);
        // Each language's pages share its global context: part of every fingerprint.
        let shared: BTreeMap<&Lang, u64> = match memo {
            Some(_) => teras.iter().map(|(l, (_, f))| (l, *f)).collect(),
            None => BTreeMap::new(),
        };
        let mut jobs = jobs(site, config);
        // publish: the search page per language, when the theme (or diptych's default) has one.
        let search_urls: Vec<(&Lang, UrlPath)> = config
            .langs()
            .map(|l| (l, crate::publish::search::page_url(l)))
            .collect();
        if theme.has("search.html") {
            jobs.extend(search_jobs(config, &search_urls));
        }
        let missing: Vec<Diagnostic> = jobs
            .iter()
            .map(|j| j.template)
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
            .collect();
        if !missing.is_empty() {
            return Err(missing);
        }
        let previous = memo.as_deref();
        let results: Vec<Result<Rendered, Diagnostic>> = jobs
            .into_par_iter()
            .map(|job| {
                let parts = Parts::new(site, config, &job);
                let key = shared
                    .get(job.lang)
                    .map(|&seed| fingerprint(seed, &(job.template, &parts)));
                if let Some(bytes) = previous.zip(key).and_then(|(m, k)| m.get(&job.out, k)) {
                    return Ok((job.out, bytes.clone(), key, false));
                }
                render_job(site, theme, &teras, &job, parts).map(|b| (job.out, b, key, true))
            })
            .collect();
        let mut files = Vec::with_capacity(results.len());
        let mut errors = Vec::new();
        let mut kept = std::collections::HashMap::new();
        let mut rendered = 0;
        for r in results {
            match r {
                Ok((path, bytes, key, fresh)) => {
                    rendered += usize::from(fresh);
                    if let Some(k) = key {
                        kept.insert(path.clone(), (k, bytes.clone()));
                    }
                    files.push((path, bytes));
                }
                Err(d) => errors.push(d),
            }
        }
        // Sorted on both cores, the map is built in one pass (from sorted input) instead
        // of one insertion, and its comparisons of long paths, per file.
        files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let files: BTreeMap<String, Bytes> = files.into_iter().collect();
        if let Some(m) = memo.filter(|_| errors.is_empty()) {
            m.keep(kept, rendered);
        }
        if errors.is_empty() {
            Ok(Output { files })
        } else {
            Err(collapse(errors))
        }
    }
}

/// Each language's Tera, with what every page of that language shares in its global
/// context, and a fingerprint of that context.
pub(crate) type Teras = BTreeMap<Lang, (Tera, u64)>;

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
        .map(|&i| page_job(site, config, i, &site.pages[i], &places))
        .collect();
    for &(t, n) in terms {
        jobs.push(term_job(
            site,
            config,
            &site.taxonomies[t],
            &site.taxonomies[t].terms[n],
        ));
    }
    let (files, errors): (Vec<_>, Vec<_>) = jobs
        .into_par_iter()
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

/// One Tera per language, with what every page of that language shares in its
/// global context (computed once, not per page), and a fingerprint of that context.
pub(crate) fn teras(
    theme: &Theme,
    site: &Site,
    config: &Config,
    data: &serde_json::Value,
) -> Teras {
    let mut out = BTreeMap::new();
    for language in &config.languages {
        let lang = &language.code;
        let mut tera = theme.tera.clone();
        let g = tera.global_context();
        let site_ctx = site_ctx(config, lang);
        g.insert("lang", lang);
        g.insert("site", &site_ctx);
        g.insert("today", &config.today);
        let taxonomies: Vec<TermLink> = site
            .taxonomies
            .iter()
            .filter(|t| &t.lang == lang)
            .map(|t| TermLink {
                name: &t.name,
                url: &t.url,
            })
            .collect();
        g.insert("taxonomies", &taxonomies);
        g.insert("data", data);
        let x_default = format!("{}/", config.base_url);
        g.insert("x_default", &x_default);
        let menu: Vec<Link> = home(site, lang)
            .map(|h| {
                site.pages[h]
                    .subsections
                    .iter()
                    .map(|&i| Link {
                        title: &site.pages[i].doc.front.title,
                        url: &site.pages[i].url,
                        active: false,
                    })
                    .collect()
            })
            .unwrap_or_default();
        g.insert("menu", &menu);
        // publish: the search page's URLs, and every event of the language by start.
        let search = crate::publish::search::context(lang);
        g.insert("search", &search);
        let events: Vec<Summary> = crate::publish::calendar::events(site, lang)
            .into_iter()
            .map(|i| summary(&site.pages[i]))
            .collect();
        g.insert("events", &events);
        let all = (
            lang,
            &site_ctx,
            &config.today,
            &taxonomies,
            data,
            &x_default,
            &menu,
            &search,
            &events,
        );
        out.insert(lang.clone(), (tera, fingerprint(0, &all)));
    }
    out
}

fn site_ctx<'a>(config: &'a Config, lang: &Lang) -> SiteCtx<'a> {
    let me = config.language(lang.as_str());
    let languages: Vec<LanguageCtx> = config
        .languages
        .iter()
        .map(|l| LanguageCtx {
            code: &l.code,
            name: &l.name,
            locale: &l.locale,
            url: UrlPath::dir([l.code.as_str()]),
            current: &l.code == lang,
        })
        .collect();
    SiteCtx {
        base_url: &config.base_url,
        default_lang: config.default_lang(),
        title: me.and_then(|l| l.title.as_deref()),
        description: me.and_then(|l| l.description.as_deref()),
        language: languages.iter().find(|l| l.current).cloned(),
        languages,
    }
}

fn home(site: &Site, lang: &Lang) -> Option<usize> {
    site.by_key
        .get(&crate::sources::PageKey::new("_index"))
        .and_then(|m| m.get(lang))
        .copied()
}

fn jobs<'a>(site: &'a Site, config: &'a Config) -> Vec<Job<'a>> {
    let places = places(site);
    let mut jobs: Vec<Job> = site
        .pages
        .par_iter()
        .enumerate()
        .map(|(i, p)| page_job(site, config, i, p, &places))
        .collect();
    for tax in &site.taxonomies {
        let terms = tax
            .terms
            .iter()
            .map(|t| TermCount {
                name: &t.name,
                url: &t.url,
                count: t.pages.len(),
            })
            .collect();
        let title = tax.name.as_str();
        jobs.push(Job {
            template: "taxonomy.html",
            out: tax.url.output_file(),
            lang: &tax.lang,
            page: PageCtx {
                kind: "taxonomy",
                title,
                url: Some(&tax.url),
                permalink: permalink(config, &tax.url),
                terms,
                taxonomy: Some(&tax.name),
                ..PageCtx::default()
            },
            source: None,
            peers: taxonomy_peers(site, config, tax, true),
        });
        for term in &tax.terms {
            jobs.push(term_job(site, config, tax, term));
        }
    }
    for language in &config.languages {
        let lang = &language.code;
        jobs.push(Job {
            template: "404.html",
            out: format!("{lang}/404.html"),
            lang,
            page: PageCtx {
                kind: "404",
                ..PageCtx::default()
            },
            source: None,
            peers: home_peers(site, config, lang),
        });
    }
    let default = config.default_lang();
    jobs.push(Job {
        template: "404.html",
        out: "404.html".into(),
        lang: default,
        page: PageCtx {
            kind: "404",
            ..PageCtx::default()
        },
        source: None,
        peers: home_peers(site, config, default),
    });
    jobs.push(Job {
        template: "root.html",
        out: "index.html".into(),
        lang: default,
        page: PageCtx {
            kind: "root",
            permalink: format!("{}/", config.base_url),
            ..PageCtx::default()
        },
        source: None,
        peers: Vec::new(),
    });
    jobs
}

fn term_job<'a>(
    site: &'a Site,
    config: &'a Config,
    tax: &'a TaxonomyIndex,
    term: &'a Term,
) -> Job<'a> {
    Job {
        template: "term.html",
        out: term.url.output_file(),
        lang: &tax.lang,
        page: PageCtx {
            kind: "term",
            title: &term.name,
            url: Some(&term.url),
            permalink: permalink(config, &term.url),
            pages: term
                .pages
                .iter()
                .map(|&i| summary(&site.pages[i]))
                .collect(),
            taxonomy: Some(&tax.name),
            ..PageCtx::default()
        },
        source: None,
        peers: term_peers(site, config, tax, term),
    }
}

/// Each page's place in its section's list of pages (none for sections and home): found
/// once, not by searching the list for every page of a big section.
fn places(site: &Site) -> Vec<Option<usize>> {
    let mut at = vec![None; site.pages.len()];
    for p in &site.pages {
        for (k, &c) in p.pages.iter().enumerate() {
            at[c] = Some(k);
        }
    }
    at
}

fn page_job<'a>(
    site: &'a Site,
    config: &'a Config,
    i: usize,
    p: &'a Page,
    places: &[Option<usize>],
) -> Job<'a> {
    let fm = &p.doc.front;
    let default_template = match p.kind {
        Kind::Home => "home.html",
        Kind::Section => "section.html",
        Kind::Page => "page.html",
    };
    let siblings = p.parent.map(|s| &site.pages[s].pages[..]).unwrap_or(&[]);
    let pos = places[i];
    let neighbour = |j: Option<usize>| {
        j.and_then(|j| siblings.get(j)).map(|&n| Link {
            title: &site.pages[n].doc.front.title,
            url: &site.pages[n].url,
            active: false,
        })
    };
    let page = PageCtx {
        kind: match p.kind {
            Kind::Home => "home",
            Kind::Section => "section",
            Kind::Page => "page",
        },
        key: p.doc.key.as_str(),
        title: &fm.title,
        description: fm.description.as_deref(),
        url: Some(&p.url),
        permalink: permalink(config, &p.url),
        content: &p.html,
        summary: p.summary(),
        date: fm.date.as_ref(),
        updated: fm.updated.as_ref(),
        weight: fm.weight,
        image: fm.image.as_deref(),
        image_alt: fm.image_alt.as_deref(),
        event: fm.event.as_ref(),
        extra: Some(&fm.extra),
        headings: &p.doc.body.headings,
        taxonomies: term_links(site, p),
        previous: neighbour(pos.and_then(|x| x.checked_sub(1))),
        next: neighbour(pos.map(|x| x + 1)),
        pages: p.pages.iter().map(|&c| summary(&site.pages[c])).collect(),
        subsections: p
            .subsections
            .iter()
            .map(|&c| summary(&site.pages[c]))
            .collect(),
        words: p.doc.body.words,
        newer_translations: newer(site, config, p),
        section: top_section(site, i),
        ..PageCtx::default()
    };
    Job {
        template: fm.template.as_deref().unwrap_or(default_template),
        out: p.url.output_file(),
        lang: &p.doc.lang,
        page,
        source: Some(i),
        peers: Vec::new(),
    }
}

fn newer<'a>(site: &'a Site, config: &'a Config, p: &'a Page) -> Vec<Translation<'a>> {
    let versions = &site.by_key[&p.doc.key];
    p.newer
        .iter()
        .filter_map(|lang| {
            let t = &site.pages[*versions.get(lang)?];
            let name = config
                .language(lang.as_str())
                .map_or(lang.as_str(), |l| l.name.as_str());
            Some(Translation {
                lang,
                name,
                title: &t.doc.front.title,
                url: &t.url,
                exists: true,
            })
        })
        .collect()
}

/// The URL of the section right under home that holds page `i` (or is it).
fn top_section(site: &Site, i: usize) -> Option<&UrlPath> {
    let mut at = i;
    loop {
        let parent = site.pages[at].parent?;
        if site.pages[parent].parent.is_none() {
            return (site.pages[at].kind == Kind::Section).then_some(&site.pages[at].url);
        }
        at = parent;
    }
}

fn summary(p: &Page) -> Summary<'_> {
    let fm = &p.doc.front;
    Summary {
        key: p.doc.key.as_str(),
        title: &fm.title,
        url: &p.url,
        description: fm.description.as_deref(),
        summary: p.summary(),
        date: fm.date.as_ref(),
        event: fm.event.as_ref(),
        weight: fm.weight,
    }
}

fn permalink(config: &Config, url: &UrlPath) -> String {
    format!("{}{}", config.base_url, url)
}

/// One rendered file: path, bytes, the fingerprint it was rendered from (with a memo),
/// and whether it was rendered now (else it came from the memo).
type Rendered = (String, Bytes, Option<u64>, bool);

/// The per-page part of the context: the page, its translations and breadcrumbs.
#[derive(Serialize)]
struct Parts<'j, 'a> {
    page: &'j PageCtx<'a>,
    x_default: Option<String>,
    alternates: Vec<Alternate<'a>>,
    translations: std::borrow::Cow<'j, [Translation<'a>]>,
    breadcrumbs: Vec<Link<'a>>,
    json_ld: String,
}

impl<'j, 'a> Parts<'j, 'a> {
    fn new(site: &'a Site, config: &'a Config, job: &'j Job<'a>) -> Parts<'j, 'a> {
        let alternates = match job.source {
            Some(i) => alternates(site, config, i),
            None => generated_alternates(site, config, job),
        };
        // x-default: the default language's version, where there is one, so every
        // alternate links back; the root chooser otherwise.
        let x_default = alternates
            .iter()
            .find(|a| a.lang == config.default_lang())
            .map(|a| a.url.clone());
        match job.source {
            Some(i) => Parts {
                page: &job.page,
                x_default,
                alternates,
                translations: translations(site, config, i).into(),
                breadcrumbs: breadcrumbs(site, i),
                json_ld: crate::publish::jsonld::for_page(site, config, i),
            },
            None => Parts {
                page: &job.page,
                x_default,
                alternates,
                translations: job.peers.as_slice().into(),
                breadcrumbs: Vec::new(),
                json_ld: String::new(),
            },
        }
    }

    fn into_context(self) -> Context {
        let mut ctx = Context::new();
        ctx.insert("page", self.page);
        if let Some(x) = &self.x_default {
            ctx.insert("x_default", x);
        }
        ctx.insert("alternates", &self.alternates);
        ctx.insert("translations", &self.translations);
        ctx.insert("breadcrumbs", &self.breadcrumbs);
        ctx.insert_value("json_ld", tera::Value::safe_string(&self.json_ld));
        ctx
    }
}

/// publish: taxonomy and term pages get their language versions (the same groups the
/// sitemap lists, so reciprocal by construction); other generated pages have none.
fn generated_alternates<'a>(site: &'a Site, config: &Config, job: &Job<'a>) -> Vec<Alternate<'a>> {
    if let ("search", Some(url)) = (job.page.kind, job.page.url) {
        // Every language has its search page: this one and its peers.
        let own = std::iter::once((job.lang, url));
        let others = job.peers.iter().map(|p| (p.lang, p.url));
        let mut all: Vec<Alternate> = own
            .chain(others)
            .map(|(lang, url)| Alternate {
                lang,
                url: permalink(config, url),
            })
            .collect();
        all.sort_by_key(|a| config.langs().position(|l| l == a.lang));
        return all;
    }
    let Some(url) = job
        .page
        .url
        .filter(|_| matches!(job.page.kind, "taxonomy" | "term"))
    else {
        return Vec::new();
    };
    let Some((tax, term)) = crate::publish::generated_page(site, job.lang, url) else {
        return Vec::new();
    };
    crate::publish::generated_versions(site, config, tax, term)
        .into_iter()
        .map(|(lang, url)| Alternate {
            lang,
            url: permalink(config, url),
        })
        .collect()
}

/// publish: one search page per language (`/<lang>/search/`), linked to the others.
fn search_jobs<'a>(config: &'a Config, urls: &'a [(&'a Lang, UrlPath)]) -> Vec<Job<'a>> {
    urls.iter()
        .map(|(lang, url)| Job {
            template: "search.html",
            out: url.output_file(),
            lang,
            page: PageCtx {
                kind: "search",
                url: Some(url),
                permalink: permalink(config, url),
                ..PageCtx::default()
            },
            source: None,
            peers: urls
                .iter()
                .filter(|(l, _)| l != lang)
                .filter_map(|(l, u)| {
                    config.language(l.as_str()).map(|c| Translation {
                        lang: l,
                        name: &c.name,
                        title: "",
                        url: u,
                        exists: true,
                    })
                })
                .collect(),
        })
        .collect()
}

fn translations<'a>(site: &'a Site, config: &'a Config, i: usize) -> Vec<Translation<'a>> {
    let page = &site.pages[i];
    let versions = &site.by_key[&page.doc.key];
    config
        .languages
        .iter()
        .filter(|l| l.code != page.doc.lang)
        .filter_map(|l| {
            if let Some(&t) = versions.get(&l.code) {
                let tp = &site.pages[t];
                return Some(Translation {
                    lang: &l.code,
                    name: &l.name,
                    title: &tp.doc.front.title,
                    url: &tp.url,
                    exists: true,
                });
            }
            let near = nearest(site, page, &l.code)?;
            Some(Translation {
                lang: &l.code,
                name: &l.name,
                title: &site.pages[near].doc.front.title,
                url: &site.pages[near].url,
                exists: false,
            })
        })
        .collect()
}

/// The closest existing page in `lang`: the section (or one above it), else home.
fn nearest(site: &Site, page: &Page, lang: &Lang) -> Option<usize> {
    let mut key = page.doc.key.parent();
    while let Some(k) = key {
        if let Some(&i) = site.by_key.get(&k).and_then(|m| m.get(lang)) {
            return Some(i);
        }
        key = k.parent();
    }
    None
}

/// The other languages' home pages (for pages that have no counterpart).
fn home_peers<'a>(site: &'a Site, config: &'a Config, lang: &Lang) -> Vec<Translation<'a>> {
    config
        .languages
        .iter()
        .filter(|l| &l.code != lang)
        .filter_map(|l| {
            home(site, &l.code).map(|h| Translation {
                lang: &l.code,
                name: &l.name,
                title: &site.pages[h].doc.front.title,
                url: &site.pages[h].url,
                exists: false,
            })
        })
        .collect()
}

/// A page's terms by taxonomy name.
fn term_links<'a>(site: &'a Site, p: &Page) -> BTreeMap<&'a str, Vec<TermLink<'a>>> {
    let mut links: BTreeMap<&str, Vec<TermLink>> = BTreeMap::new();
    for &(t, j) in &p.terms {
        let tax = &site.taxonomies[t];
        let term = &tax.terms[j];
        links.entry(&tax.name).or_default().push(TermLink {
            name: &term.name,
            url: &term.url,
        });
    }
    links
}

/// A taxonomy page's counterparts: the same taxonomy in the other languages (terms are
/// written per language, so a term's nearest counterpart is its taxonomy's index).
fn taxonomy_peers<'a>(
    site: &'a Site,
    config: &'a Config,
    tax: &'a TaxonomyIndex,
    exists: bool,
) -> Vec<Translation<'a>> {
    site.taxonomies
        .iter()
        .filter(|t| t.name == tax.name && t.lang != tax.lang)
        .filter_map(|t| {
            config.language(t.lang.as_str()).map(|l| Translation {
                lang: &l.code,
                name: &l.name,
                title: &t.name,
                url: &t.url,
                exists,
            })
        })
        .collect()
}

/// A term page's counterparts: the same term in another language where one was paired
/// (`energie` ↔ `energy`), else that language's taxonomy index.
fn term_peers<'a>(
    site: &'a Site,
    config: &'a Config,
    tax: &'a TaxonomyIndex,
    term: &'a Term,
) -> Vec<Translation<'a>> {
    taxonomy_peers(site, config, tax, false)
        .into_iter()
        .map(|index| {
            let paired = term
                .translations
                .iter()
                .map(|&(t, j)| (&site.taxonomies[t], j))
                .find(|(t, _)| &t.lang == index.lang);
            match paired {
                Some((t, j)) => Translation {
                    title: &t.terms[j].name,
                    url: &t.terms[j].url,
                    exists: true,
                    ..index
                },
                None => index,
            }
        })
        .collect()
}

fn alternates<'a>(site: &'a Site, config: &'a Config, i: usize) -> Vec<Alternate<'a>> {
    let versions = &site.by_key[&site.pages[i].doc.key];
    config
        .languages
        .iter()
        .filter_map(|l| {
            versions.get(&l.code).map(|&t| Alternate {
                lang: &l.code,
                url: permalink(config, &site.pages[t].url),
            })
        })
        .collect()
}

fn breadcrumbs(site: &Site, i: usize) -> Vec<Link<'_>> {
    let mut crumbs = Vec::new();
    let mut at = site.pages[i].parent;
    while let Some(p) = at {
        crumbs.push(Link {
            title: &site.pages[p].doc.front.title,
            url: &site.pages[p].url,
            active: false,
        });
        at = site.pages[p].parent;
    }
    crumbs.reverse();
    crumbs
}

impl Output {
    /// Adds static files; one that would replace a rendered page is an error.
    pub fn add_statics(
        &mut self,
        statics: &BTreeMap<String, Vec<u8>>,
    ) -> Result<(), Vec<Diagnostic>> {
        let mut errors = Vec::new();
        for (path, bytes) in statics {
            if self.files.contains_key(path) {
                errors.push(
                    Diagnostic::error(
                        "static",
                        format!("static/{path}"),
                        format!(
                            "the static file {path} would replace a page built at the same path"
                        ),
                    )
                    .with_help("rename or move the static file"),
                );
            } else {
                self.files
                    .insert(path.clone(), Bytes::copy_from_slice(bytes));
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
