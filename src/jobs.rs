//! Periodic jobs: the promotion calendar, overdue alerts and housekeeping. Every instance ticks,
//! but each tick of a job is run by exactly one of the instances sharing a database: the one
//! that takes the job's lock and finds it due in `periodic_jobs` runs it, in the same
//! transaction that moves its time on; the others find the lock taken or the job done. A run
//! that fails rolls its claim back, so the next tick (on any instance) tries again.
//!
//! (The SQLite checkpointer and the webhook sender are not here: the first is about the local
//! file, the second claims each delivery with a lease of its own.)

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::locks::{self, Lock};
use crate::db::schema::periodic_jobs as pj;
use crate::db::{Db, DbConnection, StoreError};
use crate::http::ApiError;

/// A job and how often it runs across all instances.
#[derive(Debug)]
pub struct Job {
    pub name: &'static str,
    pub every: Duration,
}

/// Starts and ends approved promotions as their dates come (a promotion acted on is brought up
/// to date in that same transaction anyway).
pub const PROMOTION_CALENDAR: Job = Job {
    name: "promotion_calendar",
    every: Duration::from_secs(60),
};

/// Announces due dates passed ([`crate::alerts`]).
pub const OVERDUE_ALERTS: Job = Job {
    name: "overdue_alerts",
    every: Duration::from_secs(60),
};

/// Purges idempotency keys, refresh tokens, sign-in counts and webhook deliveries past their
/// retention.
pub const HOUSEKEEPING: Job = Job {
    name: "housekeeping",
    every: Duration::from_secs(3600),
};

impl Job {
    /// Whether a job last run at `last` is due at `now`. A tenth of the period early counts:
    /// instances tick out of phase, and a run a few milliseconds short of the period must not
    /// wait for a whole further tick.
    pub fn is_due(&self, last: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
        let early = self.every - self.every / 10;
        match (last, chrono::Duration::from_std(early)) {
            (Some(last), Ok(early)) => now - last >= early,
            _ => true,
        }
    }

    /// How often each instance looks: six times a period, so a job runs at most a sixth of
    /// its period late whichever instance finds it due.
    pub fn tick(&self) -> Duration {
        (self.every / 6).max(Duration::from_millis(100))
    }
}

/// This process among the instances: host and process id, recorded with each run it makes.
pub fn instance() -> &'static str {
    static NAME: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NAME.get_or_init(|| {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "localhost".into());
        format!("{host}:{}", std::process::id())
    })
}

/// Takes this tick of `job` inside the caller's transaction if it is due and no other instance
/// is running it; answers whether it was taken.
pub fn claim(conn: &mut DbConnection, job: &Job, now: NaiveDateTime) -> Result<bool, StoreError> {
    if !locks::try_take(conn, Lock::PeriodicJob, job.name)? {
        return Ok(false);
    }
    // Read after the lock is granted: a run that held it before is committed and seen here.
    let last: Option<NaiveDateTime> = pj::table
        .find(job.name)
        .select(pj::last_run_at)
        .first(conn)
        .optional()?;
    if !job.is_due(last, now) {
        return Ok(false);
    }
    let moved = diesel::update(pj::table.find(job.name))
        .set((pj::last_run_at.eq(now), pj::run_by.eq(instance())))
        .execute(conn)?;
    if moved == 0 {
        diesel::insert_into(pj::table)
            .values((
                pj::name.eq(job.name),
                pj::last_run_at.eq(now),
                pj::run_by.eq(instance()),
            ))
            .execute(conn)?;
    }
    Ok(true)
}

/// Runs `work` as this tick of `job` if this instance takes it: `Ok(None)` when the job is not
/// due or another instance has it.
pub async fn run_if_due<T, F>(db: &Db, job: &'static Job, work: F) -> Result<Option<T>, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
{
    db.write(move |conn| {
        if !claim(conn, job, crate::clock::now())? {
            return Ok(None);
        }
        work(conn).map(Some)
    })
    .await
}

/// Ticks `job` for as long as the process runs, logging what each run this instance makes did.
pub async fn run_periodically<T, F>(db: Db, job: &'static Job, work: F)
where
    T: std::fmt::Debug + Send + 'static,
    F: Fn(&mut DbConnection) -> Result<T, ApiError> + Clone + Send + 'static,
{
    let mut every = actix_web::rt::time::interval(job.tick());
    loop {
        every.tick().await;
        match run_if_due(&db, job, work.clone()).await {
            Ok(Some(done)) => tracing::debug!(job = job.name, ?done, "periodic job ran"),
            Ok(None) => {}
            Err(e) => tracing::warn!(job = job.name, error = %e, "periodic job failed; will retry"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0)
            .unwrap()
            .naive_utc()
    }

    #[test]
    fn a_job_is_due_a_tenth_early_and_never_twice_in_a_period() {
        let job = &PROMOTION_CALENDAR;
        assert!(job.is_due(None, at(0)));
        assert!(!job.is_due(Some(at(0)), at(10)));
        assert!(!job.is_due(Some(at(0)), at(53)));
        assert!(job.is_due(Some(at(0)), at(54)));
        assert!(job.is_due(Some(at(0)), at(600)));
        assert_eq!(job.tick(), Duration::from_secs(10));
        assert_eq!(HOUSEKEEPING.tick(), Duration::from_secs(600));
    }

    #[test]
    fn an_instance_is_named_by_host_and_process() {
        assert!(instance().ends_with(&format!(":{}", std::process::id())));
    }
}
