//! `Authorization: Bearer <JWT>` → [`Principal`]. Missing, malformed, forged or expired tokens
//! are all 401 with a `WWW-Authenticate` challenge.

use actix_web::dev::Payload;
use actix_web::http::{header, Method};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use std::sync::{Arc, Mutex};

use super::observe::RequestId;
use super::ApiError;
use crate::auth::model::{PartnerAccess, Principal};
use crate::auth::store::Standing;
use crate::db::{first_use, StoreError};
use crate::refusal::{Code, Refusal};
use crate::views::PartnerViewer;
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
            let per_minute = match principal.partner_id {
                Some(_) => state.write_quotas.partner_per_minute,
                None => state.write_quotas.host_per_minute,
            };
            if is_read(&method) || per_minute <= 0 {
                // A read's check goes with the handler's first database work (one trip to the
                // blocking pool, not two); outside a request scope it runs here.
                let verdict = Verdict::default();
                first_use::note_reader(&principal.id);
                match first_use::defer(verdict.check(principal.clone(), is_read(&method))) {
                    Ok(()) => {
                        req.extensions_mut().insert(verdict);
                    }
                    Err(check) => {
                        state.db.read(check).await?;
                        if let Some(viewer) = verdict.viewer() {
                            req.extensions_mut().insert(viewer);
                        }
                    }
                }
                return Ok(principal);
            }
            // A write also spends one of the principal's writes this minute, in a transaction
            // of its own, so a refused write is counted too.
            let check = principal.clone();
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
            if let Some(viewer) = judge(standing, false).map_err(|r| r.error())? {
                req.extensions_mut().insert(viewer);
            }
            Ok(principal)
        })
    }
}

/// Why a principal's standing refuses the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rejection {
    Revoked,
    PartnerSuspended,
    RelationshipEnded,
}

impl Rejection {
    fn error(self) -> StoreError {
        match self {
            Rejection::Revoked => StoreError::Revoked,
            Rejection::PartnerSuspended => Refusal::Denied(
                Code::PartnerSuspended,
                "your organisation's relationship is suspended: it may read but not change anything"
                    .into(),
            )
            .into(),
            Rejection::RelationshipEnded => Refusal::Denied(
                Code::RelationshipEnded,
                "your organisation's relationship has ended; its access with it".into(),
            )
            .into(),
        }
    }
}

/// What a principal's standing leaves it for a read (`read`) or a write: for a partner
/// principal, the view its answers pass through.
fn judge(standing: Standing, read: bool) -> Result<Option<PartnerViewer>, Rejection> {
    let (access, viewer) = match standing {
        Standing::Revoked => return Err(Rejection::Revoked),
        Standing::Current { partner: None } => return Ok(None),
        Standing::Current {
            partner: Some(partner),
        } => partner,
    };
    match access {
        PartnerAccess::Full => Ok(Some(viewer)),
        PartnerAccess::ReadOnly if read => Ok(Some(viewer)),
        PartnerAccess::ReadOnly => Err(Rejection::PartnerSuspended),
        PartnerAccess::Nothing => Err(Rejection::RelationshipEnded),
    }
}

/// A request's deferred account check and, once it has run, its verdict: left in the request's
/// extensions for the web layer, which answers with the refusal whatever the handler made of it
/// and runs the check itself if no database work did ([`settle`]).
#[derive(Clone, Default)]
pub struct Verdict(Arc<Mutex<Option<Judged>>>);

/// A standing judged: the partner view a principal's answers pass through (none for staff), or
/// why it is refused.
type Judged = Result<Option<PartnerViewer>, Rejection>;

impl Verdict {
    /// The check for `principal`, recording its verdict here.
    fn check(&self, principal: Principal, read: bool) -> first_use::Check {
        let verdict = self.clone();
        Box::new(move |conn| {
            let judged = judge(crate::auth::store::standing(conn, &principal)?, read);
            *verdict.lock() = Some(judged.clone());
            judged.map(drop).map_err(Rejection::error)
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Judged>> {
        // A poisoned lock only means a check panicked; its verdict stays unknown.
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn viewer(&self) -> Option<PartnerViewer> {
        self.lock().clone().and_then(Result::ok).flatten()
    }
}

/// After the handler: runs the request's check if nothing took it, then answers the partner view
/// its answer passes through, or the refusal the request must get instead of the handler's
/// answer.
pub async fn settle(
    req: &HttpRequest,
    pending: &first_use::Pending,
) -> Result<Option<PartnerViewer>, ApiError> {
    if let Some(check) = pending.take() {
        let state = req
            .app_data::<web::Data<AppState>>()
            .cloned()
            .ok_or_else(|| ApiError::Internal("application state not configured".into()))?;
        state.db.read(check).await?;
    }
    if let Some(viewer) = req.extensions().get::<PartnerViewer>() {
        return Ok(Some(viewer.clone()));
    }
    let Some(verdict) = req.extensions().get::<Verdict>().cloned() else {
        return Ok(None);
    };
    let judged = verdict.lock().clone();
    match judged {
        Some(Ok(viewer)) => Ok(viewer),
        Some(Err(rejection)) => Err(rejection.error().into()),
        // The check ran and failed on the database, whose error the handler answered.
        None => Err(ApiError::Unavailable(
            "the account check could not be made".into(),
        )),
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
