//! Sign-in throttling: failed attempts are counted per account and per client address over a
//! sliding window; past the limit, further attempts are answered 429 with `Retry-After` before
//! any password is checked. Unknown accounts are counted like known ones, so the answers do not
//! tell which accounts exist.
//!
//! Counts live in the process: each instance of a deployment throttles on its own, which bounds
//! an attacker at (limit × instances) per window — enough to make guessing useless, without a
//! database write on every failed sign-in.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Failures allowed per account (e-mail or client id) within the window.
    pub per_account: usize,
    /// Failures allowed per client address within the window.
    pub per_address: usize,
    pub window: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_account: 5,
            per_address: 20,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Keys with failures in the window, and when each failure happened.
pub struct LoginThrottle {
    limits: Limits,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// What an attempt is counted against.
pub struct Attempt {
    keys: Vec<(String, usize)>,
}

impl LoginThrottle {
    pub fn new(limits: Limits) -> LoginThrottle {
        LoginThrottle {
            limits,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// The keys for a sign-in as `account` (lower-cased) from `address`, if known.
    pub fn attempt(&self, account: &str, address: Option<String>) -> Attempt {
        let mut keys = vec![(
            format!("account:{}", account.to_lowercase()),
            self.limits.per_account,
        )];
        if let Some(a) = address {
            keys.push((format!("address:{a}"), self.limits.per_address));
        }
        Attempt { keys }
    }

    /// `Err(seconds)` while any key of the attempt is over its limit: how long until it is not.
    pub fn check(&self, attempt: &Attempt, now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = Duration::ZERO;
        for (key, limit) in &attempt.keys {
            if let Some(times) = map.get_mut(key) {
                prune(times, now, self.limits.window);
                if times.len() >= *limit {
                    // Free again when enough of the oldest failures leave the window.
                    let oldest_blocking = times[times.len() - limit];
                    wait = wait.max(self.limits.window - (now - oldest_blocking));
                }
            }
        }
        if wait.is_zero() {
            Ok(())
        } else {
            Err(wait.as_secs().max(1))
        }
    }

    pub fn failed(&self, attempt: &Attempt, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, _) in &attempt.keys {
            let times = map.entry(key.clone()).or_default();
            prune(times, now, self.limits.window);
            times.push_back(now);
        }
        // Keep memory bounded: drop keys whose failures have all left the window.
        if map.len() > 10_000 {
            let window = self.limits.window;
            map.retain(|_, times| {
                prune(times, now, window);
                !times.is_empty()
            });
        }
    }

    /// A successful sign-in clears the account's failures (not the address's).
    pub fn succeeded(&self, attempt: &Attempt) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((key, _)) = attempt.keys.first() {
            map.remove(key);
        }
    }
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times.front().is_some_and(|t| now - *t >= window) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(Limits {
            per_account: 3,
            per_address: 5,
            window: Duration::from_secs(60),
        })
    }

    #[test]
    fn accounts_lock_after_the_limit_and_free_as_failures_age() {
        let t = throttle();
        let start = Instant::now();
        let a = t.attempt("Ann@Example.com", None);
        for i in 0..3 {
            assert!(t.check(&a, start).is_ok());
            t.failed(&a, start + Duration::from_secs(i));
        }
        let at = start + Duration::from_secs(10);
        assert_eq!(t.check(&a, at), Err(50));
        // The same account however it is spelt.
        assert!(t.check(&t.attempt("ann@example.com", None), at).is_err());
        assert!(t.check(&a, start + Duration::from_secs(61)).is_ok());
        assert!(t.check(&t.attempt("bob@example.com", None), at).is_ok());
    }

    #[test]
    fn addresses_lock_across_accounts_and_success_clears_the_account() {
        let t = throttle();
        let now = Instant::now();
        for i in 0..5 {
            let a = t.attempt(&format!("user{i}@example.com"), Some("10.0.0.1".into()));
            t.failed(&a, now);
        }
        let fresh = t.attempt("new@example.com", Some("10.0.0.1".into()));
        assert!(t.check(&fresh, now).is_err());
        assert!(t
            .check(&t.attempt("new@example.com", Some("10.0.0.2".into())), now)
            .is_ok());
        let a = t.attempt("ann@example.com", None);
        t.failed(&a, now);
        t.failed(&a, now);
        t.succeeded(&a);
        t.failed(&a, now);
        t.failed(&a, now);
        assert!(t.check(&a, now).is_ok());
    }
}
