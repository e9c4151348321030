//! The rules of channel data, without a database: sell-out report periods and how a report
//! takes its place among a partner's earlier ones (original, correction, overlap), line checks,
//! wallet estimates and the warning when one is smaller than what we already supplied.

use std::collections::hash_map::Entry;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::lenient::Lenient;
use crate::orders::model::Quantity;
use crate::period::Period;
use crate::refusal::Refusal;
use crate::refusal::{Code, FieldError};
use crate::text_enum;
use crate::values::{Category, Note, UnitCode};

/// The most lines one report may carry: a national retailer's weekly report by store and
/// product runs to tens of thousands; more than this is a sign of a wrong export.
pub const MAX_REPORT_LINES: usize = 50_000;
/// A report covers at most a year.
pub const MAX_REPORT_DAYS: i64 = 366;
/// A rejected batch names at most this many bad lines (the rest are counted in `detail`).
pub const MAX_LINE_ERRORS: usize = 200;

text_enum! {
    /// Why a report is sent (UNCL1225 message function): `original` (9) is the first report for
    /// a period, `replacement` (5) corrects the current one for exactly the same period.
    pub enum ReportPurpose {
        Original = "original",
        Replacement = "replacement",
    }
}

text_enum! {
    /// `current` reports count in every figure; `superseded` ones are kept as history.
    pub enum ReportStatus {
        Current = "current",
        Superseded = "superseded",
    }
}

text_enum! {
    /// Where a wallet figure comes from: `reported` by the partner, `estimated` by us, or from a
    /// market `survey`.
    pub enum EstimateSource {
        Reported = "reported",
        Estimated = "estimated",
        Survey = "survey",
    }
}

mod documents;
mod lines;
mod period;

pub use documents::*;
pub use lines::*;
pub use period::*;

#[cfg(test)]
mod tests;
