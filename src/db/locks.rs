//! Every PostgreSQL advisory lock prm takes, in one table, so that no two uses share a key by
//! accident (a shared key is not wrong, only slower: unrelated work would wait on each other)
//! and an operator reading `pg_locks` (`locktype = 'advisory'`, `classid` is the first key) can
//! tell what waits on what.
//!
//! All are transaction-scoped (`pg_advisory_xact_lock`): released at commit or rollback, so they
//! work through a PgBouncer in transaction pooling, and an instance killed while holding one
//! loses it with its connection. The second key hashes the schema and the name of what is locked
//! (a partner, a principal, a job), so databases kept as schemas side by side (the tests do) do
//! not wait on each other. SQLite needs none of them: it has one writer.

use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Text};

use super::DbConnection;

/// What a lock serialises; its number is the first key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    /// Applying migrations: one instance migrates, the others wait and find nothing to do.
    Migrations = 7_201_000,
    /// Numbering the event feed: numbers become visible in order and without gaps (the events
    /// area's sequencer, and `append` outside a write).
    EventFeed = 7_201_001,
    /// One sign-in throttling key (account, account and address, address).
    SignInKey = 7_201_002,
    /// One principal's write quota for the minute.
    WriteQuota = 7_201_003,
    /// One partner's sell-out reports (a correction must see the report it replaces).
    PartnerReports = 7_201_004,
    /// One promotion's claims (racing claims must not both fit under the cap).
    PromotionClaims = 7_201_005,
    /// Creating the first admin on an empty database.
    FirstAdmin = 7_201_006,
    /// One periodic job (the `jobs` module): exactly one instance runs each of its ticks.
    PeriodicJob = 7_201_007,
}

/// Every lock, for the table's test and for documentation.
pub const ALL: [Lock; 8] = [
    Lock::Migrations,
    Lock::EventFeed,
    Lock::SignInKey,
    Lock::WriteQuota,
    Lock::PartnerReports,
    Lock::PromotionClaims,
    Lock::FirstAdmin,
    Lock::PeriodicJob,
];

impl Lock {
    fn key(self) -> i32 {
        self as i32
    }
}

/// Waits for `lock` on `name` until the caller's transaction ends.
pub fn take(conn: &mut DbConnection, lock: Lock, name: &str) -> QueryResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query(
            "SELECT pg_advisory_xact_lock($1, hashtext(current_schema() || ':' || $2))",
        )
        .bind::<Integer, _>(lock.key())
        .bind::<Text, _>(name)
        .execute(pg)?;
    }
    Ok(())
}

/// Waits for `lock` on the whole database (its schema) until the caller's transaction ends.
pub fn take_database(conn: &mut DbConnection, lock: Lock) -> QueryResult<()> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
            .bind::<Integer, _>(lock.key())
            .execute(pg)?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Granted {
    #[diesel(sql_type = Bool)]
    granted: bool,
}

/// Takes `lock` on `name` for the caller's transaction if no one holds it; `false` at once
/// otherwise. SQLite's writer is already alone: always `true` there.
pub fn try_take(conn: &mut DbConnection, lock: Lock, name: &str) -> QueryResult<bool> {
    match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(
            "SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema() || ':' || $2)) AS granted",
        )
        .bind::<Integer, _>(lock.key())
        .bind::<Text, _>(name)
        .get_result::<Granted>(pg)
        .map(|g| g.granted),
        DbConnection::Sqlite(_) => Ok(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lock_has_its_own_key() {
        let mut keys: Vec<i32> = ALL.iter().map(|l| l.key()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), ALL.len());
        assert!(keys.iter().all(|k| (7_201_000..7_202_000).contains(k)));
    }
}
