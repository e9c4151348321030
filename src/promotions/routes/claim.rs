//! Claims.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"units": "15000", "amount_minor": 3150000, "reference": "DN-88812"}))]
pub struct NewClaim {
    /// Units sold under the promotion; together with earlier claims, no more than sell-out shows.
    pub units: Quantity,
    /// Minor units; left out, the sponsor's share of what the units cost under the terms.
    pub amount_minor: Option<i64>,
    /// The channel partner's own document (debit note) number.
    #[schema(value_type = Option<crate::values::Reference>)]
    pub reference: Option<String>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
}

/// Claim the sponsor's share
///
/// The channel partner (or promotion staff recording its claim) claims the sponsor's share for
/// units sold, while the promotion is active or ended. Claims not rejected may never add up
/// beyond the sponsor's share of the budget, nor beyond its share of the cost the sell-out
/// supports, nor claim more units than sell-out shows.
#[utoipa::path(
    tag = "Promotions",
    request_body = NewClaim,
    params(("id" = String, Path, description = "Promotion id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Submitted", body = Claim, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The sponsor, or not promotion staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not active or ended (`illegal_transition`); more than is open (`claim_beyond_open_amount`) or than sell-out shows (`claim_beyond_sell_out`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/promotions/{id}/claims")]
pub async fn create_claim(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<NewClaim>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let id = path_id(&id, "id")?;
    let b = body.value;
    let mut e = vec![];
    check_claim_terms(b.units, b.amount_minor, &mut e);
    let draft = ClaimDraft {
        units: b.units,
        amount_minor: b.amount_minor,
        reference: Reference::check_optional("reference", b.reference, &mut e),
        note: Note::check_optional("note", b.note, &mut e),
    };
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    let caller = principal.id.clone();
    let today = today();
    idempotency::execute(
        &state.db,
        &caller,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let row = store::get_row(conn, &access, &id)?;
            policy::submit_claim(
                &principal,
                row.sponsor_id.as_deref(),
                &row.channel_partner_id,
            )?;
            let c = store::insert_claim(conn, &actor, row, draft, today)?;
            let location = format!("/api/v1/promotions/{}/claims/{}", c.promotion_id, c.id);
            Written::created(&c, c.version, location)
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimQuery {
    #[param(inline)]
    pub status: Option<ClaimStatus>,
}

/// List a promotion's claims
#[utoipa::path(
    tag = "Promotions",
    params(("id" = String, Path, description = "Promotion id"), PageParams, ClaimQuery),
    responses(
        (status = 200, description = "A page of claims", body = Page<Claim>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `promotions:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/promotions/{id}/claims")]
pub async fn list_claims(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
    query: ValidQuery<ClaimQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let status = query.0.status;
    let limit = page.limit;
    let (currency, rows) = state
        .db
        .read(move |conn| store::list_claims(conn, &access, &id, status, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |c| c.id.as_str(),
        |c| c.to_claim(&currency),
    )))
}

/// Get a claim
#[utoipa::path(
    tag = "Promotions",
    params(("id" = String, Path, description = "Promotion id"), ("claim_id" = String, Path, description = "Claim id")),
    responses(
        (status = 200, description = "The claim", body = Claim, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `promotions:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion or claim, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/promotions/{id}/claims/{claim_id}")]
pub async fn get_claim(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let (id, claim_id) = path.into_inner();
    let id = path_id(&id, "id")?;
    let claim_id = path_id(&claim_id, "claim_id")?;
    let c = state
        .db
        .read(move |conn| store::get_claim(conn, &access, &id, &claim_id))
        .await?;
    Ok(with_etag(&c, c.version))
}

/// Runs the sponsor's decision on a claim under an optional idempotency key.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request the handler was given"
)]
pub(crate) async fn claim_decision(
    state: &AppState,
    principal: Principal,
    req: &HttpRequest,
    key: IdempotencyKey,
    body_hash: &str,
    path: (String, String),
    if_match: IfMatch,
    decision: ClaimDecision,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let id = path_id(&path.0, "id")?;
    let claim_id = path_id(&path.1, "claim_id")?;
    let actor = Actor::from(&principal);
    let caller = principal.id.clone();
    idempotency::execute(&state.db, &caller, key, req, body_hash, move |conn| {
        let row = store::get_row(conn, &access, &id)?;
        policy::decide_claim(
            &principal,
            row.sponsor_id.as_deref(),
            &row.channel_partner_id,
        )?;
        let c = store::decide_claim(conn, &actor, &row, &claim_id, decision, if_match.expected())?;
        Written::ok(&c, Some(c.version))
    })
    .await
}

/// Approve a claim
///
/// The sponsor side. Approved and paid claims together may never pass the sponsor's share of
/// the budget, nor its share of the cost the current sell-out supports (409 if a corrected report
/// has lowered it since the claim was made).
#[utoipa::path(
    tag = "Promotions",
    params(("id" = String, Path, description = "Promotion id"), ("claim_id" = String, Path, description = "Claim id"), ("If-Match" = Option<String>, Header, description = "ETag of the claim you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Approved", body = Claim, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the sponsor side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion or claim, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted (`illegal_transition`), or beyond what is open (`claim_beyond_open_amount`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/promotions/{id}/claims/{claim_id}/approve")]
pub async fn approve_claim(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let path = path.into_inner();
    claim_decision(
        &state,
        principal,
        &req,
        key,
        "",
        path,
        if_match,
        ClaimDecision::Approve,
    )
    .await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Units exceed the store-level scan data"}))]
pub struct RejectClaim {
    #[schema(value_type = crate::values::Name)]
    pub reason: String,
}

/// Reject a claim
///
/// The sponsor side, with a reason. A rejected claim frees its units and amount for a new one.
#[utoipa::path(
    tag = "Promotions",
    request_body = RejectClaim,
    params(("id" = String, Path, description = "Promotion id"), ("claim_id" = String, Path, description = "Claim id"), ("If-Match" = Option<String>, Header, description = "ETag of the claim you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Rejected", body = Claim, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the sponsor side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion or claim, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not submitted (`illegal_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing or too long a reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/promotions/{id}/claims/{claim_id}/reject")]
pub async fn reject_claim(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<RejectClaim>,
) -> Result<HttpResponse, ApiError> {
    let mut e = vec![];
    let reason = Name::check("reason", &body.value.reason, &mut e);
    Refusal::check(e)?;
    let path = path.into_inner();
    let decision = ClaimDecision::Reject { reason };
    claim_decision(
        &state,
        principal,
        &req,
        key,
        &body.body_hash,
        path,
        if_match,
        decision,
    )
    .await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"payment_reference": "PAY-2026-07-0042"}))]
pub struct PayClaim {
    #[schema(value_type = Option<crate::values::Reference>)]
    pub payment_reference: Option<String>,
}

/// Record a claim paid
///
/// The sponsor side, once an approved claim is paid (or credited).
#[utoipa::path(
    tag = "Promotions",
    request_body = PayClaim,
    params(("id" = String, Path, description = "Promotion id"), ("claim_id" = String, Path, description = "Claim id"), ("If-Match" = Option<String>, Header, description = "ETag of the claim you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Paid", body = Claim, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the sponsor side", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion or claim, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not approved (`illegal_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reference too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/promotions/{id}/claims/{claim_id}/pay")]
pub async fn pay_claim(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<PayClaim>,
) -> Result<HttpResponse, ApiError> {
    let mut e = vec![];
    let payment_reference =
        Reference::check_optional("payment_reference", body.value.payment_reference, &mut e);
    Refusal::check(e)?;
    let path = path.into_inner();
    let decision = ClaimDecision::Pay { payment_reference };
    claim_decision(
        &state,
        principal,
        &req,
        key,
        &body.body_hash,
        path,
        if_match,
        decision,
    )
    .await
}
