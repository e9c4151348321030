//! Relationship management as pure rules: the scorecard computed from the documents exchanged,
//! its weights, the tier ladder and its monotony, evaluation of a partner against the ladder,
//! four-eyes tier changes, and development-plan actions.
//!
//! Rates are basis points (0–10000), rounded half up once; scores are whole points 0–100.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::analytics::model::share_bp;
use crate::channel::model::check_share_bp;
use crate::decimal::div_round;
use crate::lifecycle::Lifecycle;
use crate::orders::model::Quantity;
use crate::refusal::FieldError;
use crate::refusal::Refusal;
use crate::text_enum;
use crate::values::body_id;
use crate::values::Name;

text_enum! {
    /// Which flow of documents a scorecard reads: `supplier` — purchase orders, their
    /// deliveries, inspections, returns and invoices (the partner's performance as our
    /// supplier); `customer` — sales orders, deliveries to the customer, its goods receipts and
    /// invoices (how the relationship runs as the documents show it).
    pub enum ScorecardSide {
        Supplier = "supplier",
        Customer = "customer",
    }
}

mod documents;
mod ladder;
mod plans;
mod scorecard;

pub use documents::*;
pub use ladder::*;
pub use plans::*;
pub use scorecard::*;

#[cfg(test)]
mod tests;
