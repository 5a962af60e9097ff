//! What Fluent messages can call, and how they write numbers.
//!
//! Takes a bundle and its language's [`Formatter`]; installs a number formatter (every
//! number placeable, `{ $count }` included, is written per CLDR: `6.500`, not Fluent's
//! ungrouped `6500`), `NUMBER()` (`minimumFractionDigits`, `maximumFractionDigits`,
//! `style: "percent"`) and `DATETIME()` (an ISO 8601 string with `dateStyle: "long"`,
//! `"medium"`, `"short"` or `"full"`, `weekday: "long"`, or `timeStyle: "short"`).
//!
//! Fluent gives functions and formatters no way to report an error: they can only
//! return text. So a failure is returned as text wrapped in [`MARK`] characters, and
//! [`reported_error`] finds it in the formatted message, which then fails.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::{FluentNumber, FluentNumberStyle};
use fluent_bundle::{FluentArgs, FluentError, FluentResource, FluentValue};
use intl_memoizer::Memoizable;
use intl_memoizer::concurrent::IntlLangMemoizer;
use std::sync::Arc;
use unic_langid::LanguageIdentifier;

use crate::format::{DateStyle, Formatter, NumberOptions, NumberStyle};

/// Wraps an error reported from inside Fluent formatting. NUL never appears in text a
/// page should show.
const MARK: char = '\u{0}';

/// Installs the number formatter, `NUMBER()` and `DATETIME()` on `bundle`.
pub(crate) fn install(
    bundle: &mut FluentBundle<FluentResource>,
    formatter: &Arc<Formatter>,
) -> Result<(), FluentError> {
    bundle.set_formatter(Some(format_value));
    bundle.add_function("NUMBER", number)?;
    let formatter = Arc::clone(formatter);
    bundle.add_function("DATETIME", move |positional, named| {
        datetime(&formatter, positional, named)
    })
}

/// The error a function or the number formatter reported while `text` was formatted.
pub(crate) fn reported_error(text: &str) -> Option<&str> {
    let start = text.find(MARK)? + MARK.len_utf8();
    let end = text[start..].find(MARK).map_or(text.len(), |i| start + i);
    Some(&text[start..end])
}

fn error_value(message: String) -> FluentValue<'static> {
    FluentValue::String(format!("{MARK}{message}{MARK}").into())
}

/// The bundle's [`Formatter`], built once per bundle by Fluent's memoizer from the
/// bundle's locale (a formatter hook must be a plain `fn`, so it cannot hold one).
struct BundleFormatter(Formatter);

impl Memoizable for BundleFormatter {
    type Args = ();
    type Error = String;

    fn construct(lang: LanguageIdentifier, _: ()) -> Result<Self, String> {
        Formatter::new(&lang.to_string()).map(BundleFormatter)
    }
}

/// Fluent's hook for writing any value: numbers go through CLDR, the rest as usual.
fn format_value(value: &FluentValue, intls: &IntlLangMemoizer) -> Option<String> {
    let FluentValue::Number(number) = value else {
        return None;
    };
    let written = intls
        .with_try_get::<BundleFormatter, _, _>((), |f| write_number(&f.0, number))
        .and_then(|result| result);
    Some(written.unwrap_or_else(|e| format!("{MARK}{e}{MARK}")))
}

fn write_number(formatter: &Formatter, number: &FluentNumber) -> Result<String, String> {
    let options = &number.options;
    let style = match options.style {
        FluentNumberStyle::Decimal => NumberStyle::Decimal,
        FluentNumberStyle::Percent => NumberStyle::Percent,
        FluentNumberStyle::Currency => {
            return Err("NUMBER(): the currency style is not supported".into());
        }
    };
    let digits = |d: Option<usize>| d.map(|d| u8::try_from(d).unwrap_or(u8::MAX));
    let options = NumberOptions {
        style,
        min_fraction: digits(options.minimum_fraction_digits),
        max_fraction: digits(options.maximum_fraction_digits),
    };
    formatter
        .number(number.value, options)
        .map_err(|e| format!("NUMBER(): {e}"))
}

/// `NUMBER($n, minimumFractionDigits: 2)`: the number with formatting options, still a
/// number so it can select a plural variant.
fn number<'a>(positional: &[FluentValue<'a>], named: &FluentArgs) -> FluentValue<'a> {
    match positional {
        [FluentValue::Number(n)] => {
            let mut n = n.clone();
            n.options.merge(named);
            FluentValue::Number(n)
        }
        [FluentValue::String(s)] => error_value(format!("NUMBER(): `{s}` is not a number")),
        _ => error_value("NUMBER() takes one number".into()),
    }
}

/// `DATETIME($date, dateStyle: "long")`: an ISO 8601 date in the bundle's locale.
fn datetime<'a>(
    formatter: &Formatter,
    positional: &[FluentValue<'a>],
    named: &FluentArgs,
) -> FluentValue<'a> {
    let [FluentValue::String(iso)] = positional else {
        return error_value("DATETIME() takes one ISO 8601 date string".into());
    };
    match date_style(named).and_then(|style| formatter.date(iso, style)) {
        Ok(text) => FluentValue::String(text.into()),
        Err(e) => error_value(format!("DATETIME(): {e}")),
    }
}

/// Reads `timeStyle`, `weekday` and `dateStyle`, in that order of precedence; `long`
/// when none is given.
fn date_style(named: &FluentArgs) -> Result<DateStyle, String> {
    let option = |name: &str| match named.get(name) {
        None => Ok(None),
        Some(FluentValue::String(s)) => Ok(Some(s.to_string())),
        Some(_) => Err(format!("option `{name}` must be a string")),
    };
    if let Some(style) = option("timeStyle")? {
        return match style.as_str() {
            "short" => Ok(DateStyle::Time),
            other => Err(format!("timeStyle `{other}` is not supported (use short)")),
        };
    }
    if let Some(weekday) = option("weekday")? {
        return match weekday.as_str() {
            "long" => Ok(DateStyle::Weekday),
            other => Err(format!("weekday `{other}` is not supported (use long)")),
        };
    }
    match option("dateStyle")?.as_deref() {
        None | Some("long") => Ok(DateStyle::Long),
        Some("full") => Ok(DateStyle::Weekday),
        Some("medium") => Ok(DateStyle::Medium),
        Some("short") => Ok(DateStyle::Short),
        Some(other) => Err(format!(
            "dateStyle `{other}` is not supported (use long, medium, short or full)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_reported_error_in_formatted_text() {
        let text = format!("Op {MARK}DATETIME(): bad{MARK}.");
        assert_eq!(reported_error(&text), Some("DATETIME(): bad"));
        assert_eq!(reported_error("Op 26 november."), None);
    }
}
