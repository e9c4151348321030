//! `/partners` with contacts and interactions.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::model::{validate_contact, validate_interaction, ContactFields, InteractionFields};
use super::store::{self, InteractionFilter, PartnerFilter};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy::{self, Access};
use crate::clock::today;
use crate::http::extract::double_option;
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, FieldError, IfMatch, Page, PageParams, Problem, ValidJson,
    ValidQuery,
};
use crate::refusal::{Code, Refusal};
use crate::AppState;

mod contact;
mod interaction;
mod partner;

pub use contact::*;
pub use interaction::*;
pub use partner::*;
