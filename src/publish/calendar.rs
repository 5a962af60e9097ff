//! iCalendar (RFC 5545) files: `/<lang>/events.ics` with every event of a language,
//! and `event.ics` beside each event page.
//!
//! Takes the pages with an `event` block; produces calendars with CRLF lines folded at
//! 75 octets (never inside a UTF-8 character), escaped TEXT values, a UID per page key
//! shared by every language (`calendar/hydrogen-day-2027@host`), a DTSTAMP from the
//! page's `updated`/`date` (never the clock), and DTSTART/DTEND as `Europe/Amsterdam`
//! wall time with a VTIMEZONE (an explicit offset is converted). A date without a time
//! is an all-day event. Rejects nothing.
//!
//! Written by hand rather than with the `icalendar` crate: its builder has no
//! VTIMEZONE, stamps DTSTAMP from the clock and a random UID into anything that lacks
//! them, and would add chrono and uuid to the build for about a hundred lines.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::date::DateTime;
use crate::lang::Lang;
use crate::locales::Locales;
use crate::site::{Page, Site};

use super::{absolute, host, pages_in, site_title, time};

/// The VTIMEZONE for [`time::TZID`]: CET, and CEST from the last Sunday of March to the
/// last Sunday of October.
const VTIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Amsterdam",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19810329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19961027T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// The event pages of `lang`, by start (then key).
pub fn events(site: &Site, lang: &Lang) -> Vec<usize> {
    by_start(site, pages_in(site, lang).map(|(i, _)| i))
}

/// The event pages among `pages` (indices into the site), by start, then key.
pub fn by_start(site: &Site, pages: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut list: Vec<(time::Instant, &str, usize)> = pages
        .filter_map(|i| {
            let p = &site.pages[i];
            let e = p.doc.front.event.as_ref()?;
            Some((time::instant(&e.start), p.doc.key.as_str(), i))
        })
        .collect();
    list.sort();
    list.into_iter().map(|(_, _, i)| i).collect()
}

/// The calendar's URL in `lang`.
pub fn url(lang: &Lang) -> String {
    format!("/{lang}/events.ics")
}

/// Every calendar file by output path.
pub fn render(
    site: &Site,
    config: &Config,
    locales: Option<&Locales>,
) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for lang in config.langs() {
        let list = events(site, lang);
        if list.is_empty() {
            continue;
        }
        let name = site_title(site, config, locales, lang);
        let pages: Vec<&Page> = list.iter().map(|&i| &site.pages[i]).collect();
        files.insert(
            url(lang)[1..].to_string(),
            calendar(config, &name, &pages).into_bytes(),
        );
        for p in pages {
            let path = format!("{}event.ics", &p.url.as_str()[1..]);
            let title = format!("{} – {name}", p.doc.front.title);
            files.insert(path, calendar(config, &title, &[p]).into_bytes());
        }
    }
    files
}

/// A VCALENDAR with one VEVENT per page.
pub fn calendar(config: &Config, name: &str, pages: &[&Page]) -> String {
    let mut ics = Ics::default();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//diptych//static site generator//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        ics.line(l);
    }
    ics.line(&format!("X-WR-CALNAME:{}", escape_text(name)));
    ics.line(&format!("X-WR-TIMEZONE:{}", time::TZID));
    for l in VTIMEZONE {
        ics.line(l);
    }
    for p in pages {
        vevent(&mut ics, config, p);
    }
    ics.line("END:VCALENDAR");
    ics.out
}

fn vevent(ics: &mut Ics, config: &Config, p: &Page) {
    let Some(event) = &p.doc.front.event else {
        return;
    };
    let fm = &p.doc.front;
    ics.line("BEGIN:VEVENT");
    ics.line(&format!(
        "UID:{}",
        escape_text(&format!("{}@{}", p.doc.key, host(config)))
    ));
    let stamp = fm
        .updated
        .as_ref()
        .or(fm.date.as_ref())
        .unwrap_or(&event.start);
    ics.line(&format!("DTSTAMP:{}", time::ical_utc(time::instant(stamp))));
    ics.line(&format!("DTSTART{}", when(&event.start, false)));
    match &event.end {
        Some(end) if event.start.time.is_some() && end.time.is_none() => {
            ics.line(&format!("DTEND{}", when(&next_midnight(end), false)));
        }
        Some(end) => ics.line(&format!("DTEND{}", when(end, event.start.time.is_none()))),
        None if event.start.time.is_none() => {
            ics.line(&format!("DTEND{}", when(&event.start, true)));
        }
        None => {}
    }
    ics.line(&format!("SUMMARY:{}", escape_text(&fm.title)));
    let mut description = fm.description.clone().unwrap_or_default();
    if let Some(u) = &event.url {
        if !description.is_empty() {
            description.push('\n');
        }
        description.push_str(u);
    }
    if !description.is_empty() {
        ics.line(&format!("DESCRIPTION:{}", escape_text(&description)));
    }
    if let Some(l) = &event.location {
        ics.line(&format!("LOCATION:{}", escape_text(l)));
    }
    ics.line(&format!("URL:{}", absolute(config, &p.url)));
    ics.line("END:VEVENT");
}

/// `;TZID=Europe/Amsterdam:20270318T093000`, or `;VALUE=DATE:20270318` for a date
/// (`exclusive_end` moves a date to the next day, as DTEND of an all-day event is).
fn when(dt: &DateTime, exclusive_end: bool) -> String {
    if dt.time.is_none() {
        let days = time::days_from_civil(dt.year, dt.month, dt.day) + i64::from(exclusive_end);
        let (y, m, d) = time::civil_from_days(days);
        return format!(";VALUE=DATE:{y:04}{m:02}{d:02}");
    }
    let (y, mo, d, h, mi, s) = time::amsterdam_wall(dt);
    format!(
        ";TZID={}:{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}",
        time::TZID
    )
}

/// The midnight after a date (the end of an event that ends on that day).
fn next_midnight(dt: &DateTime) -> DateTime {
    let (year, month, day) =
        time::civil_from_days(time::days_from_civil(dt.year, dt.month, dt.day) + 1);
    DateTime {
        year,
        month,
        day,
        time: Some((0, 0, 0)),
        offset: None,
    }
}

/// TEXT escaping (RFC 5545 3.3.11): backslash, `;`, `,` and newlines.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Content lines, folded and CRLF-terminated.
#[derive(Default)]
struct Ics {
    out: String,
}

impl Ics {
    /// Appends one content line, folded after 75 octets (continuations start with a
    /// space and carry 74), never between the bytes of one character.
    fn line(&mut self, line: &str) {
        let mut rest = line;
        let mut limit = 75;
        loop {
            if rest.len() <= limit {
                self.out.push_str(rest);
                self.out.push_str("\r\n");
                return;
            }
            let mut cut = limit;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            self.out.push_str(&rest[..cut]);
            self.out.push_str("\r\n ");
            rest = &rest[cut..];
            limit = 74;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut ics = Ics::default();
        let long = format!("SUMMARY:{}", "ö".repeat(80));
        ics.line(&long);
        let lines: Vec<&str> = ics.out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(lines.iter().all(|l| l.len() <= 75), "{lines:?}");
        assert!(lines[1..].iter().all(|l| l.starts_with(' ')));
        let unfolded = ics.out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape_text("a\\b;c,d\r\ne"), "a\\\\b\\;c\\,d\\ne");
    }

    #[test]
    fn writes_dates_as_all_day_and_times_in_amsterdam() {
        let d = DateTime::parse("2027-12-31").unwrap();
        assert_eq!(when(&d, true), ";VALUE=DATE:20280101");
        let t = DateTime::parse("2027-05-20T11:00:00Z").unwrap();
        assert_eq!(when(&t, false), ";TZID=Europe/Amsterdam:20270520T130000");
    }
}
