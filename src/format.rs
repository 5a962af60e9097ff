//! CLDR number and date formatting for one locale, from ICU4X compiled data.
//!
//! Takes a locale string (`nl`, `en-GB`, `fy`, `de`); produces a [`Formatter`] that
//! writes numbers (grouping, decimals, percent) and ISO 8601 dates and times the way
//! CLDR says that locale writes them. Separators and patterns all come from CLDR; none
//! are written here. Rejects locale strings ICU cannot parse, numbers that are not
//! finite, fraction-digit options out of range, and dates that are malformed or do not
//! exist (`2026-02-30`). A date-time's UTC offset is ignored: it is shown as the wall
//! time written.

use fixed_decimal::{Decimal, SignedRoundingMode, UnsignedRoundingMode};
use icu_calendar::{Date, Gregorian};
use icu_datetime::fieldsets::{T, YMD, YMDE};
use icu_datetime::input::Time;
use icu_datetime::{FixedCalendarDateTimeFormatter, NoCalendarFormatter};
use icu_decimal::DecimalFormatter;
use icu_experimental::dimension::percent::formatter::PercentFormatter;
use icu_locale_core::Locale;

/// The most fraction digits a number may be asked to show.
pub const MAX_FRACTION_DIGITS: u8 = 20;

/// How a number is written: as itself, or multiplied by 100 with the locale's percent
/// pattern (`0.15` → `15%`, in `de` `15 %`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum NumberStyle {
    #[default]
    Decimal,
    Percent,
}

/// Options for [`Formatter::number`]. Unset fraction limits follow CLDR's defaults:
/// at most 3 fraction digits for decimals, 0 for percentages, no minimum.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NumberOptions {
    pub style: NumberStyle,
    pub min_fraction: Option<u8>,
    pub max_fraction: Option<u8>,
}

/// Which parts of a date (or date-time) to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `26 november 2026`, en `November 26, 2026`.
    Long,
    /// `26 nov 2026`, en `Nov 26, 2026`.
    Medium,
    /// `26-11-2026`, en `11/26/26`.
    Short,
    /// The long date with the weekday: `donderdag 26 november 2026`.
    Weekday,
    /// The time of day, hours and minutes: `19:30`, en `7:30 PM`.
    Time,
}

impl DateStyle {
    /// Reads a style name as templates and Fluent write it (`long`, `medium`, `short`,
    /// `weekday`, `time`).
    pub fn parse(name: &str) -> Result<DateStyle, String> {
        match name {
            "long" => Ok(DateStyle::Long),
            "medium" => Ok(DateStyle::Medium),
            "short" => Ok(DateStyle::Short),
            "weekday" => Ok(DateStyle::Weekday),
            "time" => Ok(DateStyle::Time),
            other => Err(format!(
                "unknown date format `{other}` (use long, medium, short, weekday or time)"
            )),
        }
    }
}

/// Formats numbers and dates for one locale. Created once per language; `Send + Sync`.
#[derive(Debug)]
pub struct Formatter {
    locale: String,
    decimal: DecimalFormatter,
    percent: PercentFormatter<DecimalFormatter>,
    long: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    medium: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    short: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    weekday: FixedCalendarDateTimeFormatter<Gregorian, YMDE>,
    time: NoCalendarFormatter<T>,
}

impl Formatter {
    /// Loads CLDR data for `locale` (a BCP 47 tag such as `nl` or `en-GB`). Locales CLDR
    /// has no data for fall back to their parent, and finally to the root locale.
    pub fn new(locale: &str) -> Result<Formatter, String> {
        let loc = Locale::try_from_str(locale)
            .map_err(|e| format!("`{locale}` is not a valid locale: {e}"))?;
        let fail = |what: &str, e: &dyn std::fmt::Display| {
            format!("cannot load {what} formatting data for `{locale}`: {e}")
        };
        let prefs = (&loc).into();
        Ok(Formatter {
            locale: locale.to_string(),
            decimal: DecimalFormatter::try_new((&loc).into(), Default::default())
                .map_err(|e| fail("number", &e))?,
            percent: PercentFormatter::try_new((&loc).into(), Default::default())
                .map_err(|e| fail("percent", &e))?,
            long: FixedCalendarDateTimeFormatter::try_new(prefs, YMD::long())
                .map_err(|e| fail("date", &e))?,
            medium: FixedCalendarDateTimeFormatter::try_new(prefs, YMD::medium())
                .map_err(|e| fail("date", &e))?,
            short: FixedCalendarDateTimeFormatter::try_new(prefs, YMD::short())
                .map_err(|e| fail("date", &e))?,
            weekday: FixedCalendarDateTimeFormatter::try_new(prefs, YMDE::long())
                .map_err(|e| fail("date", &e))?,
            time: NoCalendarFormatter::try_new(prefs, T::hm()).map_err(|e| fail("time", &e))?,
        })
    }

    /// The locale string this formatter was made for.
    pub fn locale(&self) -> &str {
        &self.locale
    }

    /// Writes `value` per CLDR: `6500` → nl `6.500`, en `6,500`.
    pub fn number(&self, value: f64, options: NumberOptions) -> Result<String, String> {
        let percent = options.style == NumberStyle::Percent;
        let decimal = to_decimal(value, percent, options)?;
        Ok(if percent {
            self.percent.format(&decimal).to_string()
        } else {
            self.decimal.format(&decimal).to_string()
        })
    }

    /// Writes an ISO 8601 date (`2026-11-26`) or date-time (`2026-11-26T19:30:00`,
    /// optionally with an offset) in `style`. `Time` needs a date-time.
    pub fn date(&self, iso: &str, style: DateStyle) -> Result<String, String> {
        let (date, time) = parse_iso(iso)?;
        Ok(match style {
            DateStyle::Long => self.long.format(&date).to_string(),
            DateStyle::Medium => self.medium.format(&date).to_string(),
            DateStyle::Short => self.short.format(&date).to_string(),
            DateStyle::Weekday => self.weekday.format(&date).to_string(),
            DateStyle::Time => {
                let time = time.ok_or_else(|| {
                    format!("`{iso}` has no time of day (write it like `2026-11-26T19:30`)")
                })?;
                self.time.format(&time).to_string()
            }
        })
    }
}

/// Turns `value` into a decimal rounded and padded to the fraction limits (after
/// multiplying by 100 for percentages).
fn to_decimal(value: f64, percent: bool, options: NumberOptions) -> Result<Decimal, String> {
    if !value.is_finite() {
        return Err(format!("cannot format `{value}` as a number"));
    }
    let default_max = if percent { 0 } else { 3 };
    let min = options.min_fraction.unwrap_or(0);
    let max = options.max_fraction.unwrap_or(default_max.max(min));
    if min > MAX_FRACTION_DIGITS || max > MAX_FRACTION_DIGITS {
        return Err(format!(
            "fraction digits must be between 0 and {MAX_FRACTION_DIGITS}"
        ));
    }
    if min > max {
        return Err(format!(
            "minimum fraction digits ({min}) are more than the maximum ({max})"
        ));
    }
    // Rust writes the shortest string that reads back as the same f64, never in
    // exponent notation, so the decimal holds exactly the digits the author meant.
    let mut decimal = Decimal::try_from_str(&value.to_string())
        .map_err(|e| format!("cannot format `{value}` as a number: {e}"))?;
    if percent {
        decimal.absolute.multiply_pow10(2);
        // `0.15` was read with its leading zero, which would survive as `015`.
        decimal.absolute.trim_start();
    }
    let half_expand = SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand);
    decimal.round_with_mode(-i16::from(max), half_expand);
    decimal.absolute.trim_end();
    decimal.absolute.pad_end(-i16::from(min));
    Ok(decimal)
}

/// Reads `YYYY-MM-DD`, optionally followed by `T` (or a space) and `HH:MM[:SS[.fff]]`
/// with an optional `Z` or `±HH:MM` offset, which is dropped.
fn parse_iso(iso: &str) -> Result<(Date<Gregorian>, Option<Time>), String> {
    let text = iso.trim();
    let bad = || format!("`{iso}` is not an ISO 8601 date (write it like `2026-11-26`)");
    let (date_part, time_part) = match text.find(['T', 't', ' ']) {
        Some(i) => (&text[..i], Some(&text[i + 1..])),
        None => (text, None),
    };
    let [year, month, day] = split_numbers::<3>(date_part, '-', &[4, 2, 2]).ok_or_else(bad)?;
    let date = Date::try_new_gregorian(year as i32, month as u8, day as u8)
        .map_err(|_| format!("`{iso}` is not a date that exists"))?;
    let time = time_part.map(|t| parse_time(iso, t)).transpose()?;
    Ok((date, time))
}

/// Reads `HH:MM[:SS[.fff]]` with an optional offset (ignored).
fn parse_time(iso: &str, text: &str) -> Result<Time, String> {
    let bad = || format!("`{iso}` has a malformed time (write it like `2026-11-26T19:30`)");
    let wall = match text.find(['Z', 'z', '+', '-']) {
        Some(i) => &text[..i],
        None => text,
    };
    let wall = wall
        .split_once('.')
        .map_or(wall, |(whole, _fraction)| whole);
    let (hour, minute, second) = match wall.matches(':').count() {
        1 => split_numbers::<2>(wall, ':', &[2, 2]).map(|[h, m]| (h, m, 0)),
        2 => split_numbers::<3>(wall, ':', &[2, 2, 2]).map(|[h, m, s]| (h, m, s)),
        _ => None,
    }
    .ok_or_else(bad)?;
    Time::try_new(hour as u8, minute as u8, second as u8, 0)
        .map_err(|_| format!("`{iso}` has a time that does not exist"))
}

/// Splits `text` on `sep` into exactly `N` runs of ASCII digits of the given widths.
fn split_numbers<const N: usize>(text: &str, sep: char, widths: &[usize; N]) -> Option<[u32; N]> {
    let mut out = [0u32; N];
    let mut parts = text.split(sep);
    for (slot, width) in out.iter_mut().zip(widths) {
        let part = parts.next()?;
        if part.len() != *width || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = part.parse().ok()?;
    }
    parts.next().is_none().then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(locale: &str) -> Formatter {
        Formatter::new(locale).unwrap()
    }

    fn num(locale: &str, value: f64) -> String {
        fmt(locale).number(value, NumberOptions::default()).unwrap()
    }

    fn with(style: NumberStyle, min: Option<u8>, max: Option<u8>) -> NumberOptions {
        NumberOptions {
            style,
            min_fraction: min,
            max_fraction: max,
        }
    }

    #[test]
    fn formatter_is_send_and_sync() {
        fn assert_send_sync<X: Send + Sync>() {}
        assert_send_sync::<Formatter>();
    }

    #[test]
    fn groups_thousands_per_locale() {
        assert_eq!(num("nl", 6500.0), "6.500");
        assert_eq!(num("en", 6500.0), "6,500");
        assert_eq!(num("nl", 1234.5), "1.234,5");
        assert_eq!(num("en", 1234.5), "1,234.5");
        assert_eq!(num("en-GB", 1234567.0), "1,234,567");
    }

    #[test]
    fn a_third_locale_follows_cldr() {
        assert_eq!(num("de", 1234.5), "1.234,5");
        assert_eq!(
            fmt("de")
                .number(0.15, with(NumberStyle::Percent, None, None))
                .unwrap(),
            "15\u{a0}%"
        );
        assert_eq!(num("fy", 6500.5), "6.500,5");
    }

    #[test]
    fn writes_percentages_per_locale() {
        let p = with(NumberStyle::Percent, None, None);
        assert_eq!(fmt("en").number(0.15, p).unwrap(), "15%");
        assert_eq!(fmt("nl").number(0.15, p).unwrap(), "15%");
        assert_eq!(
            fmt("nl")
                .number(0.125, with(NumberStyle::Percent, None, Some(1)))
                .unwrap(),
            "12,5%"
        );
        assert_eq!(fmt("en").number(12.5, p).unwrap(), "1,250%");
        assert_eq!(fmt("en").number(0.004, p).unwrap(), "0%");
        assert_eq!(
            fmt("nl")
                .number(0.001, with(NumberStyle::Percent, None, Some(1)))
                .unwrap(),
            "0,1%"
        );
    }

    #[test]
    fn honours_fraction_digit_limits() {
        let f = fmt("nl");
        assert_eq!(
            f.number(3.0, with(NumberStyle::Decimal, Some(2), None))
                .unwrap(),
            "3,00"
        );
        assert_eq!(
            f.number(4.56789, with(NumberStyle::Decimal, None, Some(2)))
                .unwrap(),
            "4,57"
        );
        assert_eq!(
            f.number(2.5, with(NumberStyle::Decimal, None, Some(0)))
                .unwrap(),
            "3"
        );
        assert_eq!(
            f.number(1.23456, NumberOptions::default()).unwrap(),
            "1,235"
        );
        assert_eq!(
            f.number(-1234.5, NumberOptions::default()).unwrap(),
            "-1.234,5"
        );
    }

    #[test]
    fn rejects_impossible_number_options() {
        let f = fmt("nl");
        assert!(
            f.number(1.0, with(NumberStyle::Decimal, Some(3), Some(1)))
                .is_err()
        );
        assert!(
            f.number(1.0, with(NumberStyle::Decimal, Some(21), None))
                .is_err()
        );
        assert!(f.number(f64::NAN, NumberOptions::default()).is_err());
    }

    #[test]
    fn writes_long_dates_per_locale() {
        assert_eq!(
            fmt("nl").date("2026-11-26", DateStyle::Long).unwrap(),
            "26 november 2026"
        );
        assert_eq!(
            fmt("en-GB").date("2026-11-26", DateStyle::Long).unwrap(),
            "26 November 2026"
        );
        assert_eq!(
            fmt("en").date("2026-11-26", DateStyle::Long).unwrap(),
            "November 26, 2026"
        );
    }

    #[test]
    fn writes_short_medium_and_weekday_dates() {
        let nl = fmt("nl");
        assert_eq!(
            nl.date("2026-11-26", DateStyle::Short).unwrap(),
            "26-11-2026"
        );
        assert_eq!(
            nl.date("2026-11-26", DateStyle::Medium).unwrap(),
            "26 nov 2026"
        );
        assert_eq!(
            nl.date("2026-11-26", DateStyle::Weekday).unwrap(),
            "donderdag 26 november 2026"
        );
        assert_eq!(
            fmt("en").date("2026-11-26", DateStyle::Short).unwrap(),
            "11/26/26"
        );
        assert_eq!(
            fmt("en-GB").date("2026-11-26", DateStyle::Short).unwrap(),
            "26/11/2026"
        );
        assert_eq!(
            fmt("en-GB").date("2026-11-26", DateStyle::Weekday).unwrap(),
            "Thursday, 26 November 2026"
        );
        assert_eq!(
            fmt("en").date("2026-11-26", DateStyle::Weekday).unwrap(),
            "Thursday, November 26, 2026"
        );
    }

    #[test]
    fn writes_the_wall_time_of_a_date_time() {
        assert_eq!(
            fmt("nl")
                .date("2026-11-26T19:30:00", DateStyle::Time)
                .unwrap(),
            "19:30"
        );
        assert_eq!(
            fmt("nl")
                .date("2026-11-26T19:30:00+01:00", DateStyle::Time)
                .unwrap(),
            "19:30"
        );
        assert_eq!(
            fmt("en-GB")
                .date("2026-11-26T19:30Z", DateStyle::Time)
                .unwrap(),
            "19:30"
        );
        assert_eq!(
            fmt("nl")
                .date("2026-11-26T19:30:00.5-05:00", DateStyle::Long)
                .unwrap(),
            "26 november 2026"
        );
    }

    #[test]
    fn rejects_malformed_and_impossible_dates() {
        let nl = fmt("nl");
        let err = nl.date("2026-02-30", DateStyle::Long).unwrap_err();
        assert_eq!(err, "`2026-02-30` is not a date that exists");
        assert!(
            nl.date("26-11-2026", DateStyle::Long)
                .unwrap_err()
                .contains("not an ISO 8601 date")
        );
        assert!(nl.date("2026-11-26T25:00", DateStyle::Time).is_err());
        assert!(nl.date("2026-11-26T7:3", DateStyle::Time).is_err());
        assert!(
            nl.date("2026-11-26", DateStyle::Time)
                .unwrap_err()
                .contains("no time of day")
        );
    }

    #[test]
    fn rejects_unparseable_locales() {
        assert!(Formatter::new("not a locale").is_err());
    }
}
