//! The site's configuration, `site.yaml`.
//!
//! Takes the site root; produces a validated [`Config`]. Rejects unknown keys (with a
//! suggestion), a missing or malformed `base_url`, an empty or duplicated language list,
//! more than one default language, language codes or slugs that are unsafe in a path,
//! and taxonomy slugs for languages the site does not have.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::lang::Lang;
use crate::url;
use crate::yaml;

/// The configuration file's name, at the site root.
pub const FILE_NAME: &str = "site.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: String,
    theme: String,
    languages: Vec<RawLanguage>,
    #[serde(default)]
    taxonomies: Vec<RawTaxonomy>,
    #[serde(default)]
    unsafe_html: bool,
    #[serde(default)]
    feeds: Feeds,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    code: String,
    name: String,
    #[serde(default)]
    default: bool,
    locale: Option<String>,
    title: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    name: String,
    #[serde(default)]
    slug: BTreeMap<String, String>,
}

/// One language the site is written in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Language {
    pub code: Lang,
    /// The language's name in itself ("Nederlands", "English").
    pub name: String,
    /// The CLDR locale numbers and dates are formatted with (`en-GB`); the code if unset.
    pub locale: String,
    /// The site title in this language; templates fall back to Fluent's `site-title`.
    pub title: Option<String>,
    pub description: Option<String>,
}

/// A taxonomy (e.g. `tags`) with its URL segment per language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Taxonomy {
    pub name: String,
    pub slugs: BTreeMap<Lang, String>,
}

impl Taxonomy {
    /// The URL segment of this taxonomy in `lang`.
    pub fn slug(&self, lang: &Lang) -> &str {
        self.slugs.get(lang).map_or(&self.name, String::as_str)
    }
}

/// The validated site configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    /// Absolute base URL without a trailing slash (`https://example.nl`).
    pub base_url: String,
    pub theme: String,
    /// In the order `site.yaml` lists them; the default language is `languages[default]`.
    pub languages: Vec<Language>,
    pub default: usize,
    pub taxonomies: Vec<Taxonomy>,
    /// Raw HTML in markdown is passed through unsanitized (trusted content only).
    pub unsafe_html: bool,
    /// What the Atom feeds hold.
    pub feeds: Feeds,
    /// The date the build counts as today (`--today`, `SOURCE_DATE_EPOCH`), for
    /// upcoming/past events. Not from the clock: identical input, identical output.
    pub today: Option<crate::date::DateTime>,
}

/// `feeds:` in site.yaml: how many entries a feed keeps and which sections feed in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feeds {
    /// The newest entries kept per language (default 20).
    #[serde(default = "Feeds::default_limit")]
    pub limit: usize,
    /// Section folders under `content/` (`calendar`); every section when unset.
    pub sections: Option<Vec<String>>,
}

impl Feeds {
    fn default_limit() -> usize {
        20
    }
}

impl Default for Feeds {
    fn default() -> Feeds {
        Feeds {
            limit: Feeds::default_limit(),
            sections: None,
        }
    }
}

impl Config {
    /// Reads and validates `site.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(FILE_NAME);
        if !path.is_file() {
            return Err(Error::Usage(format!(
                "no {FILE_NAME} in {} (is this a diptych site? use --root DIR)",
                root.display()
            )));
        }
        let text = std::fs::read_to_string(&path).map_err(Error::read(&path))?;
        Config::parse(root, &text).map_err(Error::Content)
    }

    /// Validates the text of `site.yaml` for a site at `root`.
    pub fn parse(root: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let bom = text.len() - text.trim_start_matches('\u{feff}').len();
        let raw: RawConfig = yaml::from_str(&text[bom..])
            .map_err(|e| vec![e.diagnostic("config", Path::new(FILE_NAME), text, bom)])?;
        let mut problems = Problems {
            text,
            list: Vec::new(),
        };
        let base_url = absolute_url(&raw.base_url).unwrap_or_else(|| {
            let message = format!(
                "`base_url` must be an absolute http(s) URL, not `{}`",
                raw.base_url
            );
            problems.add(
                &raw.base_url,
                0,
                message,
                "write it like `https://example.nl`",
            );
            String::new()
        });
        if !url::is_safe_segment(&raw.theme) {
            let message = format!("theme name `{}` is not a plain folder name", raw.theme);
            problems.add(
                &raw.theme,
                0,
                message,
                "name a folder in themes/, like `groningen`",
            );
        }
        let languages = problems.languages(&raw.languages);
        let taxonomies = raw
            .taxonomies
            .iter()
            .map(|t| problems.taxonomy(t, &languages))
            .collect();
        if !problems.list.is_empty() {
            return Err(problems.list);
        }
        Ok(Config {
            root: root.to_path_buf(),
            base_url,
            theme: raw.theme,
            default: raw.languages.iter().position(|l| l.default).unwrap_or(0),
            languages,
            taxonomies,
            unsafe_html: raw.unsafe_html,
            today: None,
            feeds: raw.feeds,
        })
    }

    /// Replaces the base URL (for preview deploys); it must be absolute http(s).
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
        self.base_url = absolute_url(url)
            .ok_or_else(|| format!("--base-url must be an absolute http(s) URL, not `{url}`"))?;
        Ok(())
    }

    /// The default language (the first listed unless one says `default: true`).
    pub fn default_lang(&self) -> &Lang {
        &self.languages[self.default].code
    }

    /// The configured language with this code.
    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code.as_str() == code)
    }

    /// Languages, default first, then the rest in the listed order.
    pub fn langs(&self) -> impl Iterator<Item = &Lang> {
        self.languages.iter().map(|l| &l.code)
    }
}

/// An absolute http(s) URL without its trailing slash, or `None`.
fn absolute_url(url: &str) -> Option<String> {
    let trimmed = url.trim_end_matches('/');
    let host = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))?;
    (!host.is_empty() && !trimmed.contains(char::is_whitespace)).then(|| trimmed.to_string())
}

/// Problems found in `site.yaml`, each pointed at the text it is about.
struct Problems<'a> {
    text: &'a str,
    list: Vec<Diagnostic>,
}

impl Problems<'_> {
    /// The languages, each code checked once; exactly one may be the default.
    fn languages(&mut self, raw: &[RawLanguage]) -> Vec<Language> {
        let mut languages: Vec<Language> = Vec::new();
        for l in raw {
            match Lang::parse(&l.code) {
                None => self.add(
                    &l.code,
                    0,
                    format!("`{}` is not a language code", l.code),
                    "use a code like `nl`, `en` or `fy`",
                ),
                Some(code) if languages.iter().any(|x| x.code == code) => self.add(
                    &l.code,
                    1,
                    format!("language `{code}` is listed twice"),
                    "list each language once",
                ),
                Some(code) => languages.push(Language {
                    locale: l.locale.clone().unwrap_or_else(|| code.to_string()),
                    code,
                    name: l.name.clone(),
                    title: l.title.clone(),
                    description: l.description.clone(),
                }),
            }
        }
        if raw.is_empty() {
            self.add(
                "languages",
                0,
                "`languages` is empty".into(),
                "list at least one language, e.g. `- {code: nl, name: Nederlands}`",
            );
        }
        let defaults = raw.iter().filter(|l| l.default).count();
        if defaults > 1 {
            self.add(
                "default",
                1,
                format!("{defaults} languages are marked `default: true`"),
                "mark exactly one language as the default",
            );
        }
        languages
    }

    /// A taxonomy with its URL segment per language, each checked.
    fn taxonomy(&mut self, t: &RawTaxonomy, languages: &[Language]) -> Taxonomy {
        if !url::is_safe_segment(&t.name) {
            self.add(
                &t.name,
                0,
                format!("taxonomy name `{}` cannot be used in a URL", t.name),
                "use lowercase letters, digits and `-`",
            );
        }
        let mut slugs = BTreeMap::new();
        for (code, slug) in &t.slug {
            match languages.iter().find(|l| l.code.as_str() == code) {
                None => self.add(
                    code,
                    0,
                    format!("taxonomy `{}` has a slug for `{code}`, which is not one of the site's languages", t.name),
                    "remove it or add the language to `languages`",
                ),
                Some(_) if !url::is_safe_segment(slug) => {
                    self.add(slug, 0, format!("slug `{slug}` cannot be used as a URL segment"), "use letters, digits and `-`, without `/` or `..`")
                }
                Some(l) => {
                    slugs.insert(l.code.clone(), slug.clone());
                }
            }
        }
        Taxonomy {
            name: t.name.clone(),
            slugs,
        }
    }

    /// Adds a problem located at the `nth` whole-token occurrence of `needle`.
    fn add(&mut self, needle: &str, nth: usize, message: String, help: &str) {
        let mut d = Diagnostic::error("config", FILE_NAME, message).with_help(help);
        if let Some(start) = find_nth(self.text, needle, nth) {
            d = d.at(self.text, start..start + needle.len());
        }
        self.list.push(d);
    }
}

/// The `nth` (0-based) occurrence of `needle` as a whole token: not inside a longer word.
fn find_nth(text: &str, needle: &str, nth: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    text.match_indices(needle)
        .filter(|(i, _)| {
            !word(text[..*i].chars().next_back()) && !word(text[i + needle.len()..].chars().next())
        })
        .nth(nth)
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "base_url: https://example.nl/\ntheme: t\nlanguages:\n  - {code: nl, name: Nederlands, default: true}\n  - {code: en, name: English, locale: en-GB}\ntaxonomies:\n  - {name: tags, slug: {nl: onderwerpen, en: topics}}\n";

    #[test]
    fn loads_languages_in_order_with_the_default() {
        let c = Config::parse(Path::new("."), GOOD).unwrap();
        assert_eq!(c.base_url, "https://example.nl");
        assert_eq!(c.default_lang().as_str(), "nl");
        assert_eq!(c.languages[1].locale, "en-GB");
        assert_eq!(c.taxonomies[0].slug(&Lang::parse("en").unwrap()), "topics");
    }

    #[test]
    fn rejects_unknown_keys_with_a_suggestion() {
        let text = GOOD.replace("theme:", "thema:");
        let errs = Config::parse(Path::new("."), &text).unwrap_err();
        assert_eq!(errs[0].message, "unknown field `thema`");
        assert_eq!(errs[0].help.as_deref(), Some("did you mean `theme`?"));
        assert_eq!(errs[0].location.as_ref().unwrap().line, 2);
    }

    #[test]
    fn collects_every_semantic_problem() {
        let text = "base_url: example.nl\ntheme: ../t\nlanguages:\n  - {code: nl, name: N, default: true}\n  - {code: nl, name: N2, default: true}\ntaxonomies:\n  - {name: tags, slug: {de: themen}}\n";
        let errs = Config::parse(Path::new("."), text).unwrap_err();
        let messages: Vec<&str> = errs.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 5, "{messages:?}");
    }
}
