//! `/analytics/share-of-customer`, `/analytics/supplier-share`, `/analytics/abc`,
//! `/analytics/stock-cover`: JSON by default, CSV with `Accept: text/csv`.

use std::collections::{BTreeSet, HashMap};

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::store;
use crate::auth::model::Principal;
use crate::auth::policy::{self, Access};
use crate::clock::today;
use crate::http::csv::{csv_response, wants_csv, CsvRow};
use crate::http::{path_id, ApiError, FieldError, Problem, ValidQuery};
use crate::orders::model::{Direction, Quantity, ValueBasis, VolumeBasis};
use crate::orders::store::VolumeScope;
use crate::period::{Granularity, Period};
use crate::refusal::{Code, Refusal};
use crate::AppState;

/// Date ranges the analytics read at once: five years.
fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), ApiError> {
    Ok(crate::period::check_date_range(from, to, 5)?)
}

fn optional_id(value: Option<String>, field: &str) -> Result<Option<String>, ApiError> {
    value.map(|s| path_id(&s, field)).transpose()
}

fn category_filter(value: Option<String>) -> Option<String> {
    value
        .map(|c| c.trim().to_lowercase())
        .filter(|c| !c.is_empty())
}

mod abc;
mod cover;
mod customer;
mod supplier;

pub use abc::*;
pub use cover::*;
pub use customer::*;
pub use supplier::*;
