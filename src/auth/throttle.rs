//! Sign-in throttling, as the large identity providers do it: no hard lockout that an attacker
//! could aim at the real owner, but a delay that doubles with every failure past a free
//! allowance, counted on three keys:
//!
//! - **account from one address** (`pair`): the guesser at the keyboard; a few free failures
//!   (`PRM_LOGIN_MAX_FAILURES`, 5), then 1 s, 2 s, 4 s … up to `max_delay`.
//! - **account** from anywhere: a distributed guesser; a higher bar
//!   (`PRM_LOGIN_MAX_FAILURES_PER_ACCOUNT`, 20), so the owner signing in from elsewhere is not
//!   held back by an attacker's five tries.
//! - **address**: one source trying many accounts; the highest bar
//!   (`PRM_LOGIN_MAX_FAILURES_PER_ADDRESS`, 100), so a NAT or a load balancer in front of many
//!   people is not shut out by twenty typos.
//!
//! Every attempt is counted **before** the password is checked (a burst of parallel guesses
//! meets the delay at once; a success then clears its account and pair); an attempt refused by
//! the delay is not counted, so the delay never grows while it is being waited out. A key's
//! count starts again once `window` has passed since its last failure. Counts live in the
//! database ([`crate::auth::store::count_sign_in_attempt`]), so every instance sees them.
//! Unknown accounts are counted like known ones, so the answers do not tell which exist.

use chrono::{Duration, NaiveDateTime};

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Free failures for one account from one address.
    pub per_pair: i64,
    /// Free failures for one account from any address.
    pub per_account: i64,
    /// Free failures from one address, over every account.
    pub per_address: i64,
    /// A key's count starts again this long after its last failure.
    pub window: std::time::Duration,
    /// The longest delay a key can be under.
    pub max_delay: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            per_pair: 5,
            per_account: 20,
            per_address: 100,
            window: std::time::Duration::from_secs(15 * 60),
            max_delay: std::time::Duration::from_secs(15 * 60),
        }
    }
}

/// Writes (POST, PUT, PATCH, DELETE) each principal may make per minute, counted in the
/// database so every instance shares them; past it 429 `rate_limited` with `Retry-After` until
/// the minute turns. Partner principals get the lower allowance: a portal user or a partner's ERP
/// has no reason to create hundreds of records a minute. 0 turns a quota off.
#[derive(Debug, Clone, Copy)]
pub struct WriteQuotas {
    pub partner_per_minute: i64,
    pub host_per_minute: i64,
}

impl Default for WriteQuotas {
    fn default() -> Self {
        WriteQuotas {
            partner_per_minute: 300,
            host_per_minute: 1200,
        }
    }
}

/// The start of the minute `now` falls in, and the seconds until the next one.
pub fn quota_window(now: NaiveDateTime) -> (NaiveDateTime, u64) {
    use chrono::Timelike;
    let start = now
        .with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(now);
    let left = 60 - (now - start).num_seconds().clamp(0, 59);
    (start, left as u64)
}

/// The keys one sign-in attempt is counted on, each with its free allowance.
pub fn keys(limits: &Limits, account: &str, address: Option<&str>) -> Vec<(String, i64)> {
    let account = account.to_lowercase();
    let mut keys = vec![(format!("account:{account}"), limits.per_account)];
    if let Some(a) = address {
        keys.push((format!("pair:{account}|{a}"), limits.per_pair));
        keys.push((format!("address:{a}"), limits.per_address));
    }
    keys
}

/// The delay a key with `failures` failures past `free` is under: none within the allowance,
/// then 1 s doubling with each further failure, at most `max`.
pub fn delay(failures: i64, free: i64, max: std::time::Duration) -> Duration {
    let max = Duration::seconds(max.as_secs() as i64);
    if failures < free {
        return Duration::zero();
    }
    let exponent = (failures - free).min(30) as u32;
    Duration::seconds(1i64 << exponent).min(max)
}

/// `Some(seconds)` while a key whose last failure was at `last` is still under its delay.
pub fn wait(
    limits: &Limits,
    failures: i64,
    free: i64,
    last: NaiveDateTime,
    now: NaiveDateTime,
) -> Option<u64> {
    if now - last >= Duration::seconds(limits.window.as_secs() as i64) {
        return None;
    }
    let until = last + delay(failures, free, limits.max_delay);
    (until > now).then(|| {
        ((until - now).num_milliseconds() as u64)
            .div_ceil(1000)
            .max(1)
    })
}

/// A key's count after one more failure at `now`: it starts again once the window has passed.
pub fn counted(limits: &Limits, failures: i64, last: NaiveDateTime, now: NaiveDateTime) -> i64 {
    if now - last >= Duration::seconds(limits.window.as_secs() as i64) {
        1
    } else {
        failures + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + s, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn the_delay_doubles_past_the_allowance_and_is_capped() {
        let max = std::time::Duration::from_secs(900);
        assert_eq!(delay(4, 5, max), Duration::zero());
        assert_eq!(delay(5, 5, max), Duration::seconds(1));
        assert_eq!(delay(6, 5, max), Duration::seconds(2));
        assert_eq!(delay(10, 5, max), Duration::seconds(32));
        assert_eq!(delay(40, 5, max), Duration::seconds(900));
        assert_eq!(delay(i64::MAX, 5, max), Duration::seconds(900));
    }

    #[test]
    fn five_failures_hold_the_owner_back_a_second_not_a_quarter_hour() {
        let l = Limits::default();
        assert_eq!(wait(&l, 5, l.per_pair, at(0), at(0)), Some(1));
        assert_eq!(wait(&l, 5, l.per_pair, at(0), at(1)), None);
        // The account-wide key is not even under a delay yet.
        assert_eq!(wait(&l, 5, l.per_account, at(0), at(0)), None);
        // Twenty typos behind one NAT leave the address free.
        assert_eq!(wait(&l, 20, l.per_address, at(0), at(0)), None);
    }

    #[test]
    fn counts_start_again_after_the_window() {
        let l = Limits::default();
        assert_eq!(counted(&l, 7, at(0), at(10)), 8);
        assert_eq!(counted(&l, 7, at(0), at(900)), 1);
        assert_eq!(wait(&l, 30, l.per_pair, at(0), at(900)), None);
    }

    #[test]
    fn quota_windows_are_whole_minutes() {
        let t = at(125); // 1_800_000_125 = 02:02:05 past some hour
        let (start, left) = quota_window(t);
        assert_eq!((t - start).num_seconds(), 5);
        assert_eq!(left, 55);
    }

    #[test]
    fn keys_name_the_account_however_spelt() {
        let k = keys(&Limits::default(), "Ann@Example.com", Some("10.0.0.1"));
        assert_eq!(k[0].0, "account:ann@example.com");
        assert_eq!(k[1].0, "pair:ann@example.com|10.0.0.1");
        assert_eq!(k[2].0, "address:10.0.0.1");
        assert_eq!(keys(&Limits::default(), "a@b.c", None).len(), 1);
    }
}
