//! Rendering: what templates see. The per-language global context (site, menu,
//! taxonomies, events, data), shared by every page of a language, and the per-file
//! part (page, alternates, translations, breadcrumbs, JSON-LD).

use std::collections::BTreeMap;

use serde::Serialize;
use tera::Context;

use crate::config::{Config, Language};
use crate::fingerprint::fingerprint;
use crate::lang::Lang;
use crate::markdown::Heading;
use crate::site::{Page, Site};
use crate::theme::Theme;
use crate::url::UrlPath;

use super::Teras;
use super::jobs::{Job, summary};
use super::versions::{alternates, breadcrumbs, generated_alternates, translations};

#[derive(Serialize)]
pub(super) struct SiteCtx<'a> {
    pub(super) base_url: &'a str,
    pub(super) default_lang: &'a Lang,
    pub(super) title: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) languages: Vec<LanguageCtx<'a>>,
    /// This language's entry of `languages`.
    pub(super) language: Option<LanguageCtx<'a>>,
}

#[derive(Serialize, Clone)]
pub(super) struct LanguageCtx<'a> {
    pub(super) code: &'a Lang,
    pub(super) name: &'a str,
    pub(super) locale: &'a str,
    pub(super) url: UrlPath,
    pub(super) current: bool,
}

#[derive(Serialize)]
pub(super) struct Link<'a> {
    pub(super) title: &'a str,
    pub(super) url: &'a UrlPath,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub(super) active: bool,
}

#[derive(Serialize, Clone)]
pub(super) struct Translation<'a> {
    pub(super) lang: &'a Lang,
    pub(super) name: &'a str,
    pub(super) title: &'a str,
    pub(super) url: &'a UrlPath,
    pub(super) exists: bool,
}

impl<'a> Translation<'a> {
    /// A switcher entry for `language` that leads to `page`: its version there when
    /// `exists`, else the page to fall back to.
    pub(super) fn to(language: &'a Language, page: &'a Page, exists: bool) -> Translation<'a> {
        Translation {
            lang: &language.code,
            name: &language.name,
            title: &page.doc.front.title,
            url: &page.url,
            exists,
        }
    }
}

#[derive(Serialize)]
pub(super) struct Alternate<'a> {
    pub(super) lang: &'a Lang,
    pub(super) url: String,
}

/// A page as lists show it. With a `digest` (a fingerprint of the rest, made once per
/// page), a fingerprint of a list takes the digests instead of reading every field of
/// every page in it again; templates see the fields.
pub(super) struct Summary<'a> {
    pub(super) key: &'a str,
    pub(super) title: &'a str,
    pub(super) url: &'a UrlPath,
    pub(super) description: Option<&'a str>,
    pub(super) summary: Option<&'a str>,
    pub(super) date: Option<&'a crate::date::DateTime>,
    pub(super) event: Option<&'a crate::frontmatter::Event>,
    pub(super) weight: Option<i64>,
    pub(super) digest: Option<u128>,
}

impl Serialize for Summary<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // Fingerprints are the only serializer that is not human-readable.
        if let Some(d) = self.digest.filter(|_| !s.is_human_readable()) {
            return s.serialize_u128(d);
        }
        let mut st = s.serialize_struct("Summary", 8)?;
        st.serialize_field("key", self.key)?;
        st.serialize_field("title", self.title)?;
        st.serialize_field("url", self.url)?;
        st.serialize_field("description", &self.description)?;
        st.serialize_field("summary", &self.summary)?;
        st.serialize_field("date", &self.date)?;
        st.serialize_field("event", &self.event)?;
        st.serialize_field("weight", &self.weight)?;
        st.end()
    }
}

#[derive(Default)]
pub(super) struct PageCtx<'a> {
    pub(super) kind: &'a str,
    pub(super) key: &'a str,
    pub(super) title: &'a str,
    pub(super) description: Option<&'a str>,
    pub(super) url: Option<&'a UrlPath>,
    pub(super) permalink: String,
    pub(super) content: &'a str,
    pub(super) summary: Option<&'a str>,
    pub(super) date: Option<&'a crate::date::DateTime>,
    pub(super) updated: Option<&'a crate::date::DateTime>,
    pub(super) weight: Option<i64>,
    pub(super) image: Option<&'a str>,
    pub(super) image_alt: Option<&'a str>,
    pub(super) event: Option<&'a crate::frontmatter::Event>,
    pub(super) extra: Option<&'a serde_json::Map<String, serde_json::Value>>,
    pub(super) headings: &'a [Heading],
    pub(super) taxonomies: BTreeMap<&'a str, Vec<TermLink<'a>>>,
    pub(super) previous: Option<Link<'a>>,
    pub(super) next: Option<Link<'a>>,
    pub(super) pages: Vec<Summary<'a>>,
    /// The event pages of `pages`, by start (as the calendar lists them).
    pub(super) events: Vec<Summary<'a>>,
    pub(super) subsections: Vec<Summary<'a>>,
    pub(super) terms: Vec<TermCount<'a>>,
    pub(super) taxonomy: Option<&'a str>,
    pub(super) words: usize,
    /// The top-level section this page is in (for marking the menu), if any.
    pub(super) section: Option<&'a UrlPath>,
    /// Versions in other languages that changed since this one was synced.
    pub(super) newer_translations: Vec<Translation<'a>>,
    /// The content page's [`Page::digest`](crate::site::Page::digest), for fingerprints.
    pub(super) digest: Option<u128>,
}

impl Serialize for PageCtx<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        // In a fingerprint (the only serializer that is not human-readable) a content
        // page's digest stands for the fields made from its document and from where its
        // links go; templates see the fields.
        let digest = self.digest.filter(|_| !s.is_human_readable());
        let own = digest.is_none();
        let mut st = s.serialize_struct("PageCtx", 27)?;
        st.serialize_field("kind", self.kind)?;
        if let Some(d) = digest {
            st.serialize_field("digest", &d)?;
        } else {
            st.serialize_field("key", self.key)?;
            st.serialize_field("title", self.title)?;
            st.serialize_field("description", &self.description)?;
        }
        st.serialize_field("url", &self.url)?;
        st.serialize_field("permalink", &self.permalink)?;
        if own {
            st.serialize_field("content", self.content)?;
            st.serialize_field("summary", &self.summary)?;
            st.serialize_field("date", &self.date)?;
            st.serialize_field("updated", &self.updated)?;
            st.serialize_field("weight", &self.weight)?;
            st.serialize_field("image", &self.image)?;
            st.serialize_field("image_alt", &self.image_alt)?;
            st.serialize_field("event", &self.event)?;
            st.serialize_field("extra", &self.extra)?;
            st.serialize_field("headings", self.headings)?;
        }
        st.serialize_field("taxonomies", &self.taxonomies)?;
        st.serialize_field("previous", &self.previous)?;
        st.serialize_field("next", &self.next)?;
        st.serialize_field("pages", &self.pages)?;
        st.serialize_field("events", &self.events)?;
        st.serialize_field("subsections", &self.subsections)?;
        st.serialize_field("terms", &self.terms)?;
        st.serialize_field("taxonomy", &self.taxonomy)?;
        if own {
            st.serialize_field("words", &self.words)?;
        }
        st.serialize_field("section", &self.section)?;
        st.serialize_field("newer_translations", &self.newer_translations)?;
        st.end()
    }
}

#[derive(Serialize)]
pub(super) struct TermLink<'a> {
    pub(super) name: &'a str,
    pub(super) url: &'a UrlPath,
}

#[derive(Serialize)]
pub(super) struct TermCount<'a> {
    pub(super) name: &'a str,
    pub(super) url: &'a UrlPath,
    pub(super) count: usize,
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
        let taxonomies = taxonomy_links(site, lang);
        g.insert("taxonomies", &taxonomies);
        g.insert("data", data);
        let x_default = format!("{}/", config.base_url);
        g.insert("x_default", &x_default);
        let menu = menu(site, lang);
        g.insert("menu", &menu);
        // publish: the search page's URLs, and every event of the language by start.
        let search = crate::publish::search::context(lang);
        g.insert("search", &search);
        let events: Vec<Summary> = crate::publish::calendar::events(site, lang)
            .into_iter()
            .map(|i| summary(&site.pages[i], None))
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

/// The language's taxonomies, for every page's `taxonomies`.
fn taxonomy_links<'a>(site: &'a Site, lang: &Lang) -> Vec<TermLink<'a>> {
    site.taxonomies
        .iter()
        .filter(|t| &t.lang == lang)
        .map(|t| TermLink {
            name: &t.name,
            url: &t.url,
        })
        .collect()
}

/// The language's home page's sections, for every page's `menu`.
fn menu<'a>(site: &'a Site, lang: &Lang) -> Vec<Link<'a>> {
    let Some(h) = home(site, lang) else {
        return Vec::new();
    };
    site.pages[h]
        .subsections
        .iter()
        .map(|&i| Link {
            title: &site.pages[i].doc.front.title,
            url: &site.pages[i].url,
            active: false,
        })
        .collect()
}

pub(super) fn site_ctx<'a>(config: &'a Config, lang: &Lang) -> SiteCtx<'a> {
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

pub(super) fn home(site: &Site, lang: &Lang) -> Option<usize> {
    site.by_key
        .get(&crate::sources::PageKey::new("_index"))
        .and_then(|m| m.get(lang))
        .copied()
}

/// The per-page part of the context: the page, its translations and breadcrumbs.
#[derive(Serialize)]
pub(super) struct Parts<'j, 'a> {
    pub(super) page: &'j PageCtx<'a>,
    pub(super) x_default: Option<String>,
    pub(super) alternates: Vec<Alternate<'a>>,
    pub(super) translations: std::borrow::Cow<'j, [Translation<'a>]>,
    pub(super) breadcrumbs: Vec<Link<'a>>,
    pub(super) json_ld: String,
}

impl<'j, 'a> Parts<'j, 'a> {
    pub(super) fn new(site: &'a Site, config: &'a Config, job: &'j Job<'a>) -> Parts<'j, 'a> {
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

    pub(super) fn into_context(self) -> Context {
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
