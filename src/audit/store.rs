use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::db::schema::audit_log;
use crate::db::DbConnection;
use crate::db::{PageRequest, StoreError};
use crate::events;
use crate::recording::{RecordedFor, RecordingChannel};

/// Who made a change: a user, an integration client, or the system itself (start-up, CLI).
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub kind: &'static str,
    pub request_id: Option<String>,
    /// Staff recording a partner's document: the partner and how it was sent.
    pub recorded_for: Option<RecordedFor>,
}

impl Actor {
    pub fn system() -> Actor {
        Actor {
            id: "system".into(),
            kind: "system",
            request_id: None,
            recorded_for: None,
        }
    }

    /// The same actor recording for `partner_id` what it sent by `channel`.
    pub fn recording(&self, partner_id: &str, channel: RecordingChannel) -> Actor {
        Actor {
            recorded_for: Some(RecordedFor {
                partner_id: partner_id.to_string(),
                channel,
            }),
            ..self.clone()
        }
    }
}

/// A record as the audit log and the change feed keep it: its JSON, written once for both
/// (an order's is ~10 KB; building a value tree and writing it twice was a tenth of placing one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot(String);

impl Snapshot {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<serde_json::Value> for Snapshot {
    fn from(value: serde_json::Value) -> Snapshot {
        Snapshot(value.to_string())
    }
}

/// A record as the audit log and the change feed keep it.
pub fn snapshot<T: serde::Serialize>(record: &T) -> Option<Snapshot> {
    serde_json::to_string(record).ok().map(Snapshot)
}

/// One change to one record.
pub struct Change<'a> {
    /// `<entity>.<verb>`, e.g. `partner.created`; also the event type.
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    /// The partner the record belongs to, so partner principals see its events.
    pub partner_id: Option<&'a str>,
    pub before: Option<Snapshot>,
    pub after: Option<Snapshot>,
}

/// Writes the audit entry and the change-feed event for `change`, in the caller's transaction.
pub fn record_change(
    conn: &mut DbConnection,
    actor: &Actor,
    change: Change<'_>,
) -> Result<(), StoreError> {
    record_shared_change(conn, actor, change, None)
}

/// As [`record_change`], for a record with two partner parties: the event reaches
/// `other_partner_id`'s change feed as well as `change.partner_id`'s.
pub fn record_shared_change(
    conn: &mut DbConnection,
    actor: &Actor,
    change: Change<'_>,
    other_partner_id: Option<&str>,
) -> Result<(), StoreError> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(uuid::Uuid::now_v7().to_string()),
            audit_log::at.eq(Utc::now().naive_utc()),
            audit_log::actor_kind.eq(actor.kind),
            audit_log::actor_id.eq(&actor.id),
            audit_log::action.eq(change.action),
            audit_log::entity_type.eq(change.entity_type),
            audit_log::entity_id.eq(change.entity_id),
            audit_log::partner_id.eq(change.partner_id),
            audit_log::before.eq(change.before.as_ref().map(Snapshot::as_str)),
            audit_log::after.eq(change.after.as_ref().map(Snapshot::as_str)),
            audit_log::request_id.eq(&actor.request_id),
            audit_log::recorded_for_partner_id
                .eq(actor.recorded_for.as_ref().map(|r| &r.partner_id)),
            audit_log::recorded_via.eq(actor.recorded_for.as_ref().map(|r| r.channel.as_str())),
        ))
        .execute(conn)?;
    let data = change
        .after
        .as_ref()
        .or(change.before.as_ref())
        .map_or("null", Snapshot::as_str);
    events::store::append(
        conn,
        events::store::NewEvent {
            event_type: change.action,
            entity_type: change.entity_type,
            entity_id: change.entity_id,
            partner_id: change.partner_id,
            other_partner_id,
            actor_id: &actor.id,
            recorded_for: actor.recorded_for.as_ref(),
            data,
        },
    )
}

#[derive(Debug, Queryable)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    pub actor_kind: String,
    pub actor_id: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub partner_id: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub request_id: Option<String>,
    pub recorded_for_partner_id: Option<String>,
    pub recorded_via: Option<String>,
}

#[derive(Debug, Default)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub actor_id: Option<String>,
}

pub fn list(
    conn: &mut DbConnection,
    f: AuditFilter,
    page: &PageRequest,
) -> Result<Vec<AuditRow>, StoreError> {
    let mut q = crate::paged!(audit_log, page, at);
    if let Some(v) = f.entity_type {
        q = q.filter(audit_log::entity_type.eq(v));
    }
    if let Some(v) = f.entity_id {
        q = q.filter(audit_log::entity_id.eq(v));
    }
    if let Some(v) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(v));
    }
    Ok(q.load::<AuditRow>(conn)?)
}
