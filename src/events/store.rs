use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::auth::policy::Access;
use crate::db::schema::events;
use crate::db::DbConnection;
use crate::http::ApiError;

#[derive(Debug, Queryable)]
pub struct EventRow {
    pub seq: i64,
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub event_type: String,
    pub entity_type: String,
    pub entity_id: String,
    pub partner_id: Option<String>,
    pub actor_id: String,
    pub data: String,
}

pub struct NewEvent<'a> {
    pub event_type: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub partner_id: Option<&'a str>,
    pub actor_id: &'a str,
    pub data: &'a serde_json::Value,
}

/// Appends an event inside the caller's transaction.
///
/// On PostgreSQL a sequence number is handed out at insert but becomes visible at commit, so two
/// concurrent writers could commit out of order and a reader at `after=N` would skip the slower
/// one for good. A transaction-scoped advisory lock, taken right before the insert (the last step
/// of every write), makes event-writing commits take turns. SQLite has one writer already.
pub fn append(conn: &mut DbConnection, e: NewEvent<'_>) -> Result<(), ApiError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7201001)").execute(pg)?;
    }
    diesel::insert_into(events::table)
        .values((
            events::id.eq(uuid::Uuid::now_v7().to_string()),
            events::occurred_at.eq(Utc::now().naive_utc()),
            events::event_type.eq(e.event_type),
            events::entity_type.eq(e.entity_type),
            events::entity_id.eq(e.entity_id),
            events::partner_id.eq(e.partner_id),
            events::actor_id.eq(e.actor_id),
            events::data.eq(e.data.to_string()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn list(
    conn: &mut DbConnection,
    access: &Access,
    after: i64,
    since: Option<NaiveDateTime>,
    entity_type: Option<&str>,
    limit: i64,
) -> Result<Vec<EventRow>, ApiError> {
    let mut q = events::table
        .filter(events::seq.gt(after))
        .order(events::seq.asc())
        .limit(limit)
        .into_boxed();
    if let Some(p) = access.partner_id() {
        q = q.filter(events::partner_id.eq(p.to_string()));
    }
    if let Some(t) = since {
        q = q.filter(events::occurred_at.ge(t));
    }
    if let Some(t) = entity_type {
        q = q.filter(events::entity_type.eq(t.to_string()));
    }
    Ok(q.load::<EventRow>(conn)?)
}
