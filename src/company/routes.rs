//! `/company`.

use actix_web::{get, put, web, HttpResponse};

use super::model::{check_profile, Company, CompanyProfile};
use super::store;
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::{with_etag, ApiError, IfMatch, Problem, ValidJson};
use crate::refusal::Refusal;
use crate::AppState;

/// Our company
///
/// The company every order document names as buyer (purchase orders) or seller (sales
/// orders): its names, address, VAT id, PEPPOL endpoint and identifiers. Everyone signed in may
/// read it, partners included: it is printed on every document they receive from us. Before an
/// admin first sets it, `version` is 0 and its fields are empty.
#[utoipa::path(
    tag = "Company",
    responses(
        (status = 200, description = "The profile", body = Company, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/company")]
pub async fn get_company(
    state: web::Data<AppState>,
    _principal: Principal,
) -> Result<HttpResponse, ApiError> {
    let c = state.db.read(store::get_company).await?;
    Ok(with_etag(&c, c.version))
}

/// Set our company's profile
///
/// Admins only. Replaces the whole profile (optional fields left out are cleared); `endpoint`
/// is where partners' systems send documents to us, and an inbound document addressed
/// elsewhere is refused. Identifiers are checked per scheme as PEPPOL checks them.
#[utoipa::path(
    tag = "Company",
    request_body = CompanyProfile,
    params(("If-Match" = Option<String>, Header, description = "ETag of the profile you read; 412 when stale")),
    responses(
        (status = 200, description = "The profile as saved", body = Company, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A name missing or too long; an unknown country, scheme or check digit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/company")]
pub async fn put_company(
    state: web::Data<AppState>,
    principal: Principal,
    if_match: IfMatch,
    body: ValidJson<CompanyProfile>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let profile = check_profile(&body.value).map_err(Refusal::Invalid)?;
    let actor = Actor::from(&principal);
    let c = state
        .db
        .write(move |conn| store::put_company(conn, &actor, profile, if_match.expected()))
        .await?;
    Ok(with_etag(&c, c.version))
}
