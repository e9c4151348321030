//! `/orders` with their responses, changes, despatch advices and goods receipts, and `/invoices`.
//! Each transition is a POST; the order's status and the caller's side decide whether it may
//! happen (409 `illegal_transition` naming the allowed actions, 403 for the wrong side).

use std::collections::HashMap;

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::store::{
    self, InvoiceFilter, NewInvoice, NewOrder, OrderDoc, OrderFilter, OrderLineRow, OrderRow,
    Transition,
};
use crate::audit::{Actor, RecordingChannel};
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::catalogue::model::ProductStatus;
use crate::catalogue::store::{products_by_id, ProductRow};
use crate::clock::{now, today};
use crate::db::DbConnection;
use crate::http::extract::body_id;
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, FieldError, IfMatch, ListView, Page, PageParams, Problem,
    ValidJson, ValidQuery, ViewParams,
};
use crate::participants::{DeliveryLocation, ParticipantId};
use crate::partners::model::{check_currency, check_gln, check_trading};
use crate::refusal::{Code, Refusal};
use crate::values::{Name, Note};
use crate::AppState;

mod bodies;
mod despatch;
mod exchanges;
mod invoice;
mod order;
mod receipt;
mod response;
mod steps;
mod supplier;
mod terms;

pub use bodies::*;
pub use despatch::*;
pub use exchanges::*;
pub use invoice::*;
pub use order::*;
pub use receipt::*;
pub use response::*;
pub(crate) use steps::*;
pub use supplier::*;
