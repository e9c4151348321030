//! Sign-in throttling.

use super::*;
use crate::db::locks::{self, Lock};

/// Counts one sign-in attempt on each of its keys, before its secret is checked, unless a key is
/// still under its delay: then `Err(seconds to wait)` and nothing is counted (see
/// [`super::throttle`]). On PostgreSQL each key is locked for the transaction, so instances
/// sharing the database count one burst as one.
pub fn count_sign_in_attempt(
    conn: &mut DbConnection,
    limits: &Limits,
    keys: &[(String, i64)],
) -> Result<Result<(), u64>, StoreError> {
    use crate::db::schema::login_failures as lf;
    for (key, _) in keys {
        locks::take(conn, Lock::SignInKey, key)?;
    }
    let now = Utc::now().naive_utc();
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    let rows: Vec<(String, i64, NaiveDateTime)> = lf::table
        .filter(lf::key.eq_any(&names))
        .select((lf::key, lf::failures, lf::last_failure_at))
        .load(conn)?;
    let free_of = |key: &str| keys.iter().find(|(k, _)| k == key).map_or(0, |(_, f)| *f);
    let wait = rows
        .iter()
        .filter_map(|(key, failures, last)| {
            throttle::wait(limits, *failures, free_of(key), *last, now)
        })
        .max();
    if let Some(seconds) = wait {
        return Ok(Err(seconds));
    }
    for (key, _) in keys {
        match rows.iter().find(|(k, _, _)| k == key) {
            Some((_, failures, last)) => {
                diesel::update(lf::table.find(key))
                    .set((
                        lf::failures.eq(throttle::counted(limits, *failures, *last, now)),
                        lf::last_failure_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(lf::table)
                    .values((
                        lf::key.eq(key),
                        lf::failures.eq(1i64),
                        lf::last_failure_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(Ok(()))
}

/// How a counted sign-in attempt ended, for [`settle_sign_in_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The secret was right: the account's and the pair's counts are cleared, and the address's
    /// count taken back by one (many people sign in from behind one NAT).
    Succeeded,
    /// The secret was never checked (every hashing slot busy): the attempt is taken back.
    NotChecked,
}

pub fn settle_sign_in_attempt(
    conn: &mut DbConnection,
    keys: &[(String, i64)],
    outcome: AttemptOutcome,
) -> Result<(), StoreError> {
    use crate::db::schema::login_failures as lf;
    let (cleared, taken_back): (Vec<&str>, Vec<&str>) = keys
        .iter()
        .map(|(k, _)| k.as_str())
        .partition(|k| outcome == AttemptOutcome::Succeeded && !k.starts_with("address:"));
    diesel::delete(lf::table.filter(lf::key.eq_any(cleared))).execute(conn)?;
    diesel::update(
        lf::table
            .filter(lf::key.eq_any(taken_back))
            .filter(lf::failures.gt(0i64)),
    )
    .set(lf::failures.eq(lf::failures - 1i64))
    .execute(conn)?;
    Ok(())
}

/// Counts one write by `principal` against `per_minute` (0: no quota): `Err(seconds)` until the
/// minute turns when it is spent. On PostgreSQL the principal's row is locked for the
/// transaction, so instances count together.
pub fn count_write(
    conn: &mut DbConnection,
    principal: &str,
    per_minute: i64,
) -> Result<Result<(), u64>, StoreError> {
    use crate::db::schema::write_quotas as wq;
    if per_minute <= 0 {
        return Ok(Ok(()));
    }
    locks::take(conn, Lock::WriteQuota, principal)?;
    let (window, left) = throttle::quota_window(Utc::now().naive_utc());
    let row: Option<(NaiveDateTime, i64)> = wq::table
        .find(principal)
        .select((wq::window_start, wq::writes))
        .first(conn)
        .optional()?;
    match row {
        Some((start, n)) if start == window && n >= per_minute => return Ok(Err(left)),
        Some((start, n)) if start == window => {
            diesel::update(wq::table.find(principal))
                .set(wq::writes.eq(n + 1))
                .execute(conn)?;
        }
        Some(_) => {
            diesel::update(wq::table.find(principal))
                .set((wq::window_start.eq(window), wq::writes.eq(1i64)))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(wq::table)
                .values((
                    wq::key.eq(principal),
                    wq::window_start.eq(window),
                    wq::writes.eq(1i64),
                ))
                .execute(conn)?;
        }
    }
    Ok(Ok(()))
}

/// Housekeeping: write counts of minutes long gone.
pub fn purge_write_quotas(conn: &mut DbConnection) -> Result<usize, StoreError> {
    use crate::db::schema::write_quotas as wq;
    let cutoff = Utc::now().naive_utc() - Duration::minutes(5);
    Ok(diesel::delete(wq::table.filter(wq::window_start.lt(cutoff))).execute(conn)?)
}

/// Housekeeping: counts whose window and delay have both passed say nothing any more.
pub fn purge_login_failures(conn: &mut DbConnection, limits: &Limits) -> Result<usize, StoreError> {
    use crate::db::schema::login_failures as lf;
    let horizon = limits.window.max(limits.max_delay);
    let cutoff = Utc::now().naive_utc() - Duration::seconds(horizon.as_secs() as i64);
    Ok(diesel::delete(lf::table.filter(lf::last_failure_at.lt(cutoff))).execute(conn)?)
}
