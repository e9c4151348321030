use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::access::Access;
use crate::db::schema::events;
use crate::db::DbConnection;
use crate::db::StoreError;

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
    /// A second party that sees the event (a promotion's sponsor beside its channel partner).
    pub other_partner_id: Option<String>,
    pub recorded_for_partner_id: Option<String>,
    pub recorded_via: Option<String>,
}

pub struct NewEvent<'a> {
    pub event_type: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub partner_id: Option<&'a str>,
    /// A second partner whose feed carries the event too.
    pub other_partner_id: Option<&'a str>,
    pub actor_id: &'a str,
    /// Staff recorded it for a partner.
    pub recorded_for: Option<&'a crate::recording::RecordedFor>,
    /// The record's JSON.
    pub data: &'a str,
}

/// Appends an event inside the caller's transaction, as its last step.
///
/// Readers follow the feed with `after=N`, so numbers must become visible in order and without
/// gaps. On PostgreSQL a transaction-scoped advisory lock, taken right before the insert, makes
/// event-writing commits take turns; under it the next number is the highest so far plus one,
/// so a transaction that rolls back leaves no hole (a database sequence would). The insert is
/// left to the end of the write ([`crate::db::last_in_transaction`]), after the audit entry and
/// the idempotency record, so the lock covers the insert and the commit only. SQLite has one
/// writer already.
pub fn append(conn: &mut DbConnection, e: NewEvent<'_>) -> Result<(), StoreError> {
    // The lock is held to commit: taken as the write's last step, after its audit entry and
    // the record of its answer, so every other writer waits for as little as possible.
    let owned = OwnedEvent::from(&e);
    match crate::db::last_in_transaction::defer(Box::new(move |conn| {
        insert(conn, owned.borrowed())
    })) {
        Ok(()) => Ok(()),
        Err(now) => now(conn),
    }
}

/// An event kept until the end of its transaction.
struct OwnedEvent {
    event_type: String,
    entity_type: String,
    entity_id: String,
    partner_id: Option<String>,
    other_partner_id: Option<String>,
    actor_id: String,
    recorded_for: Option<crate::recording::RecordedFor>,
    data: String,
}

impl From<&NewEvent<'_>> for OwnedEvent {
    fn from(e: &NewEvent<'_>) -> Self {
        OwnedEvent {
            event_type: e.event_type.into(),
            entity_type: e.entity_type.into(),
            entity_id: e.entity_id.into(),
            partner_id: e.partner_id.map(str::to_string),
            other_partner_id: e.other_partner_id.map(str::to_string),
            actor_id: e.actor_id.into(),
            recorded_for: e.recorded_for.cloned(),
            data: e.data.into(),
        }
    }
}

impl OwnedEvent {
    fn borrowed(&self) -> NewEvent<'_> {
        NewEvent {
            event_type: &self.event_type,
            entity_type: &self.entity_type,
            entity_id: &self.entity_id,
            partner_id: self.partner_id.as_deref(),
            other_partner_id: self.other_partner_id.as_deref(),
            actor_id: &self.actor_id,
            recorded_for: self.recorded_for.as_ref(),
            data: &self.data,
        }
    }
}

fn insert(conn: &mut DbConnection, e: NewEvent<'_>) -> Result<(), StoreError> {
    crate::db::locks::take_database(conn, crate::db::locks::Lock::EventFeed)?;
    debug_assert!(
        super::model::is_event_type(e.event_type),
        "`{}` is missing from events::model::EVENT_TYPES",
        e.event_type
    );
    use diesel::sql_types::{BigInt, Nullable, Text, Timestamp};
    // The number and the row in one statement (one round trip, not two): its snapshot is taken
    // after the lock above was granted, so the highest number it reads is the last committed.
    let next = diesel::dsl::sql::<BigInt>("COALESCE(MAX(seq), 0) + 1");
    let row = events::table.select((
        next,
        uuid::Uuid::now_v7().to_string().into_sql::<Text>(),
        Utc::now().naive_utc().into_sql::<Timestamp>(),
        e.event_type.into_sql::<Text>(),
        e.entity_type.into_sql::<Text>(),
        e.entity_id.into_sql::<Text>(),
        e.partner_id.into_sql::<Nullable<Text>>(),
        e.other_partner_id.into_sql::<Nullable<Text>>(),
        e.actor_id.into_sql::<Text>(),
        e.data.into_sql::<Text>(),
        e.recorded_for
            .map(|r| r.partner_id.as_str())
            .into_sql::<Nullable<Text>>(),
        e.recorded_for
            .map(|r| r.channel.as_str())
            .into_sql::<Nullable<Text>>(),
    ));
    let seq: i64 = diesel::insert_into(events::table)
        .values(row)
        .into_columns((
            events::seq,
            events::id,
            events::occurred_at,
            events::event_type,
            events::entity_type,
            events::entity_id,
            events::partner_id,
            events::other_partner_id,
            events::actor_id,
            events::data,
            events::recorded_for_partner_id,
            events::recorded_via,
        ))
        .returning(events::seq)
        .get_result(conn)?;
    enqueue_deliveries(conn, seq, &e)
}

/// The webhook outbox: one delivery per enabled subscription that wants the event, written in
/// the event's own transaction. A host subscription hears every event; a partner's, exactly
/// the events that partner's `/events` feed carries (its body goes through the partner view
/// when it is sent).
fn enqueue_deliveries(
    conn: &mut DbConnection,
    seq: i64,
    e: &NewEvent<'_>,
) -> Result<(), StoreError> {
    use crate::db::schema::{webhook_deliveries as d, webhook_subscriptions as s};
    let parties: Vec<String> = [e.partner_id, e.other_partner_id]
        .into_iter()
        .flatten()
        .map(str::to_string)
        .collect();
    let candidates: Vec<(String, String)> = s::table
        .filter(s::enabled.eq(true))
        .filter(s::partner_id.is_null().or(s::partner_id.eq_any(parties)))
        .select((s::id, s::event_types))
        .load(conn)?;
    let now = Utc::now().naive_utc();
    let wanted = candidates
        .into_iter()
        .filter(|(_, patterns)| {
            let patterns: Vec<String> = serde_json::from_str(patterns).unwrap_or_default();
            super::model::wants(&patterns, e.event_type)
        })
        .map(|(subscription_id, _)| subscription_id);
    // One row per subscription (a handful per event): diesel's multi-row insert does not
    // span both backends.
    for subscription_id in wanted {
        diesel::insert_into(d::table)
            .values((
                d::id.eq(uuid::Uuid::now_v7().to_string()),
                d::subscription_id.eq(subscription_id),
                d::position.eq(seq),
                d::event_seq.eq(Some(seq)),
                d::event_type.eq(e.event_type),
                d::status.eq("pending"),
                d::next_attempt_at.eq(Some(now)),
                d::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn list(
    conn: &mut DbConnection,
    access: &Access,
    after: i64,
    since: Option<NaiveDateTime>,
    entity_type: Option<&str>,
    limit: i64,
) -> Result<Vec<EventRow>, StoreError> {
    let mut q = events::table
        .filter(events::seq.gt(after))
        .order(events::seq.asc())
        .limit(limit)
        .into_boxed();
    if let Some(p) = access.partner_id() {
        q = q.filter(
            events::partner_id
                .eq(p.to_string())
                .or(events::other_partner_id.eq(p.to_string())),
        );
    }
    if let Some(t) = since {
        q = q.filter(events::occurred_at.ge(t));
    }
    if let Some(t) = entity_type {
        q = q.filter(events::entity_type.eq(t.to_string()));
    }
    Ok(q.load::<EventRow>(conn)?)
}
