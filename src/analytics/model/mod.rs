//! The calculations behind the analytics, without a database: shares in basis points, share of
//! customer by partner, category and period with trend, target gap and growth-target flag; the
//! portfolio and segment roll-ups; supplier concentration (largest share, Herfindahl index);
//! ABC classes by cumulative contribution; stock cover.
//!
//! Every ratio is computed on integers and rounded half-up once, at the end; class boundaries
//! are compared exactly (cumulative × 10000 against threshold × total), never on rounded shares.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::channel::model::{EstimateSource, WalletEstimate};
use crate::orders::model::Quantity;
use crate::period::{Granularity, Period};
use crate::refusal::FieldError;
use crate::text_enum;

/// `part ÷ whole` in basis points, rounded half-up; none when the whole is nothing.
pub fn share_bp(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    let (part, whole) = (part as i128, whole as i128);
    Some(((part * 20_000 + whole) / (2 * whole)) as i64)
}

/// The Herfindahl–Hirschman index of the shares making up a whole, on the 0–10000 scale
/// (one supplier: 10000; ten equal ones: 1000), rounded half-up.
pub fn herfindahl(parts: &[i64]) -> i64 {
    let total: i128 = parts.iter().map(|&p| p as i128).sum();
    if total <= 0 {
        return 0;
    }
    let squares: i128 = parts.iter().map(|&p| (p as i128) * (p as i128)).sum();
    ((squares * 20_000 + total * total) / (2 * total * total)) as i64
}

/// Above 2500 a market (here: our buying in a category) counts as highly concentrated, as the
/// US merger guidelines draw the line.
pub const HIGHLY_CONCENTRATED_HHI: i64 = 2500;

text_enum! {
    /// How a share moved from the period before.
    pub enum Trend {
        Up = "up",
        Down = "down",
        Flat = "flat",
    }
}

fn trend_of(change_bp: i64) -> Trend {
    match change_bp.signum() {
        1 => Trend::Up,
        -1 => Trend::Down,
        _ => Trend::Flat,
    }
}

mod abc;
mod cover;
mod customer;
mod supplier;

pub use abc::*;
pub use cover::*;
pub use customer::*;
pub use supplier::*;

#[cfg(test)]
mod tests;
