//! Instants and Amsterdam wall time for feeds, sitemaps and calendars.
//!
//! Takes the [`DateTime`]s pages write (a date, a wall time, or a time with an offset);
//! produces UTC instants, RFC 3339 strings and wall times in `Europe/Amsterdam` (CET,
//! CEST from the last Sunday of March to the last Sunday of October, 01:00 UTC). A
//! time without an offset is Amsterdam wall time; a date alone is its midnight there.
//! Rejects nothing: every value `DateTime::parse` accepts has an instant.

use crate::date::DateTime;

/// The zone events are written in.
pub const TZID: &str = "Europe/Amsterdam";

/// Seconds since 1970-01-01T00:00:00Z.
pub type Instant = i64;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number: `(year, month, day)`.
pub fn civil_from_days(z: i64) -> (i32, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    ((yoe + era * 400 + i64::from(m <= 2)) as i32, m, d)
}

/// The day number of the last Sunday of a month.
fn last_sunday(year: i32, month: u8) -> i64 {
    let next = if month == 12 {
        days_from_civil(year + 1, 1, 1)
    } else {
        days_from_civil(year, month + 1, 1)
    };
    let last = next - 1;
    // 1970-01-01 was a Thursday: weekday 0 = Sunday is (days + 4) mod 7.
    last - (last + 4).rem_euclid(7)
}

/// Amsterdam's offset from UTC in seconds at an instant (EU rules since 1996).
pub fn amsterdam_offset(at: Instant) -> i64 {
    let (year, _, _) = civil_from_days(at.div_euclid(86_400));
    let start = last_sunday(year, 3) * 86_400 + 3_600;
    let end = last_sunday(year, 10) * 86_400 + 3_600;
    if (start..end).contains(&at) {
        7_200
    } else {
        3_600
    }
}

fn wall_seconds(dt: &DateTime) -> i64 {
    let (h, m, s) = dt.time.unwrap_or((0, 0, 0));
    days_from_civil(dt.year, dt.month, dt.day) * 86_400
        + i64::from(h) * 3_600
        + i64::from(m) * 60
        + i64::from(s)
}

/// The instant a page's date or date-time stands for.
pub fn instant(dt: &DateTime) -> Instant {
    let wall = wall_seconds(dt);
    match dt.offset.as_deref() {
        Some("Z") => wall,
        Some(o) => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let h: i64 = o[1..3].parse().unwrap_or(0);
            let m: i64 = o[4..6].parse().unwrap_or(0);
            wall - sign * (h * 3_600 + m * 60)
        }
        None => {
            // Standard time first; a wall time in the autumn overlap is read as CEST.
            let guess = wall - 3_600;
            let summer = wall - 7_200;
            if amsterdam_offset(summer) == 7_200 {
                summer
            } else {
                guess
            }
        }
    }
}

/// Broken-down time: `(year, month, day, hour, minute, second)`.
pub type Civil = (i32, u8, u8, u8, u8, u8);

/// The wall time at an instant with a given offset.
pub fn civil(at: Instant, offset: i64) -> Civil {
    let local = at + offset;
    let (y, mo, d) = civil_from_days(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    (
        y,
        mo,
        d,
        (secs / 3_600) as u8,
        (secs % 3_600 / 60) as u8,
        (secs % 60) as u8,
    )
}

/// Amsterdam wall time of a page's date-time (an explicit offset is converted).
pub fn amsterdam_wall(dt: &DateTime) -> Civil {
    let at = instant(dt);
    civil(at, amsterdam_offset(at))
}

/// RFC 3339 in Amsterdam time: `2027-03-18T09:30:00+01:00`.
pub fn rfc3339(dt: &DateTime) -> String {
    let at = instant(dt);
    let off = amsterdam_offset(at);
    let (y, mo, d, h, mi, s) = civil(at, off);
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}+{:02}:00",
        off / 3_600
    )
}

/// The W3C date a sitemap's `lastmod` takes: the date alone, or RFC 3339.
pub fn w3c(dt: &DateTime) -> String {
    if dt.time.is_none() {
        dt.date_iso()
    } else {
        rfc3339(dt)
    }
}

/// iCalendar UTC form: `20261005T000000Z`.
pub fn ical_utc(at: Instant) -> String {
    let (y, mo, d, h, mi, s) = civil(at, 0);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(s: &str) -> DateTime {
        DateTime::parse(s).unwrap()
    }

    #[test]
    fn round_trips_day_numbers() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }

    #[test]
    fn switches_to_summer_time_on_the_last_sunday_of_march() {
        // 2027-03-28 is the last Sunday of March 2027; the switch is at 01:00 UTC.
        assert_eq!(
            rfc3339(&dt("2027-03-28T01:59")),
            "2027-03-28T01:59:00+01:00"
        );
        assert_eq!(
            rfc3339(&dt("2027-03-28T03:00")),
            "2027-03-28T03:00:00+02:00"
        );
        assert_eq!(
            rfc3339(&dt("2027-10-31T12:00")),
            "2027-10-31T12:00:00+01:00"
        );
        assert_eq!(
            rfc3339(&dt("2027-10-30T12:00")),
            "2027-10-30T12:00:00+02:00"
        );
    }

    #[test]
    fn converts_explicit_offsets_to_amsterdam_wall_time() {
        assert_eq!(
            amsterdam_wall(&dt("2027-05-20T11:00:00Z")),
            (2027, 5, 20, 13, 0, 0)
        );
        assert_eq!(
            amsterdam_wall(&dt("2027-01-10T23:30:00-05:00")),
            (2027, 1, 11, 5, 30, 0)
        );
        assert_eq!(ical_utc(instant(&dt("2026-10-05"))), "20261004T220000Z");
    }
}
