//! Tier changes.

use super::*;

/// A partner's tier changes
///
/// The full history, proposals and decisions alike. Internal: staff and host systems.
#[utoipa::path(
    tag = "Relationships",
    params(("id" = String, Path, description = "Partner id"), PageParams),
    responses(
        (status = 200, description = "A page of tier changes", body = Page<TierChange>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/tier-changes")]
pub async fn list_tier_changes(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    policy::read_relationships(&principal)?;
    let id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| store::list_changes(conn, &id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |c| c.id.as_str(), |c| c)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"to_tier": "partner", "reason": "Share passed 38% and a three-year plan is agreed", "effective_from": "2027-01-01"}))]
pub struct NewTierChange {
    pub to_tier: TierCode,
    #[schema(value_type = crate::values::Note)]
    pub reason: String,
    /// The day the tier takes effect once approved.
    pub effective_from: NaiveDate,
}

/// Propose a tier change
///
/// With a reason and the day it takes effect; someone else approves it (four eyes).
#[utoipa::path(
    tag = "Relationships",
    request_body = NewTierChange,
    params(("id" = String, Path, description = "Partner id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Proposed", body = TierChange, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not relationship staff, or the partner outside your remit (buyers: manufacturers; account managers: distributors and key accounts)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No reason, or the partner already on that tier that day", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/tier-changes")]
pub async fn propose_tier_change(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<NewTierChange>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_relationships(&principal)?;
    let id = path_id(&id, "id")?;
    policy::propose_tier_change(&principal, partner_roles(&state, &id).await?)?;
    let b = body.value;
    let mut e = vec![];
    let reason = Note::check("reason", &b.reason, &mut e);
    Refusal::check(e)?;
    let proposal = ChangeProposal {
        to_tier: b.to_tier,
        reason,
        effective_from: b.effective_from,
    };
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let c = store::propose_change(conn, &actor, &id, proposal)?;
            let location = format!("/api/v1/partners/{}/tier-changes/{}", c.partner_id, c.id);
            Written::created(&c, c.version, location)
        },
    )
    .await
}

/// The roles of a partner staff may see (404 when there is none), for the remit checks.
pub(crate) async fn partner_roles(
    state: &AppState,
    id: &str,
) -> Result<crate::auth::policy::PartnerRoles, ApiError> {
    let id = id.to_string();
    Ok(state
        .db
        .read(move |conn| {
            crate::partners::store::get_partner(conn, &crate::auth::policy::Access::All, &id)
        })
        .await
        .map(|p| p.roles())?)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"note": "Checked against the 2026 share figures"}))]
pub struct TierDecision {
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
}

#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request the handler was given"
)]
pub(crate) async fn decide(
    state: &AppState,
    principal: Principal,
    req: &HttpRequest,
    key: IdempotencyKey,
    path: (String, String),
    if_match: IfMatch,
    body: ValidJson<TierDecision>,
    approve: bool,
) -> Result<HttpResponse, ApiError> {
    policy::manage_relationships(&principal)?;
    let id = path_id(&path.0, "id")?;
    let change_id = path_id(&path.1, "change_id")?;
    policy::decide_tier_change(&principal, partner_roles(state, &id).await?)?;
    let mut e = vec![];
    let note = Note::check_optional("note", body.value.note, &mut e);
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        req,
        &body.body_hash,
        move |conn| {
            let c = store::decide_change(
                conn,
                &actor,
                &id,
                &change_id,
                approve,
                note,
                if_match.expected(),
            )?;
            Written::ok(&c, Some(c.version))
        },
    )
    .await
}

/// Approve a tier change
///
/// By someone other than who proposed it (409 `four_eyes` otherwise). The tier is in force from
/// the change's `effective_from`.
#[utoipa::path(
    tag = "Relationships",
    request_body = TierDecision,
    params(("id" = String, Path, description = "Partner id"), ("change_id" = String, Path, description = "Tier change id"), ("If-Match" = Option<String>, Header, description = "ETag of the change you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Approved", body = TierChange, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not relationship staff, the partner outside your remit, or not a person (`four_eyes_needs_a_person`: integration clients cannot be the second pair of eyes)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner or change", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided (`illegal_transition`), or the proposer deciding (`four_eyes`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Note too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/tier-changes/{change_id}/approve")]
pub async fn approve_tier_change(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<TierDecision>,
) -> Result<HttpResponse, ApiError> {
    decide(
        &state,
        principal,
        &req,
        key,
        path.into_inner(),
        if_match,
        body,
        true,
    )
    .await
}

/// Reject a tier change
///
/// By someone other than who proposed it.
#[utoipa::path(
    tag = "Relationships",
    request_body = TierDecision,
    params(("id" = String, Path, description = "Partner id"), ("change_id" = String, Path, description = "Tier change id"), ("If-Match" = Option<String>, Header, description = "ETag of the change you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Rejected", body = TierChange, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not relationship staff, the partner outside your remit, or not a person (`four_eyes_needs_a_person`: integration clients cannot be the second pair of eyes)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner or change", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided (`illegal_transition`), or the proposer deciding (`four_eyes`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Note too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/tier-changes/{change_id}/reject")]
pub async fn reject_tier_change(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<TierDecision>,
) -> Result<HttpResponse, ApiError> {
    decide(
        &state,
        principal,
        &req,
        key,
        path.into_inner(),
        if_match,
        body,
        false,
    )
    .await
}
