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

/// Readiness
///
/// 200 when the database answers, 503 otherwise: take the instance out of the load balancer.
#[utoipa::path(
    tag = "Operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, description = "Database unreachable", body = Problem, content_type = "application/problem+json"),
    ),
    security(())
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, crate::http::ApiError> {
    state.db.ping().await?;
    Ok(HttpResponse::Ok().json(Health {
        status: "ready".into(),
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
