//! prm — supplier-and-channel partner relationship API.
//!
//! `build_app` is the one place that wires routes; the binary and the tests both use it.

#![recursion_limit = "256"]

pub mod access;
pub mod agreements;
pub mod alerts;
pub mod analytics;
pub mod audit;
pub mod auth;
pub mod catalogue;
pub mod channel;
pub mod clock;
pub mod codes;
pub mod company;
pub mod config;
pub mod db;
pub mod decimal;
pub mod demo;
pub mod events;
pub mod http;
pub mod jobs;
pub mod lenient;
pub mod lifecycle;
pub mod openapi;
pub mod ops;
pub mod orders;
pub mod participants;
pub mod partners;
pub mod period;
pub mod promotions;
pub mod recording;
pub mod refusal;
pub mod relationships;
pub mod specs;
pub mod standards;
pub mod text;
pub mod ubl;
pub mod values;
pub mod views;
pub mod webhooks;

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, ErrorHandlers};
use actix_web::{web, App, HttpResponse};
use utoipa_actix_web::AppExt;

use crate::auth::tokens::JwtKeys;
use crate::config::Config;
use crate::db::Db;
use crate::http::extract::{
    json_config, path_config, query_config, BatchBodyLimit, BodyLimit, BodyReadTimeout,
};
use crate::http::observe::{observe, Metrics};
use crate::http::ApiError;
use crate::refusal::Refusal;

/// Everything a request handler needs, shared across workers.
pub struct AppState {
    pub db: Db,
    pub jwt: Arc<JwtKeys>,
    pub refresh_ttl: chrono::Duration,
    /// Share of customer below this (basis points) marks a growth target, unless a request
    /// names its own threshold.
    pub growth_threshold_bp: i64,
    /// Sign-in throttling allowances and delays (counts live in the database).
    pub login_limits: crate::auth::throttle::Limits,
    /// Writes per principal per minute.
    pub write_quotas: crate::auth::throttle::WriteQuotas,
    /// Where passwords and client secrets are hashed and checked.
    pub hashing: Arc<crate::auth::hashing::HashingPool>,
    /// Where webhooks may go (subscription URLs are checked against it).
    pub webhooks: Arc<crate::webhooks::model::WebhookSettings>,
    /// Whose word on a client's address is taken (sign-in throttling counts per address).
    pub trusted_proxies: Arc<crate::http::client_address::TrustedProxies>,
}

/// The process-wide parts of the service: built once, handed to every worker's `App`.
#[derive(Clone)]
pub struct Service {
    pub state: web::Data<AppState>,
    pub metrics: web::Data<Metrics>,
    pub body_limit: web::Data<BodyLimit>,
    pub batch_limit: web::Data<BatchBodyLimit>,
    pub body_timeout: web::Data<BodyReadTimeout>,
    /// Browser origins allowed cross-origin (partner portals); same-origin is always allowed.
    pub cors_origins: Arc<Vec<String>>,
}

impl Service {
    pub fn new(db: Db, config: &Config) -> Service {
        let db = match &config.read_replica {
            Some(replica) => db.with_replica(replica.clone()),
            None => db,
        };
        Service {
            state: web::Data::new(AppState {
                db,
                jwt: Arc::new(JwtKeys::rotating(
                    &config.jwt_secret,
                    &config.jwt_previous_secrets,
                    config.access_ttl_seconds,
                )),
                refresh_ttl: chrono::Duration::seconds(config.refresh_ttl_seconds),
                growth_threshold_bp: config.growth_threshold_bp,
                login_limits: config.login_limits,
                write_quotas: config.write_quotas,
                hashing: Arc::new(crate::auth::hashing::HashingPool::for_this_machine()),
                webhooks: Arc::new(config.webhooks.clone()),
                trusted_proxies: Arc::new(config.trusted_proxies.clone()),
            }),
            metrics: web::Data::new(Metrics::new()),
            body_limit: web::Data::new(BodyLimit(config.max_body_bytes)),
            batch_limit: web::Data::new(BatchBodyLimit(config.max_batch_bytes)),
            body_timeout: web::Data::new(BodyReadTimeout(std::time::Duration::from_secs(
                config.request_timeout_seconds,
            ))),
            cors_origins: Arc::new(config.cors_origins.clone()),
        }
    }
}

/// Every documented path with the methods it takes, so a known path called with another method
/// is answered 405 with `Allow` (actix itself would fall through to 404).
struct KnownPaths(Vec<(actix_web::dev::ResourceDef, String)>);

impl KnownPaths {
    fn from_doc(api: &utoipa::openapi::OpenApi) -> KnownPaths {
        let paths = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods: Vec<&str> = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (
                    actix_web::dev::ResourceDef::new(path.as_str()),
                    methods.join(", "),
                )
            })
            .collect();
        KnownPaths(paths)
    }
}

async fn not_found(
    req: actix_web::HttpRequest,
    known: web::Data<KnownPaths>,
) -> Result<HttpResponse, ApiError> {
    match known.0.iter().find(|(def, _)| def.is_match(req.path())) {
        Some((_, allow)) => Err(ApiError::MethodNotAllowed(allow.clone())),
        None => Err(Refusal::NotFound("resource").into()),
    }
}

/// The whole application: API under `/api/v1`, operations endpoints, `/openapi.json`, `/docs`.
pub fn build_app(
    service: Service,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, api) = App::new()
        .into_utoipa_app()
        .openapi(openapi::base())
        .configure(openapi::routes)
        .split_for_parts();
    let api = openapi::finish(api);
    let known = web::Data::new(KnownPaths::from_doc(&api));
    app.app_data(service.state)
        .app_data(known)
        .app_data(service.metrics)
        .app_data(service.body_limit)
        .app_data(service.batch_limit)
        .app_data(service.body_timeout)
        .app_data(json_config())
        .app_data(query_config())
        .app_data(path_config())
        .configure(|cfg| openapi::docs::configure(cfg, api))
        .default_service(web::to(not_found))
        .wrap(from_fn(crate::http::view::views_and_headers))
        .wrap(ErrorHandlers::new().default_handler(crate::http::error::ensure_problem_json))
        .wrap(cors(service.cors_origins))
        .wrap(from_fn(observe))
}

/// CORS closed by default: a browser page on another origin gets no access unless its origin is
/// listed in `PRM_CORS_ORIGINS`. Same-origin calls (Swagger UI at `/docs`) always pass.
fn cors(origins: Arc<Vec<String>>) -> actix_cors::Cors {
    use actix_web::http::header;
    actix_cors::Cors::default()
        .allowed_origin_fn(move |origin, head| {
            let origin = origin.to_str().unwrap_or("");
            let same_origin = head
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .is_some_and(|host| {
                    origin
                        .strip_prefix("http://")
                        .or_else(|| origin.strip_prefix("https://"))
                        == Some(host)
                });
            same_origin || origins.iter().any(|o| o == origin)
        })
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::IF_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("idempotent-replayed"),
        ])
        .max_age(3600)
}

/// The webhook dispatcher for this process, its metrics beside the HTTP ones.
pub async fn webhook_dispatcher(service: Service) {
    let state = &service.state;
    let metrics = match webhooks::dispatch::WebhookMetrics::register(service.metrics.registry()) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "webhook metrics not registered; webhooks are not sent");
            return;
        }
    };
    match webhooks::dispatch::Dispatcher::new(state.db.clone(), (*state.webhooks).clone(), metrics)
    {
        Ok(d) => d.run().await,
        Err(e) => tracing::error!(error = %e, "webhook sender not built; webhooks are not sent"),
    }
}

/// Checkpoints the SQLite write-ahead log five times a second (see [`Db::checkpoint`]). A
/// 20-line order writes some 40 pages to the log; at a few hundred orders a second, a checkpoint
/// once a second let the log reach SQLite's own threshold between two, and the writer that
/// crossed it checkpointed (and synced) in its commit: a tenth of placing an order, and its p99.
/// A checkpoint with nothing to copy costs next to nothing.
pub async fn checkpointer(db: Db) {
    if db.backend() != db::Backend::Sqlite {
        return;
    }
    let mut every = actix_web::rt::time::interval(std::time::Duration::from_millis(200));
    loop {
        every.tick().await;
        if let Err(e) = db.checkpoint().await {
            tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
        }
    }
}

/// The event feed's sweep ([`events::store::sequencer`]): each write numbers its own events
/// right after its commit; this numbers what an instance killed in between left in the inbox.
/// Every instance sweeps each second (a pass with nothing to number costs one lock and one
/// empty statement). PostgreSQL only: SQLite numbers events as they are written.
pub async fn event_sweep(db: Db) {
    if db.backend() != db::Backend::Postgres {
        return;
    }
    let mut every = actix_web::rt::time::interval(std::time::Duration::from_secs(1));
    loop {
        every.tick().await;
        match db.write(events::store::sequencer::sweep).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                events = n,
                "numbered events a write had left in the feed's inbox"
            ),
            // An instance pointed at a standby cannot write; its primary's instances sweep.
            Err(db::StoreError::Unavailable(e)) => {
                tracing::debug!(error = %e, "feed sweep skipped")
            }
            Err(e) => tracing::warn!(error = %e, "feed sweep failed; will retry"),
        }
    }
}

/// The promotion calendar ([`jobs::PROMOTION_CALENDAR`]).
pub async fn promotion_calendar(db: Db) {
    jobs::run_periodically(db, &jobs::PROMOTION_CALENDAR, |conn| {
        let today = clock::today();
        let due = promotions::store::due_on_calendar(conn, today)?;
        Ok(promotions::store::follow_calendar(conn, &due, today)?)
    })
    .await
}

/// Overdue alerts ([`jobs::OVERDUE_ALERTS`], [`alerts`]).
pub async fn overdue_alerts(db: Db) {
    jobs::run_periodically(db, &jobs::OVERDUE_ALERTS, |conn| {
        Ok(alerts::store::announce_overdue(conn, clock::today())?)
    })
    .await
}

/// Housekeeping ([`jobs::HOUSEKEEPING`]): idempotency keys past their retention, refresh tokens
/// long expired, sign-in failure counts that no longer delay anyone, and webhook deliveries
/// finished more than 30 days ago.
pub async fn housekeeping(db: Db, login_limits: auth::throttle::Limits) {
    jobs::run_periodically(db, &jobs::HOUSEKEEPING, move |conn| {
        let keys = http::idempotency::purge_expired(conn)?;
        let tokens = auth::store::purge_expired_refresh_tokens(conn)?;
        auth::store::purge_login_failures(conn, &login_limits)?;
        auth::store::purge_write_quotas(conn)?;
        let kept_from = chrono::Utc::now().naive_utc()
            - chrono::Duration::days(webhooks::store::queue::LOG_RETENTION_DAYS);
        webhooks::store::queue::purge_finished(conn, kept_from)?;
        Ok::<_, ApiError>((keys, tokens))
    })
    .await
}
