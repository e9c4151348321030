//! The feed's sequencer (PostgreSQL): numbers the events writes left in the inbox.
//!
//! Numbering an event as it is written needs every event-writing transaction to take turns
//! from its append through its commit — the commit's flush included, a few milliseconds each —
//! and that turn capped every instance together at a couple of hundred writes a second. So a
//! write only puts its events in `event_inbox`, unnumbered, and waits for nobody; once it has
//! committed, a pass — one at a time, under the feed's advisory lock — moves every committed
//! inbox row into `events` in one statement, numbered on from the highest number so far in the
//! order they were written, and queues their webhook deliveries in that same transaction.
//! Numbers still become visible in order and without gaps (only one pass numbers at a time and
//! it commits what it numbered before the next starts), and one pass carries every write that
//! committed while the one before it ran, so writers share its flush instead of queueing for
//! their own.
//!
//! The writer runs a pass before answering, so its events are in the feed when its answer
//! arrives. An instance killed between the two leaves its events in the inbox for the next
//! pass: any writer's, or the sweep each instance runs every second ([`sweep`]).

use diesel::prelude::*;

use super::{enqueue_deliveries, NewEvent, Numbered};
use crate::db::locks::{self, Lock};
use crate::db::schema::event_inbox;
use crate::db::{DbConnection, StoreError};

/// Puts an event in the inbox inside the caller's transaction; it is numbered after commit.
pub(super) fn put_in_inbox(conn: &mut DbConnection, e: &NewEvent<'_>) -> Result<(), StoreError> {
    diesel::insert_into(event_inbox::table)
        .values((
            event_inbox::id.eq(uuid::Uuid::now_v7().to_string()),
            event_inbox::occurred_at.eq(chrono::Utc::now().naive_utc()),
            event_inbox::event_type.eq(e.event_type),
            event_inbox::entity_type.eq(e.entity_type),
            event_inbox::entity_id.eq(e.entity_id),
            event_inbox::partner_id.eq(e.partner_id),
            event_inbox::other_partner_id.eq(e.other_partner_id),
            event_inbox::actor_id.eq(e.actor_id),
            event_inbox::data.eq(e.data),
            event_inbox::recorded_for_partner_id.eq(e.recorded_for.map(|r| r.partner_id.as_str())),
            event_inbox::recorded_via.eq(e.recorded_for.map(|r| r.channel.as_str())),
        ))
        .execute(conn)?;
    Ok(())
}

/// A pass in a transaction of its own: what a write runs after its commit.
pub fn pass(conn: &mut DbConnection) -> Result<(), StoreError> {
    conn.transaction(|conn| number_inbox(conn).map(|_| ()))
}

/// A pass inside the caller's transaction ([`crate::db::Db::write`]); answers how many events
/// it numbered. Nothing to do on SQLite, whose events are numbered as they are written.
pub fn sweep(conn: &mut DbConnection) -> Result<usize, StoreError> {
    match conn {
        DbConnection::Postgres(_) => number_inbox(conn),
        DbConnection::Sqlite(_) => Ok(0),
    }
}

/// Moves every committed inbox row into the feed, numbered; queues their webhook deliveries.
fn number_inbox(conn: &mut DbConnection) -> Result<usize, StoreError> {
    // Taken before the statement below, whose snapshot therefore sees every row the previous
    // pass numbered and every write committed by the time the lock was granted.
    locks::take_database(conn, Lock::EventFeed)?;
    let numbered: Vec<Numbered> = diesel::sql_query(NUMBER_INBOX).load(conn)?;
    enqueue_deliveries(conn, &numbered)?;
    Ok(numbered.len())
}

const NUMBER_INBOX: &str = "\
WITH moved AS (
    DELETE FROM event_inbox
    RETURNING position, id, occurred_at, event_type, entity_type, entity_id, partner_id,
              other_partner_id, actor_id, data, recorded_for_partner_id, recorded_via
), highest AS (
    SELECT COALESCE(MAX(seq), 0) AS seq FROM events
)
INSERT INTO events (seq, id, occurred_at, event_type, entity_type, entity_id, partner_id,
                    other_partner_id, actor_id, data, recorded_for_partner_id, recorded_via)
SELECT highest.seq + row_number() OVER (ORDER BY moved.position), moved.id, moved.occurred_at,
       moved.event_type, moved.entity_type, moved.entity_id, moved.partner_id,
       moved.other_partner_id, moved.actor_id, moved.data, moved.recorded_for_partner_id,
       moved.recorded_via
FROM moved CROSS JOIN highest
RETURNING seq, event_type, partner_id, other_partner_id";
