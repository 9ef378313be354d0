//! Dutch time: the platform shows moments and decides "today" in Europe/Amsterdam, whatever the
//! server's own time zone (servers and containers often run on UTC). Pure: the caller reads the
//! clock.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Offset, Utc};

/// The last Sunday of `month` in `year`.
fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap_or_default();
    let last = first_next - Duration::days(1);
    let back = last.weekday().num_days_from_sunday();
    last - Duration::days(i64::from(back))
}

/// The offset of Dutch time at `t`: +2 h in summer time (from the last Sunday of March, 01:00
/// UTC, to the last Sunday of October, 01:00 UTC, as the EU rule says), +1 h otherwise.
pub fn offset_at(t: DateTime<Utc>) -> FixedOffset {
    let year = t.year();
    let start = last_sunday(year, 3)
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default();
    let end = last_sunday(year, 10)
        .and_hms_opt(1, 0, 0)
        .unwrap_or_default();
    let naive = t.naive_utc();
    let hours = if naive >= start && naive < end { 2 } else { 1 };
    FixedOffset::east_opt(hours * 3600).unwrap_or_else(|| Utc.fix())
}

/// `t` in Dutch time.
pub fn dutch(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&offset_at(t))
}

/// The date in the Netherlands at `t`.
pub fn dutch_date(t: DateTime<Utc>) -> NaiveDate {
    dutch(t).date_naive()
}

/// Today in the Netherlands (whatever the server's time zone), read from the system clock.
pub fn today() -> chrono::NaiveDate {
    dutch_date(chrono::Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn winter_and_summer_time_with_the_eu_switch_moments() {
        assert_eq!(
            last_sunday(2026, 3),
            NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()
        );
        assert_eq!(
            last_sunday(2026, 10),
            NaiveDate::from_ymd_opt(2026, 10, 25).unwrap()
        );
        let fmt = |s| dutch(utc(s)).format("%Y-%m-%d %H:%M").to_string();
        assert_eq!(fmt("2026-11-29T02:26:00Z"), "2026-11-29 03:26");
        assert_eq!(fmt("2026-07-01T12:00:00Z"), "2026-07-01 14:00");
        assert_eq!(fmt("2026-03-29T00:59:00Z"), "2026-03-29 01:59");
        assert_eq!(fmt("2026-03-29T01:00:00Z"), "2026-03-29 03:00");
        assert_eq!(fmt("2026-10-25T00:59:00Z"), "2026-10-25 02:59");
        assert_eq!(fmt("2026-10-25T01:00:00Z"), "2026-10-25 02:00");
        // Late in the evening UTC it is already tomorrow in the Netherlands.
        assert_eq!(
            dutch_date(utc("2026-12-31T23:30:00Z")),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }
}
