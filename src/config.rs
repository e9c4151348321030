//! Configuration from the environment (and `prm serve` flags, which override it).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::db::Backend;

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub bind: String,
    /// HS256 signing secret; at least 32 bytes.
    pub jwt_secret: Vec<u8>,
    /// Secrets being retired: tokens they signed are still accepted, none are signed with them.
    pub jwt_previous_secrets: Vec<Vec<u8>>,
    pub access_ttl_seconds: i64,
    pub refresh_ttl_seconds: i64,
    pub max_body_bytes: usize,
    /// The largest batch body (sell-out reports).
    pub max_batch_bytes: usize,
    /// Share of customer below this (basis points) marks a growth target.
    pub growth_threshold_bp: i64,
    /// Proxies (addresses, CIDR blocks) whose forwarding header names the client's address;
    /// none by default: the client is the connection's peer.
    pub trusted_proxies: crate::http::client_address::TrustedProxies,
    /// Browser origins (partner portals) allowed to call the API; none by default.
    pub cors_origins: Vec<String>,
    /// How long a client may take to send a request's head, and then its body.
    pub request_timeout_seconds: u64,
    /// How long an idle keep-alive connection stays open.
    pub idle_timeout_seconds: u64,
    /// Sign-in throttling: free failures per key and the delays past them.
    pub login_limits: crate::auth::throttle::Limits,
    /// Writes per principal per minute.
    pub write_quotas: crate::auth::throttle::WriteQuotas,
    pub db_pool_size: u32,
    pub workers: Option<usize>,
    /// How webhooks are sent: outbound rules, retries, timeouts, leases.
    pub webhooks: crate::webhooks::model::WebhookSettings,
    /// A hot standby for heavy reads; none by default.
    pub read_replica: Option<crate::db::replica::ReplicaSettings>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://prm.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// A variable that must not be silently ignored when it is set: set but blank is an error (an
/// all-whitespace `PRM_JWT_SECRET` would otherwise fall back to another secret).
fn env_not_blank(name: &str) -> anyhow::Result<Option<String>> {
    match std::env::var(name) {
        Ok(v) if v.trim().is_empty() => bail!("{name} is set but blank; unset it or give a value"),
        Ok(v) => Ok(Some(v)),
        Err(_) => Ok(None),
    }
}

fn env_num<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match env(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| anyhow::anyhow!("{name} must be a number, got `{v}`")),
    }
}

impl Config {
    /// The database alone, for commands that need nothing else (`migrate`, `user add`).
    pub fn database_url_from_env() -> String {
        env("PRM_DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string())
    }

    /// `PRM_DB_PREPARED_STATEMENTS` (default true): false through a PgBouncer in transaction
    /// pooling ([`crate::db::Db::connect_with`]).
    pub fn prepared_statements_from_env() -> anyhow::Result<bool> {
        match env("PRM_DB_PREPARED_STATEMENTS").as_deref().map(str::trim) {
            None | Some("true" | "1" | "yes") => Ok(true),
            Some("false" | "0" | "no") => Ok(false),
            Some(other) => bail!("PRM_DB_PREPARED_STATEMENTS: `{other}` is neither true nor false"),
        }
    }

    pub fn from_env() -> anyhow::Result<Config> {
        let database_url = Config::database_url_from_env();
        Backend::of(&database_url)?;
        let jwt_secret = load_jwt_secret(&database_url)?;
        Ok(Config {
            bind: env("PRM_BIND").unwrap_or_else(|| DEFAULT_BIND.to_string()),
            jwt_secret,
            jwt_previous_secrets: previous_secrets(env("PRM_JWT_PREVIOUS_SECRETS").as_deref())?,
            access_ttl_seconds: env_num("PRM_ACCESS_TOKEN_TTL_SECONDS", 900)?,
            refresh_ttl_seconds: env_num("PRM_REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 3600)?,
            max_body_bytes: env_num("PRM_MAX_BODY_BYTES", 1024 * 1024)?,
            max_batch_bytes: env_num("PRM_MAX_BATCH_BYTES", 32 * 1024 * 1024)?,
            growth_threshold_bp: env_num("PRM_GROWTH_THRESHOLD_BP", 3000)?,
            cors_origins: cors_origins(env("PRM_CORS_ORIGINS").as_deref())?,
            trusted_proxies: trusted_proxies()?,
            request_timeout_seconds: env_num("PRM_REQUEST_TIMEOUT_SECONDS", 10)?,
            idle_timeout_seconds: env_num("PRM_IDLE_TIMEOUT_SECONDS", 30)?,
            login_limits: crate::auth::throttle::Limits {
                per_pair: env_num("PRM_LOGIN_MAX_FAILURES", 5)?,
                per_account: env_num("PRM_LOGIN_MAX_FAILURES_PER_ACCOUNT", 20)?,
                per_address: env_num("PRM_LOGIN_MAX_FAILURES_PER_ADDRESS", 100)?,
                window: std::time::Duration::from_secs(env_num("PRM_LOGIN_WINDOW_SECONDS", 900)?),
                max_delay: std::time::Duration::from_secs(env_num(
                    "PRM_LOGIN_MAX_DELAY_SECONDS",
                    900,
                )?),
            },
            write_quotas: crate::auth::throttle::WriteQuotas {
                partner_per_minute: env_num("PRM_PARTNER_WRITES_PER_MINUTE", 300)?,
                host_per_minute: env_num("PRM_WRITES_PER_MINUTE", 1200)?,
            },
            db_pool_size: env_num("PRM_DB_POOL_SIZE", 8)?,
            workers: env("PRM_WORKERS")
                .map(|w| w.parse())
                .transpose()
                .context("PRM_WORKERS must be a number")?,
            webhooks: webhook_settings()?,
            read_replica: read_replica(&database_url)?,
            database_url,
        })
    }
}

/// `PRM_READ_DATABASE_URL` and its limits: a PostgreSQL hot standby of a PostgreSQL primary.
fn read_replica(database_url: &str) -> anyhow::Result<Option<crate::db::replica::ReplicaSettings>> {
    let Some(url) = env("PRM_READ_DATABASE_URL") else {
        return Ok(None);
    };
    if Backend::of(&url)? != Backend::Postgres {
        bail!("PRM_READ_DATABASE_URL: a read replica is a PostgreSQL hot standby (postgres://…)");
    }
    if Backend::from_url(database_url) != Backend::Postgres {
        bail!("PRM_READ_DATABASE_URL needs a PostgreSQL PRM_DATABASE_URL: the embedded SQLite database has no replicas");
    }
    let seconds = |name: &str, default: f64| -> anyhow::Result<std::time::Duration> {
        let value: f64 = env_num(name, default)?;
        std::time::Duration::try_from_secs_f64(value)
            .map_err(|_| anyhow::anyhow!("{name} must be a number of seconds, 0 or more"))
    };
    Ok(Some(crate::db::replica::ReplicaSettings {
        url,
        max_lag: seconds("PRM_READ_MAX_LAG_SECONDS", 5.0)?,
        read_your_writes: seconds("PRM_READ_YOUR_WRITES_SECONDS", 5.0)?,
    }))
}

/// `PRM_TRUSTED_PROXIES` and `PRM_TRUSTED_PROXY_HEADER` (see [`crate::http::client_address`]).
fn trusted_proxies() -> anyhow::Result<crate::http::client_address::TrustedProxies> {
    use crate::http::client_address::TrustedProxies;
    let header = match env("PRM_TRUSTED_PROXY_HEADER") {
        Some(h) => h
            .parse()
            .map_err(|e| anyhow::anyhow!("PRM_TRUSTED_PROXY_HEADER: {e}"))?,
        None => Default::default(),
    };
    TrustedProxies::parse(&env("PRM_TRUSTED_PROXIES").unwrap_or_default(), header)
        .map_err(|e| anyhow::anyhow!("PRM_TRUSTED_PROXIES: {e}"))
}

/// `PRM_WEBHOOK_*`: where webhooks may go and how they are retried (defaults in
/// [`crate::webhooks::model::WebhookSettings`]).
fn webhook_settings() -> anyhow::Result<crate::webhooks::model::WebhookSettings> {
    use crate::webhooks::model::{OutboundRules, RetrySchedule, WebhookSettings};
    use std::time::Duration;
    let d = WebhookSettings::default();
    let seconds = |name: &str, default: Duration| -> anyhow::Result<Duration> {
        let s: f64 = env_num(name, default.as_secs_f64())?;
        if !(s.is_finite() && s > 0.0 && s <= 30.0 * 86_400.0) {
            bail!("{name} must be a number of seconds above 0");
        }
        Ok(Duration::from_secs_f64(s))
    };
    let allow_http = match env("PRM_WEBHOOK_ALLOW_HTTP").as_deref().map(str::trim) {
        None | Some("false" | "0" | "no") => false,
        Some("true" | "1" | "yes") => true,
        Some(other) => bail!("PRM_WEBHOOK_ALLOW_HTTP: `{other}` is neither true nor false"),
    };
    let allowed_hosts = env("PRM_WEBHOOK_ALLOWED_HOSTS")
        .map(|raw| {
            raw.split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let retry = match env("PRM_WEBHOOK_RETRY_SECONDS") {
        Some(raw) => RetrySchedule::parse(&raw)
            .map_err(|e| anyhow::anyhow!("PRM_WEBHOOK_RETRY_SECONDS: {e}"))?,
        None => d.retry,
    };
    let timeout = seconds("PRM_WEBHOOK_TIMEOUT_SECONDS", d.timeout)?;
    let lease = seconds("PRM_WEBHOOK_LEASE_SECONDS", d.lease)?;
    if lease < timeout * 2 {
        bail!("PRM_WEBHOOK_LEASE_SECONDS must be at least twice PRM_WEBHOOK_TIMEOUT_SECONDS");
    }
    Ok(WebhookSettings {
        outbound: OutboundRules {
            allow_http,
            allowed_hosts,
        },
        retry,
        timeout,
        lease,
        concurrency: env_num("PRM_WEBHOOK_CONCURRENCY", d.concurrency)?.max(1),
        disable_after: seconds("PRM_WEBHOOK_DISABLE_AFTER_SECONDS", d.disable_after)?,
        poll: d.poll,
    })
}

/// `PRM_JWT_PREVIOUS_SECRETS`: comma-separated secrets retired from signing but still accepted,
/// so tokens issued before a key rotation keep working until they expire; remove one to retire it.
fn previous_secrets(raw: Option<&str>) -> anyhow::Result<Vec<Vec<u8>>> {
    raw.map(|r| {
        r.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| check_secret(s.as_bytes().to_vec(), "PRM_JWT_PREVIOUS_SECRETS"))
            .collect()
    })
    .unwrap_or(Ok(vec![]))
}

/// `PRM_CORS_ORIGINS`: comma-separated `scheme://host[:port]` origins, each checked, so a typo
/// fails the start instead of silently leaving a portal locked out (or `*` letting everyone in:
/// it is refused, as credentials travel in headers any origin could then use).
fn cors_origins(raw: Option<&str>) -> anyhow::Result<Vec<String>> {
    let Some(raw) = raw else { return Ok(vec![]) };
    raw.split(',')
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(|o| {
            let rest = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"));
            match rest {
                Some(host) if !host.is_empty() && !host.contains('/') && !host.contains('*') => {
                    Ok(o.to_string())
                }
                _ => bail!(
                    "PRM_CORS_ORIGINS: `{o}` is not an origin like https://portal.example.com"
                ),
            }
        })
        .collect()
}

/// The signing secret: `PRM_JWT_SECRET`, else the file named by `PRM_JWT_SECRET_FILE`, else (on
/// the embedded SQLite default only) a secret generated once and kept beside the database file,
/// so restarts keep issued tokens valid. PostgreSQL deployments run several instances that must
/// share one secret, so there it has to be given.
fn load_jwt_secret(database_url: &str) -> anyhow::Result<Vec<u8>> {
    if let Some(s) = env_not_blank("PRM_JWT_SECRET")? {
        return check_secret(s.into_bytes(), "PRM_JWT_SECRET");
    }
    if let Some(path) = env_not_blank("PRM_JWT_SECRET_FILE")? {
        let s = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read PRM_JWT_SECRET_FILE {path}"))?;
        return check_secret(s.trim().as_bytes().to_vec(), "PRM_JWT_SECRET_FILE");
    }
    match Backend::from_url(database_url) {
        Backend::Postgres => bail!(
            "set PRM_JWT_SECRET (32+ bytes) or PRM_JWT_SECRET_FILE when running on PostgreSQL"
        ),
        Backend::Sqlite => load_or_create_secret_file(&secret_path_beside(database_url)),
    }
}

fn check_secret(secret: Vec<u8>, name: &str) -> anyhow::Result<Vec<u8>> {
    if secret.len() < 32 {
        bail!("{name} must be at least 32 bytes");
    }
    Ok(secret)
}

pub fn sqlite_path(database_url: &str) -> &str {
    database_url
        .strip_prefix("sqlite://")
        .unwrap_or(database_url)
}

fn secret_path_beside(database_url: &str) -> PathBuf {
    path_beside(database_url, "jwt-secret")
}

/// `<database>.<suffix>` beside an SQLite database file; in the working directory for
/// PostgreSQL (`prm.<suffix>`).
pub fn path_beside(database_url: &str, suffix: &str) -> PathBuf {
    if Backend::from_url(database_url) == Backend::Postgres {
        return PathBuf::from(format!("prm.{suffix}"));
    }
    let db = Path::new(sqlite_path(database_url));
    let name = format!(
        "{}.{suffix}",
        db.file_name().and_then(|n| n.to_str()).unwrap_or("prm.db")
    );
    db.with_file_name(name)
}

fn load_or_create_secret_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(s) = std::fs::read_to_string(path) {
        return check_secret(s.trim().as_bytes().to_vec(), &path.display().to_string());
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            bail!(
                "cannot keep the JWT secret beside the database: directory {} does not exist",
                dir.display()
            );
        }
    }
    let secret = crate::auth::tokens::random_secret();
    write_private(path, &secret)
        .with_context(|| format!("cannot write the JWT secret to {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a JWT signing secret");
    Ok(secret.into_bytes())
}

/// Writes a new file only its owner may read (the JWT secret, the first admin's password).
#[cfg(unix)]
pub fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(content.as_bytes())
}

#[cfg(not(unix))]
pub fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_origins_are_checked() {
        assert_eq!(cors_origins(None).unwrap(), Vec::<String>::new());
        assert_eq!(
            cors_origins(Some("https://portal.example.com, http://localhost:3000")).unwrap(),
            ["https://portal.example.com", "http://localhost:3000"]
        );
        assert!(cors_origins(Some("*")).is_err());
        assert!(cors_origins(Some("portal.example.com")).is_err());
        assert!(cors_origins(Some("https://portal.example.com/app")).is_err());
    }

    #[test]
    fn secret_lives_beside_the_database() {
        assert_eq!(
            secret_path_beside("sqlite://prm.db"),
            PathBuf::from("prm.db.jwt-secret")
        );
        assert_eq!(
            secret_path_beside("/var/lib/prm/data.db"),
            PathBuf::from("/var/lib/prm/data.db.jwt-secret")
        );
    }

    #[test]
    fn secret_file_is_created_once_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.db.jwt-secret");
        let a = load_or_create_secret_file(&path).unwrap();
        let b = load_or_create_secret_file(&path).unwrap();
        assert_eq!(a, b);
        assert!(a.len() >= 32);
    }
}
