//! A subscription's delivery log, retrying one delivery, and the test ping.

use super::*;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    /// Only deliveries in this status: `pending`, `delivered`, `failed` or `cancelled`.
    pub status: Option<String>,
}

/// A subscription's delivery log
///
/// Oldest first: each delivery's status, attempts, the receiver's last status code and the
/// first kilobyte of its answer, the last error, and when the next attempt is due.
#[utoipa::path(
    tag = "Webhooks",
    params(("id" = String, Path, description = "Subscription id"), DeliveryQuery, PageParams),
    responses(
        (status = 200, description = "A page of deliveries", body = Page<WebhookDelivery>),
        (status = 400, description = "Malformed id or bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage webhook subscriptions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhook-subscriptions/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
    query: ValidQuery<DeliveryQuery>,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::manage_webhooks(&principal)?;
    let status = match query.0.status.as_deref() {
        None => None,
        Some(s) => Some(DeliveryStatus::parse(s).ok_or_else(|| {
            ApiError::bad_field(
                crate::refusal::Code::InvalidQuery,
                "status",
                "must be pending, delivered, failed or cancelled",
            )
        })?),
    };
    let page = page.0.validate()?;
    let limit = page.limit;
    let row = visible(&state, access, subscription_id(&path)?).await?;
    let rows = state
        .db
        .read(move |conn| store::queue::list_deliveries(conn, &row.id, status, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_delivery(),
    )))
}

/// Retry a webhook delivery
///
/// Sends a failed, cancelled or delivered message again, first in its subscription's queue,
/// with a fresh retry schedule and the same `webhook-id` (receivers deduplicate by it).
#[utoipa::path(
    tag = "Webhooks",
    params(("id" = String, Path, description = "Subscription id"), ("delivery_id" = String, Path, description = "Delivery id")),
    responses(
        (status = 202, description = "Queued again", body = WebhookDelivery),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage webhook subscriptions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription or delivery, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still pending, or the subscription is disabled", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhook-subscriptions/{id}/deliveries/{delivery_id}/retry")]
pub async fn retry_webhook_delivery(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::manage_webhooks(&principal)?;
    let id = path_id(&path.0, "id")?;
    let delivery_id = path_id(&path.1, "delivery_id")?;
    let row = visible(&state, access, id).await?;
    let delivery = state
        .db
        .write(move |conn| {
            let row = store::subscriptions::get(conn, &Access::All, &row.id)?;
            store::queue::retry(conn, &row, &delivery_id)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(delivery.to_delivery()))
}

/// Send a test ping
///
/// Queues a `ping` message first in the subscription's queue, signed like every delivery and
/// tried once; its outcome shows in the delivery log. The body is
/// `{"type": "ping", "id": …, "occurred_at": …, "data": {"subscription_id": …}}`.
#[utoipa::path(
    tag = "Webhooks",
    params(("id" = String, Path, description = "Subscription id")),
    responses(
        (status = 202, description = "Ping queued", body = WebhookDelivery),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not manage webhook subscriptions", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The subscription is disabled", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhook-subscriptions/{id}/test")]
pub async fn test_webhook_subscription(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::manage_webhooks(&principal)?;
    let row = visible(&state, access, subscription_id(&path)?).await?;
    if !row.enabled {
        return Err(Refusal::conflict(
            crate::refusal::Code::IllegalTransition,
            "the subscription is disabled; enable it before testing it",
        )
        .into());
    }
    let delivery = state
        .db
        .write(move |conn| {
            let payload = serde_json::json!({
                "type": crate::events::model::PING,
                "id": uuid::Uuid::now_v7().to_string(),
                "occurred_at": chrono::Utc::now(),
                "data": {"subscription_id": row.id},
            });
            store::queue::queue_ping(conn, &row.id, &payload)
        })
        .await?;
    Ok(HttpResponse::Accepted().json(delivery.to_delivery()))
}
