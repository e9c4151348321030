//! `Authorization: Bearer <JWT>` → [`Principal`]. Missing, malformed, forged or expired tokens
//! are all 401 with a `WWW-Authenticate` challenge.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::observe::RequestId;
use super::ApiError;
use crate::auth::model::Principal;
use crate::AppState;

impl FromRequest for Principal {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Principal, ApiError> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::Internal("application state not configured".into()))?;
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::Unauthorized(
            "unauthenticated",
            "send Authorization: Bearer <access token>".into(),
        )
    })?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| rest.trim())
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "unauthenticated",
                "send Authorization: Bearer <access token>".into(),
            )
        })?;
    let mut principal = state.jwt.verify(token)?;
    principal.request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    Ok(principal)
}
