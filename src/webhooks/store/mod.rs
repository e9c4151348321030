//! Webhook subscriptions and their outbox (the deliveries themselves are queued by the change
//! feed, in the event's transaction: see `events::store`).

pub mod queue;
pub mod subscriptions;

pub use queue::{Attempt, DeliveryRow};
pub use subscriptions::{NewSubscription, SubscriptionChange, SubscriptionRow};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::access::Access;
use crate::audit::store::{record_change, snapshot, Actor, Change};
use crate::db::schema::{webhook_deliveries, webhook_subscriptions};
use crate::db::{DbConnection, PageRequest, StoreError};
use crate::refusal::Refusal;
use crate::webhooks::model::{WebhookDelivery, WebhookSubscription};
