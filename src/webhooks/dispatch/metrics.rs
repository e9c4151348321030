//! What the dispatcher reports on `/metrics`: attempts by outcome, and the backlog (pending
//! deliveries and the age of the oldest).

use chrono::NaiveDateTime;
use prometheus::{Gauge, IntCounterVec, IntGauge, Opts, Registry};

use super::age;
use crate::db::StoreError;
use crate::webhooks::store::Attempt;

#[derive(Clone)]
pub struct WebhookMetrics {
    attempts: IntCounterVec,
    pending: IntGauge,
    oldest_pending: Gauge,
}

impl WebhookMetrics {
    /// Registers the dispatcher's metrics beside the HTTP ones.
    pub fn register(registry: &Registry) -> Result<WebhookMetrics, StoreError> {
        let fail = |e: prometheus::Error| StoreError::Failed(e.to_string());
        let attempts = IntCounterVec::new(
            Opts::new(
                "webhook_attempts_total",
                "Webhook delivery attempts, by outcome: delivered, retrying (failed, tried again later) or failed (given up)",
            ),
            &["outcome"],
        )
        .map_err(fail)?;
        let pending = IntGauge::new(
            "webhook_deliveries_pending",
            "Webhook deliveries waiting to be sent (queue depth)",
        )
        .map_err(fail)?;
        let oldest_pending = Gauge::new(
            "webhook_oldest_pending_seconds",
            "Age of the oldest webhook delivery still waiting to be sent",
        )
        .map_err(fail)?;
        registry
            .register(Box::new(attempts.clone()))
            .map_err(fail)?;
        registry.register(Box::new(pending.clone())).map_err(fail)?;
        registry
            .register(Box::new(oldest_pending.clone()))
            .map_err(fail)?;
        Ok(WebhookMetrics {
            attempts,
            pending,
            oldest_pending,
        })
    }

    pub fn count(&self, attempt: &Attempt, retries_later: bool) {
        let outcome = match (&attempt.error, retries_later) {
            (None, _) => "delivered",
            (Some(_), true) => "retrying",
            (Some(_), false) => "failed",
        };
        self.attempts.with_label_values(&[outcome]).inc();
    }

    pub fn backlog(&self, depth: i64, oldest: Option<NaiveDateTime>) {
        self.pending.set(depth);
        self.oldest_pending.set(oldest.map(age).unwrap_or(0.0));
    }
}
