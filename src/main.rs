//! The `prm` command line: parse, build configuration, call into the library.

use std::io::Read;

use anyhow::Context;
use clap::{Parser, Subcommand};
use prm::auth::model::Role;
use prm::auth::{bootstrap_admin, Bootstrap};
use prm::config::Config;
use prm::db::Db;

#[derive(Parser)]
#[command(
    name = "prm",
    version,
    about = "Supplier-and-channel partner relationship API"
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

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("PRM_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("PRM_LOG_FORMAT").is_ok_and(|f| f == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn open_db(database_url: &str, pool_size: u32) -> anyhow::Result<Db> {
    let db = Db::connect(database_url, pool_size)?;
    let applied = db.migrate()?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    Ok(db)
}

fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    init_tracing();
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
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
            let db = Db::connect(&Config::database_url_from_env(), 1)?;
            db.backup_sqlite(&file)?;
            eprintln!("backed up to {} (integrity check: ok)", file.display());
            Ok(())
        }
        Command::Migrate => {
            let db = Db::connect(&Config::database_url_from_env(), 1)?;
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
            // Shown once, on the terminal only; never logged.
            println!("\nFirst start: created admin {email} with password\n\n    {password}\n\nSign in at POST /api/v1/auth/login and change it (PATCH /api/v1/users/{{id}}).\n");
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
        // A client that is slow to send its request head is answered 408 and dropped; an idle
        // keep-alive connection is closed: neither may hold a connection slot for long.
        let mut server = actix_web::HttpServer::new(move || prm::build_app(service.clone()))
            .client_request_timeout(request_timeout)
            .keep_alive(idle_timeout);
        if let Some(w) = workers {
            server = server.workers(w);
        }
        server
            .bind(&bind)
            .with_context(|| format!("cannot listen on {bind}"))?
            .run()
            .await?;
        Ok(())
    })
}
