use actix_web::{get, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::observe::Metrics;
use crate::http::Problem;
use crate::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"status": "ok"}))]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness
///
/// Answers as long as the process serves HTTP; does not touch the database.
#[utoipa::path(tag = "Operations", responses((status = 200, description = "Alive", body = Health)), security(()))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
    })
}

/// What `/readyz` answers: ready, and the read replica's state when one is configured.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"status": "ready", "read_replica": {"state": "serving", "lag_seconds": 0.004}}))]
pub struct Readiness {
    #[schema(example = "ready")]
    pub status: String,
    /// Present when `PRM_READ_DATABASE_URL` is set. A replica that is unreachable or lagging
    /// does not make the instance unready: heavy reads go to the primary meanwhile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_replica: Option<crate::db::replica::ReplicaReport>,
}

/// Readiness
///
/// 200 when the database answers, 503 otherwise: take the instance out of the load balancer.
/// With a read replica configured, the body says whether it serves heavy reads (`serving`) or
/// they go to the primary because it is `lagging` or `unreachable`.
#[utoipa::path(
    tag = "Operations",
    responses(
        (status = 200, description = "Ready", body = Readiness),
        (status = 503, description = "Database unreachable", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, crate::http::ApiError> {
    state.db.ping().await?;
    Ok(HttpResponse::Ok().json(Readiness {
        status: "ready".into(),
        read_replica: state.db.replica_report().await?,
    }))
}

/// Prometheus metrics
///
/// `http_requests_total` and `http_request_duration_seconds`, labelled by method, route pattern
/// and status, in the Prometheus text format.
#[utoipa::path(
    tag = "Operations",
    responses((status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain; version=0.0.4")),
    security(())
)]
#[get("/metrics")]
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
