//! The translation function and formatting filters templates use.
//!
//! Takes a Tera instance (before any template is added: Tera checks functions and
//! filters when templates are added) and the site's [`Locales`]; registers
//! `t(id="…", name=value, …)`, `value | number(style="percent", min_fraction=1,
//! max_fraction=2)` and `value | date(format="long")`. Each reads the page's language
//! from the render context's top-level `lang`. Rejects, as a render error: a missing or
//! unknown `lang`, a message missing in every language, any Fluent error, arguments
//! that are neither text nor numbers, unknown options and unparseable dates. Results are
//! plain strings, so Tera's autoescaping applies to them.

use std::collections::HashMap;
use std::sync::Arc;

use tera::{Error, Kwargs, Number, State, Tera, TeraResult, Value};

use crate::format::{DateStyle, Formatter, NumberOptions, NumberStyle};
use crate::lang::Lang;
use crate::locales::{ArgValue, Locales};
use crate::publish::search::FastHash;

/// Registers `t`, `number` and `date` on `tera`.
pub fn register(tera: &mut Tera, locales: Arc<Locales>) {
    let l = Arc::clone(&locales);
    let plain = plain_messages(&locales);
    tera.register_function("t", move |kwargs: Kwargs, state: &State| {
        translate(&l, &plain, &kwargs, state)
    });
    let l = Arc::clone(&locales);
    tera.register_filter(
        "number",
        move |value: Number, kwargs: Kwargs, state: &State| number(&l, value, &kwargs, state),
    );
    tera.register_filter(
        "date",
        move |value: String, kwargs: Kwargs, state: &State| date(&locales, &value, &kwargs, state),
    );
}

thread_local! {
    /// While [`recording`]: one bit per message in a language ([`Locales::slot`]) that
    /// `t()` was asked for on this thread.
    static USED: std::cell::RefCell<Option<Vec<u64>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `render` (one file's render, on this thread), recording which messages in
/// which language `t()` is asked for: one bit each of `slots`, by [`Locales::slot`].
/// The dev server keeps them with the file, to render it again when one changes.
pub fn recording<T>(slots: usize, render: impl FnOnce() -> T) -> (T, Vec<u64>) {
    USED.with(|u| *u.borrow_mut() = Some(vec![0; slots.div_ceil(64)]));
    let done = render();
    let used = USED.with(|u| u.borrow_mut().take()).unwrap_or_default();
    (done, used)
}

/// Notes that message `id` (or `id.attribute`) was asked for in `lang`, when recording.
fn record(locales: &Locales, lang: &Lang, id: &str) {
    USED.with(|u| {
        if let Some(bits) = u.borrow_mut().as_mut() {
            let message = id.split_once('.').map_or(id, |(m, _)| m);
            if let Some(n) = locales.slot(lang, message)
                && let Some(word) = bits.get_mut(n / 64)
            {
                *word |= 1 << (n % 64);
            }
        }
    });
}

/// Every message (and attribute) that takes no arguments, formatted once per language:
/// pages ask for the same few dozen texts thousands of times.
fn plain_messages(locales: &Locales) -> Plain {
    let mut ids = std::collections::BTreeSet::new();
    for lang in locales.langs() {
        for (id, info) in locales.messages(lang).into_iter().flatten() {
            ids.insert(id.clone());
            ids.extend(info.attributes.keys().map(|a| format!("{id}.{a}")));
        }
    }
    let mut plain = Plain::default();
    for lang in locales.langs() {
        let texts = plain.entry(lang.clone()).or_default();
        for id in &ids {
            // A message that needs arguments fails without them, and is not kept.
            if let Ok(text) = locales.format(lang, id, &[]) {
                texts.insert(id.clone(), Value::from(text));
            }
        }
    }
    plain
}

/// Texts of messages without arguments, by language and id, as the template values
/// `t()` returns (a clone shares the text).
type Plain = HashMap<Lang, HashMap<String, Value, FastHash>, FastHash>;

/// The page's language: the context's top-level `lang`.
fn page_lang<'l>(locales: &'l Locales, state: &State, caller: &str) -> TeraResult<&'l Lang> {
    // The common case without parsing: `lang` is exactly one of the site's codes.
    if let Ok(Some(value)) = state.get::<Value>("lang")
        && let Some(lang) = value
            .as_str()
            .and_then(|code| locales.langs().find(|l| l.as_str() == code))
    {
        return Ok(lang);
    }
    let code: String = state.get("lang")?.ok_or_else(|| {
        Error::message(format!(
            "{caller} needs the page's language, but the context has no `lang`"
        ))
    })?;
    Lang::parse(&code)
        .and_then(|lang| locales.langs().find(|l| **l == lang))
        .ok_or_else(|| {
            Error::message(format!(
                "{caller}: `{code}` is not one of the site's languages"
            ))
        })
}

fn formatter<'l>(locales: &'l Locales, lang: &Lang, caller: &str) -> TeraResult<&'l Formatter> {
    locales
        .formatter(lang)
        .ok_or_else(|| Error::message(format!("{caller}: no formatter for `{lang}`")))
}

/// `t(id="site-title", count=3)`: every argument but `id` is passed to the message.
/// `for_lang="en"` picks another language, for the one page that speaks all of them
/// (the root language chooser); other pages never need it.
fn translate(
    locales: &Locales,
    plain: &Plain,
    kwargs: &Kwargs,
    state: &State,
) -> TeraResult<Value> {
    let lang = match kwargs.get::<String>("for_lang")? {
        Some(code) => Lang::parse(&code)
            .and_then(|l| locales.langs().find(|x| **x == l))
            .ok_or_else(|| {
                Error::message(format!("t(): `{code}` is not one of the site's languages"))
            })?,
        None => page_lang(locales, state, "t()")?,
    };
    // The id as text without copying it; anything else fails as before.
    let id: std::borrow::Cow<str> = match kwargs.get::<&Value>("id")?.and_then(Value::as_str) {
        Some(id) => id.into(),
        None => kwargs.must_get::<String>("id")?.into(),
    };
    let id = id.as_ref();
    record(locales, lang, id);
    let mut args = Vec::new();
    for (key, value) in kwargs.iter() {
        if matches!(key.as_str(), Some("id" | "for_lang")) {
            continue;
        }
        let name = key.to_string();
        let value = arg_value(id, &name, value)?;
        args.push((name, value));
    }
    if args.is_empty()
        && let Some(text) = plain.get(lang).and_then(|m| m.get(id))
    {
        return Ok(text.clone());
    }
    locales
        .format(lang, id, &args)
        .map(Value::from)
        .map_err(|e| Error::message(format!("t(): {e}")))
}

fn arg_value(id: &str, name: &str, value: &Value) -> TeraResult<ArgValue> {
    if let Some(text) = value.as_str() {
        return Ok(ArgValue::from(text));
    }
    match value.as_number() {
        Some(n) => Ok(ArgValue::Number(n.as_float())),
        None => Err(Error::message(format!(
            "t(id=\"{id}\"): argument `{name}` is {}, not text or a number",
            value.name()
        ))),
    }
}

/// `6500 | number` → `6.500`; `0.15 | number(style="percent")` → `15%`.
fn number(locales: &Locales, value: Number, kwargs: &Kwargs, state: &State) -> TeraResult<String> {
    let lang = page_lang(locales, state, "number")?;
    let style = match kwargs.get::<String>("style")?.as_deref() {
        None | Some("decimal") => NumberStyle::Decimal,
        Some("percent") => NumberStyle::Percent,
        Some(other) => {
            return Err(Error::message(format!(
                "number: unknown style `{other}` (use decimal or percent)"
            )));
        }
    };
    let options = NumberOptions {
        style,
        min_fraction: kwargs.get("min_fraction")?,
        max_fraction: kwargs.get("max_fraction")?,
    };
    formatter(locales, lang, "number")?
        .number(value.as_float(), options)
        .map_err(|e| Error::message(format!("number: {e}")))
}

/// `page.date | date(format="weekday")` → `donderdag 26 november 2026`.
fn date(locales: &Locales, value: &str, kwargs: &Kwargs, state: &State) -> TeraResult<String> {
    let lang = page_lang(locales, state, "date")?;
    let format: Option<String> = kwargs.get("format")?;
    let style = DateStyle::parse(format.as_deref().unwrap_or("long"))
        .map_err(|e| Error::message(format!("date: {e}")))?;
    formatter(locales, lang, "date")?
        .date(value, style)
        .map_err(|e| Error::message(format!("date: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::locales::FtlSource;
    use std::path::Path;

    const SITE: &str = "base_url: https://example.nl\ntheme: t\nlanguages:\n  - {code: nl, name: Nederlands, default: true}\n  - {code: en, name: English, locale: en-GB}\n";
    const NL: &str = "items = { $count ->\n    [one] { $count } onderdeel\n   *[other] { $count } onderdelen\n}\ngreeting = Hallo { $name }\n    .title = Welkom\n";
    const EN: &str = "items = { $count ->\n    [one] { $count } item\n   *[other] { $count } items\n}\ngreeting = Hello { $name }\n    .title = Welcome\n";
    const PAGE: &str = "{{ t(id=\"items\", count=count) }} | {{ t(id=\"items\", count=1) }} | {{ count | number }} | {{ share | number(style=\"percent\") }} | {{ 2.5 | number(min_fraction=2) }} | {{ when | date(format=\"weekday\") }} {{ when | date(format=\"time\") }} | {{ when | date }} | {{ t(id=\"greeting.title\") }} | {{ t(id=\"greeting\", name=\"<b>Anna</b>\") }}";

    fn tera_with(template: &str) -> Tera {
        let config = Config::parse(Path::new("."), SITE).unwrap();
        let lang = |c: &str| Lang::parse(c).unwrap();
        let files = [
            FtlSource {
                path: Path::new("locales/nl/main.ftl"),
                lang: lang("nl"),
                text: NL,
            },
            FtlSource {
                path: Path::new("locales/en/main.ftl"),
                lang: lang("en"),
                text: EN,
            },
        ];
        let (locales, _) = Locales::load(&config, &files).unwrap();
        let mut tera = Tera::default();
        register(&mut tera, Arc::new(locales));
        tera.add_raw_template("page.html", template).unwrap();
        tera
    }

    fn context(lang: Option<&str>) -> tera::Context {
        let mut context = tera::Context::new();
        if let Some(lang) = lang {
            context.insert("lang", lang);
        }
        context.insert("count", &6500);
        context.insert("share", &0.15);
        context.insert("when", "2026-11-26T19:30:00+01:00");
        context
    }

    /// The render error with its whole chain of causes.
    fn render_error(template: &str, context: &tera::Context) -> String {
        let err = tera_with(template)
            .render("page.html", context)
            .unwrap_err();
        let mut text = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            text.push_str(&format!(" / {cause}"));
            source = cause.source();
        }
        text
    }

    #[test]
    fn renders_in_the_language_of_each_context() {
        let tera = tera_with(PAGE);
        let nl = tera.render("page.html", &context(Some("nl"))).unwrap();
        assert_eq!(
            nl,
            "6.500 onderdelen | 1 onderdeel | 6.500 | 15% | 2,50 | donderdag 26 november 2026 19:30 | 26 november 2026 | Welkom | Hallo &lt;b&gt;Anna&lt;/b&gt;"
        );
        let en = tera.render("page.html", &context(Some("en"))).unwrap();
        assert_eq!(
            en,
            "6,500 items | 1 item | 6,500 | 15% | 2.50 | Thursday, 26 November 2026 19:30 | 26 November 2026 | Welcome | Hello &lt;b&gt;Anna&lt;/b&gt;"
        );
    }

    #[test]
    fn an_explicit_lang_argument_picks_that_language() {
        let tera = tera_with(
            "{{ t(id=\"greeting\", for_lang=\"en\", name=\"A\") }}|{{ t(id=\"greeting\", name=\"A\") }}",
        );
        let out = tera.render("page.html", &context(Some("nl"))).unwrap();
        assert_eq!(out, "Hello A|Hallo A");
        assert!(
            render_error(
                "{{ t(id=\"greeting\", for_lang=\"de\", name=\"A\") }}",
                &context(Some("nl"))
            )
            .contains("`de` is not one of the site's languages")
        );
    }

    #[test]
    fn a_context_without_lang_fails_the_render() {
        let err = render_error("{{ t(id=\"items\", count=2) }}", &context(None));
        assert!(
            err.contains("t() needs the page's language, but the context has no `lang`"),
            "{err}"
        );
        let err = render_error("{{ 3 | number }}", &context(None));
        assert!(err.contains("number needs the page's language"), "{err}");
    }

    #[test]
    fn fluent_errors_fail_the_render() {
        let err = render_error("{{ t(id=\"nowhere\") }}", &context(Some("en")));
        assert!(
            err.contains("t(): there is no message `nowhere` in en nor in the default language nl"),
            "{err}"
        );
        let err = render_error("{{ t(id=\"greeting\") }}", &context(Some("nl")));
        assert!(
            err.contains("t(): message `greeting` in nl: Unknown variable: $name"),
            "{err}"
        );
        let err = render_error("{{ t(id=\"greeting\", name=[1]) }}", &context(Some("nl")));
        assert!(err.contains("argument `name` is"), "{err}");
    }

    #[test]
    fn bad_dates_and_options_fail_the_render() {
        let err = render_error("{{ \"2026-02-30\" | date }}", &context(Some("nl")));
        assert!(
            err.contains("date: `2026-02-30` is not a date that exists"),
            "{err}"
        );
        let err = render_error("{{ when | date(format=\"year\") }}", &context(Some("nl")));
        assert!(err.contains("unknown date format `year`"), "{err}");
        let err = render_error("{{ 3 | number(style=\"currency\") }}", &context(Some("nl")));
        assert!(err.contains("unknown style `currency`"), "{err}");
        let err = render_error("{{ 3 | number }}", &context(Some("de")));
        assert!(
            err.contains("`de` is not one of the site's languages"),
            "{err}"
        );
    }
}
