//! `/partners/{id}/scorecard`, `/scorecard-weights`, `/tiers`, `/partners/{id}/tier`,
//! `/partners/{id}/tier-evaluation`, `/tier-evaluations`, `/partners/{id}/tier-changes`,
//! `/partners/{id}/plans` and `/plan-actions`.

use actix_web::{get, patch, post, put, web, HttpRequest, HttpResponse};
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::model::{check_plan, PlanDraft};
use super::store::{self, ActionFilter, ChangeProposal};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::clock::today;
use crate::http::extract::double_option;
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, IfMatch, Page, PageParams, Problem, ValidJson, ValidQuery,
};
use crate::partners::model::check_currency;
use crate::refusal::Refusal;
use crate::values::Note;
use crate::AppState;

/// The partner in the path, if the caller may see it (404 otherwise, so ids do not leak).
fn own_partner(access: &policy::Access, raw: &str) -> Result<String, ApiError> {
    let id = path_id(raw, "id")?;
    if access.allows_partner(&id) {
        Ok(id)
    } else {
        Err(Refusal::NotFound("partner").into())
    }
}

// ---- scorecard ----------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// First day; default a year before `to`.
    pub from: Option<NaiveDate>,
    /// Last day; default today.
    pub to: Option<NaiveDate>,
    /// `supplier` (purchase documents) or `customer` (sales documents); default `supplier` for
    /// manufacturers, `customer` for the rest.
    #[param(inline)]
    pub side: Option<ScorecardSide>,
}

/// A partner's scorecard
///
/// Computed from the documents exchanged in the period, never typed in: on-time delivery
/// (delivered lines received on or before their requested date), fill rate (received ÷ ordered,
/// each line counted up to what it ordered, on orders issued in the period), quality (supplier
/// side: inspection pass rate, return rate, open non-conformances; customer side: units the
/// customer accepted at its goods receipts), responsiveness (median time from submission to the
/// order response: a day or less scores 100, a week or more 0), invoice accuracy (matched ÷ all
/// invoices). Each with the counts behind it, and a weighted score 0–100 under the weights at
/// `/scorecard-weights` (indicators without figures are left out and the rest re-weighted). A
/// partner's users and ERP see their own.
#[utoipa::path(
    tag = "Relationships",
    params(("id" = String, Path, description = "Partner id"), ScorecardQuery),
    responses(
        (status = 200, description = "The scorecard", body = Scorecard),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `relationships:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` after `to`, or a period over ten years", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/scorecard")]
pub async fn partner_scorecard(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    query: ValidQuery<ScorecardQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_scorecards(&principal)?;
    let id = own_partner(&access, &id)?;
    let q = query.0;
    let to = q.to.unwrap_or_else(today);
    let from = q.from.unwrap_or(to - Duration::days(364));
    if from > to {
        return Err(Refusal::invalid("from", "must be on or before `to`").into());
    }
    if (to - from).num_days() > 3660 {
        return Err(Refusal::invalid("from", "at most ten years").into());
    }
    let card = state
        .db
        .read(move |conn| {
            let partner = crate::partners::store::get_partner(conn, &policy::Access::All, &id)?;
            let side = q
                .side
                .unwrap_or_else(|| store::default_side(partner.roles()));
            store::scorecard(conn, &id, side, from, to)
        })
        .await?;
    Ok(HttpResponse::Ok().json(card))
}

/// Scorecard weights
#[utoipa::path(
    tag = "Relationships",
    responses(
        (status = 200, description = "The weights in force", body = ScorecardWeights, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `relationships:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/scorecard-weights")]
pub async fn get_scorecard_weights(
    state: web::Data<AppState>,
    principal: Principal,
) -> Result<HttpResponse, ApiError> {
    policy::read_scorecards(&principal)?;
    let w = state.db.read(store::get_weights).await?;
    Ok(with_etag(&w, w.version))
}

/// Set the scorecard weights
///
/// Admins only. Five whole percentages summing to 100.
#[utoipa::path(
    tag = "Relationships",
    request_body = Weights,
    params(("If-Match" = Option<String>, Header, description = "ETag of the weights you read; 412 when stale")),
    responses(
        (status = 200, description = "Set", body = ScorecardWeights, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A weight outside 0–100, or weights not summing to 100", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/scorecard-weights")]
pub async fn put_scorecard_weights(
    state: web::Data<AppState>,
    principal: Principal,
    if_match: IfMatch,
    body: ValidJson<Weights>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let w = body.value;
    Refusal::check(check_weights(&w))?;
    let actor = Actor::from(&principal);
    let out = state
        .db
        .write(move |conn| store::put_weights(conn, &actor, w, if_match.expected()))
        .await?;
    Ok(with_etag(&out, out.version))
}

// ---- tiers --------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LadderQuery {
    /// An earlier version; default the current one.
    pub version: Option<i64>,
}

/// The tier ladder
///
/// `vendor → preferred_supplier → partner → strategic_partner`, each with its criteria and
/// benefits. Every version is kept. Internal: staff and host systems.
#[utoipa::path(
    tag = "Relationships",
    params(LadderQuery),
    responses(
        (status = 200, description = "The ladder", body = TierLadder, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/tiers")]
pub async fn get_tiers(
    state: web::Data<AppState>,
    principal: Principal,
    query: ValidQuery<LadderQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_relationships(&principal)?;
    let version = query.0.version;
    let l = state
        .db
        .read(move |conn| store::get_ladder(conn, version))
        .await?;
    Ok(with_etag(&l, l.version))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "currency": "EUR",
    "tiers": [
        {"code": "vendor", "criteria": {}, "benefits": {"payment_terms_days": 30, "discount_bp": 0, "service_level": "standard"}},
        {"code": "preferred_supplier", "criteria": {"min_score": 60, "min_tenure_years": 1}, "benefits": {"payment_terms_days": 45, "discount_bp": 100, "service_level": "priority"}},
        {"code": "partner", "criteria": {"min_annual_volume_minor": 5000000, "min_share_bp": 3000, "min_score": 75, "min_tenure_years": 2}, "benefits": {"payment_terms_days": 60, "discount_bp": 200, "service_level": "key account team"}},
        {"code": "strategic_partner", "criteria": {"min_annual_volume_minor": 20000000, "min_share_bp": 5000, "min_score": 85, "min_tenure_years": 5}, "benefits": {"payment_terms_days": 90, "discount_bp": 300, "service_level": "joint planning"}}
    ]
}))]
pub struct NewTierLadder {
    /// ISO 4217 currency of the volume criteria.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// The four tiers, lowest first; a higher tier never asks less than a lower one.
    pub tiers: Vec<Tier>,
}

/// Change the tier ladder
///
/// Admins only. Saves a new version (the earlier ones stay: benefits on a past day come from the
/// version then in force). The ladder must be monotone: every criterion a lower tier sets, each
/// higher tier sets at least as high.
#[utoipa::path(
    tag = "Relationships",
    request_body = NewTierLadder,
    params(("If-Match" = Option<String>, Header, description = "ETag of the ladder you read; 412 when stale")),
    responses(
        (status = 200, description = "The new version", body = TierLadder, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Tiers missing, repeated or out of order; a higher tier asking less; values out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/tiers")]
pub async fn put_tiers(
    state: web::Data<AppState>,
    principal: Principal,
    if_match: IfMatch,
    body: ValidJson<NewTierLadder>,
) -> Result<HttpResponse, ApiError> {
    policy::admin_only(&principal)?;
    let b = body.value;
    let mut e = check_ladder(&b.tiers);
    let currency = check_currency("currency", b.currency, &mut e);
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    let tiers = b.tiers;
    let l = state
        .db
        .write(move |conn| store::put_ladder(conn, &actor, currency, tiers, if_match.expected()))
        .await?;
    Ok(with_etag(&l, l.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TierOnQuery {
    /// The day; default today.
    pub on: Option<NaiveDate>,
}

/// A partner's tier and benefits
///
/// The tier in force on a day (the latest approved tier change effective by then; `vendor`
/// without one) and the benefits the ladder in force that day gives it. A partner's users and ERP
/// see their own.
#[utoipa::path(
    tag = "Relationships",
    params(("id" = String, Path, description = "Partner id"), TierOnQuery),
    responses(
        (status = 200, description = "Tier and benefits", body = PartnerTier),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `relationships:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/tier")]
pub async fn partner_tier(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    query: ValidQuery<TierOnQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_scorecards(&principal)?;
    let id = own_partner(&access, &id)?;
    let on = query.0.on.unwrap_or_else(today);
    let t = state
        .db
        .read(move |conn| {
            crate::partners::store::get_partner(conn, &policy::Access::All, &id)?;
            store::tier_on(conn, &id, on)
        })
        .await?;
    Ok(HttpResponse::Ok().json(t))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationQuery {
    /// The day the figures are taken; default today.
    pub as_of: Option<NaiveDate>,
}

/// Evaluate a partner against the ladder
///
/// Every criterion of every tier, met or not, with the figure behind it and where it comes from
/// (annual volume: matched invoices over 12 months in the ladder's currency; share of customer:
/// our deliveries ÷ the customer's wallet estimates for the year; score: the scorecard over 12
/// months; tenure: whole years since `relationship_since`), and the recommended tier: the highest
/// wholly met. Internal: staff and host systems.
#[utoipa::path(
    tag = "Relationships",
    params(("id" = String, Path, description = "Partner id"), EvaluationQuery),
    responses(
        (status = 200, description = "The evaluation", body = TierEvaluation),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/tier-evaluation")]
pub async fn tier_evaluation(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    query: ValidQuery<EvaluationQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_relationships(&principal)?;
    let id = path_id(&id, "id")?;
    let as_of = query.0.as_of.unwrap_or_else(today);
    let e = state
        .db
        .read(move |conn| store::evaluate_partner(conn, &id, as_of))
        .await?;
    Ok(HttpResponse::Ok().json(e))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationsQuery {
    pub as_of: Option<NaiveDate>,
    /// Every partner, not only those whose recommendation differs from their tier; default false.
    pub all: Option<bool>,
}

/// Evaluate every partner
///
/// Runs the evaluation for every active partner and lists those whose recommended tier differs
/// from their current one (`all=true`: every partner). Internal: staff and host systems.
#[utoipa::path(
    tag = "Relationships",
    params(EvaluationsQuery),
    responses(
        (status = 200, description = "Evaluations", body = Vec<TierEvaluation>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/tier-evaluations")]
pub async fn tier_evaluations(
    state: web::Data<AppState>,
    principal: Principal,
    query: ValidQuery<EvaluationsQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_relationships(&principal)?;
    let as_of = query.0.as_of.unwrap_or_else(today);
    let differing_only = !query.0.all.unwrap_or(false);
    let rows = state
        .db
        .read(move |conn| store::evaluate_all(conn, as_of, differing_only))
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

// ---- tier changes -------------------------------------------------------------------------------

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
async fn partner_roles(
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
async fn decide(
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

// ---- development plans --------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "title": "Brand A: from preferred supplier to partner", "goals": ["Share of aerosol cans from 28% to 40%", "Joint forecast each quarter"],
    "target_tier": "partner", "target_share_bp": 4000, "status": "active", "owner_id": "0193a1b2-0000-7000-8000-0000000000f1",
    "actions": [{"description": "Quarterly business review with their purchasing director", "owner_id": "0193a1b2-0000-7000-8000-0000000000f1", "due_date": "2027-01-15"}]
}))]
pub struct NewPlan {
    #[schema(value_type = crate::values::Name)]
    pub title: String,
    pub goals: Vec<String>,
    pub target_tier: Option<TierCode>,
    pub target_share_bp: Option<i32>,
    /// Default `draft`.
    pub status: Option<PlanStatus>,
    /// The staff user accountable for the plan.
    pub owner_id: Option<String>,
    /// Each with a description, an owner (a staff user) and a due date.
    pub actions: Vec<PlanAction>,
}

/// Draft a development plan
///
/// A key-account development plan: goals, target tier and share, actions with owners and due
/// dates. Internal: admins, account managers, buyers and host systems.
#[utoipa::path(
    tag = "Relationships",
    request_body = NewPlan,
    params(("id" = String, Path, description = "Partner id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Created", body = DevelopmentPlan, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not relationship staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: an action without an owner or due date, an owner who is not staff", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/plans")]
pub async fn create_plan(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<NewPlan>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_relationships(&principal)?;
    let id = path_id(&id, "id")?;
    policy::propose_tier_change(&principal, partner_roles(&state, &id).await?)?;
    let b = body.value;
    let draft = check_plan(PlanDraft {
        title: b.title,
        goals: b.goals,
        target_tier: b.target_tier,
        target_share_bp: b.target_share_bp,
        status: b.status.unwrap_or(PlanStatus::Draft),
        owner_id: b.owner_id,
        actions: b.actions,
    })?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let p = store::insert_plan(conn, &actor, &id, draft)?;
            let location = format!("/api/v1/partners/{}/plans/{}", p.partner_id, p.id);
            Written::created(&p, p.version, location)
        },
    )
    .await
}

/// A partner's development plans
#[utoipa::path(
    tag = "Relationships",
    params(("id" = String, Path, description = "Partner id"), PageParams),
    responses(
        (status = 200, description = "A page of plans", body = Page<DevelopmentPlan>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/plans")]
pub async fn list_plans(
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
        .read(move |conn| store::list_plans(conn, &id, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |p| p.id.as_str(), |p| p)))
}

/// Get a development plan
#[utoipa::path(
    tag = "Relationships",
    params(("id" = String, Path, description = "Partner id"), ("plan_id" = String, Path, description = "Plan id")),
    responses(
        (status = 200, description = "The plan", body = DevelopmentPlan, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner or plan", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/plans/{plan_id}")]
pub async fn get_plan(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    policy::read_relationships(&principal)?;
    let (id, plan_id) = path.into_inner();
    let id = path_id(&id, "id")?;
    let plan_id = path_id(&plan_id, "plan_id")?;
    let p = state
        .db
        .read(move |conn| store::get_plan(conn, &id, &plan_id))
        .await?;
    Ok(with_etag(&p, p.version))
}

/// A change to a plan: absent fields stay, `null` clears the optional ones; `actions`, when
/// given, replaces the list (send each action's `status` to mark it `done`).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "active", "actions": [{"description": "Quarterly business review", "owner_id": "0193a1b2-0000-7000-8000-0000000000f1", "due_date": "2027-01-15", "status": "done"}]}))]
pub struct PlanPatch {
    #[schema(value_type = Option<crate::values::Name>)]
    pub title: Option<String>,
    pub goals: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<TierCode>)]
    pub target_tier: Option<Option<TierCode>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub target_share_bp: Option<Option<i32>>,
    pub status: Option<PlanStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub owner_id: Option<Option<String>>,
    pub actions: Option<Vec<PlanAction>>,
}

/// Change a development plan
#[utoipa::path(
    tag = "Relationships",
    request_body = PlanPatch,
    params(("id" = String, Path, description = "Partner id"), ("plan_id" = String, Path, description = "Plan id"), ("If-Match" = Option<String>, Header, description = "ETag of the plan you read; 412 when stale")),
    responses(
        (status = 200, description = "Changed", body = DevelopmentPlan, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not relationship staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner or plan", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/partners/{id}/plans/{plan_id}")]
pub async fn update_plan(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<PlanPatch>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_relationships(&principal)?;
    let (id, plan_id) = path.into_inner();
    let id = path_id(&id, "id")?;
    let plan_id = path_id(&plan_id, "plan_id")?;
    let p = body.value;
    let actor = Actor::from(&principal);
    let plan = state
        .db
        .write(move |conn| {
            store::update_plan(conn, &actor, &id, &plan_id, if_match.expected(), |c| {
                Ok(check_plan(PlanDraft {
                    title: p.title.unwrap_or_else(|| c.title.clone()),
                    goals: p.goals.unwrap_or_else(|| c.goals.clone()),
                    target_tier: p.target_tier.unwrap_or(c.target_tier),
                    target_share_bp: p.target_share_bp.unwrap_or(c.target_share_bp),
                    status: p.status.unwrap_or(c.status),
                    owner_id: p.owner_id.unwrap_or_else(|| c.owner_id.clone()),
                    actions: p.actions.unwrap_or_else(|| c.actions.clone()),
                })?)
            })
        })
        .await?;
    Ok(with_etag(&plan, plan.version))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActionQuery {
    /// Only open actions past their due date.
    pub overdue: Option<bool>,
    pub owner_id: Option<String>,
    #[param(inline)]
    pub status: Option<ActionStatus>,
    /// At most this many (1–500, default 100), soonest due first.
    pub limit: Option<i64>,
}

/// Plan actions across plans
///
/// Every development plan's actions, soonest due first; `overdue=true` for the open ones past
/// their due date. Internal: staff and host systems.
#[utoipa::path(
    tag = "Relationships",
    params(ActionQuery),
    responses(
        (status = 200, description = "Actions with their plan", body = Vec<PlanActionItem>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `relationships:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/plan-actions")]
pub async fn list_plan_actions(
    state: web::Data<AppState>,
    principal: Principal,
    query: ValidQuery<ActionQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_relationships(&principal)?;
    let q = query.0;
    let limit = crate::http::pagination::check_limit(q.limit, 100)?;
    let today = today();
    let filter = ActionFilter {
        overdue_on: q.overdue.unwrap_or(false).then_some(today),
        owner_id: q.owner_id.map(|o| path_id(&o, "owner_id")).transpose()?,
        status: q.status,
    };
    let rows = state
        .db
        .read(move |conn| store::list_actions(conn, filter, today, limit))
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}
