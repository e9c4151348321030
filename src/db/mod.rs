//! Storage plumbing: the connection enum over SQLite and PostgreSQL, the pool, embedded
//! migrations, and the two ways handlers reach the database (`read` and `write`), both of which
//! run diesel on actix's blocking thread pool, never on the async executor.

pub mod after_commit;
pub mod error;
pub mod first_use;
pub mod locks;
mod migrate;
pub mod page;
mod pool;
pub mod replica;
pub mod schema;

pub use error::{StoreError, Stored};
pub use page::PageRequest;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2;
use diesel_migrations::{embed_migrations, EmbeddedMigrations};

use pool::{open_first, with_connect_timeout, DbManager};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One connection to whichever database the service was pointed at.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend is chosen from the URL scheme, so a bad PostgreSQL URL reports PostgreSQL's
    /// own error instead of diesel's generic "invalid connection url".
    pub fn from_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The backend a URL names, refusing schemes prm does not speak (`mysql://`): an SQLite
    /// path has no scheme or `sqlite://`.
    pub fn of(url: &str) -> anyhow::Result<Backend> {
        match url.split_once("://") {
            Some(("postgres" | "postgresql" | "sqlite", _)) | None => Ok(Backend::from_url(url)),
            Some((scheme, _)) => anyhow::bail!(
                "PRM_DATABASE_URL: `{scheme}://` is not supported; use postgres://… or an SQLite path (sqlite://prm.db)"
            ),
        }
    }
}

/// What a database URL points at, for messages: the SQLite file's path, or PostgreSQL's user,
/// host, port and database (never the password).
pub fn describe_url(url: &str) -> String {
    match Backend::from_url(url) {
        Backend::Sqlite => {
            let path = crate::config::sqlite_path(url);
            let full = std::path::absolute(path).unwrap_or_else(|_| path.into());
            format!("the SQLite database {}", full.display())
        }
        Backend::Postgres => {
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            let rest = rest.split('?').next().unwrap_or(rest);
            let (user, place) = match rest.rsplit_once('@') {
                Some((user, place)) => (user.split(':').next().unwrap_or(""), place),
                None => ("", rest),
            };
            let place = if place.starts_with('/') || place.is_empty() {
                format!("localhost{place}")
            } else {
                place.to_string()
            };
            match user {
                "" => format!("PostgreSQL at {place}"),
                user => format!("PostgreSQL at {place} as {user}"),
            }
        }
    }
}

/// The database handle every area uses.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<DbManager>,
    backend: Backend,
    /// SQLite has one writer at a time anyway; taking turns in-process avoids the
    /// SQLITE_BUSY_SNAPSHOT failures a deferred transaction meets when it upgrades to a write.
    sqlite_writer: Arc<Mutex<()>>,
    /// The same turn, waited for on the executor: a queued SQLite writer holds neither a
    /// blocking thread nor a pooled connection that readers could use meanwhile.
    write_turn: Arc<tokio::sync::Mutex<()>>,
    /// One permit per pooled connection for writes: a burst of writes waits here,
    /// asynchronously, instead of as blocked threads holding connections the reads need.
    /// (Reads take no permit: gating them too cost 5–12% of their throughput in
    /// `cargo bench --bench load`, for a shorter tail they did not need.)
    permits: Arc<tokio::sync::Semaphore>,
    /// A hot standby for heavy reads ([`Db::read_heavy`]), when one is configured.
    replica: Option<Arc<replica::Replica>>,
    /// Whether statements are prepared and kept ([`Db::connect_with`]); the replica's too.
    prepared_statements: bool,
    /// Work after commits, shared by writes ending together ([`after_commit`]).
    after_commit: Arc<after_commit::Shared>,
}

impl Db {
    /// Opens the pool; a database that cannot be opened is one clear line naming it and why,
    /// at once (not the pool's retries for its whole timeout).
    pub fn connect(url: &str, max_size: u32) -> anyhow::Result<Db> {
        Db::connect_with(url, max_size, true)
    }

    /// [`Db::connect`], saying whether PostgreSQL statements may be prepared once per
    /// connection and kept. Through a PgBouncer in transaction pooling (before 1.21's own
    /// support) they may not: the next transaction can run on another server connection, where
    /// the statement does not exist or, worse, another one has its name. Without them every
    /// statement is sent with its parameters in one unnamed round trip.
    pub fn connect_with(url: &str, max_size: u32, prepared_statements: bool) -> anyhow::Result<Db> {
        let backend = Backend::of(url)?;
        let manager = DbManager {
            url: match backend {
                Backend::Postgres => with_connect_timeout(url),
                Backend::Sqlite => url.to_string(),
            },
            backend,
            prepared_statements,
        };
        open_first(&manager, url)?;
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            .connection_timeout(Duration::from_secs(10))
            .build(manager)
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        Ok(Db {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
            write_turn: Arc::new(tokio::sync::Mutex::new(())),
            permits: Arc::new(tokio::sync::Semaphore::new(max_size as usize)),
            replica: None,
            prepared_statements,
            after_commit: Arc::default(),
        })
    }

    /// This database with a hot standby for heavy reads; its pool is as large as the
    /// primary's and connects on first use (a standby down at start-up delays nothing).
    pub fn with_replica(mut self, settings: replica::ReplicaSettings) -> Db {
        let size = self.pool.max_size();
        let prepared = self.prepared_statements;
        self.replica = Some(Arc::new(replica::Replica::open(settings, size, prepared)));
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether the database holds no business records yet (no partners, products or orders,
    /// and no user but a first admin): what `prm demo` may fill.
    pub fn is_empty_for_demo(&self) -> anyhow::Result<bool> {
        use schema::{orders, partners, products, users};
        let mut conn = self
            .pool
            .get()
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        let count = |n: Result<i64, diesel::result::Error>| {
            n.map_err(|e| anyhow::anyhow!("cannot read the database: {e}"))
        };
        let records = count(partners::table.count().get_result(&mut **conn))?
            + count(products::table.count().get_result(&mut **conn))?
            + count(orders::table.count().get_result(&mut **conn))?;
        let people = count(users::table.count().get_result(&mut **conn))?;
        Ok(records == 0 && people <= 1)
    }

    /// Runs `f` on a pooled connection off the async executor, after the request's deferred
    /// check if it has one ([`first_use`]).
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let pool = self.pool.clone();
        let check = first_use::take();
        off_the_executor(move || {
            let mut conn = pool
                .get()
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            if let Some(check) = check {
                check(&mut conn)?;
            }
            f(&mut conn)
        })
        .await
    }

    /// A heavy read (analytics, scorecards, tier evaluations, CSV exports, list pages): like
    /// [`Db::read`], but served by the read replica when it is current enough for this reader
    /// ([`replica`]), in which case the request's answer says how current (`X-Data-As-Of`).
    /// The account check always runs on the primary.
    pub async fn read_heavy<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let Some(replica) = self.replica.clone() else {
            return self.read(f).await;
        };
        let pool = self.pool.clone();
        let check = first_use::take();
        let reader = first_use::reader();
        let (value, as_of) = off_the_executor(move || -> Result<_, E> {
            let mut conn = pool
                .get()
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            if let Some(check) = check {
                check(&mut conn)?;
            }
            match replica.connection(&mut conn, reader.as_deref()) {
                Some((mut standby, as_of)) => {
                    drop(conn);
                    Ok((f(&mut standby)?, Some(as_of)))
                }
                None => Ok((f(&mut conn)?, None::<chrono::NaiveDateTime>)),
            }
        })
        .await?;
        if let Some(as_of) = as_of {
            first_use::served_as_of(as_of);
        }
        Ok(value)
    }

    /// The read replica's state, when one is configured (for `/readyz`).
    pub async fn replica_report(&self) -> Result<Option<replica::ReplicaReport>, StoreError> {
        let Some(replica) = self.replica.clone() else {
            return Ok(None);
        };
        let pool = self.pool.clone();
        off_the_executor(move || {
            let mut conn = pool
                .get()
                .map_err(|e| StoreError::Unavailable(e.to_string()))?;
            Ok(Some(replica.report(&mut conn)))
        })
        .await
    }

    /// Runs `f` in one transaction off the async executor: every row it writes, with its audit
    /// entry and event, commits together or not at all.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + From<diesel::result::Error> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let _turn = match self.backend {
            Backend::Sqlite => Some(self.write_turn.lock().await),
            Backend::Postgres => None,
        };
        let _permit = self.permit().await?;
        let db = self.clone();
        let check = first_use::take();
        off_the_executor(move || {
            db.write_blocking(move |conn| {
                if let Some(check) = check {
                    check(conn)?;
                }
                f(conn)
            })
        })
        .await
    }

    /// A turn at one of the pool's connections, awaited without blocking a thread.
    async fn permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, StoreError> {
        self.permits
            .acquire()
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// The blocking form of [`Db::write`], for the CLI and for start-up.
    pub fn write_blocking<T, E, F>(&self, f: F) -> Result<T, E>
    where
        E: From<StoreError> + From<diesel::result::Error>,
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
    {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        match self.backend {
            Backend::Sqlite => {
                // A poisoned lock only means another writer panicked; the database is sound.
                let _turn = self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner());
                after_commit::write(&self.after_commit, &mut conn, |c| {
                    immediate_transaction(c, f)
                })
            }
            Backend::Postgres => {
                after_commit::write(&self.after_commit, &mut conn, |c| c.transaction(f))
            }
        }
    }

    /// Copies the SQLite database to `target` while it serves: `VACUUM INTO` reads one consistent
    /// snapshot (writers carry on meanwhile) into a new, compact file, which is then opened and
    /// checked with `PRAGMA integrity_check`. PostgreSQL has its own tools (`pg_dump`).
    /// `stage` is told each step as it starts (copying, checking), for progress on a terminal.
    pub fn backup_sqlite(
        &self,
        target: &std::path::Path,
        stage: impl Fn(&str),
    ) -> anyhow::Result<()> {
        if self.backend != Backend::Sqlite {
            anyhow::bail!(
                "`prm backup` copies the embedded SQLite database; back up PostgreSQL with pg_dump (see the README)"
            );
        }
        if target.exists() {
            anyhow::bail!("{} exists; back up to a new file", target.display());
        }
        let path = target
            .to_str()
            .ok_or_else(|| anyhow::anyhow!("the backup path is not UTF-8"))?;
        let mut conn = self.pool.get()?;
        stage("copying a consistent moment of the database");
        conn.batch_execute(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))?;
        stage("checking the copy's integrity");
        #[derive(diesel::QueryableByName)]
        struct Check {
            #[diesel(sql_type = diesel::sql_types::Text)]
            integrity_check: String,
        }
        let mut copy = diesel::SqliteConnection::establish(path)?;
        let rows: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(&mut copy)?;
        match rows.first().map(|r| r.integrity_check.as_str()) {
            Some("ok") => Ok(()),
            other => anyhow::bail!("the copy failed its integrity check: {other:?}"),
        }
    }

    /// Copies the SQLite write-ahead log back into the database (`PASSIVE`: it never waits for
    /// readers or blocks writers). Left to SQLite, the writer whose commit crosses the threshold
    /// pays for the checkpoint and its fsync while every other writer queues behind it; done
    /// here, once a second, it costs the writers nothing. PostgreSQL checkpoints itself.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => {
                self.read(|conn| {
                    conn.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")
                        .map_err(StoreError::from)
                })
                .await
            }
            Backend::Postgres => Ok(()),
        }
    }

    /// Checks the database answers a trivial query (readiness probe).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.read(|conn| conn.batch_execute("SELECT 1").map_err(StoreError::from))
            .await
    }
}

/// Runs blocking database work on the runtime's blocking threads, never on the executor.
async fn off_the_executor<T, E>(
    work: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, E>
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| E::from(StoreError::Failed(format!("blocking task failed: {e}"))))?
}

/// An SQLite write transaction that takes the write lock as it begins (`BEGIN IMMEDIATE`). A
/// deferred transaction that reads first and writes later cannot wait for another process's
/// writer: its upgrade fails at once with SQLITE_BUSY. Taking the lock up front lets the busy
/// timeout make it wait its turn instead, so several `prm` processes can share one file.
fn immediate_transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    E: From<StoreError> + From<diesel::result::Error>,
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    fn sqlite(conn: &mut DbConnection) -> Result<&mut diesel::SqliteConnection, StoreError> {
        match conn {
            DbConnection::Sqlite(c) => Ok(c),
            DbConnection::Postgres(_) => Err(StoreError::Failed(
                "an SQLite transaction on a PostgreSQL connection".into(),
            )),
        }
    }
    AnsiTransactionManager::begin_transaction_sql(sqlite(conn)?, "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(value) => match AnsiTransactionManager::commit_transaction(sqlite(conn)?) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = AnsiTransactionManager::rollback_transaction(sqlite(conn)?);
                Err(e.into())
            }
        },
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(sqlite(conn)?)?;
            Err(e)
        }
    }
}

diesel::define_sql_function! {
    /// SQL `lower(text)`, the same on SQLite and PostgreSQL for what searches compare.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// A `LIKE` pattern for `text` anywhere in a search column ([`crate::text::search_key`]), with
/// the wildcards a user typed escaped (use with `.escape('\\')`).
pub fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Ids per `IN (…)` lookup: well inside SQLite's and PostgreSQL's bind-parameter limits.
pub const LOOKUP_CHUNK: usize = 10_000;

/// Inserts a document's lines (tens of rows) in groups of 16, 8, 4, 2 and 1, so that every
/// statement has a fixed shape the connection prepares once and reuses: diesel caches a batch of
/// a fixed size but parses a batch from a `Vec` afresh each time, and on PostgreSQL parsing and
/// planning a 20-line insert's 400 parameters was a fifth of the server's time placing orders
/// (BENCHMARKS.md, PERFORMANCE-2). Large batches (sell-out reports) use [`insert_all!`].
#[macro_export]
macro_rules! insert_lines {
    ($conn:expr, $table:expr, $rows:expr) => {{
        use diesel::RunQueryDsl;
        let conn: &mut $crate::db::DbConnection = $conn;
        let mut rest: &[_] = $rows;
        let mut inserted = 0usize;
        let mut failed = None;
        macro_rules! groups_of {
            ($n:literal) => {
                while failed.is_none() && rest.len() >= $n {
                    let (group, tail) = rest.split_at($n);
                    rest = tail;
                    // `split_at` gave exactly $n rows; the conversion cannot fail.
                    let Ok(group) = <&[_; $n]>::try_from(group) else {
                        continue;
                    };
                    let done = match &mut *conn {
                        $crate::db::DbConnection::Sqlite(c) => {
                            diesel::insert_into($table).values(group).execute(c)
                        }
                        $crate::db::DbConnection::Postgres(c) => {
                            diesel::insert_into($table).values(group).execute(c)
                        }
                    };
                    match done {
                        Ok(n) => inserted += n,
                        Err(e) => failed = Some(e),
                    }
                }
            };
        }
        groups_of!(16);
        groups_of!(8);
        groups_of!(4);
        groups_of!(2);
        groups_of!(1);
        match failed {
            Some(e) => Err::<usize, diesel::result::Error>(e),
            None => Ok(inserted),
        }
    }};
}

/// Inserts many rows in one statement. diesel's multi-backend connection cannot build a batch
/// insert, so this runs it on the concrete connection underneath.
#[macro_export]
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        use diesel::RunQueryDsl;
        match $conn {
            $crate::db::DbConnection::Sqlite(c) => {
                diesel::insert_into($table).values($rows).execute(c)
            }
            $crate::db::DbConnection::Postgres(c) => {
                diesel::insert_into($table).values($rows).execute(c)
            }
        }
    }};
}

/// Hands each document of a page its lines (order lines, versions, …), loaded for the whole
/// page in one query: one pass over each list instead of a filter per document.
pub fn with_lines<D, L, T>(
    docs: Vec<D>,
    lines: Vec<L>,
    doc_id: impl Fn(&D) -> &str,
    line_of: impl Fn(&L) -> &str,
    build: impl Fn(D, Vec<L>) -> T,
) -> Vec<T> {
    let mut by_doc: std::collections::HashMap<String, Vec<L>> = std::collections::HashMap::new();
    for l in lines {
        by_doc.entry(line_of(&l).to_string()).or_default().push(l);
    }
    docs.into_iter()
        .map(|d| {
            let mine = by_doc.remove(doc_id(&d)).unwrap_or_default();
            build(d, mine)
        })
        .collect()
}

#[cfg(test)]
mod migration_tests;
