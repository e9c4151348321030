//! Versions of an agreement and the four-eyes decision on them.

use super::*;

/// The agreement's direction, for the remit check (404 when there is no such agreement).
pub(super) async fn direction_of(state: &AppState, id: &str) -> Result<Direction, ApiError> {
    let id = id.to_string();
    Ok(state
        .db
        .read(move |conn| store::get_row(conn, &policy::Access::All, &id))
        .await?
        .direction())
}

/// Propose a new version
///
/// The agreement's terms in full, as the next version; `proposed` until another staff member
/// approves it, when it supersedes the versions before it (every version is kept: a superseded
/// one still prices the days only it covers). One version awaits a decision at a time (409
/// `version_in_progress`).
#[utoipa::path(
    tag = "Agreements",
    request_body = AgreementTermsRequest,
    params(("id" = String, Path, description = "Agreement id"), ("If-Match" = Option<String>, Header, description = "ETag of the agreement you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Proposed", body = Agreement, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff within the agreement's remit, or a client without `agreements:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`version_in_progress`: a version awaits a decision; `agreement_overlap`: another agreement prices a product over overlapping days", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid terms (each field named)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/versions")]
pub async fn propose_agreement_version(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<AgreementTermsRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "id")?;
    let direction = direction_of(&state, &id).await?;
    policy::propose_agreement(&principal, direction == Direction::Purchase)?;
    let (terms, notes) = body.value.check()?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let a = store::propose_version(conn, &actor, &id, terms, notes, if_match.expected())?;
            let location = format!(
                "/api/v1/agreements/{}/versions/{}",
                a.id, a.current.version_number
            );
            Written::created(&a, a.version, location)
        },
    )
    .await
}

/// Get a version of an agreement
///
/// Any version, superseded and rejected ones included (a partner: the approved ones).
#[utoipa::path(
    tag = "Agreements",
    params(("id" = String, Path, description = "Agreement id"), ("number" = i32, Path, description = "Version number, from 1")),
    responses(
        (status = 200, description = "The version", body = AgreementVersion),
        (status = 400, description = "Malformed id or number", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A client without `agreements:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement or version, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/agreements/{id}/versions/{number}")]
pub async fn get_agreement_version(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_agreements(&principal)?;
    let (id, number) = path.into_inner();
    let id = path_id(&id, "id")?;
    let number: i32 = number.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
        ApiError::bad_field(
            crate::refusal::Code::InvalidPath,
            "number",
            "must be a version number from 1",
        )
    })?;
    let v = state
        .db
        .read(move |conn| store::get_version(conn, &access, &id, number))
        .await?;
    Ok(HttpResponse::Ok().json(v))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"notes": "Checked against last year's prices and the target cost"}))]
pub struct AgreementDecision {
    /// Internal.
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
}

async fn decide(
    state: &AppState,
    principal: Principal,
    req: &HttpRequest,
    key: IdempotencyKey,
    (id, if_match): (String, IfMatch),
    body: ValidJson<AgreementDecision>,
    approve: bool,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "id")?;
    let direction = direction_of(state, &id).await?;
    policy::decide_agreement(&principal, direction == Direction::Purchase)?;
    let mut e = vec![];
    let notes = Note::check_optional("notes", body.value.notes, &mut e);
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        req,
        &body.body_hash,
        move |conn| {
            let a = store::decide_version(conn, &actor, &id, approve, notes, if_match.expected())?;
            Written::ok(&a, Some(a.version))
        },
    )
    .await
}

/// Approve the proposed version
///
/// By a staff member within the agreement's remit other than who proposed it (409
/// `four_eyes`); a person, not an integration client. The version is in force over its
/// validity from now on and supersedes the earlier ones; the partner sees it (and an
/// `agreement.approved` event) from here.
#[utoipa::path(
    tag = "Agreements",
    request_body = AgreementDecision,
    params(("id" = String, Path, description = "Agreement id"), ("If-Match" = Option<String>, Header, description = "ETag of the agreement you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Approved", body = Agreement, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff within the remit, or not a person (`four_eyes_needs_a_person`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing awaits a decision (`illegal_transition`), the proposer deciding (`four_eyes`), or another agreement approved since over the same products and days (`agreement_overlap`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Notes too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/approve")]
pub async fn approve_agreement(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<AgreementDecision>,
) -> Result<HttpResponse, ApiError> {
    let path = (id.into_inner(), if_match);
    decide(&state, principal, &req, key, path, body, true).await
}

/// Reject the proposed version
///
/// By a staff member within the remit other than who proposed it; the versions approved
/// before stay in force.
#[utoipa::path(
    tag = "Agreements",
    request_body = AgreementDecision,
    params(("id" = String, Path, description = "Agreement id"), ("If-Match" = Option<String>, Header, description = "ETag of the agreement you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Rejected", body = Agreement, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff within the remit, or not a person (`four_eyes_needs_a_person`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing awaits a decision (`illegal_transition`), or the proposer deciding (`four_eyes`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Notes too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/reject")]
pub async fn reject_agreement(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<AgreementDecision>,
) -> Result<HttpResponse, ApiError> {
    let path = (id.into_inner(), if_match);
    decide(&state, principal, &req, key, path, body, false).await
}
