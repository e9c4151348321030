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
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let verified = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("application state not configured".into()))
            .and_then(|state| authenticate(req, &state).map(|p| (state, p)));
        Box::pin(async move {
            let (state, principal) = verified?;
            // The signature proves who was signed in; the database says whether they still
            // may be: a disabled account, or one whose role changed, is refused at once.
            let check = principal.clone();
            let current = state
                .db
                .read(move |conn| crate::auth::store::still_as_issued(conn, &check))
                .await?;
            if !current {
                return Err(ApiError::Unauthorized(
                    "token_revoked",
                    "the account behind this token is disabled or its rights changed; sign in again"
                        .into(),
                ));
            }
            Ok(principal)
        })
    }
}

fn authenticate(req: &HttpRequest, state: &AppState) -> Result<Principal, ApiError> {
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
