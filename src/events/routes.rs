use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::store;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::pagination::{check_limit, DEFAULT_LIMIT};
use crate::http::{ApiError, Problem, ValidQuery};
use crate::refusal::Code;
use crate::AppState;

/// One change, as it happened.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "seq": 42, "id": "0193a1b2-0000-7000-8000-000000000001", "occurred_at": "2026-11-25T09:30:00Z",
    "type": "partner.updated", "entity_type": "partner", "entity_id": "0193a1b2-0000-7000-8000-0000000000aa",
    "partner_id": "0193a1b2-0000-7000-8000-0000000000aa", "actor_id": "0193a1b2-0000-7000-8000-0000000000ff",
    "data": {"status": "active"}
}))]
pub struct Event {
    /// Position in the feed; strictly increasing in commit order. Pass the last one you
    /// processed as `after`.
    pub seq: i64,
    pub id: String,
    pub occurred_at: DateTime<Utc>,
    /// What happened, as `<entity>.<verb>` (e.g. `partner.created`).
    #[serde(rename = "type")]
    pub event_type: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The partner whose change feed carries the event (none: internal records).
    pub partner_id: Option<String>,
    /// A second partner whose feed carries it too: a promotion's sponsor, beside its channel
    /// partner in `partner_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_partner_id: Option<String>,
    /// Present when our staff (`actor_id`) recorded it for a partner that sent it by e-mail,
    /// phone, EDI…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_for: Option<crate::recording::RecordedFor>,
    pub actor_id: String,
    /// The entity as it was after the change (or before it, for a deletion).
    pub data: serde_json::Value,
}

impl From<store::EventRow> for Event {
    /// The event as the feed answers it (and webhooks deliver it).
    fn from(r: store::EventRow) -> Event {
        Event {
            seq: r.seq,
            id: r.id,
            occurred_at: r.occurred_at.and_utc(),
            event_type: r.event_type,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            partner_id: r.partner_id,
            other_partner_id: r.other_partner_id,
            recorded_for: crate::recording::RecordedFor::from_columns(
                r.recorded_for_partner_id,
                r.recorded_via,
            ),
            actor_id: r.actor_id,
            data: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null),
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"items": [{
    "seq": 42, "id": "0193a1b2-0000-7000-8000-000000000001", "occurred_at": "2026-11-25T09:30:00Z",
    "type": "partner.updated", "entity_type": "partner", "entity_id": "0193a1b2-0000-7000-8000-0000000000aa",
    "partner_id": "0193a1b2-0000-7000-8000-0000000000aa", "actor_id": "0193a1b2-0000-7000-8000-0000000000ff",
    "data": {"status": "active"}}], "next_cursor": "42"}))]
pub struct EventPage {
    pub items: Vec<Event>,
    /// The `after` to send next when this page was full (more are waiting); absent otherwise.
    /// Either way, the `seq` of the last item you processed is always a valid `after`.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Return events with `seq` greater than this (default 0: from the start).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// Items per page, 1 to 500.
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: Option<i64>,
    /// Only events that occurred at or after this instant.
    #[param(value_type = Option<String>, format = DateTime)]
    pub updated_since: Option<DateTime<Utc>>,
    /// Only events about this kind of entity (`partner`, `contact`, `interaction`, `user`, …).
    pub entity_type: Option<String>,
}

/// Replay the change feed
///
/// Events in commit order after `after`. Staff and host-bound clients see every event; partner
/// users and partner-bound clients see events about their own organisation's records only.
#[utoipa::path(
    tag = "Operations",
    params(EventQuery),
    responses(
        (status = 200, description = "Events after `after`", body = EventPage),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `events:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/events")]
pub async fn list_events(
    state: web::Data<AppState>,
    principal: Principal,
    query: ValidQuery<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_events(&principal)?;
    let q = query.0;
    let after = q.after.unwrap_or(0);
    if after < 0 {
        return Err(ApiError::bad_field(
            Code::InvalidQuery,
            "after",
            "must not be negative",
        ));
    }
    let limit = check_limit(q.limit, DEFAULT_LIMIT)?;
    let since = q.updated_since.map(|t| t.naive_utc());
    let rows = state
        .db
        .read(move |conn| store::list(conn, &access, after, since, q.entity_type.as_deref(), limit))
        .await?;
    let full = rows.len() as i64 == limit;
    let items: Vec<Event> = rows.into_iter().map(Event::from).collect();
    let next_cursor = if full {
        items.last().map(|e| e.seq.to_string())
    } else {
        None
    };
    Ok(HttpResponse::Ok().json(EventPage { items, next_cursor }))
}
