//! The connection pool's manager: opens the right connection for the URL, applies SQLite's
//! per-connection settings, and decides when a pooled connection must prove it is alive.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};

use super::{describe_url, Backend, DbConnection};

/// A pooled connection and when it was last handed back. A connection used moments ago is alive
/// as far as anyone can tell without asking the server; testing it on every checkout cost a
/// round trip per checkout on PostgreSQL (r2d2's default), a third of a single-record `GET`.
pub struct Pooled {
    conn: DbConnection,
    returned: Instant,
}

/// How long a connection may sit in the pool before it is tested on checkout (`SELECT 1`): long
/// enough that a busy service never tests, short enough that a server restart or an idle
/// timeout on the way (a firewall, PgBouncer's `server_idle_timeout`) is met by the test, not by
/// a request.
pub const TEST_AFTER_IDLE: Duration = Duration::from_secs(5);

impl std::ops::Deref for Pooled {
    type Target = DbConnection;
    fn deref(&self) -> &DbConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut DbConnection {
        &mut self.conn
    }
}

/// libpq waits for an unreachable host as long as the operating system does (minutes); a
/// start-up that cannot reach its database should say so in seconds.
pub(super) fn with_connect_timeout(url: &str) -> String {
    if url.contains("connect_timeout=") {
        return url.to_string();
    }
    let joint = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joint}connect_timeout=5")
}

/// Why the first connection failed, in one line naming the database. For an SQLite file that
/// does not exist yet, the file is created first (owner-only, as its secret beside it), which
/// also names the cause when its directory is missing or not writable.
pub(super) fn open_first(manager: &DbManager, url: &str) -> anyhow::Result<()> {
    let target = describe_url(url);
    if manager.backend == Backend::Sqlite {
        let path = crate::config::sqlite_path(url);
        let in_memory = path == ":memory:" || path.starts_with("file:");
        if !in_memory && !std::path::Path::new(path).exists() {
            create_private(std::path::Path::new(path))
                .map_err(|e| anyhow::anyhow!("cannot open {target}: cannot create it: {e}"))?;
        }
    }
    manager.open().map(drop).map_err(|e| {
        let why = e
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        anyhow::anyhow!("cannot open {target}: {why}")
    })
}

#[cfg(unix)]
fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path);
    already_there_is_fine(created)
}

/// Another process starting at the same moment may have created the file first.
fn already_there_is_fine(created: std::io::Result<std::fs::File>) -> std::io::Result<()> {
    match created {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other.map(drop),
    }
}

#[cfg(not(unix))]
fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    already_there_is_fine(
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path),
    )
}

/// r2d2 manager that builds the right variant and applies SQLite's per-connection settings.
#[derive(Debug)]
pub struct DbManager {
    pub(super) url: String,
    pub(super) backend: Backend,
    /// Whether PostgreSQL connections keep prepared statements ([`super::Db::connect_with`]).
    pub(super) prepared_statements: bool,
}

impl ManageConnection for DbManager {
    type Connection = Pooled;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Pooled, r2d2::Error> {
        let conn = self.open()?;
        Ok(Pooled {
            conn,
            returned: Instant::now(),
        })
    }

    /// Only a connection that sat idle for [`TEST_AFTER_IDLE`] is asked whether it is alive.
    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), r2d2::Error> {
        if pooled.returned.elapsed() < TEST_AFTER_IDLE {
            return Ok(());
        }
        pooled.conn.ping().map_err(r2d2::Error::QueryError)
    }

    /// Called by r2d2 on every connection handed back: a broken one is dropped, and the others'
    /// clocks start here.
    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        pooled.returned = Instant::now();
        pooled.conn.is_broken()
    }
}

impl DbManager {
    /// A new connection, with SQLite's per-connection settings applied.
    pub(super) fn open(&self) -> Result<DbConnection, r2d2::Error> {
        match self.backend {
            Backend::Postgres => {
                let mut conn = diesel::PgConnection::establish(&self.url)
                    .map_err(r2d2::Error::ConnectionError)?;
                if !self.prepared_statements {
                    conn.set_prepared_statement_cache_size(diesel::connection::CacheSize::Disabled);
                }
                Ok(DbConnection::Postgres(conn))
            }
            Backend::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                stable_query_plans();
                let mut conn = diesel::SqliteConnection::establish(path)
                    .map_err(r2d2::Error::ConnectionError)?;
                // busy_timeout must come before journal_mode=WAL, or the switch itself can fail
                // with SQLITE_BUSY while another connection holds the file.
                // Checkpoints run in the background (`Db::checkpoint`), off the writers' path;
                // the automatic one stays as a backstop at 10,000 pages (≈ 40 MB of WAL).
                // Statement journals (a multi-row insert inside a transaction keeps one, so it
                // can undo itself alone) live in memory: in a temporary file they were an eighth
                // of placing an order (perf).
                let settings = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                     PRAGMA wal_autocheckpoint = 10000; PRAGMA temp_store = MEMORY;";
                // Switching a new file to WAL takes it whole for a moment, and SQLite does not
                // wait (busy_timeout) for that: processes opening one new file together retry.
                let mut tries = 0;
                loop {
                    match conn.batch_execute(settings) {
                        Ok(()) => break,
                        Err(e) if tries < 100 && e.to_string().contains("locked") => {
                            tries += 1;
                            std::thread::sleep(Duration::from_millis(50));
                        }
                        Err(e) => return Err(r2d2::Error::QueryError(e)),
                    }
                }
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Gives every SQLite connection this process opens from now on the query planner stability
/// guarantee (`SQLITE_DBCONFIG_ENABLE_QPSG`). Without it, an SQLite built with STAT4 (as the
/// bundled one is) marks a statement whose plan may depend on a bound value (every `LIMIT ?`
/// diesel writes is one) to be compiled again each time that value is bound: diesel's cached
/// statements were parsed anew on every execution, 38% of a single-record GET (perf under
/// `cargo bench --bench load`). The plans no longer look at bound values, which here costs
/// nothing: no query binds a LIKE prefix, and the partial index is there for its uniqueness.
/// diesel does not hand out its raw handle, so the setting goes in through SQLite's own hook
/// for new connections.
fn stable_query_plans() {
    use libsqlite3_sys as ffi;
    use std::ffi::{c_char, c_int};
    static REGISTER: std::sync::Once = std::sync::Once::new();
    unsafe extern "C" fn on_open(
        db: *mut ffi::sqlite3,
        _error: *mut *mut c_char,
        _api: *const ffi::sqlite3_api_routines,
    ) -> c_int {
        // SAFETY: SQLite calls this with the handle of the connection it has just opened;
        // ENABLE_QPSG takes an int (1: on) and an optional int* for the new value (none).
        unsafe {
            ffi::sqlite3_db_config(
                db,
                ffi::SQLITE_DBCONFIG_ENABLE_QPSG,
                1 as c_int,
                std::ptr::null_mut::<c_int>(),
            );
        }
        ffi::SQLITE_OK
    }
    REGISTER.call_once(|| {
        // SAFETY: `on_open` has exactly the entry-point signature SQLite calls.
        unsafe {
            ffi::sqlite3_auto_extension(Some(on_open));
        }
    });
}
