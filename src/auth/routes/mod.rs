//! Sign-in, tokens, the caller's own identity, users and integration clients.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::{
    check_password, check_role_binding, join_scopes, normalise_email, parse_scopes,
    IntegrationClient, PartnerAccess, Principal, PrincipalKind, Role, Scope, User,
};
use super::store::{
    self, AttemptOutcome, ClientChanges, NewClient, NewUser, Rotation, UserChanges, UserFilter,
};
use super::{passwords, policy, throttle, tokens};
use crate::audit::Actor;
use crate::db::StoreError;
use crate::http::extract::{body_id, parse_json, parse_query, RawBody};
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    no_store, path_id, with_etag, ApiError, FieldError, IfMatch, Page, PageParams, Problem,
    ValidJson, ValidQuery,
};
use crate::refusal::{Code, Refusal};
use crate::AppState;

mod clients;
mod sign_in;
mod token;
mod users;

pub use clients::*;
pub use sign_in::*;
pub use token::*;
pub use users::*;
