//! The rules of push: where a webhook may go ([`target`]), how it is signed ([`signing`]), when
//! it is tried again ([`schedule`]), and the documents the API answers with.

pub mod schedule;
pub mod signing;
pub mod target;
#[cfg(test)]
mod tests;

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use schedule::{DeliveryStatus, RetrySchedule};
pub use target::OutboundRules;

/// How this install sends webhooks (`PRM_WEBHOOK_*`, see the README).
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    pub outbound: OutboundRules,
    pub retry: RetrySchedule,
    /// How long one attempt may take, answer included.
    pub timeout: Duration,
    /// How long a dispatcher holds a subscription's queue; another instance takes over a
    /// queue whose holder died once this runs out.
    pub lease: Duration,
    /// Subscriptions sent to at once by one instance (each sends one delivery at a time).
    pub concurrency: usize,
    /// A subscription failing this long (no delivery succeeding) is disabled.
    pub disable_after: Duration,
    /// How often the dispatcher looks for due deliveries when it has not been woken.
    pub poll: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        WebhookSettings {
            outbound: OutboundRules::default(),
            retry: RetrySchedule::default(),
            timeout: Duration::from_secs(10),
            lease: Duration::from_secs(60),
            concurrency: 16,
            disable_after: Duration::from_secs(5 * 86_400),
            poll: Duration::from_millis(200),
        }
    }
}

/// The longest a rotated-out secret keeps signing beside the new one.
pub const MAX_OVERLAP_SECONDS: i64 = 7 * 86_400;

/// A webhook subscription: where the events it wants are pushed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000d1", "url": "https://erp.example.com/prm/webhooks",
    "event_types": ["order.*", "invoice.created"], "description": "SAP order inbox",
    "enabled": true, "disabled_reason": null, "partner_id": null,
    "owner_kind": "client", "owner_id": "0193a1b2-0000-7000-8000-0000000000c1",
    "previous_secret_expires_at": null, "failing_since": null, "version": 1,
    "created_at": "2026-12-03T09:00:00Z", "updated_at": "2026-12-03T09:00:00Z"
}))]
pub struct WebhookSubscription {
    pub id: String,
    /// Where deliveries are POSTed.
    #[schema(format = "uri", max_length = 2000)]
    pub url: String,
    /// `*` (every event this owner may read), `<entity>.*`, or exact event types.
    pub event_types: Vec<String>,
    pub description: Option<String>,
    /// Disabled subscriptions receive nothing; their pending deliveries are cancelled.
    pub enabled: bool,
    /// Why prm disabled it (`failing`: no delivery succeeded for days; `owner_access_ended`).
    pub disabled_reason: Option<String>,
    /// The partner whose events it receives, through that partner's view; absent: the host's
    /// subscription, which receives every event.
    pub partner_id: Option<String>,
    /// `user` or `client`: who owns it. Its deliveries stop when the owner loses access.
    pub owner_kind: String,
    pub owner_id: String,
    /// While a rotated-out secret still signs beside the current one.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// Since when no delivery has succeeded (absent while deliveries succeed).
    pub failing_since: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A subscription as created, or with a rotated secret: the only time the secret is shown.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000d1", "url": "https://erp.example.com/prm/webhooks",
    "event_types": ["order.*"], "description": null, "enabled": true, "disabled_reason": null,
    "partner_id": null, "owner_kind": "client", "owner_id": "0193a1b2-0000-7000-8000-0000000000c1",
    "previous_secret_expires_at": null, "failing_since": null, "version": 1,
    "created_at": "2026-12-03T09:00:00Z", "updated_at": "2026-12-03T09:00:00Z",
    "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
}))]
pub struct WebhookSubscriptionWithSecret {
    #[serde(flatten)]
    pub subscription: WebhookSubscription,
    /// The Standard Webhooks signing secret. Store it now: it is not shown again.
    pub secret: String,
}

/// One message to one subscription, and how its sending went.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000e1", "subscription_id": "0193a1b2-0000-7000-8000-0000000000d1",
    "event_seq": 42, "event_type": "order.submitted", "status": "pending", "attempts": 2,
    "next_attempt_at": "2026-12-03T09:11:00Z", "last_attempt_at": "2026-12-03T09:01:00Z",
    "last_status_code": 503, "last_error": "answered 503", "last_response_excerpt": "upstream unavailable",
    "delivered_at": null, "created_at": "2026-12-03T09:00:55Z"
}))]
pub struct WebhookDelivery {
    /// Also the `webhook-id` header: the same on every attempt, so receivers deduplicate by it.
    pub id: String,
    pub subscription_id: String,
    /// The event's position in the change feed (absent for a test `ping`).
    pub event_seq: Option<i64>,
    pub event_type: String,
    /// `pending`, `delivered`, `failed` (every attempt failed; retry it) or `cancelled`.
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The receiver's HTTP status on the last attempt (absent: no answer).
    pub last_status_code: Option<i32>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// The first kilobyte of the receiver's last answer.
    pub last_response_excerpt: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}
