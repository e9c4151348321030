//! Versions.

use super::*;

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
            let row = store::get_version_row(conn, &Access::All, &id, number)?;
            if_match.check(row.version)?;
            // Only a draft is edited: that answer comes before any about the edit's fields.
            next_version_status(row.status(), VersionAction::Edit)?;
            let c = row.to_draft();
            let next = validate_version(VersionRequest {
                currency: p.currency.unwrap_or(c.currency),
                target_retail_price_minor: p
                    .target_retail_price_minor
                    .unwrap_or(c.target_retail_price_minor),
                target_margin_bp: p.target_margin_bp.unwrap_or(c.target_margin_bp),
                requirements: p.requirements.unwrap_or(c.requirements),
                notes: p.notes.unwrap_or(c.notes),
            })?;
            let edited =
                store::change_version(conn, &actor, &row, VersionAction::Edit, Some(next))?;
            Ok::<_, ApiError>(edited)
        })
        .await?;
    Ok(with_etag(&v, v.version))
}

pub(crate) async fn version_step(
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
        let row = store::get_version_row(conn, &Access::All, &id, number)?;
        if_match.check(row.version)?;
        let v = store::change_version(conn, &actor, &row, action, None)?;
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
