//! Applying the embedded migrations: once when several instances start together, and never on
//! a database that is read-only (a hot standby).

use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use diesel_migrations::MigrationHarness;

use super::locks::{self, Lock};
use super::{
    immediate_transaction, schema, Backend, Db, DbConnection, POSTGRES_MIGRATIONS,
    SQLITE_MIGRATIONS,
};

type Failure = Box<dyn std::error::Error + Send + Sync>;

impl Db {
    /// Applies every embedded migration not yet applied; answers how many.
    ///
    /// All of them run in one transaction under the migration lock: of instances starting
    /// together on one database exactly one migrates, the others wait for it and then find
    /// nothing left to do (each on its own had failed creating diesel's migrations table or a
    /// type the first was creating). On SQLite the transaction takes the write lock as it
    /// begins, which does the same.
    ///
    /// A read-only PostgreSQL (a hot standby, or `default_transaction_read_only`) is not
    /// migrated: it must already carry every migration (its primary's), or start-up stops
    /// naming what is missing.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut pooled = self
            .pool
            .get()
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        let conn: &mut DbConnection = &mut pooled;
        if let DbConnection::Postgres(c) = conn {
            if read_only(c)? {
                return check_standby(c);
            }
        }
        let run = |conn: &mut DbConnection| -> Result<usize, Failure> {
            locks::take_database(conn, Lock::Migrations)?;
            let applied = match conn {
                DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS)?.len(),
                DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS)?.len(),
            };
            fill_search_text(conn)?;
            Ok(applied)
        };
        match self.backend {
            Backend::Sqlite => immediate_transaction(conn, run),
            Backend::Postgres => conn.transaction(run),
        }
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))
    }
}

#[derive(QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

/// A hot standby, or a session whose transactions are read-only by default.
fn read_only(c: &mut diesel::PgConnection) -> anyhow::Result<bool> {
    diesel::sql_query(
        "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on' AS flag",
    )
    .get_result::<Flag>(c)
    .map(|f| f.flag)
    .map_err(|e| anyhow::anyhow!("cannot read the database: {e}"))
}

/// A read-only database is served as it is if its primary has applied every migration this
/// build carries; otherwise start-up stops, naming how many are missing.
fn check_standby(c: &mut diesel::PgConnection) -> anyhow::Result<usize> {
    use diesel::migration::MigrationSource;
    // No migrations table at all reads as none applied.
    let applied: Vec<String> = diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
        .load::<Version>(c)
        .map(|v| v.into_iter().map(|v| v.version).collect())
        .unwrap_or_default();
    let missing = MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
        .map_err(|e| anyhow::anyhow!("embedded migrations: {e}"))?
        .iter()
        .filter(|m| !applied.contains(&m.name().version().to_string()))
        .count();
    if missing > 0 {
        anyhow::bail!(
            "the database is read-only (a standby?) and lacks {missing} of this version's migrations; start an instance on the primary first, which migrates it"
        );
    }
    tracing::warn!("the database is read-only (a standby?): not migrated, writes are refused");
    Ok(0)
}

/// Rows written before search keys existed (or by an older instance) get theirs: search keys are
/// Unicode-folded in Rust, which SQL cannot do the same way on both databases.
fn fill_search_text(conn: &mut DbConnection) -> Result<(), diesel::result::Error> {
    use schema::{partners, products};
    let missing: Vec<(String, String, Option<String>)> = partners::table
        .filter(partners::search_text.is_null())
        .select((partners::id, partners::name, partners::legal_name))
        .load(conn)?;
    for (id, name, legal) in missing {
        diesel::update(partners::table.find(id))
            .set(
                partners::search_text.eq(crate::text::partner_search_text(&name, legal.as_deref())),
            )
            .execute(conn)?;
    }
    let missing: Vec<(String, String)> = products::table
        .filter(products::search_text.is_null())
        .select((products::id, products::name))
        .load(conn)?;
    for (id, name) in missing {
        diesel::update(products::table.find(id))
            .set(products::search_text.eq(crate::text::search_key(&name)))
            .execute(conn)?;
    }
    Ok(())
}
