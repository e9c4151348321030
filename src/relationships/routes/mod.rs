//! `/partners/{id}/scorecard`, `/scorecard-weights`, `/tiers`, `/partners/{id}/tier`,
//! `/partners/{id}/tier-evaluation`, `/tier-evaluations`, `/partners/{id}/tier-changes`,
//! `/partners/{id}/plans` and `/plan-actions`.

use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::model::{check_plan, PlanDraft};
use super::store::{self, ActionFilter, ChangeProposal};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::clock::today;
use crate::http::extract::double_option;
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::pagination::{after_id, check_limit, key_after, DEFAULT_LIMIT};
use crate::http::{
    path_id, with_etag, ApiError, IfMatch, Page, PageParams, Problem, ValidJson, ValidQuery,
};
use crate::partners::model::check_currency;
use crate::refusal::Refusal;
use crate::values::Note;
use crate::AppState;

/// The partner in the path, if the caller may see it (404 otherwise, so ids do not leak).
fn own_partner(access: &policy::Access, raw: &str) -> Result<String, ApiError> {
    let id = path_id(raw, "id")?;
    if access.allows_partner(&id) {
        Ok(id)
    } else {
        Err(Refusal::NotFound("partner").into())
    }
}

mod changes;
mod plans;
mod scorecard;
mod tiers;

pub use changes::*;
pub use plans::*;
pub use scorecard::*;
pub use tiers::*;
