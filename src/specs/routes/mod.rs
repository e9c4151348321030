//! `/specifications` with versions, suppliers, quotes and inspections; `/non-conformances`;
//! `/returns` and `/return-rates`; `/supplier-tenure`.

use std::collections::BTreeMap;

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::store::{self, InspectionDraft, NcDraft, QuoteDraft, ReturnDraft, VersionDraft};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy::{self, Access};
use crate::clock::today;
use crate::http::extract::{body_id, double_option};
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, FieldError, IfMatch, Page, PageParams, Problem, ValidJson,
    ValidQuery,
};
use crate::orders::model::Quantity;
use crate::partners::model::check_currency;
use crate::refusal::{Code, Refusal};
use crate::values::{DocumentNumber, Name, Note};
use crate::AppState;

fn version_number(raw: &str) -> Result<i32, ApiError> {
    raw.parse::<i32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
        ApiError::bad_field(
            Code::InvalidId,
            "number",
            "must be a version number (1, 2, …)",
        )
    })
}

mod goods_return;
mod inspection;
mod nonconformance;
mod quote;
mod specification;
mod supplier;
mod version;

pub use goods_return::*;
pub use inspection::*;
pub use nonconformance::*;
pub use quote::*;
pub use specification::*;
pub use supplier::*;
pub use version::*;
