use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::store::{self, AuditFilter};
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::{ApiError, Page, PageParams, Problem, ValidQuery};
use crate::AppState;

/// One recorded write.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000e1", "at": "2026-11-25T09:30:00Z", "actor_kind": "user",
    "actor_id": "0193a1b2-0000-7000-8000-0000000000ff", "action": "partner.status_changed", "entity_type": "partner",
    "entity_id": "0193a1b2-0000-7000-8000-0000000000aa", "partner_id": "0193a1b2-0000-7000-8000-0000000000aa",
    "before": {"status": "prospect", "version": 1}, "after": {"status": "active", "version": 2},
    "request_id": "0193a1b2-0000-7000-8000-0000000000f1"
}))]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    /// `user`, `client` or `system`.
    pub actor_kind: String,
    pub actor_id: String,
    #[schema(example = "partner.updated")]
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub partner_id: Option<String>,
    /// The record before the change (absent on creation).
    pub before: Option<serde_json::Value>,
    /// The record after the change (absent on deletion).
    pub after: Option<serde_json::Value>,
    /// The `X-Request-Id` of the request that made the change.
    pub request_id: Option<String>,
    /// Present when the actor, our staff, recorded it for a partner that sent it by e-mail,
    /// phone, EDI…: "recorded by `actor_id` for `recorded_for.partner_id` via `channel`".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_for: Option<crate::audit::RecordedFor>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<String>,
}

fn parse_json(text: Option<String>) -> Option<serde_json::Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

/// Read the audit log
///
/// Every write with its actor, action, entity and the record before and after, oldest first.
/// Admins and analysts only.
#[utoipa::path(
    tag = "Operations",
    params(PageParams, AuditQuery),
    responses(
        (status = 200, description = "A page of audit entries", body = Page<AuditEntry>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin or analyst", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit-log")]
pub async fn list_audit_log(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_audit_log(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = AuditFilter {
        entity_type: q.entity_type,
        entity_id: q.entity_id,
        actor_id: q.actor_id,
    };
    let limit = page.limit;
    let rows = state
        .db
        .read_heavy(move |conn| store::list(conn, filter, &page))
        .await?;
    let body = Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| AuditEntry {
            id: r.id,
            at: r.at.and_utc(),
            actor_kind: r.actor_kind,
            actor_id: r.actor_id,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            partner_id: r.partner_id,
            before: parse_json(r.before),
            after: parse_json(r.after),
            request_id: r.request_id,
            recorded_for: crate::audit::RecordedFor::from_columns(
                r.recorded_for_partner_id,
                r.recorded_via,
            ),
        },
    );
    Ok(HttpResponse::Ok().json(body))
}
