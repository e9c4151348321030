use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::access::Access;
use crate::db::schema::events;
use crate::db::DbConnection;
use crate::db::StoreError;

pub mod sequencer;

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

/// Appends an event inside the caller's transaction.
///
/// Readers follow the feed with `after=N`, so numbers must become visible in order and without
/// gaps. On PostgreSQL, a write ([`crate::db::Db::write`]) puts its events in the feed's inbox,
/// unnumbered and without waiting for any other writer, and [`sequencer`] numbers them right
/// after it commits, before its answer goes out. Outside such a write (start-up, a test's own
/// transaction) and on SQLite, which has one writer, the event is numbered at once.
pub fn append(conn: &mut DbConnection, e: NewEvent<'_>) -> Result<(), StoreError> {
    debug_assert!(
        super::model::is_event_type(e.event_type),
        "`{}` is missing from events::model::EVENT_TYPES",
        e.event_type
    );
    match conn {
        DbConnection::Postgres(_)
            if crate::db::after_commit::ask("event feed sequencer", sequencer::pass) =>
        {
            sequencer::put_in_inbox(conn, &e)
        }
        _ => number_now(conn, &e),
    }
}

/// Numbers the event as it is written: under the feed's lock, held to commit, the next number
/// is the highest so far plus one, so a transaction that rolls back leaves no hole (a database
/// sequence would).
fn number_now(conn: &mut DbConnection, e: &NewEvent<'_>) -> Result<(), StoreError> {
    crate::db::locks::take_database(conn, crate::db::locks::Lock::EventFeed)?;
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
    enqueue_deliveries(
        conn,
        &[Numbered {
            seq,
            event_type: e.event_type.into(),
            partner_id: e.partner_id.map(str::to_string),
            other_partner_id: e.other_partner_id.map(str::to_string),
        }],
    )
}

/// An event as it was numbered: what its webhook deliveries need.
#[derive(Debug, QueryableByName)]
struct Numbered {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    seq: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    event_type: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    partner_id: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    other_partner_id: Option<String>,
}

impl Numbered {
    fn parties(&self) -> impl Iterator<Item = &str> {
        [&self.partner_id, &self.other_partner_id]
            .into_iter()
            .flatten()
            .map(String::as_str)
    }
}

/// The webhook outbox: one delivery per enabled subscription that wants the event, written in
/// the transaction that numbers the event. A host subscription hears every event; a partner's,
/// exactly the events that partner's `/events` feed carries (its body goes through the partner
/// view when it is sent).
fn enqueue_deliveries(conn: &mut DbConnection, numbered: &[Numbered]) -> Result<(), StoreError> {
    use crate::db::schema::{webhook_deliveries as d, webhook_subscriptions as s};
    if numbered.is_empty() {
        return Ok(());
    }
    let mut parties: Vec<String> = numbered
        .iter()
        .flat_map(Numbered::parties)
        .map(str::to_string)
        .collect();
    parties.sort();
    parties.dedup();
    let candidates: Vec<(String, Option<String>, String)> = s::table
        .filter(s::enabled.eq(true))
        .filter(s::partner_id.is_null().or(s::partner_id.eq_any(parties)))
        .select((s::id, s::partner_id, s::event_types))
        .load(conn)?;
    if candidates.is_empty() {
        return Ok(());
    }
    let candidates: Vec<(String, Option<String>, Vec<String>)> = candidates
        .into_iter()
        .map(|(id, partner, patterns)| {
            (
                id,
                partner,
                serde_json::from_str(&patterns).unwrap_or_default(),
            )
        })
        .collect();
    let now = Utc::now().naive_utc();
    for event in numbered {
        let wanted = candidates.iter().filter(|(_, partner, patterns)| {
            partner
                .as_deref()
                .is_none_or(|p| event.parties().any(|q| q == p))
                && super::model::wants(patterns, &event.event_type)
        });
        // One row per subscription (a handful per event): diesel's multi-row insert does not
        // span both backends.
        for (subscription_id, _, _) in wanted {
            diesel::insert_into(d::table)
                .values((
                    d::id.eq(uuid::Uuid::now_v7().to_string()),
                    d::subscription_id.eq(subscription_id),
                    d::position.eq(event.seq),
                    d::event_seq.eq(Some(event.seq)),
                    d::event_type.eq(&event.event_type),
                    d::status.eq("pending"),
                    d::next_attempt_at.eq(Some(now)),
                    d::created_at.eq(now),
                ))
                .execute(conn)?;
        }
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
