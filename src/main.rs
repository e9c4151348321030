//! The `prm` command line: parse, build configuration, call into the library.

use std::io::Read;

use anyhow::Context;
use clap::{Parser, Subcommand};
use prm::auth::model::Role;
use prm::auth::{bootstrap_admin, Bootstrap};
use prm::config::Config;
use prm::db::Db;

/// What `prm --help` says after the commands: the settings, all from the environment (the
/// README's Configuration table has the details).
const ENVIRONMENT: &str = "\
Environment (see the README's Configuration table):
  PRM_DATABASE_URL        sqlite://prm.db (default) or postgres://user:password@host/db
  PRM_BIND                listen address (default 127.0.0.1:8080)
  PRM_JWT_SECRET          HS256 secret, 32+ bytes (or PRM_JWT_SECRET_FILE; on SQLite one is
                          generated beside the database when neither is set)
  PRM_JWT_PREVIOUS_SECRETS  comma-separated secrets being retired
  PRM_ADMIN_EMAIL, PRM_ADMIN_PASSWORD  the first admin, when there are no users
  PRM_ACCESS_TOKEN_TTL_SECONDS, PRM_REFRESH_TOKEN_TTL_SECONDS  token lifetimes
  PRM_MAX_BODY_BYTES, PRM_MAX_BATCH_BYTES  request body limits
  PRM_REQUEST_TIMEOUT_SECONDS, PRM_IDLE_TIMEOUT_SECONDS  connection timeouts
  PRM_CORS_ORIGINS        browser origins allowed cross-origin
  PRM_LOGIN_MAX_FAILURES, PRM_LOGIN_MAX_FAILURES_PER_ACCOUNT, PRM_LOGIN_MAX_FAILURES_PER_ADDRESS,
  PRM_LOGIN_WINDOW_SECONDS, PRM_LOGIN_MAX_DELAY_SECONDS  sign-in throttling
  PRM_WRITES_PER_MINUTE, PRM_PARTNER_WRITES_PER_MINUTE  write quotas (0: off)
  PRM_GROWTH_THRESHOLD_BP share of customer below which a growth target shows
  PRM_DB_POOL_SIZE, PRM_WORKERS  connections and HTTP worker threads
  PRM_DB_PREPARED_STATEMENTS  false behind a PgBouncer in transaction pooling
  PRM_READ_DATABASE_URL  a PostgreSQL hot standby for heavy reads (answers say
                         X-Data-As-Of); PRM_READ_MAX_LAG_SECONDS (5),
                         PRM_READ_YOUR_WRITES_SECONDS (5)
  PRM_TRUSTED_PROXIES, PRM_TRUSTED_PROXY_HEADER  proxies whose X-Forwarded-For (or
                          Forwarded) names the client
  PRM_WEBHOOK_ALLOWED_HOSTS, PRM_WEBHOOK_ALLOW_HTTP  private hosts and plain http for webhooks
  PRM_WEBHOOK_RETRY_SECONDS, PRM_WEBHOOK_TIMEOUT_SECONDS, PRM_WEBHOOK_LEASE_SECONDS,
  PRM_WEBHOOK_CONCURRENCY, PRM_WEBHOOK_DISABLE_AFTER_SECONDS  webhook delivery
  PRM_LOG, PRM_LOG_FORMAT log filter (default info) and `json` lines";

#[derive(Parser)]
#[command(
    name = "prm",
    version,
    about = "Supplier-and-channel partner relationship API",
    after_help = ENVIRONMENT
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default): migrates the database first.
    Serve {
        /// Address to listen on (overrides PRM_BIND).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Write the OpenAPI document (default: openapi/openapi.json; `-` for stdout).
    Openapi {
        #[arg(long, default_value = "openapi/openapi.json")]
        out: String,
    },
    /// Copy the SQLite database to FILE while the service runs, and check the copy.
    Backup {
        /// A new file (an existing one is not overwritten).
        file: std::path::PathBuf,
    },
    /// Fill an empty database with a demo world (partners, products, orders in every status,
    /// shares of customer) and print the people and client to sign in as, once.
    Demo,
    /// Manage users from the command line.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input (first line).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, buyer, account_manager, analyst, partner_admin or partner_user.
        #[arg(long)]
        role: String,
        /// Required for partner roles.
        #[arg(long)]
        partner_id: Option<String>,
    },
}

/// Logs to standard error; a `PRM_LOG` that is not a filter is an error, not quietly `info`.
fn init_tracing(default: &str) -> anyhow::Result<()> {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("PRM_LOG") {
        Ok(f) if !f.trim().is_empty() => EnvFilter::try_new(f.trim())
            .map_err(|e| anyhow::anyhow!("PRM_LOG: `{f}` is not a log filter: {e}"))?,
        _ => EnvFilter::new(default),
    };
    let json = match std::env::var("PRM_LOG_FORMAT")
        .ok()
        .as_deref()
        .map(str::trim)
    {
        None | Some("" | "text") => false,
        Some("json") => true,
        Some(other) => anyhow::bail!("PRM_LOG_FORMAT: `{other}` is neither `text` nor `json`"),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
    Ok(())
}

fn open_db(database_url: &str, pool_size: u32) -> anyhow::Result<Db> {
    let db = Db::connect_with(
        database_url,
        pool_size,
        Config::prepared_statements_from_env()?,
    )?;
    let applied = db.migrate()?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    Ok(db)
}

fn main() -> std::process::ExitCode {
    prm::ops::memory::cap_allocator_arenas();
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.unwrap_or(Command::Serve { bind: None });
    // The demo's hundreds of requests are not news; its problems are.
    init_tracing(if matches!(command, Command::Demo) {
        "warn"
    } else {
        "info"
    })?;
    match command {
        Command::Openapi { out } => {
            let json = prm::openapi::document_json();
            if out == "-" {
                print!("{json}");
            } else {
                std::fs::write(&out, json).with_context(|| format!("cannot write {out}"))?;
                eprintln!("wrote {out}");
            }
            Ok(())
        }
        Command::Backup { file } => {
            let db = Db::connect_with(
                &Config::database_url_from_env(),
                1,
                Config::prepared_statements_from_env()?,
            )?;
            // A spinner with the step and the time taken, on a terminal only.
            let progress = indicatif::ProgressBar::new_spinner();
            if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
            {
                progress.set_style(style);
            }
            progress.enable_steady_tick(std::time::Duration::from_millis(120));
            let done = db.backup_sqlite(&file, |step| progress.set_message(step.to_string()));
            progress.finish_and_clear();
            done?;
            eprintln!("backed up to {} (integrity check: ok)", file.display());
            Ok(())
        }
        Command::Migrate => {
            let db = Db::connect_with(
                &Config::database_url_from_env(),
                1,
                Config::prepared_statements_from_env()?,
            )?;
            let applied = db.migrate()?;
            eprintln!("applied {applied} migration(s)");
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    partner_id,
                },
        } => {
            let db = open_db(&Config::database_url_from_env(), 1)?;
            let role = Role::parse(&role).with_context(|| format!("unknown role `{role}`"))?;
            let mut password = String::new();
            std::io::stdin().read_to_string(&mut password)?;
            let password = password.lines().next().unwrap_or("").to_string();
            let user =
                prm::auth::add_user_from_cli(&db, &email, &name, role, partner_id, &password)
                    .map_err(|e| anyhow::anyhow!("{}", e.to_problem().detail))?;
            println!("{}", user.id);
            Ok(())
        }
        Command::Demo => {
            let config = Config::from_env()?;
            let db = open_db(&config.database_url, config.db_pool_size)?;
            let progress = prm::demo::Progress::new(prm::demo::STEPS);
            let today = chrono::Utc::now().date_naive();
            let credentials = actix_web::rt::System::new()
                .block_on(prm::demo::load(db, &config, today, &progress));
            progress.finish();
            println!("{}", prm::demo::describe(&credentials?, &config.bind));
            Ok(())
        }
        Command::Serve { bind } => {
            let mut config = Config::from_env()?;
            if let Some(b) = bind {
                config.bind = b;
            }
            serve(config)
        }
    }
}

fn serve(config: Config) -> anyhow::Result<()> {
    let db = open_db(&config.database_url, config.db_pool_size)?;
    // The port first: a port in use is said before anything says "serving" and before a first
    // admin is created.
    let listener = std::net::TcpListener::bind(&config.bind)
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let admin_email = std::env::var("PRM_ADMIN_EMAIL")
        .ok()
        .filter(|v| !v.is_empty());
    let admin_password = std::env::var("PRM_ADMIN_PASSWORD")
        .ok()
        .filter(|v| !v.is_empty());
    match bootstrap_admin(&db, admin_email, admin_password)
        .map_err(|e| anyhow::anyhow!("{}", e.to_problem().detail))?
    {
        Bootstrap::Existing => {}
        Bootstrap::Created { email } => {
            tracing::info!(%email, "created the first admin from PRM_ADMIN_EMAIL")
        }
        Bootstrap::Generated { email, password } => {
            announce_first_admin(&config.database_url, &email, &password)?
        }
    }
    let service = prm::Service::new(db, &config);
    let bind = config.bind.clone();
    tracing::info!(%bind, backend = ?service.state.db.backend(), "serving; Swagger UI at /docs");
    let workers = config.workers;
    let request_timeout = std::time::Duration::from_secs(config.request_timeout_seconds);
    let idle_timeout = std::time::Duration::from_secs(config.idle_timeout_seconds);
    actix_web::rt::System::new().block_on(async move {
        actix_web::rt::spawn(prm::housekeeping(
            service.state.db.clone(),
            service.state.login_limits,
        ));
        actix_web::rt::spawn(prm::checkpointer(service.state.db.clone()));
        actix_web::rt::spawn(prm::promotion_calendar(service.state.db.clone()));
        actix_web::rt::spawn(prm::webhook_dispatcher(service.clone()));
        actix_web::rt::spawn(prm::overdue_alerts(service.state.db.clone()));
        actix_web::rt::spawn(prm::event_sweep(service.state.db.clone()));
        // A client that is slow to send its request head is answered 408 and dropped; an idle
        // keep-alive connection is closed: neither may hold a connection slot for long.
        let mut server = actix_web::HttpServer::new(move || prm::build_app(service.clone()))
            .client_request_timeout(request_timeout)
            .keep_alive(idle_timeout);
        if let Some(w) = workers {
            server = server.workers(w);
        }
        server
            .listen(listener)
            .with_context(|| format!("cannot listen on {bind}"))?
            .run()
            .await?;
        Ok(())
    })
}

/// A generated first password reaches only a terminal: on one it is printed; otherwise (a
/// service manager, a log file) it goes to an owner-only file beside the database, and only
/// the file's name is printed.
fn announce_first_admin(database_url: &str, email: &str, password: &str) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let change = "Sign in at POST /api/v1/auth/login (or Authorize in /docs) and change it (PATCH /api/v1/users/{id}).";
    if std::io::stdout().is_terminal() {
        // Shown once, on the terminal only; never logged.
        println!(
            "\nFirst start: created admin {email} with password\n\n    {password}\n\n{change}\n"
        );
        return Ok(());
    }
    let file = prm::config::path_beside(database_url, "first-admin");
    // A file left from an earlier database names a password that no longer exists.
    let _ = std::fs::remove_file(&file);
    prm::config::write_private(&file, &format!("{email}\n{password}\n")).with_context(|| {
        format!(
            "cannot write the first admin's password to {}",
            file.display()
        )
    })?;
    println!(
        "First start: created admin {email}; standard output is not a terminal, so its password is in {} (readable by this user only). {change} Then delete the file.",
        file.display()
    );
    Ok(())
}
