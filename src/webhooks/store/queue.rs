//! The outbox as dispatchers work it. A dispatcher claims whole subscriptions (a lease on the
//! subscription row, taken with `FOR UPDATE SKIP LOCKED` on PostgreSQL), so one subscription's
//! deliveries go out one at a time and in feed order, by one process; a process that dies
//! leaves its leases to run out, and another instance takes the queues over.

use diesel::sql_types::{BigInt, Text, Timestamp};

use super::*;
use crate::webhooks::model::{DeliveryStatus, WebhookSettings};

#[derive(Debug, Queryable, Selectable, Clone)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub subscription_id: String,
    pub position: i64,
    pub event_seq: Option<i64>,
    pub event_type: String,
    pub payload: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<NaiveDateTime>,
    pub last_attempt_at: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub last_response_excerpt: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

impl DeliveryRow {
    pub fn to_delivery(&self) -> WebhookDelivery {
        let utc = |t: Option<NaiveDateTime>| t.map(|t| t.and_utc());
        WebhookDelivery {
            id: self.id.clone(),
            subscription_id: self.subscription_id.clone(),
            event_seq: self.event_seq,
            event_type: self.event_type.clone(),
            status: self.status.clone(),
            attempts: self.attempts,
            next_attempt_at: utc(self.next_attempt_at),
            last_attempt_at: utc(self.last_attempt_at),
            last_status_code: self.last_status_code,
            last_error: self.last_error.clone(),
            last_response_excerpt: self.last_response_excerpt.clone(),
            delivered_at: utc(self.delivered_at),
            created_at: self.created_at.and_utc(),
        }
    }

    pub fn is_ping(&self) -> bool {
        self.event_seq.is_none()
    }
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Leases up to `limit` enabled subscriptions whose queue head is due and which no live lease
/// holds, least recently served first; answers their ids.
pub fn claim(
    conn: &mut DbConnection,
    owner: &str,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<String>, StoreError> {
    const HEAD_DUE: &str = "(SELECT d.next_attempt_at FROM webhook_deliveries d \
         WHERE d.subscription_id = s.id AND d.status = 'pending' \
         ORDER BY d.position, d.id LIMIT 1) <= $3";
    let rows: Vec<Claimed> = match conn {
        DbConnection::Postgres(pg) => diesel::sql_query(format!(
            "UPDATE webhook_subscriptions SET lease_owner = $1, lease_until = $2 \
             WHERE id IN (SELECT s.id FROM webhook_subscriptions s \
               WHERE s.enabled AND (s.lease_until IS NULL OR s.lease_until < $3) AND {HEAD_DUE} \
               ORDER BY s.lease_until ASC NULLS FIRST, s.id LIMIT $4 FOR UPDATE SKIP LOCKED) \
             RETURNING id"
        ))
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(pg)?,
        // SQLite has one writer at a time: the statement itself is the claim.
        DbConnection::Sqlite(lite) => diesel::sql_query(
            format!(
                "UPDATE webhook_subscriptions SET lease_owner = $1, lease_until = $2 \
                 WHERE id IN (SELECT s.id FROM webhook_subscriptions s \
                   WHERE s.enabled AND (s.lease_until IS NULL OR s.lease_until < $3) AND {HEAD_DUE} \
                   ORDER BY s.lease_until ASC NULLS FIRST, s.id LIMIT $4) \
                 RETURNING id"
            )
            .replace('$', "?"),
        )
        .bind::<Text, _>(owner)
        .bind::<Timestamp, _>(lease_until)
        .bind::<Timestamp, _>(now)
        .bind::<BigInt, _>(limit)
        .load(lite)?,
    };
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Gives a subscription's queue back (its holder is done with it for now).
pub fn release(conn: &mut DbConnection, id: &str, owner: &str) -> Result<(), StoreError> {
    diesel::update(
        webhook_subscriptions::table
            .find(id)
            .filter(webhook_subscriptions::lease_owner.eq(owner)),
    )
    .set((
        webhook_subscriptions::lease_owner.eq(None::<String>),
        webhook_subscriptions::lease_until.eq(Some(Utc::now().naive_utc())),
    ))
    .execute(conn)?;
    Ok(())
}

/// The next deliveries of a subscription's queue, in feed order (a ping first).
pub fn next_batch(
    conn: &mut DbConnection,
    subscription_id: &str,
    limit: i64,
) -> Result<Vec<DeliveryRow>, StoreError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription_id))
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .order((
            webhook_deliveries::position.asc(),
            webhook_deliveries::id.asc(),
        ))
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)?)
}

/// How one attempt went.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub delivery_id: String,
    /// The receiver's status, when it answered.
    pub status_code: Option<u16>,
    /// Why it did not deliver (absent: delivered).
    pub error: Option<String>,
    pub excerpt: Option<String>,
    pub at: NaiveDateTime,
    /// `[-1, 1]`: how far this retry's wait is moved from its schedule.
    pub jitter: f64,
}

/// Writes the attempts a dispatcher made, in order, and keeps the subscription's failure
/// clock: a success stops it; a failure starts it, and one running past
/// `settings.disable_after` disables the subscription.
pub fn record_attempts(
    conn: &mut DbConnection,
    subscription_id: &str,
    attempts: &[Attempt],
    settings: &WebhookSettings,
) -> Result<(), StoreError> {
    let mut failing = None;
    let mut succeeded = false;
    for a in attempts {
        let row = webhook_deliveries::table
            .find(&a.delivery_id)
            .select(DeliveryRow::as_select())
            .first(conn)
            .optional()?;
        let Some(row) = row.filter(|r| r.status == DeliveryStatus::Pending.as_str()) else {
            continue;
        };
        let made = row.attempts + 1;
        let code = a.status_code.map(i32::from);
        let target = webhook_deliveries::table.find(&a.delivery_id);
        let common = (
            webhook_deliveries::attempts.eq(made),
            webhook_deliveries::last_attempt_at.eq(Some(a.at)),
            webhook_deliveries::last_status_code.eq(code),
            webhook_deliveries::last_error.eq(&a.error),
            webhook_deliveries::last_response_excerpt.eq(&a.excerpt),
        );
        if a.error.is_none() {
            succeeded = true;
            diesel::update(target)
                .set((
                    common,
                    webhook_deliveries::status.eq(DeliveryStatus::Delivered.as_str()),
                    webhook_deliveries::next_attempt_at.eq(None::<NaiveDateTime>),
                    webhook_deliveries::delivered_at.eq(Some(a.at)),
                ))
                .execute(conn)?;
            continue;
        }
        failing = Some(a.at);
        // A test ping is tried once: it says whether the endpoint works now.
        let wait = (!row.is_ping())
            .then(|| settings.retry.next_wait(made, a.jitter))
            .flatten();
        let (status, next) = match wait {
            Some(w) => (
                DeliveryStatus::Pending,
                Some(a.at + chrono::Duration::from_std(w).unwrap_or(chrono::Duration::MAX)),
            ),
            None => (DeliveryStatus::Failed, None),
        };
        diesel::update(target)
            .set((
                common,
                webhook_deliveries::status.eq(status.as_str()),
                webhook_deliveries::next_attempt_at.eq(next),
            ))
            .execute(conn)?;
    }
    keep_failure_clock(conn, subscription_id, succeeded, failing, settings)
}

fn keep_failure_clock(
    conn: &mut DbConnection,
    id: &str,
    succeeded: bool,
    failed_at: Option<NaiveDateTime>,
    settings: &WebhookSettings,
) -> Result<(), StoreError> {
    let since: Option<NaiveDateTime> = webhook_subscriptions::table
        .find(id)
        .select(webhook_subscriptions::failing_since)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()?
        .flatten();
    // The last attempt decides: a success after failures stops the clock, and the other way.
    let since = match (failed_at, succeeded) {
        (Some(at), _) if since.is_none() => Some(at),
        (Some(_), _) => since,
        (None, true) => None,
        (None, false) => return Ok(()),
    };
    diesel::update(webhook_subscriptions::table.find(id))
        .set(webhook_subscriptions::failing_since.eq(since))
        .execute(conn)?;
    let limit = chrono::Duration::from_std(settings.disable_after).unwrap_or(chrono::Duration::MAX);
    match (since, failed_at) {
        (Some(since), Some(at)) if at - since >= limit => {
            super::subscriptions::disable(conn, id, "failing")
        }
        _ => Ok(()),
    }
}

/// Cancels what a subscription still had to send (it was disabled).
pub fn cancel_pending(conn: &mut DbConnection, subscription_id: &str) -> Result<usize, StoreError> {
    Ok(diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::subscription_id.eq(subscription_id))
            .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str())),
    )
    .set((
        webhook_deliveries::status.eq(DeliveryStatus::Cancelled.as_str()),
        webhook_deliveries::next_attempt_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?)
}

/// A `ping` for the subscription: first in its queue, tried once.
pub fn queue_ping(
    conn: &mut DbConnection,
    subscription_id: &str,
    payload: &serde_json::Value,
) -> Result<DeliveryRow, StoreError> {
    let now = Utc::now().naive_utc();
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(webhook_deliveries::table)
        .values((
            webhook_deliveries::id.eq(&id),
            webhook_deliveries::subscription_id.eq(subscription_id),
            webhook_deliveries::position.eq(0i64),
            webhook_deliveries::event_type.eq(crate::events::model::PING),
            webhook_deliveries::payload.eq(Some(payload.to_string())),
            webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
            webhook_deliveries::next_attempt_at.eq(Some(now)),
            webhook_deliveries::created_at.eq(now),
        ))
        .execute(conn)?;
    get_delivery(conn, subscription_id, &id)
}

pub fn get_delivery(
    conn: &mut DbConnection,
    subscription_id: &str,
    id: &str,
) -> Result<DeliveryRow, StoreError> {
    webhook_deliveries::table
        .filter(webhook_deliveries::subscription_id.eq(subscription_id))
        .filter(webhook_deliveries::id.eq(id))
        .select(DeliveryRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(Refusal::NotFound("webhook delivery").into())
}

/// A subscription's deliveries, oldest first, optionally of one status.
pub fn list_deliveries(
    conn: &mut DbConnection,
    subscription_id: &str,
    status: Option<DeliveryStatus>,
    page: &PageRequest,
) -> Result<Vec<DeliveryRow>, StoreError> {
    let mut q = crate::paged!(webhook_deliveries, page, created_at)
        .filter(webhook_deliveries::subscription_id.eq(subscription_id.to_string()))
        .select(DeliveryRow::as_select());
    if let Some(s) = status {
        q = q.filter(webhook_deliveries::status.eq(s.as_str()));
    }
    Ok(q.load(conn)?)
}

/// Sends a finished delivery again (failed, cancelled, or delivered and wanted again): it
/// becomes pending now with a fresh schedule; its id (the receiver's dedupe key) stays.
pub fn retry(
    conn: &mut DbConnection,
    subscription: &super::SubscriptionRow,
    id: &str,
) -> Result<DeliveryRow, StoreError> {
    let row = get_delivery(conn, &subscription.id, id)?;
    if row.status == DeliveryStatus::Pending.as_str() {
        return Err(Refusal::NotAllowed {
            entity: "webhook delivery",
            current: row.status,
            attempted: "retry".into(),
            allowed: vec![],
            field: None,
        }
        .into());
    }
    if !subscription.enabled {
        return Err(Refusal::Conflict {
            code: crate::refusal::Code::IllegalTransition,
            detail: "the subscription is disabled; enable it before retrying its deliveries".into(),
            errors: vec![],
            allowed: None,
        }
        .into());
    }
    diesel::update(webhook_deliveries::table.find(id))
        .set((
            webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()),
            webhook_deliveries::attempts.eq(0),
            webhook_deliveries::next_attempt_at.eq(Some(Utc::now().naive_utc())),
        ))
        .execute(conn)?;
    get_delivery(conn, &subscription.id, id)
}

/// How long a finished delivery (delivered, failed, cancelled) stays in the log.
pub const LOG_RETENTION_DAYS: i64 = 30;

/// Drops finished deliveries last touched before `before` (housekeeping; pending ones stay
/// whatever their age). Answers how many went.
pub fn purge_finished(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(diesel::delete(
        webhook_deliveries::table
            .filter(webhook_deliveries::status.ne(DeliveryStatus::Pending.as_str()))
            .filter(
                webhook_deliveries::last_attempt_at.lt(before).or(
                    webhook_deliveries::last_attempt_at
                        .is_null()
                        .and(webhook_deliveries::created_at.lt(before)),
                ),
            ),
    )
    .execute(conn)?)
}

/// Pending deliveries in all, and when the oldest was queued: what the metrics show.
pub fn backlog(conn: &mut DbConnection) -> Result<(i64, Option<NaiveDateTime>), StoreError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::min(webhook_deliveries::created_at),
        ))
        .first(conn)?)
}

/// The events behind a batch of deliveries, by feed position.
pub fn events_by_seq(
    conn: &mut DbConnection,
    seqs: Vec<i64>,
) -> Result<Vec<crate::events::store::EventRow>, StoreError> {
    use crate::db::schema::events;
    Ok(events::table.filter(events::seq.eq_any(seqs)).load(conn)?)
}
