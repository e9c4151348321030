//! `/specifications` with versions, suppliers, quotes and inspections; `/non-conformances`;
//! `/returns` and `/return-rates`; `/supplier-tenure`.

use std::collections::BTreeMap;

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::store::{self, InspectionDraft, NcDraft, QuoteDraft, ReturnDraft, VersionDraft};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy::{self, Access};
use crate::clock::today;
use crate::http::extract::{body_id, double_option};
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, FieldError, IfMatch, Page, PageParams, Problem, ValidJson,
    ValidQuery,
};
use crate::orders::model::Quantity;
use crate::partners::model::{check_currency, check_optional_text};
use crate::refusal::{Code, Refusal};
use crate::values::{Name, Note};
use crate::AppState;

fn version_number(raw: &str) -> Result<i32, ApiError> {
    raw.parse::<i32>().ok().filter(|n| *n >= 1).ok_or_else(|| {
        ApiError::bad_field(
            Code::InvalidId,
            "number",
            "must be a version number (1, 2, …)",
        )
    })
}

// ---- specifications -----------------------------------------------------------------------

/// The fields of a version a buyer writes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "currency": "GBP", "target_retail_price_minor": 999, "target_margin_bp": 4000,
    "requirements": [
        {"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true},
        {"code": "GLOSS", "attribute": "Print gloss", "min": "80", "unit": "P1", "critical": false}
    ]
}))]
pub struct VersionRequest {
    /// ISO 4217; quotes against the version must be in it.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// What the customer will pay, in minor units.
    pub target_retail_price_minor: i64,
    /// The margin to keep, 0–10000 basis points.
    pub target_margin_bp: i64,
    pub requirements: Vec<Requirement>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
}

fn validate_version(v: VersionRequest) -> Result<VersionDraft, Refusal> {
    let mut e = vec![];
    let currency = check_currency("currency", v.currency, &mut e);
    check_pricing(v.target_retail_price_minor, v.target_margin_bp, &mut e);
    check_requirements(&v.requirements, &mut e);
    let notes = Note::check_optional("notes", v.notes, &mut e);
    Refusal::check(e)?;
    Ok(VersionDraft {
        currency,
        target_retail_price_minor: v.target_retail_price_minor,
        target_margin_bp: v.target_margin_bp,
        requirements: v
            .requirements
            .into_iter()
            .map(|r| Requirement {
                attribute: r.attribute.trim().to_string(),
                ..r
            })
            .collect(),
        notes,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "title": "Own-label insect killer 600 ml",
    "version": {
        "currency": "GBP", "target_retail_price_minor": 999, "target_margin_bp": 4000,
        "requirements": [{"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true}]
    }
}))]
pub struct NewSpecificationRequest {
    pub product_id: String,
    #[schema(value_type = crate::values::Name)]
    pub title: String,
    /// Version 1, created as a draft.
    pub version: VersionRequest,
}

/// A specification with the version just written.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "specification": {"id": "0193a1b2-0000-7000-8000-000000000051", "number": "SPEC-2026-000001",
        "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "title": "Own-label insect killer 600 ml",
        "approved_version": null, "versions": [{"number": 1, "status": "draft"}],
        "created_by": "0193a1b2-0000-7000-8000-0000000000d1", "version": 1,
        "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"},
    "version": {"spec_id": "0193a1b2-0000-7000-8000-000000000051", "number": 1, "status": "draft", "currency": "GBP",
        "target_retail_price_minor": 999, "target_margin_bp": 4000, "target_cost_minor": 599,
        "requirements": [{"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true}],
        "notes": null, "allowed_actions": ["edit", "issue", "withdraw"], "issued_at": null, "approved_at": null,
        "approved_by": null, "superseded_at": null, "withdrawn_at": null, "created_by": "0193a1b2-0000-7000-8000-0000000000d1",
        "version": 1, "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"}
}))]
pub struct SpecificationCreated {
    pub specification: Specification,
    pub version: SpecVersion,
}

/// Write a specification
///
/// The buyer writes the standard first: a product, a title and version 1 (a draft) with its
/// requirements and target price and margin; the target cost is derived. Admins, buyers and host
/// ERPs (`specs:write`).
#[utoipa::path(
    tag = "Specifications",
    request_body = NewSpecificationRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Created with version 1 as a draft", body = SpecificationCreated, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: requirement ranges, margin, currency, unknown product", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications")]
pub async fn create_specification(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewSpecificationRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let b = body.value;
    let mut e = vec![];
    let product_id = body_id("product_id", b.product_id, &mut e);
    let title = Name::check("title", &b.title, &mut e);
    Refusal::check(e)?;
    let draft = validate_version(b.version).map_err(|err| match err {
        Refusal::Invalid(fields) => Refusal::Invalid(
            fields
                .into_iter()
                .map(|f| FieldError::new(format!("version.{}", f.field), f.message))
                .collect(),
        ),
        other => other,
    })?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let (specification, version) =
                store::insert_spec(conn, &actor, &product_id, &title, draft)?;
            let location = format!("/api/v1/specifications/{}", specification.id);
            let v = specification.version;
            Written::created(
                &SpecificationCreated {
                    specification,
                    version,
                },
                v,
                location,
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SpecificationQuery {
    pub product_id: Option<String>,
}

/// List specifications
///
/// Staff see all; a manufacturer's users see the specifications they are approved for.
#[utoipa::path(
    tag = "Specifications",
    params(PageParams, SpecificationQuery),
    responses(
        (status = 200, description = "A page of specifications", body = Page<Specification>),
        (status = 400, description = "Bad query parameter (names it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `specs:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications")]
pub async fn list_specifications(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<SpecificationQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let page = page.0.validate()?;
    let product_id = query
        .0
        .product_id
        .map(|p| path_id(&p, "product_id"))
        .transpose()?;
    let limit = page.limit;
    let items = state
        .db
        .read(move |conn| store::list_specs(conn, &access, store::SpecFilter { product_id }, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |s| s.id.as_str(), |s| s)))
}

/// Get a specification
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id")),
    responses(
        (status = 200, description = "The specification with its versions", body = Specification, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}")]
pub async fn get_specification(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let spec = state
        .db
        .read(move |conn| store::get_spec(conn, &access, &id))
        .await?;
    Ok(with_etag(&spec, spec.version))
}

// ---- versions -------------------------------------------------------------------------------

/// Start a new version
///
/// A new draft, for redesign or a new target. Only one version may be in the works (draft or
/// issued) at a time: 409 otherwise.
#[utoipa::path(
    tag = "Specifications",
    request_body = VersionRequest,
    params(("id" = String, Path, description = "Specification id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Draft version created", body = SpecVersion, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Another version is still draft or issued", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/versions")]
pub async fn create_version(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<VersionRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let draft = validate_version(body.value)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let v = store::add_version(conn, &actor, &id, draft)?;
            Written::created(
                &v,
                v.version,
                format!("/api/v1/specifications/{id}/versions/{}", v.number),
            )
        },
    )
    .await
}

/// List a specification's versions
///
/// The whole history, oldest first. Suppliers see issued, approved and superseded versions.
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id")),
    responses(
        (status = 200, description = "Every version, oldest first, in one page", body = Page<SpecVersion>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let items = state
        .db
        .read(move |conn| store::list_versions(conn, &access, &id))
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Get a version
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id"), ("number" = i32, Path, description = "Version number")),
    responses(
        (status = 200, description = "The version", body = SpecVersion, headers(("ETag" = String))),
        (status = 400, description = "Malformed id or number", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version, or not yours to see", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/versions/{number}")]
pub async fn get_version(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&path.0, "id")?;
    let number = version_number(&path.1)?;
    let v = state
        .db
        .read(move |conn| {
            Ok::<_, ApiError>(store::get_version_row(conn, &access, &id, number)?.to_version())
        })
        .await?;
    Ok(with_etag(&v, v.version))
}

/// A partial update of a draft version: absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"target_retail_price_minor": 1099, "target_margin_bp": 4200}))]
pub struct VersionPatch {
    #[schema(value_type = Option<crate::values::Currency>)]
    pub currency: Option<String>,
    pub target_retail_price_minor: Option<i64>,
    pub target_margin_bp: Option<i64>,
    pub requirements: Option<Vec<Requirement>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<Option<String>>,
}

/// Edit a draft version
///
/// Only a draft can be edited: an issued, approved, superseded or withdrawn version is 409.
#[utoipa::path(
    tag = "Specifications",
    request_body = VersionPatch,
    params(("id" = String, Path, description = "Specification id"), ("number" = i32, Path, description = "Version number"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 200, description = "Edited", body = SpecVersion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft (`illegal_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/specifications/{id}/versions/{number}")]
pub async fn update_version(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<VersionPatch>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let id = path_id(&path.0, "id")?;
    let number = version_number(&path.1)?;
    let p = body.value;
    let actor = Actor::from(&principal);
    let v = state
        .db
        .write(move |conn| {
            store::change_version(
                conn,
                &actor,
                &id,
                number,
                if_match.expected(),
                VersionAction::Edit,
                Some(Box::new(move |c: VersionDraft| {
                    Ok(validate_version(VersionRequest {
                        currency: p.currency.unwrap_or(c.currency),
                        target_retail_price_minor: p
                            .target_retail_price_minor
                            .unwrap_or(c.target_retail_price_minor),
                        target_margin_bp: p.target_margin_bp.unwrap_or(c.target_margin_bp),
                        requirements: p.requirements.unwrap_or(c.requirements),
                        notes: p.notes.unwrap_or(c.notes),
                    })?)
                })),
            )
        })
        .await?;
    Ok(with_etag(&v, v.version))
}

async fn version_step(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    action: VersionAction,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let id = path_id(&path.0, "id")?;
    let number = version_number(&path.1)?;
    let actor = Actor::from(&principal);
    idempotency::execute(&state.db, &principal.id, key, &req, "", move |conn| {
        let v =
            store::change_version(conn, &actor, &id, number, if_match.expected(), action, None)?;
        Written::ok(&v, Some(v.version))
    })
    .await
}

/// Issue a draft version
///
/// Sends it to the approved suppliers to quote against and make samples to.
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id"), ("number" = i32, Path, description = "Version number"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Issued", body = SpecVersion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/versions/{number}/issue")]
pub async fn issue_version(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    version_step(
        state,
        principal,
        req,
        key,
        path,
        if_match,
        VersionAction::Issue,
    )
    .await
}

/// Approve an issued version
///
/// It comes into force; the version approved before it is superseded in the same step.
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id"), ("number" = i32, Path, description = "Version number"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Approved", body = SpecVersion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not issued", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/versions/{number}/approve")]
pub async fn approve_version(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    version_step(
        state,
        principal,
        req,
        key,
        path,
        if_match,
        VersionAction::Approve,
    )
    .await
}

/// Withdraw a version
///
/// From draft, issued or approved; it stays readable in the history.
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id"), ("number" = i32, Path, description = "Version number"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Withdrawn", body = SpecVersion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already superseded or withdrawn", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/versions/{number}/withdraw")]
pub async fn withdraw_version(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    version_step(
        state,
        principal,
        req,
        key,
        path,
        if_match,
        VersionAction::Withdraw,
    )
    .await
}

// ---- approved suppliers ---------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"partner_id": "0193a1b2-0000-7000-8000-0000000000c1"}))]
pub struct ApproveSupplierRequest {
    /// A partner with the `manufacturer` role.
    pub partner_id: String,
}

/// Approve a manufacturer for a specification
#[utoipa::path(
    tag = "Specifications",
    request_body = ApproveSupplierRequest,
    params(("id" = String, Path, description = "Specification id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Approved", body = ApprovedSupplier, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already approved", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such partner, or not a manufacturer", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/suppliers")]
pub async fn approve_supplier(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<ApproveSupplierRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let mut e = vec![];
    let partner_id = body_id("partner_id", body.value.partner_id, &mut e);
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let s = store::approve_supplier(conn, &actor, &id, &partner_id)?;
            Written::created_link(&s, format!("/api/v1/specifications/{id}/suppliers"))
        },
    )
    .await
}

/// List the approved manufacturers of a specification
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id")),
    responses(
        (status = 200, description = "Approved suppliers by name, in one page", body = Page<ApprovedSupplier>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/suppliers")]
pub async fn list_suppliers(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let items = state
        .db
        .read(move |conn| {
            store::get_spec_row(conn, &access, &id)?;
            let all = store::list_suppliers(conn, &id)?;
            // A supplier sees that it is approved, not who its rivals are.
            Ok::<_, ApiError>(match access.partner_id() {
                Some(own) => all
                    .into_iter()
                    .filter(|s| s.partner_id == own)
                    .collect::<Vec<_>>(),
                None => all,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Revoke a manufacturer's approval
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id"), ("partner_id" = String, Path, description = "Partner id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not an approved supplier of this specification", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/specifications/{id}/suppliers/{partner_id}")]
pub async fn revoke_supplier(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let id = path_id(&path.0, "id")?;
    let partner_id = path_id(&path.1, "partner_id")?;
    let actor = Actor::from(&principal);
    state
        .db
        .write(move |conn| store::revoke_supplier(conn, &actor, &id, &partner_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

// ---- quotes ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"unit_cost_minor": 580, "currency": "GBP", "valid_until": "2027-03-31", "lead_time_days": 42}))]
pub struct NewQuoteRequest {
    /// Defaults to the approved version, else the issued one.
    pub version_number: Option<i32>,
    /// For staff recording a supplier's quote; a supplier's own users and ERP quote for themselves.
    pub supplier_id: Option<String>,
    /// Minor units per base unit of the product.
    pub unit_cost_minor: i64,
    /// Must be the version's currency.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub valid_until: Option<NaiveDate>,
    pub lead_time_days: Option<i32>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
}

/// Quote against a specification
///
/// An approved manufacturer's unit cost for a version, answered with its gap to the target cost.
#[utoipa::path(
    tag = "Specifications",
    request_body = NewQuoteRequest,
    params(("id" = String, Path, description = "Specification id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Quoted", body = Quote, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not quote, or a supplier quoting for another organisation", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Another currency than the specification's, a version not open for quotes, a supplier not approved", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/quotes")]
pub async fn create_quote(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<NewQuoteRequest>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let own = policy::act_as_supplier(&principal)?;
    let id = path_id(&id, "id")?;
    let b = body.value;
    let mut e = vec![];
    // A supplier naming another is refused once the specification is known to be visible to it,
    // so the answer never tells a stranger that the specification exists.
    let mut for_another = false;
    let supplier_id = match (&own, b.supplier_id) {
        (Some(own), None) => own.clone(),
        (Some(own), Some(s)) => {
            let s = body_id("supplier_id", s, &mut e);
            for_another = &s != own;
            s
        }
        (None, Some(s)) => body_id("supplier_id", s, &mut e),
        (None, None) => {
            e.push(FieldError::new(
                "supplier_id",
                "required when staff record a supplier's quote",
            ));
            String::new()
        }
    };
    if !(0..=crate::orders::model::MAX_AMOUNT_MINOR).contains(&b.unit_cost_minor) {
        e.push(FieldError::new(
            "unit_cost_minor",
            "must be between 0 and 10^15",
        ));
    }
    if b.lead_time_days.is_some_and(|d| !(0..=3650).contains(&d)) {
        e.push(FieldError::new("lead_time_days", "must be 0 to 3650"));
    }
    if b.valid_until.is_some_and(|d| d < today()) {
        e.push(FieldError::new("valid_until", "must not be in the past"));
    }
    let currency = check_currency("currency", b.currency, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    Refusal::check(e)?;
    let draft = QuoteDraft {
        supplier_id,
        version_number: b.version_number,
        currency,
        unit_cost_minor: b.unit_cost_minor,
        valid_until: b.valid_until,
        lead_time_days: b.lead_time_days,
        note,
    };
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            store::get_spec_row(conn, &access, &id)?;
            if for_another {
                return Err(
                    Refusal::WrongParty("you quote for your own organisation".into()).into(),
                );
            }
            let q = store::insert_quote(conn, &actor, &id, draft)?;
            Written::created(&q, q.version, format!("/api/v1/specifications/{id}/quotes"))
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuoteQuery {
    /// Only quotes for this version.
    pub version_number: Option<i32>,
}

/// Compare quotes
///
/// Side by side, cheapest first, each with its gap to target cost. A supplier sees only its own.
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id"), PageParams, QuoteQuery),
    responses(
        (status = 200, description = "A page of quotes, cheapest first", body = Page<Quote>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/quotes")]
pub async fn list_quotes(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
    query: ValidQuery<QuoteQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let version = query.0.version_number;
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| store::list_quotes(conn, &access, &id, version, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_quote(),
    )))
}

// ---- inspections ----------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "supplier_id": "0193a1b2-0000-7000-8000-0000000000c1", "kind": "lot", "lot_reference": "L-2026-47",
    "inspected_on": "2026-11-24",
    "measurements": [{"code": "WALL-THK", "value": "0.25"}]
}))]
pub struct NewInspectionRequest {
    /// Defaults to the approved version, else the issued one.
    pub version_number: Option<i32>,
    /// The approved manufacturer whose sample or lot was inspected.
    pub supplier_id: String,
    pub kind: InspectionKind,
    pub lot_reference: Option<String>,
    /// Defaults to today.
    pub inspected_on: Option<NaiveDate>,
    /// One value per requirement measured; every critical requirement must be measured.
    pub measurements: Vec<Measurement>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
}

/// Record a QA inspection
///
/// The verdict is computed: each requirement in or out of tolerance, and any critical one out
/// fails the inspection. A failed inspection opens a non-conformance for the supplier.
#[utoipa::path(
    tag = "Quality",
    request_body = NewInspectionRequest,
    params(("id" = String, Path, description = "Specification id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Recorded with its verdict", body = Inspection, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown requirement codes, a critical requirement not measured, a supplier not approved", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/inspections")]
pub async fn create_inspection(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<NewInspectionRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let b = body.value;
    let mut e = vec![];
    let supplier_id = body_id("supplier_id", b.supplier_id, &mut e);
    let lot_reference = check_optional_text("lot_reference", b.lot_reference, 64, &mut e);
    let note = Note::check_optional("note", b.note, &mut e);
    let inspected_on = b.inspected_on.unwrap_or_else(today);
    if inspected_on > today() {
        e.push(FieldError::new("inspected_on", "must not be in the future"));
    }
    Refusal::check(e)?;
    let draft = InspectionDraft {
        version_number: b.version_number,
        supplier_id,
        kind: b.kind,
        lot_reference,
        inspected_on,
        measurements: b.measurements,
        note,
    };
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let i = store::insert_inspection(conn, &actor, &id, draft)?;
            Written::created(
                &i,
                i.version,
                format!("/api/v1/specifications/{id}/inspections/{}", i.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionQuery {
    pub supplier_id: Option<String>,
    pub verdict: Option<Verdict>,
}

/// List a specification's inspections
#[utoipa::path(
    tag = "Quality",
    params(("id" = String, Path, description = "Specification id"), PageParams, InspectionQuery),
    responses(
        (status = 200, description = "A page of inspections", body = Page<Inspection>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/inspections")]
pub async fn list_inspections(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
    query: ValidQuery<InspectionQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = store::InspectionFilter {
        supplier_id: q
            .supplier_id
            .map(|s| path_id(&s, "supplier_id"))
            .transpose()?,
        verdict: q.verdict,
    };
    let limit = page.limit;
    let items = state
        .db
        .read(move |conn| store::list_inspections(conn, &access, &id, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |i| i.id.as_str(), |i| i)))
}

/// Get an inspection
#[utoipa::path(
    tag = "Quality",
    params(("id" = String, Path, description = "Specification id"), ("inspection_id" = String, Path, description = "Inspection id")),
    responses(
        (status = 200, description = "The inspection with each requirement's result", body = Inspection, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such inspection, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/inspections/{inspection_id}")]
pub async fn get_inspection(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&path.0, "id")?;
    let inspection_id = path_id(&path.1, "inspection_id")?;
    let i = state
        .db
        .read(move |conn| {
            store::get_spec_row(conn, &access, &id)?;
            store::get_inspection(conn, &access, &id, &inspection_id)
        })
        .await?;
    Ok(with_etag(&i, i.version))
}

// ---- non-conformances -----------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "supplier_id": "0193a1b2-0000-7000-8000-0000000000c1", "description": "Customer complaints: valves sticking on lot L-2026-45",
    "due_date": "2026-12-15"
}))]
pub struct NewNonConformanceRequest {
    pub supplier_id: String,
    pub spec_id: Option<String>,
    #[schema(value_type = crate::values::Note)]
    pub description: String,
    /// Defaults to 14 days from today.
    pub due_date: Option<NaiveDate>,
}

/// Open a non-conformance
///
/// Failed inspections open one by themselves; QA opens others (from complaints, audits).
#[utoipa::path(
    tag = "Quality",
    request_body = NewNonConformanceRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Opened", body = NonConformance, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances")]
pub async fn create_non_conformance(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewNonConformanceRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let b = body.value;
    let mut e = vec![];
    let supplier_id = body_id("supplier_id", b.supplier_id, &mut e);
    let spec_id = b.spec_id.map(|s| body_id("spec_id", s, &mut e));
    let description = Note::check("description", &b.description, &mut e);
    let due_date = b
        .due_date
        .unwrap_or_else(|| today() + chrono::Duration::days(NC_DAYS_TO_RESPOND));
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            crate::partners::store::get_partner(conn, &Access::All, &supplier_id)
                .map_err(|_| Refusal::invalid("supplier_id", "no such partner"))?;
            if let Some(s) = &spec_id {
                store::get_spec_row(conn, &Access::All, s)
                    .map_err(|_| Refusal::invalid("spec_id", "no such specification"))?;
            }
            let nc = store::insert_nc(
                conn,
                &actor,
                NcDraft {
                    supplier_id,
                    spec_id,
                    inspection_id: None,
                    description,
                    due_date,
                },
            )?;
            Written::created(
                &nc,
                nc.version,
                format!("/api/v1/non-conformances/{}", nc.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NonConformanceQuery {
    pub status: Option<NcStatus>,
    pub supplier_id: Option<String>,
    /// `true`: only open ones past their due date.
    pub overdue: Option<bool>,
}

/// List non-conformances
///
/// Staff see all; a supplier sees its own. `overdue=true` lists the ones past due.
#[utoipa::path(
    tag = "Quality",
    params(PageParams, NonConformanceQuery),
    responses(
        (status = 200, description = "A page of non-conformances", body = Page<NonConformance>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `specs:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/non-conformances")]
pub async fn list_non_conformances(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<NonConformanceQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = store::NcFilter {
        status: q.status,
        supplier_id: q
            .supplier_id
            .map(|s| path_id(&s, "supplier_id"))
            .transpose()?,
        overdue: q.overdue,
    };
    let limit = page.limit;
    let items = state
        .db
        .read(move |conn| store::list_ncs(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |i| i.id.as_str(), |i| i)))
}

/// Get a non-conformance
#[utoipa::path(
    tag = "Quality",
    params(("id" = String, Path, description = "Non-conformance id")),
    responses(
        (status = 200, description = "The non-conformance", body = NonConformance, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/non-conformances/{id}")]
pub async fn get_non_conformance(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let nc = state
        .db
        .read(move |conn| store::get_nc(conn, &access, &id))
        .await?;
    Ok(with_etag(&nc, nc.version))
}

/// What goes with a step: the corrective action proposed, or why a proposal is sent back.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"text": "Die re-ground; first 500 cans of each lot measured"}))]
pub struct NonConformanceStep {
    #[schema(value_type = Option<crate::values::Note>)]
    pub text: Option<String>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request the handler was given"
)]
async fn nc_step(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
    action: NcAction,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    match action.by() {
        NcRole::Supplier => {
            policy::act_as_supplier(&principal)?;
        }
        NcRole::Staff => policy::manage_specs(&principal)?,
    }
    let id = path_id(&id, "id")?;
    let mut e = vec![];
    let text = Note::check_optional("text", body.value.text, &mut e);
    let needs_text = matches!(action, NcAction::ProposeAction | NcAction::RejectAction);
    if needs_text && text.is_none() {
        e.push(FieldError::new(
            "text",
            match action {
                NcAction::ProposeAction => "describe the corrective action",
                _ => "say why the proposal is sent back",
            },
        ));
    }
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let nc = store::nc_transition(
                conn,
                &actor,
                &access,
                &id,
                if_match.expected(),
                action,
                text,
            )?;
            Written::ok(&nc, Some(nc.version))
        },
    )
    .await
}

/// Propose corrective action
///
/// The supplier (its users or ERP; or procurement on its behalf) says how it will put it right.
#[utoipa::path(
    tag = "Quality",
    request_body = NonConformanceStep,
    params(("id" = String, Path, description = "Non-conformance id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Proposed", body = NonConformance, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not act as the supplier", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No corrective action given", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances/{id}/propose-action")]
pub async fn propose_action(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
) -> Result<HttpResponse, ApiError> {
    nc_step(
        state,
        principal,
        req,
        key,
        id,
        if_match,
        body,
        NcAction::ProposeAction,
    )
    .await
}

/// Send a proposal back
///
/// QA finds the corrective action wanting: the non-conformance is open again, with the reason.
#[utoipa::path(
    tag = "Quality",
    request_body = NonConformanceStep,
    params(("id" = String, Path, description = "Non-conformance id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Sent back", body = NonConformance, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No proposal to send back", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason given", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances/{id}/reject-action")]
pub async fn reject_action(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
) -> Result<HttpResponse, ApiError> {
    nc_step(
        state,
        principal,
        req,
        key,
        id,
        if_match,
        body,
        NcAction::RejectAction,
    )
    .await
}

/// Verify the corrective action
#[utoipa::path(
    tag = "Quality",
    request_body = NonConformanceStep,
    params(("id" = String, Path, description = "Non-conformance id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Verified", body = NonConformance, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No action proposed yet", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances/{id}/verify")]
pub async fn verify_non_conformance(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
) -> Result<HttpResponse, ApiError> {
    nc_step(
        state,
        principal,
        req,
        key,
        id,
        if_match,
        body,
        NcAction::Verify,
    )
    .await
}

/// Close a non-conformance
#[utoipa::path(
    tag = "Quality",
    request_body = NonConformanceStep,
    params(("id" = String, Path, description = "Non-conformance id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Closed", body = NonConformance, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not QA", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such non-conformance", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not verified yet", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/non-conformances/{id}/close")]
pub async fn close_non_conformance(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<NonConformanceStep>,
) -> Result<HttpResponse, ApiError> {
    nc_step(
        state,
        principal,
        req,
        key,
        id,
        if_match,
        body,
        NcAction::Close,
    )
    .await
}

// ---- returns --------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"product_id": "0193a1b2-0000-7000-8000-0000000000a1", "quantity": "1", "resolution": "refund"}))]
pub struct NewReturnRequest {
    pub product_id: String,
    /// In the product's base unit.
    pub quantity: Quantity,
    /// Optional: no reason is asked.
    #[schema(value_type = Option<crate::values::Note>)]
    pub reason: Option<String>,
    pub resolution: Resolution,
    /// Defaults to today.
    pub returned_on: Option<NaiveDate>,
    /// The manufacturer that made it; needed only when several are approved for the product.
    pub supplier_id: Option<String>,
}

/// Record a customer return
///
/// Traced to the specification version in force on the day and the supplier that made it.
#[utoipa::path(
    tag = "Quality",
    request_body = NewReturnRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Recorded and traced", body = ProductReturn, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff facing customers", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown product, or the supplier cannot be told", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/returns")]
pub async fn create_return(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewReturnRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::record_returns(&principal)?;
    let b = body.value;
    let mut e = vec![];
    let product_id = body_id("product_id", b.product_id, &mut e);
    let supplier_id = b.supplier_id.map(|s| body_id("supplier_id", s, &mut e));
    let reason = Note::check_optional("reason", b.reason, &mut e);
    if b.quantity.is_zero() {
        e.push(FieldError::new("quantity", "must be more than 0"));
    }
    let returned_on = b.returned_on.unwrap_or_else(today);
    if returned_on > today() {
        e.push(FieldError::new("returned_on", "must not be in the future"));
    }
    Refusal::check(e)?;
    let draft = ReturnDraft {
        product_id,
        supplier_id,
        quantity: b.quantity,
        reason,
        resolution: b.resolution,
        returned_on,
    };
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let r = store::insert_return(conn, &actor, draft)?;
            Written::created(&r, r.version, format!("/api/v1/returns/{}", r.id))
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnQuery {
    pub product_id: Option<String>,
    pub supplier_id: Option<String>,
    /// Returned on or after.
    pub from: Option<NaiveDate>,
    /// Returned on or before.
    pub to: Option<NaiveDate>,
}

/// List returns
///
/// Staff see all; a supplier sees the returns traced to it.
#[utoipa::path(
    tag = "Quality",
    params(PageParams, ReturnQuery),
    responses(
        (status = 200, description = "A page of returns", body = Page<ProductReturn>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `specs:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/returns")]
pub async fn list_returns(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<ReturnQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = store::ReturnFilter {
        product_id: q
            .product_id
            .map(|s| path_id(&s, "product_id"))
            .transpose()?,
        supplier_id: q
            .supplier_id
            .map(|s| path_id(&s, "supplier_id"))
            .transpose()?,
        from: q.from,
        to: q.to,
    };
    let limit = page.limit;
    let items = state
        .db
        .read(move |conn| store::list_returns(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(items, limit, |i| i.id.as_str(), |i| i)))
}

/// Get a return
#[utoipa::path(
    tag = "Quality",
    params(("id" = String, Path, description = "Return id")),
    responses(
        (status = 200, description = "The return", body = ProductReturn, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such return, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/returns/{id}")]
pub async fn get_return(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let r = state
        .db
        .read(move |conn| store::get_return(conn, &access, &id))
        .await?;
    Ok(with_etag(&r, r.version))
}

crate::text_enum! {
    /// How return rates are grouped.
    pub enum RateGrouping {
        Supplier = "supplier",
        Product = "product",
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnRateQuery {
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period.
    pub to: NaiveDate,
    /// `supplier` (default) or `product`.
    #[param(inline)]
    pub by: Option<RateGrouping>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnRate {
    /// The supplier or product id.
    pub key: String,
    pub returned_quantity: Quantity,
    /// Received and kept on purchase orders in the period (receipts dated in it).
    pub supplied_quantity: Quantity,
    /// returned ÷ supplied in basis points; absent when nothing was supplied.
    pub return_rate_bp: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"from": "2026-01-01", "to": "2026-12-31", "by": "supplier", "items": [
    {"key": "0193a1b2-0000-7000-8000-0000000000c1", "returned_quantity": "3", "supplied_quantity": "2000", "return_rate_bp": 15}
]}))]
pub struct ReturnRates {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub by: String,
    /// Highest rate first.
    pub items: Vec<ReturnRate>,
}

/// Return rates per supplier or product
///
/// Units returned in the period ÷ units received and kept from suppliers in the period. Staff only.
#[utoipa::path(
    tag = "Quality",
    params(ReturnRateQuery),
    responses(
        (status = 200, description = "Rates, highest first", body = ReturnRates),
        (status = 400, description = "Bad or missing query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners do not see rates", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A period ending before it starts, or longer than 5 years", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/return-rates")]
pub async fn return_rates(
    state: web::Data<AppState>,
    principal: Principal,
    query: ValidQuery<ReturnRateQuery>,
) -> Result<HttpResponse, ApiError> {
    if policy::read_specs(&principal)? != Access::All {
        return Err(Refusal::WrongParty("return rates are internal figures".into()).into());
    }
    let q = query.0;
    if q.to < q.from {
        return Err(Refusal::invalid("to", "the period ends before it starts").into());
    }
    if (q.to - q.from).num_days() > 5 * 366 {
        return Err(Refusal::invalid("to", "at most five years at a time").into());
    }
    let by = q.by.unwrap_or(RateGrouping::Supplier);
    let (from, to) = (q.from, q.to);
    let (returned, supplied) = state
        .db
        .read(move |conn| {
            Ok::<_, ApiError>((
                store::returned_quantities(conn, from, to)?,
                crate::orders::store::supplied_quantities(conn, from, to)?,
            ))
        })
        .await?;
    let key = |supplier: Option<&str>, product: &str| match by {
        RateGrouping::Supplier => supplier.map(str::to_string),
        RateGrouping::Product => Some(product.to_string()),
    };
    let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for (s, p, q) in &returned {
        if let Some(k) = key(s.as_deref(), p) {
            sums.entry(k).or_default().0 += q;
        }
    }
    for (s, p, q) in &supplied {
        if let Some(k) = key(Some(s), p) {
            sums.entry(k).or_default().1 += q;
        }
    }
    let mut items: Vec<ReturnRate> = sums
        .into_iter()
        .map(|(key, (r, s))| ReturnRate {
            key,
            returned_quantity: Quantity(r),
            supplied_quantity: Quantity(s),
            return_rate_bp: return_rate_bp(r, s),
        })
        .collect();
    items.sort_by(|a, b| {
        b.return_rate_bp
            .cmp(&a.return_rate_bp)
            .then(a.key.cmp(&b.key))
    });
    Ok(HttpResponse::Ok().json(ReturnRates {
        from,
        to,
        by: by.as_str().into(),
        items,
    }))
}
