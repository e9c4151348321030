//! The dispatcher: a background task in every `prm serve` process. It claims subscriptions
//! whose queue head is due (a lease in the database, so instances share the work and a dead
//! one's queues are taken over when its leases run out), sends each queue in feed order, one
//! delivery at a time per subscription and at most `concurrency` subscriptions at once, and
//! writes every attempt back. At-least-once: a process killed between a receiver's 2xx and the
//! write sends that delivery again, with the same `webhook-id`.

pub mod client;
mod metrics;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, Utc};
use tokio::sync::Semaphore;

pub use client::Sender;
pub use metrics::WebhookMetrics;

use crate::db::{Db, StoreError};
use crate::events::routes::Event;
use crate::webhooks::model::signing::signature_header;
use crate::webhooks::model::WebhookSettings;
use crate::webhooks::store::{self, queue, Attempt, DeliveryRow, SubscriptionRow};

/// Deliveries read from a queue at a time.
const BATCH: i64 = 100;

/// One process's dispatcher.
#[derive(Clone)]
pub struct Dispatcher {
    db: Db,
    settings: Arc<WebhookSettings>,
    sender: Sender,
    metrics: WebhookMetrics,
    /// This process's name on the leases it takes.
    owner: Arc<str>,
}

/// A queue's next batch with everything needed to send it.
struct Work {
    subscription: SubscriptionRow,
    deliveries: Vec<(DeliveryRow, Vec<u8>)>,
    may_read: bool,
}

impl Dispatcher {
    pub fn new(
        db: Db,
        settings: WebhookSettings,
        metrics: WebhookMetrics,
    ) -> anyhow::Result<Dispatcher> {
        Ok(Dispatcher {
            sender: Sender::new(settings.outbound.clone(), settings.timeout)?,
            db,
            settings: Arc::new(settings),
            metrics,
            owner: format!("prm-{}", uuid::Uuid::now_v7()).into(),
        })
    }

    /// Runs for the life of the process.
    pub async fn run(self) {
        let permits = Arc::new(Semaphore::new(self.settings.concurrency.max(1)));
        actix_web::rt::spawn(self.clone().watch_backlog());
        loop {
            let free = permits.available_permits();
            if free > 0 {
                match self.claim(free as i64).await {
                    Ok(ids) => {
                        for id in ids {
                            let Ok(permit) = permits.clone().acquire_owned().await else {
                                return;
                            };
                            let me = self.clone();
                            actix_web::rt::spawn(async move {
                                me.send_queue(&id).await;
                                drop(permit);
                            });
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "webhook claim failed; will retry"),
                }
            }
            actix_web::rt::time::sleep(self.settings.poll).await;
        }
    }

    async fn claim(&self, limit: i64) -> Result<Vec<String>, StoreError> {
        let owner = self.owner.clone();
        let lease = chrono::Duration::from_std(self.settings.lease).unwrap_or_default();
        self.db
            .write(move |conn| {
                let now = Utc::now().naive_utc();
                queue::claim(conn, &owner, now, now + lease, limit)
            })
            .await
    }

    /// Sends one claimed queue until it is empty, blocked by a failure waiting for its retry,
    /// or the lease is close to running out; then gives the queue back.
    async fn send_queue(&self, id: &str) {
        // Stop starting attempts while one could still outlast the lease.
        let stop_at = Instant::now()
            + self
                .settings
                .lease
                .saturating_sub(self.settings.timeout * 2)
                .max(self.settings.timeout / 2);
        while Instant::now() < stop_at {
            match self.send_batch(id, stop_at).await {
                Ok(true) => continue,
                Ok(false) => break,
                Err(e) => {
                    tracing::warn!(error = %e, subscription = id, "webhook delivery failed; will retry");
                    break;
                }
            }
        }
        let (id, owner) = (id.to_string(), self.owner.clone());
        if let Err(e) = self
            .db
            .write(move |conn| queue::release(conn, &id, &owner))
            .await
        {
            tracing::warn!(error = %e, "webhook lease release failed; it runs out by itself");
        }
    }

    /// One batch; answers whether the queue may have more to send now.
    async fn send_batch(&self, id: &str, stop_at: Instant) -> Result<bool, StoreError> {
        let sub_id = id.to_string();
        let work = self.db.read(move |conn| next_work(conn, &sub_id)).await?;
        let Some(work) = work else { return Ok(false) };
        if !work.may_read {
            let sub_id = id.to_string();
            self.db
                .write(move |conn| {
                    store::subscriptions::disable(conn, &sub_id, "owner_access_ended")
                })
                .await?;
            return Ok(false);
        }
        let full = work.deliveries.len() as i64 == BATCH;
        let mut attempts = vec![];
        let mut blocked = false;
        for (delivery, body) in &work.deliveries {
            if Instant::now() >= stop_at {
                blocked = true;
                break;
            }
            let attempt = self
                .attempt(&work.subscription, delivery, body.clone())
                .await;
            let retries_later = attempt.error.is_some()
                && !delivery.is_ping()
                && self
                    .settings
                    .retry
                    .next_wait(delivery.attempts + 1, 0.0)
                    .is_some();
            self.metrics.count(&attempt, retries_later);
            attempts.push(attempt);
            // Feed order: nothing after a delivery that is waiting for its retry goes first.
            if retries_later {
                blocked = true;
                break;
            }
        }
        let settings = self.settings.clone();
        let sub_id = id.to_string();
        self.db
            .write(move |conn| queue::record_attempts(conn, &sub_id, &attempts, &settings))
            .await?;
        Ok(full && !blocked)
    }

    async fn attempt(&self, sub: &SubscriptionRow, d: &DeliveryRow, body: Vec<u8>) -> Attempt {
        let now = Utc::now();
        let timestamp = now.timestamp();
        let secrets = sub.signing_secrets(now.naive_utc());
        let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
        let headers = [
            ("webhook-id", d.id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            (
                "webhook-signature",
                signature_header(&secrets, &d.id, timestamp, &body),
            ),
        ];
        let answer = self.sender.post(&sub.url, &headers, body).await;
        Attempt {
            delivery_id: d.id.clone(),
            status_code: answer.status_code,
            error: answer.error,
            excerpt: answer.excerpt,
            at: Utc::now().naive_utc(),
            jitter: rand::random_range(-1.0..=1.0),
        }
    }

    /// Keeps the queue-depth gauges current.
    async fn watch_backlog(self) {
        let mut every = actix_web::rt::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            match self.db.read(queue::backlog).await {
                Ok((depth, oldest)) => self.metrics.backlog(depth, oldest),
                Err(e) => tracing::warn!(error = %e, "webhook backlog not read"),
            }
        }
    }
}

/// The subscription, its next batch with each body as the subscriber may read it, and
/// whether its owner still may.
fn next_work(conn: &mut crate::db::DbConnection, id: &str) -> Result<Option<Work>, StoreError> {
    let sub = match store::subscriptions::get(conn, &crate::access::Access::All, id) {
        Ok(s) if s.enabled => s,
        Ok(_) => return Ok(None),
        Err(StoreError::Refused(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    let batch = queue::next_batch(conn, id, BATCH)?;
    if batch.is_empty() {
        return Ok(None);
    }
    let may_read = store::subscriptions::owner_may_read(conn, &sub)?;
    let seqs: Vec<i64> = batch.iter().filter_map(|d| d.event_seq).collect();
    let mut events: std::collections::HashMap<i64, Event> = queue::events_by_seq(conn, seqs)?
        .into_iter()
        .map(|r| (r.seq, Event::from(r)))
        .collect();
    let viewer = match &sub.partner_id {
        Some(p) => Some(crate::auth::store::partner_viewer(conn, p)?),
        None => None,
    };
    let deliveries = batch
        .into_iter()
        .map(|d| {
            let body = body_of(&d, &mut events, viewer.as_ref());
            (d, body)
        })
        .collect();
    Ok(Some(Work {
        subscription: sub,
        deliveries,
        may_read,
    }))
}

/// The body: the event as `/events` answers it to the subscriber (a partner's through its
/// partner view), or a ping's own.
fn body_of(
    d: &DeliveryRow,
    events: &mut std::collections::HashMap<i64, Event>,
    viewer: Option<&crate::views::PartnerViewer>,
) -> Vec<u8> {
    let Some(event) = d.event_seq.and_then(|seq| events.remove(&seq)) else {
        return d.payload.clone().unwrap_or_default().into_bytes();
    };
    let mut value = serde_json::to_value(&event).unwrap_or_default();
    if let Some(viewer) = viewer {
        crate::views::partner_view(&mut value, viewer);
    }
    serde_json::to_vec(&value).unwrap_or_default()
}

/// When `at` was, in seconds before now.
fn age(at: NaiveDateTime) -> f64 {
    (Utc::now().naive_utc() - at).as_seconds_f64().max(0.0)
}
