//! Dates and date-times as pages write them.
//!
//! Takes `2026-11-26`, `2026-11-26T19:30`, `2026-11-26 19:30:00` or the same with `Z` or
//! an offset (`+01:00`); produces a [`DateTime`] that sorts chronologically and prints
//! as ISO 8601. Rejects other shapes and impossible dates ("February 2026 has 28 days").

use std::fmt;

/// A calendar date with an optional wall-clock time (and the offset, if one was given).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// Hour, minute, second.
    pub time: Option<Clock>,
    /// `Z` or `+01:00` as written.
    pub offset: Option<String>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl DateTime {
    /// Parses an ISO 8601 date or date-time; the error says what is wrong in words.
    pub fn parse(s: &str) -> Result<DateTime, String> {
        let s = s.trim();
        let (date, rest) = if s.len() > 10 {
            // Byte 10 inside a multi-byte character: not a date either.
            s.split_at_checked(10).ok_or_else(|| not_a_date(s))?
        } else {
            (s, "")
        };
        let parts: Vec<&str> = date.split('-').collect();
        let [y, m, d] = parts[..] else {
            return Err(not_a_date(s));
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(not_a_date(s));
        }
        let (year, month, day) = (number(y, s)? as i32, number(m, s)?, number(d, s)?);
        if !(1..=12).contains(&month) {
            return Err(format!("`{s}` has month {month}; months are 01 to 12"));
        }
        let days = days_in_month(year, month);
        if day == 0 || day > days {
            return Err(format!(
                "`{s}` does not exist: {} {year} has {days} days",
                MONTHS[month as usize - 1]
            ));
        }
        let (time, offset) = match rest {
            "" => (None, None),
            rest => time_of_day(rest, s).map(|(t, o)| (Some(t), o))?,
        };
        Ok(DateTime {
            year,
            month: month as u8,
            day: day as u8,
            time,
            offset,
        })
    }

    /// The UTC calendar date `secs` seconds after 1970-01-01.
    pub fn from_unix_seconds(secs: i64) -> DateTime {
        let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
        DateTime {
            year: year as i32,
            month: month as u8,
            day: day as u8,
            time: None,
            offset: None,
        }
    }

    /// Today's UTC date from the system clock (for `diptych new` and the dev server;
    /// builds take their date as input instead).
    pub fn today() -> DateTime {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        DateTime::from_unix_seconds(i64::try_from(secs).unwrap_or(0))
    }

    /// `2026-11-26`.
    pub fn date_iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Hour, minute, second.
pub type Clock = (u8, u8, u8);

/// What is said of `s` when it has not the shape of a date.
fn not_a_date(s: &str) -> String {
    format!("`{s}` is not a date (expected `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`)")
}

/// The digits `t` (of the date `s`) as a number.
fn number(t: &str, s: &str) -> Result<u32, String> {
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_date(s));
    }
    t.parse().map_err(|_| not_a_date(s))
}

/// The time of day and offset after the date in `s`: `rest` is `T14:30`, `T14:30:05Z`,
/// ` 14:30+01:00` and the like.
fn time_of_day(rest: &str, s: &str) -> Result<(Clock, Option<String>), String> {
    let rest = rest.strip_prefix(['T', ' ']).ok_or_else(|| not_a_date(s))?;
    let (clock, offset) = match rest.find(['Z', '+', '-']) {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let hms: Vec<&str> = clock.split(':').collect();
    if !(2..=3).contains(&hms.len()) || hms.iter().any(|p| p.len() != 2) {
        return Err(not_a_date(s));
    }
    let (h, mi) = (number(hms[0], s)?, number(hms[1], s)?);
    let sec = if hms.len() == 3 {
        number(hms[2], s)?
    } else {
        0
    };
    if h > 23 || mi > 59 || sec > 59 {
        return Err(format!("`{s}` has an impossible time of day"));
    }
    if let Some(o) = offset
        && !is_offset(o)
    {
        return Err(format!("`{s}` has an offset `{o}`; write `Z` or `+01:00`"));
    }
    Ok(((h as u8, mi as u8, sec as u8), offset.map(str::to_string)))
}

fn is_offset(o: &str) -> bool {
    o == "Z"
        || (o.len() == 6
            && o.as_bytes()[3] == b':'
            && o[1..3]
                .bytes()
                .chain(o[4..].bytes())
                .all(|b| b.is_ascii_digit()))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for DateTime {
    /// ISO 8601: `2026-11-26` or `2026-11-26T19:30:00` (with the offset if given).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.date_iso())?;
        if let Some((h, m, s)) = self.time {
            write!(
                f,
                "T{h:02}:{m:02}:{s:02}{}",
                self.offset.as_deref().unwrap_or("")
            )?;
        }
        Ok(())
    }
}

impl serde::Serialize for DateTime {
    /// As written (`2026-03-01T10:00:00+01:00`); to a fingerprint (not human-readable), as
    /// its fields, which make the text and cost no formatting.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            let DateTime {
                year,
                month,
                day,
                time,
                offset,
            } = self;
            (year, month, day, time, offset).serialize(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_fingerprint_alike_exactly_when_they_are_written_alike() {
        let dates: Vec<DateTime> = [
            "2026-03-01",
            "2026-03-01T10:00",
            "2026-03-01T10:00:00Z",
            "2026-03-01T10:00:00+01:00",
            "2026-03-10",
            "2026-10-03",
        ]
        .iter()
        .map(|d| DateTime::parse(d).unwrap())
        .collect();
        for a in &dates {
            for b in &dates {
                let same_text = a.to_string() == b.to_string();
                let same_print =
                    crate::fingerprint::fingerprint(0, a) == crate::fingerprint::fingerprint(0, b);
                assert_eq!(same_text, same_print, "{a} and {b}");
            }
        }
    }

    #[test]
    fn rejects_non_ascii_at_the_tenth_byte_without_panicking() {
        // Found by the `frontmatter` fuzz target.
        assert!(DateTime::parse("2026-11\u{64d}\u{26b}25:00").is_err());
        assert!(DateTime::parse("2026-11-2ë").is_err());
    }

    #[test]
    fn parses_dates_and_times() {
        assert_eq!(
            DateTime::parse("2026-11-26").unwrap().to_string(),
            "2026-11-26"
        );
        assert_eq!(
            DateTime::parse("2026-11-26T19:30").unwrap().to_string(),
            "2026-11-26T19:30:00"
        );
        assert_eq!(
            DateTime::parse("2026-11-26 19:30:05+01:00")
                .unwrap()
                .to_string(),
            "2026-11-26T19:30:05+01:00"
        );
        assert_eq!(DateTime::parse("2024-02-29").unwrap().day, 29);
    }

    #[test]
    fn rejects_impossible_dates_in_words() {
        assert_eq!(
            DateTime::parse("2026-02-29").unwrap_err(),
            "`2026-02-29` does not exist: February 2026 has 28 days"
        );
        assert!(
            DateTime::parse("2026-13-01")
                .unwrap_err()
                .contains("months are 01 to 12")
        );
        assert!(DateTime::parse("26-11-2026").is_err());
        assert!(
            DateTime::parse("2026-11-26T25:00")
                .unwrap_err()
                .contains("impossible time")
        );
        assert!(DateTime::parse("tomorrow").is_err());
    }

    #[test]
    fn knows_the_calendar() {
        assert_eq!(DateTime::from_unix_seconds(0).to_string(), "1970-01-01");
        assert_eq!(
            DateTime::from_unix_seconds(20_783 * 86_400 + 3600).to_string(),
            "2026-11-26"
        );
        assert_eq!(
            DateTime::from_unix_seconds(19_782 * 86_400).to_string(),
            "2024-02-29"
        );
        assert_eq!(DateTime::from_unix_seconds(-1).to_string(), "1969-12-31");
    }

    #[test]
    fn sorts_chronologically() {
        let a = DateTime::parse("2026-01-31").unwrap();
        let b = DateTime::parse("2026-02-01").unwrap();
        let c = DateTime::parse("2026-02-01T08:00").unwrap();
        assert!(a < b && b < c);
    }
}
