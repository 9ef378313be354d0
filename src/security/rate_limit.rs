//! Rate limits: a sliding window of events per key (an IP address unless said otherwise), read
//! from an injected [`Clock`] so that a test can run it at a fixed moment.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::clock::Clock;

/// A key has used up its events in the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited;

/// A sliding-window limit of events per key (an IP address unless said otherwise).
pub struct RateLimiter<K = IpAddr> {
    max: usize,
    window: TimeDelta,
    clock: Clock,
    events: Mutex<HashMap<K, VecDeque<DateTime<Utc>>>>,
}

impl<K: std::hash::Hash + Eq + Clone> RateLimiter<K> {
    /// At most `max` events per `window` per key, the time read from `clock`.
    pub fn new(max: usize, window: Duration, clock: Clock) -> RateLimiter<K> {
        RateLimiter {
            max,
            window: TimeDelta::from_std(window).unwrap_or(TimeDelta::MAX),
            clock,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// True when `at` lies within the window that ends `now` (a moment after `now`, after a
    /// clock was set back, counts as recent).
    fn recent(&self, at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now.signed_duration_since(at) < self.window
    }

    /// True when `key` has used up its events in the current window (nothing is recorded).
    pub fn limited(&self, key: &K) -> bool {
        let now = self.clock.now();
        let Ok(map) = self.events.lock() else {
            return false;
        };
        map.get(key)
            .is_some_and(|q| q.iter().filter(|t| self.recent(**t, now)).count() >= self.max)
    }

    /// Takes back the most recent event of `key` (an attempt that turned out fine).
    pub fn undo(&self, key: &K) {
        if let Ok(mut map) = self.events.lock() {
            if let Some(q) = map.get_mut(key) {
                q.pop_back();
            }
        }
    }

    /// Forgets the events of `key` (after a successful login).
    pub fn clear(&self, key: &K) {
        if let Ok(mut map) = self.events.lock() {
            map.remove(key);
        }
    }

    /// Records an event for `key`; `Err` when over the limit (the event is then not counted).
    pub fn hit(&self, key: K) -> Result<(), Limited> {
        let now = self.clock.now();
        let Ok(mut map) = self.events.lock() else {
            return Ok(());
        };
        if map.len() > 10_000 {
            map.retain(|_, q| q.back().is_some_and(|t| self.recent(*t, now)));
        }
        let q = map.entry(key).or_default();
        while q.front().is_some_and(|t| !self.recent(*t, now)) {
            q.pop_front();
        }
        if q.len() >= self.max {
            return Err(Limited);
        }
        q.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn rate_limit() {
        let r = RateLimiter::new(2, Duration::from_secs(60), Clock::system());
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(r.hit(ip).is_ok());
        assert!(r.hit(ip).is_ok());
        assert_eq!(r.hit(ip), Err(Limited));
        assert!(r.hit("10.0.0.1".parse().unwrap()).is_ok());
    }

    #[test]
    fn the_window_slides_with_the_clock() {
        let clock = Clock::fixed(at("2026-03-29T00:59:30Z"));
        let r = RateLimiter::new(2, Duration::from_secs(60), clock.clone());
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(r.hit(ip).is_ok());
        clock.advance(Duration::from_secs(30));
        assert!(r.hit(ip).is_ok());
        assert!(r.limited(&ip));
        assert_eq!(r.hit(ip), Err(Limited));
        // 59 s after the first event it still counts; at 60 s it has left the window.
        clock.advance(Duration::from_secs(29));
        assert_eq!(r.hit(ip), Err(Limited));
        clock.advance(Duration::from_secs(1));
        assert!(!r.limited(&ip));
        assert!(r.hit(ip).is_ok());
        assert_eq!(r.hit(ip), Err(Limited));
        r.undo(&ip);
        assert!(r.hit(ip).is_ok());
        r.clear(&ip);
        assert!(!r.limited(&ip));
    }
}
