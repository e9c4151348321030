//! `Authorization: Bearer <JWT>` → [`Principal`]. Missing, malformed, forged or expired tokens
//! are all 401 with a `WWW-Authenticate` challenge.

use actix_web::dev::Payload;
use actix_web::http::{header, Method};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::observe::RequestId;
use super::ApiError;
use crate::auth::model::{PartnerAccess, Principal};
use crate::auth::store::Standing;
use crate::refusal::{Code, Refusal};
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
        let method = req.method().clone();
        let req = req.clone();
        Box::pin(async move {
            let (state, principal) = verified?;
            // The signature proves who was signed in; the database says whether they still
            // may be: a disabled account, one whose role changed, a sign-in that ended, or a
            // partner whose relationship ended is refused at once.
            let check = principal.clone();
            let quotas = state.write_quotas;
            let per_minute = match principal.partner_id {
                Some(_) => quotas.partner_per_minute,
                None => quotas.host_per_minute,
            };
            let standing = if is_read(&method) || per_minute <= 0 {
                state
                    .db
                    .read(move |conn| crate::auth::store::standing(conn, &check))
                    .await?
            } else {
                // A write also spends one of the principal's writes this minute, in the same
                // transaction as the check.
                let (standing, quota) = state
                    .db
                    .write(move |conn| {
                        let standing = crate::auth::store::standing(conn, &check)?;
                        let quota = match standing {
                            Standing::Revoked => Ok(()),
                            Standing::Current { .. } => {
                                crate::auth::store::count_write(conn, &check.id, per_minute)?
                            }
                        };
                        Ok::<_, ApiError>((standing, quota))
                    })
                    .await?;
                if let Err(retry_after) = quota {
                    return Err(ApiError::RateLimited { retry_after });
                }
                standing
            };
            let partner = match standing {
                Standing::Revoked => {
                    return Err(ApiError::Unauthorized(
                        Code::TokenRevoked,
                        "the account behind this token is disabled, its rights changed or its sign-in ended; sign in again"
                            .into(),
                    ))
                }
                Standing::Current { partner } => partner,
            };
            if let Some((access, viewer)) = partner {
                match access {
                    PartnerAccess::Full => {}
                    PartnerAccess::ReadOnly if is_read(&method) => {}
                    PartnerAccess::ReadOnly => {
                        return Err(Refusal::Denied(
                            Code::PartnerSuspended,
                            "your organisation's relationship is suspended: it may read but not change anything".into(),
                        ).into())
                    },
                    PartnerAccess::Nothing => {
                        return Err(Refusal::Denied(
                            Code::RelationshipEnded,
                            "your organisation's relationship has ended; its access with it".into(),
                        ).into())
                    },
                }
                req.extensions_mut().insert(viewer);
            }
            Ok(principal)
        })
    }
}

fn is_read(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn authenticate(req: &HttpRequest, state: &AppState) -> Result<Principal, ApiError> {
    let value = req.headers().get(header::AUTHORIZATION).ok_or_else(|| {
        ApiError::Unauthorized(
            Code::Unauthenticated,
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
                Code::Unauthenticated,
                "send Authorization: Bearer <access token>".into(),
            )
        })?;
    let mut principal = state.jwt.verify(token)?;
    principal.request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    Ok(principal)
}
