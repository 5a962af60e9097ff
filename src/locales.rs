//! The site's UI strings: one Fluent bundle per language.
//!
//! Takes the configuration and every `.ftl` file (`locales/<lang>/*.ftl`, already read);
//! produces [`Locales`], which formats a message in a language, falling back to the
//! default language for messages a translation lacks (each such gap is returned as a
//! warning at load). Numbers in messages are written per CLDR for the language's locale
//! (through [`crate::format`]), and `NUMBER()` and `DATETIME()` are available to
//! translators. Rejects Fluent syntax errors (located), message or term ids defined
//! twice within one language, and locales that cannot be loaded. At format time, a
//! message missing everywhere or any Fluent error (unknown variable, bad date, …) is an
//! error, never half-formatted text.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use fluent_syntax::ast;
use fluent_syntax::parser::ParserError;
use unic_langid::LanguageIdentifier;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Lines};
use crate::fluent_functions;
use crate::format::Formatter;
use crate::lang::Lang;
pub use crate::message_info::MessageInfo;
use crate::message_info::definitions;

/// The folder, relative to the site root, that holds one folder of `.ftl` files per
/// language.
pub const DIR: &str = "locales";

/// One `.ftl` file as read from disk.
#[derive(Debug, Clone)]
pub struct FtlSource<'a> {
    /// Relative to the site root, e.g. `locales/en/main.ftl`.
    pub path: &'a Path,
    pub lang: Lang,
    pub text: &'a str,
}

/// A value passed to a message: text, or a number (which selects plural variants and
/// is written per the language's locale).
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    String(String),
    Number(f64),
}

impl From<&str> for ArgValue {
    fn from(s: &str) -> Self {
        ArgValue::String(s.to_string())
    }
}

impl From<String> for ArgValue {
    fn from(s: String) -> Self {
        ArgValue::String(s)
    }
}

impl From<f64> for ArgValue {
    fn from(n: f64) -> Self {
        ArgValue::Number(n)
    }
}

impl From<i64> for ArgValue {
    fn from(n: i64) -> Self {
        ArgValue::Number(n as f64)
    }
}

/// Every language's bundle, ready to format messages. `Send + Sync`.
pub struct Locales {
    languages: Vec<LangBundle>,
    default: usize,
    /// Every message id of every language, sorted, with its number (what the dev
    /// server's render records of the messages a page used).
    ids: Vec<String>,
    numbers: HashMap<String, usize, crate::publish::search::FastHash>,
}

struct LangBundle {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
    formatter: Arc<Formatter>,
    messages: BTreeMap<String, MessageInfo>,
}

/// Where an entry was first defined, for naming both places of a duplicate.
struct Place {
    path: PathBuf,
    line: usize,
    column: usize,
}

/// One language's files while loading.
#[derive(Default)]
struct Pending {
    resources: Vec<FluentResource>,
    messages: BTreeMap<String, MessageInfo>,
    defined: HashMap<String, Place>,
}

impl Locales {
    /// [`Locales::load`] over the site's `locales/<lang>/*.ftl` as [`crate::sources::Sources`] read them.
    pub fn from_sources(
        config: &Config,
        sources: &crate::sources::Sources,
    ) -> Result<(Locales, Vec<Diagnostic>), Vec<Diagnostic>> {
        let files: Vec<FtlSource> = sources
            .ftl
            .iter()
            .map(|(lang, f)| FtlSource {
                path: &f.path,
                lang: lang.clone(),
                text: &f.text,
            })
            .collect();
        Locales::load(config, &files)
    }

    /// Parses every file and builds one bundle per configured language. `Ok` carries
    /// warnings (a message missing in a language, a file for an unknown language);
    /// `Err` carries every error found, and the warnings.
    pub fn load(
        config: &Config,
        files: &[FtlSource],
    ) -> Result<(Locales, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let mut pending: Vec<Pending> = config
            .languages
            .iter()
            .map(|_| Pending::default())
            .collect();
        for file in files {
            match config.languages.iter().position(|l| l.code == file.lang) {
                Some(i) => add_file(&mut pending[i], file, &mut problems),
                None => problems.push(Diagnostic::warning(
                    "fluent",
                    file.path,
                    format!(
                        "`{}` is not one of the site's languages; this file is ignored",
                        file.lang
                    ),
                )),
            }
        }
        let mut languages = Vec::new();
        for (language, pending) in config.languages.iter().zip(pending) {
            match build_bundle(&language.code, &language.locale, pending) {
                Ok(bundle) => languages.push(bundle),
                Err(message) => problems.push(
                    Diagnostic::error("fluent", crate::config::FILE_NAME, message)
                        .with_help("use a locale like `nl`, `en-GB` or `fy`")
                        .about(language.code.as_str()),
                ),
            }
        }
        if problems.iter().any(Diagnostic::is_error) {
            return Err(problems);
        }
        let ids: std::collections::BTreeSet<&String> =
            languages.iter().flat_map(|b| b.messages.keys()).collect();
        let ids: Vec<String> = ids.into_iter().cloned().collect();
        let numbers = ids
            .iter()
            .enumerate()
            .map(|(n, id)| (id.clone(), n))
            .collect();
        let locales = Locales {
            languages,
            default: config.default,
            ids,
            numbers,
        };
        problems.extend(locales.missing_messages());
        Ok((locales, problems))
    }

    /// Formats message `id` (or `id.attribute`) in `lang`, with the default language's
    /// text when `lang` lacks it. Numbers in `args` select plural variants.
    pub fn format(
        &self,
        lang: &Lang,
        id: &str,
        args: &[(String, ArgValue)],
    ) -> Result<String, String> {
        let wanted = self
            .get(lang)
            .ok_or_else(|| format!("`{lang}` is not one of the site's languages"))?;
        let (message, attribute) = match id.split_once('.') {
            Some((m, a)) => (m, Some(a)),
            None => (id, None),
        };
        let default = &self.languages[self.default];
        let (found, pattern) = [wanted, default]
            .into_iter()
            .find_map(|b| b.pattern(message, attribute).map(|p| (b, p)))
            .ok_or_else(|| self.not_found(wanted, message, attribute))?;
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                ArgValue::String(s) => {
                    fluent_args.set(name.as_str(), FluentValue::from(s.as_str()))
                }
                ArgValue::Number(n) => fluent_args.set(name.as_str(), FluentValue::from(*n)),
            }
        }
        let mut errors = Vec::new();
        let text = found
            .bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors);
        if !errors.is_empty() {
            let list: Vec<String> = errors.iter().map(fluent_error).collect();
            return Err(format!(
                "message `{id}` in {}: {}",
                found.lang,
                list.join("; ")
            ));
        }
        if let Some(error) = fluent_functions::reported_error(&text) {
            return Err(format!("message `{id}` in {}: {error}", found.lang));
        }
        Ok(text.into_owned())
    }

    /// Every message defined in `lang`'s own files (not the fallback), by id.
    pub fn messages(&self, lang: &Lang) -> Option<&BTreeMap<String, MessageInfo>> {
        self.get(lang).map(|b| &b.messages)
    }

    /// Every message id of every language, sorted: [`Locales::slot`] numbers them.
    pub fn ids(&self) -> &[String] {
        &self.ids
    }

    /// The place of message `id` (without an attribute) in `lang` among the
    /// [`Locales::slots`]: its number in [`Locales::ids`] times the number of
    /// languages, plus the language's.
    pub fn slot(&self, lang: &Lang, id: &str) -> Option<usize> {
        let l = self.languages.iter().position(|b| &b.lang == lang)?;
        Some(self.numbers.get(id)? * self.languages.len() + l)
    }

    /// Whether message `id` in `lang` has the value and every attribute that the
    /// default language's has (else those are formatted from the default's).
    pub fn covers(&self, lang: &Lang, id: &str) -> bool {
        let default = self.languages[self.default].messages.get(id);
        let own = self.get(lang).and_then(|b| b.messages.get(id));
        match (own, default) {
            (Some(own), Some(default)) => {
                (own.has_value || !default.has_value)
                    && default
                        .attributes
                        .keys()
                        .all(|a| own.attributes.contains_key(a))
            }
            (_, None) => true,
            (None, Some(_)) => false,
        }
    }

    /// How many (message, language) places there are: see [`Locales::slot`].
    pub fn slots(&self) -> usize {
        self.ids.len() * self.languages.len()
    }

    /// The number and date formatter for `lang`'s locale.
    pub fn formatter(&self, lang: &Lang) -> Option<&Formatter> {
        self.get(lang).map(|b| b.formatter.as_ref())
    }

    /// The languages, in the configured order.
    pub fn langs(&self) -> impl Iterator<Item = &Lang> {
        self.languages.iter().map(|b| &b.lang)
    }

    /// The language whose text is used when a translation lacks a message.
    pub fn default_lang(&self) -> &Lang {
        &self.languages[self.default].lang
    }

    fn get(&self, lang: &Lang) -> Option<&LangBundle> {
        self.languages.iter().find(|b| &b.lang == lang)
    }

    /// The error for a message (or attribute) found in neither `wanted` nor the default.
    fn not_found(&self, wanted: &LangBundle, message: &str, attribute: Option<&str>) -> String {
        let default = self.default_lang();
        let place = if &wanted.lang == default {
            format!("in {default}")
        } else {
            format!("in {} nor in the default language {default}", wanted.lang)
        };
        let exists = self.languages.iter().any(|b| b.bundle.has_message(message));
        match attribute {
            Some(attr) if exists => {
                format!("message `{message}` has no attribute `{attr}` {place}")
            }
            None if exists => format!("message `{message}` has no value (only attributes) {place}"),
            _ => format!("there is no message `{message}` {place}"),
        }
    }

    /// One warning per message the default language has and another language lacks.
    fn missing_messages(&self) -> Vec<Diagnostic> {
        let default = &self.languages[self.default];
        let mut warnings = Vec::new();
        for other in self.languages.iter().filter(|b| b.lang != default.lang) {
            for id in default
                .messages
                .keys()
                .filter(|id| !other.messages.contains_key(*id))
            {
                let message = format!(
                    "message `{id}` is missing in {}; the {} text is used",
                    other.lang, default.lang
                );
                let folder = Path::new(DIR).join(other.lang.as_str());
                warnings.push(Diagnostic::warning("fluent", folder, message).about(id.clone()));
            }
        }
        warnings
    }
}

impl LangBundle {
    /// The message's value, or one of its attributes, if this language defines it.
    fn pattern(&self, message: &str, attribute: Option<&str>) -> Option<&ast::Pattern<&str>> {
        let message = self.bundle.get_message(message)?;
        match attribute {
            Some(attr) => message.get_attribute(attr).map(|a| a.value()),
            None => message.value(),
        }
    }
}

/// Fluent's error text without its `Resolver error: ` prefix.
fn fluent_error(error: &FluentError) -> String {
    match error {
        FluentError::ResolverError(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// Parses one file into `pending`, reporting syntax errors and duplicate ids.
fn add_file(pending: &mut Pending, file: &FtlSource, problems: &mut Vec<Diagnostic>) {
    // Fluent's parser rejects a byte order mark; positions are reported in the text
    // after it, which is what an editor shows.
    let file = &FtlSource {
        text: file.text.strip_prefix('\u{feff}').unwrap_or(file.text),
        ..file.clone()
    };
    let resource = match FluentResource::try_new(file.text.to_string()) {
        Ok(resource) => resource,
        Err((_, errors)) => {
            problems.extend(errors.iter().map(|e| syntax_error(file, e)));
            return;
        }
    };
    let mut definitions = definitions(file.text).into_iter();
    let lines = Lines::new(file.text);
    for entry in resource.entries() {
        let (id, message) = match entry {
            ast::Entry::Message(m) => (m.id.name.to_string(), Some(m)),
            ast::Entry::Term(t) => (format!("-{}", t.id.name), None),
            _ => continue,
        };
        let offset = definitions.find(|(d, _)| *d == id).map_or(0, |(_, o)| o);
        let (line, column) = lines.line_column(offset);
        if let Some(first) = pending.defined.get(&id) {
            problems.push(duplicate(file, &id, offset, first));
            continue;
        }
        if let Some(m) = message {
            pending
                .messages
                .insert(id.clone(), MessageInfo::read(file.path, line, m));
        }
        let place = Place {
            path: file.path.to_path_buf(),
            line,
            column,
        };
        pending.defined.insert(id, place);
    }
    pending.resources.push(resource);
}

fn syntax_error(file: &FtlSource, error: &ParserError) -> Diagnostic {
    let message = error.kind.to_string();
    let mut chars = message.chars();
    let message = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => message,
    };
    Diagnostic::error("fluent", file.path, message).at(file.text, error.pos.clone())
}

fn duplicate(file: &FtlSource, id: &str, offset: usize, first: &Place) -> Diagnostic {
    let what = if id.starts_with('-') {
        "term"
    } else {
        "message"
    };
    Diagnostic::error(
        "fluent",
        file.path,
        format!("{what} `{id}` is defined twice"),
    )
    .at(file.text, offset..offset + id.len())
    .with_help(format!(
        "it is first defined at {}:{}:{}; remove or rename one of them",
        first.path.display(),
        first.line,
        first.column
    ))
    .about(id)
}

/// Builds the bundle for one language from its parsed files. Fails when the locale
/// cannot be used (a problem in `site.yaml`).
fn build_bundle(lang: &Lang, locale: &str, pending: Pending) -> Result<LangBundle, String> {
    let langid: LanguageIdentifier = locale.parse().map_err(|e| {
        format!("locale `{locale}` of language `{lang}` is not usable by Fluent: {e}")
    })?;
    let formatter = Arc::new(Formatter::new(locale)?);
    let mut bundle = FluentBundle::new_concurrent(vec![langid]);
    bundle.set_use_isolating(false);
    fluent_functions::install(&mut bundle, &formatter).map_err(|e| e.to_string())?;
    for resource in pending.resources {
        // Duplicates were rejected above, so adding cannot override anything.
        bundle.add_resource_overriding(resource);
    }
    Ok(LangBundle {
        lang: lang.clone(),
        bundle,
        formatter,
        messages: pending.messages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "base_url: https://example.nl\ntheme: t\nlanguages:\n  - {code: nl, name: Nederlands, default: true}\n  - {code: en, name: English, locale: en-GB}\n";

    const NL: &str = "\
site-title = Groningen
items = { $count ->
    [one] { $count } onderdeel
   *[other] { $count } onderdelen
}
share = { NUMBER($part, style: \"percent\") } van de stad
average = gemiddeld { NUMBER($n, minimumFractionDigits: 1, maximumFractionDigits: 1) }
event = Op { DATETIME($date, weekday: \"long\") } om { DATETIME($date, timeStyle: \"short\") }
greeting = Hallo { $name }
    .title = Begroeting voor { $name }
only-nl = Alleen in het Nederlands
";

    const EN: &str = "\
site-title = Groningen
items = { $count ->
    [one] { $count } item
   *[other] { $count } items
}
share = { NUMBER($part, style: \"percent\") } of the city
average = an average of { NUMBER($n, minimumFractionDigits: 1, maximumFractionDigits: 1) }
event = On { DATETIME($date, dateStyle: \"long\") }
greeting = Hello { $name }
    .title = Greeting for { $name }
";

    fn config(yaml: &str) -> Config {
        Config::parse(Path::new("."), yaml).unwrap()
    }

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    fn source<'a>(path: &'a str, text: &'a str) -> FtlSource<'a> {
        let code = path.split('/').nth(1).unwrap();
        FtlSource {
            path: Path::new(path),
            lang: lang(code),
            text,
        }
    }

    fn load(files: &[FtlSource]) -> Result<(Locales, Vec<Diagnostic>), Vec<Diagnostic>> {
        Locales::load(&config(SITE), files)
    }

    fn site() -> Locales {
        load(&[
            source("locales/nl/main.ftl", NL),
            source("locales/en/main.ftl", EN),
        ])
        .unwrap()
        .0
    }

    fn fmt(l: &Locales, code: &str, id: &str, args: &[(&str, ArgValue)]) -> Result<String, String> {
        let args: Vec<(String, ArgValue)> = args
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        l.format(&lang(code), id, &args)
    }

    fn count(l: &Locales, code: &str, n: f64) -> String {
        fmt(l, code, "items", &[("count", n.into())]).unwrap()
    }

    #[test]
    fn locales_are_send_and_sync() {
        fn assert_send_sync<X: Send + Sync>() {}
        assert_send_sync::<Locales>();
    }

    #[test]
    fn selects_plural_variants_per_language() {
        let l = site();
        assert_eq!(count(&l, "nl", 0.0), "0 onderdelen");
        assert_eq!(count(&l, "nl", 1.0), "1 onderdeel");
        assert_eq!(count(&l, "nl", 6500.0), "6.500 onderdelen");
        assert_eq!(count(&l, "en", 0.0), "0 items");
        assert_eq!(count(&l, "en", 1.0), "1 item");
        assert_eq!(count(&l, "en", 6500.0), "6,500 items");
    }

    #[test]
    fn formats_numbers_with_number_options() {
        let l = site();
        let part = [("part", ArgValue::Number(0.15))];
        assert_eq!(fmt(&l, "nl", "share", &part).unwrap(), "15% van de stad");
        assert_eq!(fmt(&l, "en", "share", &part).unwrap(), "15% of the city");
        let n = [("n", ArgValue::Number(1234.56))];
        assert_eq!(fmt(&l, "nl", "average", &n).unwrap(), "gemiddeld 1.234,6");
        assert_eq!(
            fmt(&l, "en", "average", &n).unwrap(),
            "an average of 1,234.6"
        );
        let three = [("n", ArgValue::Number(3.0))];
        assert_eq!(fmt(&l, "nl", "average", &three).unwrap(), "gemiddeld 3,0");
    }

    #[test]
    fn formats_a_third_language_per_its_locale() {
        let yaml = format!("{SITE}  - {{code: de, name: Deutsch}}\n");
        let de = "items = { $count ->\n    [one] { $count } Eintrag\n   *[other] { $count } Einträge\n}\nshare = { NUMBER($part, style: \"percent\") }\n";
        let files = [
            source("locales/nl/main.ftl", NL),
            source("locales/de/main.ftl", de),
        ];
        let (l, _) = Locales::load(&config(&yaml), &files).unwrap();
        assert_eq!(count(&l, "de", 1.0), "1 Eintrag");
        assert_eq!(count(&l, "de", 1234.5), "1.234,5 Einträge");
        assert_eq!(
            fmt(&l, "de", "share", &[("part", 0.15.into())]).unwrap(),
            "15\u{a0}%"
        );
    }

    #[test]
    fn formats_dates_in_the_language_locale() {
        let l = site();
        let date = [("date", ArgValue::from("2026-11-26T19:30:00+01:00"))];
        assert_eq!(
            fmt(&l, "nl", "event", &date).unwrap(),
            "Op donderdag 26 november 2026 om 19:30"
        );
        assert_eq!(
            fmt(&l, "en", "event", &date).unwrap(),
            "On 26 November 2026"
        );
    }

    #[test]
    fn a_bad_date_is_an_error_not_text() {
        let l = site();
        let err = fmt(&l, "en", "event", &[("date", "2026-02-30".into())]).unwrap_err();
        assert_eq!(
            err,
            "message `event` in en: DATETIME(): `2026-02-30` is not a date that exists"
        );
        let err = fmt(&l, "en", "event", &[("date", 3.into())]).unwrap_err();
        assert!(
            err.contains("DATETIME() takes one ISO 8601 date string"),
            "{err}"
        );
    }

    #[test]
    fn reads_attributes_and_never_writes_isolation_marks() {
        let l = site();
        let text = fmt(&l, "en", "greeting.title", &[("name", "Anna".into())]).unwrap();
        assert_eq!(text, "Greeting for Anna");
        let text = fmt(&l, "nl", "greeting", &[("name", "Anna".into())]).unwrap();
        assert_eq!(text, "Hallo Anna");
        assert!(!text.contains(['\u{2068}', '\u{2069}']));
    }

    #[test]
    fn falls_back_to_the_default_language_and_warns_once() {
        let (l, warnings) = load(&[
            source("locales/nl/main.ftl", NL),
            source("locales/en/main.ftl", EN),
        ])
        .unwrap();
        let printed: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            printed,
            ["locales/en: warning: message `only-nl` is missing in en; the nl text is used\n"]
        );
        assert_eq!(warnings[0].subject.as_deref(), Some("only-nl"));
        assert_eq!(
            fmt(&l, "en", "only-nl", &[]).unwrap(),
            "Alleen in het Nederlands"
        );
    }

    #[test]
    fn a_missing_message_is_an_error() {
        let l = site();
        let err = fmt(&l, "en", "nowhere", &[]).unwrap_err();
        assert_eq!(
            err,
            "there is no message `nowhere` in en nor in the default language nl"
        );
        let err = fmt(&l, "nl", "greeting.subtitle", &[]).unwrap_err();
        assert_eq!(err, "message `greeting` has no attribute `subtitle` in nl");
    }

    #[test]
    fn a_missing_variable_is_an_error() {
        let l = site();
        let err = fmt(&l, "nl", "greeting", &[]).unwrap_err();
        assert_eq!(err, "message `greeting` in nl: Unknown variable: $name");
    }

    #[test]
    fn reports_syntax_errors_with_line_and_column() {
        let broken = "ok = fine\nbroken {\n";
        let errs = load(&[source("locales/en/main.ftl", broken)])
            .err()
            .unwrap();
        let first = errs[0].to_string();
        assert_eq!(
            first.lines().next().unwrap(),
            "locales/en/main.ftl:2:8: error: expected a token starting with \"=\""
        );
    }

    #[test]
    fn rejects_ids_defined_twice_naming_both_places() {
        let other = "# more\n\nsite-title = Stad\n";
        let files = [
            source("locales/nl/main.ftl", NL),
            source("locales/nl/more.ftl", other),
        ];
        let errs = load(&files).err().unwrap();
        assert_eq!(errs.len(), 1);
        assert_eq!(
            errs[0].to_string().lines().next().unwrap(),
            "locales/nl/more.ftl:3:1: error: message `site-title` is defined twice"
        );
        assert_eq!(
            errs[0].help.as_deref(),
            Some("it is first defined at locales/nl/main.ftl:1:1; remove or rename one of them")
        );
        let within = "-brand = A\nx = y\n-brand = B\n";
        let errs = load(&[source("locales/en/main.ftl", within)])
            .err()
            .unwrap();
        assert_eq!(errs[0].message, "term `-brand` is defined twice");
        assert_eq!(errs[0].location.as_ref().unwrap().line, 3);
    }

    #[test]
    fn exposes_each_message_with_its_variables_and_attributes() {
        let l = site();
        let nl = l.messages(&lang("nl")).unwrap();
        let greeting = &nl["greeting"];
        assert_eq!(greeting.line, 9);
        assert!(greeting.variables.contains("name"));
        assert_eq!(
            greeting.attributes["title"].iter().collect::<Vec<_>>(),
            ["name"]
        );
        assert!(nl["items"].variables.contains("count"));
        assert!(nl["event"].variables.contains("date"));
        assert!(!l.messages(&lang("en")).unwrap().contains_key("only-nl"));
    }

    #[test]
    fn rejects_a_locale_that_cannot_be_loaded() {
        let yaml = SITE.replace("locale: en-GB", "locale: \"en GB\"");
        let errs = Locales::load(&config(&yaml), &[]).err().unwrap();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].path, Path::new("site.yaml"));
        assert!(errs[0].message.contains("`en GB`"), "{}", errs[0].message);
    }

    #[test]
    fn warns_about_files_of_unconfigured_languages() {
        let (_, warnings) = load(&[
            source("locales/nl/main.ftl", NL),
            source("locales/de/main.ftl", "a = b\n"),
        ])
        .unwrap();
        let printed: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert!(printed.contains(&"locales/de/main.ftl: warning: `de` is not one of the site's languages; this file is ignored\n".to_string()), "{printed:?}");
    }

    #[test]
    fn accepts_a_byte_order_mark_and_crlf_line_ends() {
        let text = "\u{feff}site-title = Stad\r\nother = Ander\r\n";
        let (l, _) = load(&[source("locales/nl/main.ftl", text)]).unwrap();
        assert_eq!(fmt(&l, "nl", "site-title", &[]).unwrap(), "Stad");
        assert_eq!(l.messages(&lang("nl")).unwrap()["other"].line, 2);
    }

    #[test]
    fn gives_the_formatter_of_each_language() {
        let l = site();
        assert_eq!(l.formatter(&lang("en")).unwrap().locale(), "en-GB");
        assert!(l.formatter(&lang("de")).is_none());
    }
}
