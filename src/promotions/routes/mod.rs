//! `/promotions` (plans, approval, performance, settlement), `/promotions/{id}/claims`, and
//! `/promotion-settlements` (per sponsor).

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::model::{check_draft, PromotionDraft};
use super::store::{self, ClaimDraft, PromotionFilter, SettlementFilter};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::clock::today;
use crate::db::StoreError;
use crate::http::extract::{body_id, double_option};
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, IfMatch, Page, PageParams, Problem, ValidJson, ValidQuery,
};
use crate::orders::model::Quantity;
use crate::refusal::Refusal;
use crate::values::{Name, Note, Reference};
use crate::AppState;

mod claim;
mod lifecycle;
mod promotion;

pub use claim::*;
pub use lifecycle::*;
pub use promotion::*;
