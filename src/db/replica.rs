//! The read replica: heavy reads (analytics, scorecards, tier evaluations, CSV exports, list
//! pages) served from a PostgreSQL hot standby, each saying how current it is.
//!
//! A heavy read first settles on the primary what must be current: the request's account check
//! (an ended relationship must end access at once, whatever the standby has replayed), the
//! primary's WAL position and when the reader last wrote (its newest audit entry). The standby
//! then serves it when
//! - it has replayed up to that position: it holds everything committed before the request
//!   began, and its data is as of the request's start; or, short of that,
//! - the reader has not written within the read-your-writes window, and the standby's last
//!   replayed commit is no older than the lag allowed: its data is as of that commit.
//!
//! Otherwise, and whenever the standby cannot be reached, the primary serves the read. An
//! answer from the standby carries `X-Data-As-Of` (see [`super::first_use`]); one from the
//! primary is current and carries none. An unreachable standby is not asked again for a few
//! seconds, so a read never waits on it twice.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::r2d2;
use diesel::sql_types::{Bool, Nullable, Text, Timestamp};
use serde::Serialize;
use utoipa::ToSchema;

use super::pool::DbManager;
use super::{Backend, DbConnection, StoreError};

/// Where heavy reads may go, and how stale they may be.
#[derive(Debug, Clone)]
pub struct ReplicaSettings {
    /// A PostgreSQL hot standby of the primary (`PRM_READ_DATABASE_URL`).
    pub url: String,
    /// A standby further behind than this serves no reads (`PRM_READ_MAX_LAG_SECONDS`).
    pub max_lag: Duration,
    /// A principal that wrote within this reads only what holds its writes
    /// (`PRM_READ_YOUR_WRITES_SECONDS`).
    pub read_your_writes: Duration,
}

/// How long an unreachable standby is left alone before it is tried again.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// What the primary says at the start of a heavy read.
#[derive(Debug, Clone, QueryableByName)]
pub struct PrimaryMark {
    /// `pg_current_wal_lsn()`: every commit so far lies at or before it.
    #[diesel(sql_type = Text)]
    pub lsn: String,
    /// The primary's clock, UTC.
    #[diesel(sql_type = Timestamp)]
    pub now: NaiveDateTime,
    /// When the reader last wrote (its newest audit entry), if it ever did.
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub last_write: Option<NaiveDateTime>,
}

/// What the standby says, given the primary's position.
#[derive(Debug, Clone, QueryableByName)]
pub struct ReplicaMark {
    /// Whether it has replayed up to the primary's position (a server not in recovery — the
    /// primary itself — always has).
    #[diesel(sql_type = Bool)]
    pub caught_up: bool,
    /// The commit time of the last transaction it replayed, UTC; none before its first.
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub replayed_at: Option<NaiveDateTime>,
}

/// Where one heavy read goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The standby, whose data is as of this moment (UTC).
    Replica { as_of: NaiveDateTime },
    /// The primary, and why.
    Primary(Fallback),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fallback {
    /// The reader wrote within the window and the standby has not replayed everything yet.
    ReadYourWrites,
    /// The standby is further behind than allowed (by this much, if known).
    Lagging(Option<Duration>),
}

/// The rule of the module's doc, on the two marks.
pub fn choose(settings: &ReplicaSettings, primary: &PrimaryMark, replica: &ReplicaMark) -> Route {
    if replica.caught_up {
        return Route::Replica { as_of: primary.now };
    }
    let since = |t: NaiveDateTime| (primary.now - t).to_std().unwrap_or(Duration::ZERO);
    if primary
        .last_write
        .is_some_and(|w| since(w) < settings.read_your_writes)
    {
        return Route::Primary(Fallback::ReadYourWrites);
    }
    match replica.replayed_at {
        Some(at) if since(at) <= settings.max_lag => Route::Replica { as_of: at },
        Some(at) => Route::Primary(Fallback::Lagging(Some(since(at)))),
        None => Route::Primary(Fallback::Lagging(None)),
    }
}

/// The standby's state as `/readyz` reports it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"state": "serving", "lag_seconds": 0.004}))]
pub struct ReplicaReport {
    /// `serving` (heavy reads go to it), `lagging` (behind by more than allowed: they go to
    /// the primary) or `unreachable` (likewise).
    #[schema(example = "serving")]
    pub state: String,
    /// How far behind its data is, in seconds (0 when it holds every commit); absent when
    /// unknown.
    pub lag_seconds: Option<f64>,
    /// Why it is not serving, when it is not.
    pub detail: Option<String>,
}

/// The standby's pool and what was last learnt of it.
pub(super) struct Replica {
    pool: r2d2::Pool<DbManager>,
    settings: ReplicaSettings,
    /// After a failure: when to try it again.
    retry_at: Mutex<Option<Instant>>,
}

impl Replica {
    /// A pool that connects on first use: a standby down at start-up delays nothing.
    pub(super) fn open(settings: ReplicaSettings, max_size: u32, prepared: bool) -> Replica {
        let url = if settings.url.contains("connect_timeout=") {
            settings.url.clone()
        } else {
            let joint = if settings.url.contains('?') { '&' } else { '?' };
            format!("{}{joint}connect_timeout=2", settings.url)
        };
        let manager = DbManager {
            url,
            backend: Backend::Postgres,
            prepared_statements: prepared,
        };
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(2))
            .build_unchecked(manager);
        Replica {
            pool,
            settings,
            retry_at: Mutex::new(None),
        }
    }

    /// A standby connection for a heavy read and the moment its data is as of, or none (the
    /// primary serves it). `primary` is the connection the request's check ran on.
    pub(super) fn connection(
        &self,
        primary: &mut DbConnection,
        reader: Option<&str>,
    ) -> Option<(r2d2::PooledConnection<DbManager>, NaiveDateTime)> {
        if self.resting() {
            return None;
        }
        let mark = primary_mark(primary, reader)
            .map_err(|e| tracing::warn!(error = %e, "cannot read the primary's position"))
            .ok()?;
        let (conn, replica) = match self.reach(&mark) {
            Ok(reached) => reached,
            Err(e) => {
                self.rest(&e);
                return None;
            }
        };
        match choose(&self.settings, &mark, &replica) {
            Route::Replica { as_of } => Some((conn, as_of)),
            Route::Primary(_) => None,
        }
    }

    /// The standby's state now, for `/readyz` (asks it even when resting).
    pub(super) fn report(&self, primary: &mut DbConnection) -> ReplicaReport {
        let mark = match primary_mark(primary, None) {
            Ok(mark) => mark,
            Err(e) => return unreachable_report(format!("the primary's position: {e}")),
        };
        match self.reach(&mark) {
            Err(e) => {
                self.rest(&e);
                unreachable_report(e.to_string())
            }
            Ok((_, replica)) => {
                *self.retry_at.lock().unwrap_or_else(|p| p.into_inner()) = None;
                let lag = match (replica.caught_up, replica.replayed_at) {
                    (true, _) => Some(0.0),
                    (false, Some(at)) => Some(
                        (mark.now - at)
                            .to_std()
                            .unwrap_or(Duration::ZERO)
                            .as_secs_f64(),
                    ),
                    (false, None) => None,
                };
                let serving = replica.caught_up
                    || lag.is_some_and(|l| l <= self.settings.max_lag.as_secs_f64());
                ReplicaReport {
                    state: if serving { "serving" } else { "lagging" }.into(),
                    lag_seconds: lag,
                    detail: (!serving).then(|| {
                        format!(
                            "behind by more than {} s: heavy reads go to the primary",
                            self.settings.max_lag.as_secs_f64()
                        )
                    }),
                }
            }
        }
    }

    fn reach(
        &self,
        mark: &PrimaryMark,
    ) -> Result<(r2d2::PooledConnection<DbManager>, ReplicaMark), StoreError> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let replica = replica_mark(&mut conn, &mark.lsn)?;
        Ok((conn, replica))
    }

    fn resting(&self) -> bool {
        let mut retry_at = self.retry_at.lock().unwrap_or_else(|p| p.into_inner());
        match *retry_at {
            Some(at) if Instant::now() < at => true,
            Some(_) => {
                *retry_at = None;
                false
            }
            None => false,
        }
    }

    fn rest(&self, why: &StoreError) {
        let mut retry_at = self.retry_at.lock().unwrap_or_else(|p| p.into_inner());
        if retry_at.is_none() {
            tracing::warn!(error = %why, "the read replica is unreachable; heavy reads go to the primary");
        }
        *retry_at = Some(Instant::now() + RETRY_AFTER);
    }
}

fn unreachable_report(detail: String) -> ReplicaReport {
    ReplicaReport {
        state: "unreachable".into(),
        lag_seconds: None,
        detail: Some(format!("{detail}; heavy reads go to the primary")),
    }
}

fn primary_mark(conn: &mut DbConnection, reader: Option<&str>) -> Result<PrimaryMark, StoreError> {
    // The newest audit entry of the reader: audit ids are UUIDv7, so the (actor_id, id) index
    // finds it in one step.
    Ok(diesel::sql_query(
        "SELECT pg_current_wal_lsn()::text AS lsn, \
                (now() AT TIME ZONE 'UTC') AS now, \
                (SELECT a.at FROM audit_log a WHERE a.actor_id = $1 \
                 ORDER BY a.id DESC LIMIT 1) AS last_write",
    )
    .bind::<Text, _>(reader.unwrap_or(""))
    .get_result(conn)?)
}

fn replica_mark(conn: &mut DbConnection, lsn: &str) -> Result<ReplicaMark, StoreError> {
    Ok(diesel::sql_query(
        "SELECT COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, NOT pg_is_in_recovery()) \
                    AS caught_up, \
                (pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC') AS replayed_at",
    )
    .bind::<Text, _>(lsn)
    .get_result(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> ReplicaSettings {
        ReplicaSettings {
            url: String::new(),
            max_lag: Duration::from_secs(5),
            read_your_writes: Duration::from_secs(5),
        }
    }

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0)
            .expect("time")
            .naive_utc()
    }

    fn primary(last_write: Option<i64>) -> PrimaryMark {
        PrimaryMark {
            lsn: "0/1".into(),
            now: at(100),
            last_write: last_write.map(at),
        }
    }

    fn replica(caught_up: bool, replayed_at: Option<i64>) -> ReplicaMark {
        ReplicaMark {
            caught_up,
            replayed_at: replayed_at.map(at),
        }
    }

    #[test]
    fn a_standby_holding_every_commit_serves_as_of_the_request_even_the_latest_writer() {
        let route = choose(&settings(), &primary(Some(100)), &replica(true, Some(10)));
        assert_eq!(route, Route::Replica { as_of: at(100) });
    }

    #[test]
    fn a_reader_who_just_wrote_reads_the_primary_until_the_standby_holds_everything() {
        let route = choose(&settings(), &primary(Some(97)), &replica(false, Some(99)));
        assert_eq!(route, Route::Primary(Fallback::ReadYourWrites));
    }

    #[test]
    fn others_read_a_standby_a_little_behind_as_of_its_last_replayed_commit() {
        let route = choose(&settings(), &primary(Some(90)), &replica(false, Some(98)));
        assert_eq!(route, Route::Replica { as_of: at(98) });
        let never_wrote = choose(&settings(), &primary(None), &replica(false, Some(95)));
        assert_eq!(never_wrote, Route::Replica { as_of: at(95) });
    }

    #[test]
    fn a_standby_behind_by_more_than_allowed_or_by_an_unknown_time_serves_nothing() {
        let far = choose(&settings(), &primary(None), &replica(false, Some(94)));
        assert_eq!(
            far,
            Route::Primary(Fallback::Lagging(Some(Duration::from_secs(6))))
        );
        let unknown = choose(&settings(), &primary(None), &replica(false, None));
        assert_eq!(unknown, Route::Primary(Fallback::Lagging(None)));
    }
}
