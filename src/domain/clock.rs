//! Dutch time and the clock: the platform shows moments and decides "today" in Europe/Amsterdam
//! (from the time-zone database), whatever the server's own time zone (servers and containers
//! often run on UTC). [`Clock`] is the one place the upper layers read the time from: the system
//! clock in production, a fixed (settable) moment in tests.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

/// Where the time comes from. Cloning shares the clock: setting a fixed clock moves every copy.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// `None`: the system clock; otherwise the fixed moment.
    fixed: Option<Arc<Mutex<DateTime<Utc>>>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// A clock that stands still at `at` until it is [`set`](Clock::set) or
    /// [`advance`](Clock::advance)d.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock {
            fixed: Some(Arc::new(Mutex::new(at))),
        }
    }

    /// The current moment.
    #[allow(clippy::disallowed_methods)] // The one place that reads the system clock.
    pub fn now(&self) -> DateTime<Utc> {
        match &self.fixed {
            None => Utc::now(),
            Some(at) => at.lock().map_or_else(|e| *e.into_inner(), |t| *t),
        }
    }

    /// Today in the Netherlands.
    pub fn today(&self) -> NaiveDate {
        dutch_date(self.now())
    }

    /// Moves a fixed clock to `at`; the system clock cannot be set and ignores this.
    pub fn set(&self, at: DateTime<Utc>) {
        if let Some(fixed) = &self.fixed {
            match fixed.lock() {
                Ok(mut t) => *t = at,
                Err(e) => *e.into_inner() = at,
            }
        }
    }

    /// Moves a fixed clock forward by `by`; the system clock ignores this.
    pub fn advance(&self, by: std::time::Duration) {
        let by = chrono::TimeDelta::from_std(by).unwrap_or(chrono::TimeDelta::MAX);
        let now = self.now();
        self.set(
            now.checked_add_signed(by)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        );
    }
}

/// The time zone of the Netherlands, from the bundled time-zone database.
fn amsterdam() -> &'static jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| {
        jiff::tz::db()
            .get("Europe/Amsterdam")
            .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(1)))
    })
}

/// The offset of Dutch time at `t`: +2 h in summer time, +1 h otherwise (Europe/Amsterdam in
/// the time-zone database).
pub fn offset_at(t: DateTime<Utc>) -> FixedOffset {
    let seconds = jiff::Timestamp::from_second(t.timestamp())
        .map(|ts| amsterdam().to_offset(ts).seconds())
        .unwrap_or(3600);
    FixedOffset::east_opt(seconds).unwrap_or_else(|| Utc.fix())
}

/// `t` in Dutch time.
pub fn dutch(t: DateTime<Utc>) -> DateTime<FixedOffset> {
    t.with_timezone(&offset_at(t))
}

/// The moment of a Dutch wall-clock time, by the time-zone database: where the clocks go back
/// and the time occurs twice, the later reading; where they go forward and it does not occur,
/// the moment as many minutes after the jump.
pub fn from_dutch(local: chrono::NaiveDateTime) -> DateTime<Utc> {
    use chrono::{Datelike, Timelike};
    let narrow = |n: u32| i8::try_from(n).ok();
    let civil = (|| {
        jiff::civil::DateTime::new(
            i16::try_from(local.year()).ok()?,
            narrow(local.month())?,
            narrow(local.day())?,
            narrow(local.hour())?,
            narrow(local.minute())?,
            narrow(local.second())?,
            0,
        )
        .ok()
    })();
    civil
        .and_then(|c| amsterdam().to_ambiguous_timestamp(c).later().ok())
        .and_then(|ts| DateTime::from_timestamp(ts.as_second(), 0))
        .unwrap_or_else(|| {
            // Beyond the years of the time-zone database: the offset of that moment, if any.
            let guess = local.and_utc();
            let offset = chrono::TimeDelta::seconds(i64::from(offset_at(guess).local_minus_utc()));
            guess.checked_sub_signed(offset).unwrap_or(guess)
        })
}

/// The date in the Netherlands at `t`.
pub fn dutch_date(t: DateTime<Utc>) -> NaiveDate {
    dutch(t).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn fmt(s: &str) -> String {
        dutch(utc(s)).format("%Y-%m-%d %H:%M %:z").to_string()
    }

    #[test]
    fn dutch_wall_clock_to_utc() {
        let at = |s: &str| {
            from_dutch(chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap())
                .to_rfc3339()
        };
        assert_eq!(at("2027-01-12 19:30"), "2027-01-12T18:30:00+00:00");
        assert_eq!(at("2027-06-12 19:30"), "2027-06-12T17:30:00+00:00");
        // The clocks go back: 02:30 occurs twice, the later (winter-time) reading counts.
        assert_eq!(at("2026-10-25 02:30"), "2026-10-25T01:30:00+00:00");
        // The clocks go forward: 02:30 does not occur; it is read as 03:30 summer time.
        assert_eq!(at("2026-03-29 02:30"), "2026-03-29T01:30:00+00:00");
        assert_eq!(fmt("2026-03-29T01:30:00Z"), "2026-03-29 03:30 +02:00");
        // Far beyond the time-zone database, and at the end of what chrono holds: no panic.
        let far = NaiveDate::from_ymd_opt(12026, 6, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        assert_eq!(from_dutch(far), far.and_utc() - chrono::TimeDelta::hours(1));
        from_dutch(chrono::NaiveDateTime::MAX);
        from_dutch(chrono::NaiveDateTime::MIN);
    }

    #[test]
    fn winter_and_summer_time_with_the_eu_switch_moments() {
        assert_eq!(fmt("2026-11-29T02:26:00Z"), "2026-11-29 03:26 +01:00");
        assert_eq!(fmt("2026-07-01T12:00:00Z"), "2026-07-01 14:00 +02:00");
        assert_eq!(fmt("2026-03-29T00:59:00Z"), "2026-03-29 01:59 +01:00");
        assert_eq!(fmt("2026-03-29T01:00:00Z"), "2026-03-29 03:00 +02:00");
        assert_eq!(fmt("2026-10-25T00:59:00Z"), "2026-10-25 02:59 +02:00");
        assert_eq!(fmt("2026-10-25T01:00:00Z"), "2026-10-25 02:00 +01:00");
        // Late in the evening UTC it is already tomorrow in the Netherlands.
        assert_eq!(
            dutch_date(utc("2026-12-31T23:30:00Z")),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }

    #[test]
    fn the_switch_is_at_one_in_the_morning_utc_in_other_years_too() {
        // 2027: last Sundays are 28 March and 31 October; 2024: 31 March and 27 October.
        assert_eq!(fmt("2027-03-28T00:59:59Z"), "2027-03-28 01:59 +01:00");
        assert_eq!(fmt("2027-03-28T01:00:00Z"), "2027-03-28 03:00 +02:00");
        assert_eq!(fmt("2027-10-31T00:59:59Z"), "2027-10-31 02:59 +02:00");
        assert_eq!(fmt("2027-10-31T01:00:00Z"), "2027-10-31 02:00 +01:00");
        assert_eq!(fmt("2024-03-31T01:00:00Z"), "2024-03-31 03:00 +02:00");
        assert_eq!(fmt("2024-10-27T00:30:00Z"), "2024-10-27 02:30 +02:00");
        assert_eq!(fmt("2024-10-27T01:30:00Z"), "2024-10-27 02:30 +01:00");
    }

    #[test]
    fn the_date_turns_at_midnight_dutch_time_on_both_sides_of_a_switch() {
        // Summer: 22:00 UTC is midnight; winter: 23:00 UTC.
        assert_eq!(
            dutch_date(utc("2026-03-28T22:59:00Z")),
            NaiveDate::from_ymd_opt(2026, 3, 28).unwrap()
        );
        assert_eq!(
            dutch_date(utc("2026-03-28T23:00:00Z")),
            NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()
        );
        assert_eq!(
            dutch_date(utc("2026-10-24T21:59:00Z")),
            NaiveDate::from_ymd_opt(2026, 10, 24).unwrap()
        );
        assert_eq!(
            dutch_date(utc("2026-10-24T22:00:00Z")),
            NaiveDate::from_ymd_opt(2026, 10, 25).unwrap()
        );
    }

    #[test]
    fn a_fixed_clock_stands_still_until_moved_and_its_copies_move_with_it() {
        let clock = Clock::fixed(utc("2026-10-24T21:59:00Z"));
        let copy = clock.clone();
        assert_eq!(clock.now(), utc("2026-10-24T21:59:00Z"));
        assert_eq!(copy.today(), NaiveDate::from_ymd_opt(2026, 10, 24).unwrap());
        clock.advance(std::time::Duration::from_secs(60));
        assert_eq!(copy.now(), utc("2026-10-24T22:00:00Z"));
        assert_eq!(copy.today(), NaiveDate::from_ymd_opt(2026, 10, 25).unwrap());
        let system = Clock::system();
        system.set(utc("2000-01-01T00:00:00Z"));
        assert!(system.now() > utc("2026-01-01T00:00:00Z"));
    }
}
