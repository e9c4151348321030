//! `/promotions` (plans, approval, performance, settlement), `/promotions/{id}/claims`, and
//! `/promotion-settlements` (per sponsor).

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::model::{check_draft, PromotionDraft};
use super::store::{self, ClaimDecision, ClaimDraft, PromotionFilter, SettlementFilter};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::clock::today;
use crate::db::StoreError;
use crate::http::extract::{body_id, double_option};
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, FieldError, IfMatch, Page, PageParams, Problem, ValidJson,
    ValidQuery,
};
use crate::orders::model::Quantity;
use crate::partners::model::check_optional_text;
use crate::refusal::Refusal;
use crate::values::{Name, Note};
use crate::AppState;

// ---- promotions ---------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Summer insect killer price cut", "sponsor_id": "0193a1b2-0000-7000-8000-0000000000a9",
    "channel_partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "mechanic": "price_discount",
    "terms": {"discount_minor": 300, "regular_price_minor": 1299},
    "product_ids": ["0193a1b2-0000-7000-8000-0000000000a1"],
    "start_date": "2026-06-01", "end_date": "2026-06-30",
    "target_segment": {"brand_preference": "switcher", "usage": "heavy"},
    "currency": "CNY", "budget_minor": 5000000, "sponsor_share_bp": 7000, "channel_share_bp": 3000,
    "baseline_units": "10000", "notes": "Funding split invented for the example"
}))]
pub struct NewPromotion {
    #[schema(value_type = crate::values::Name)]
    pub name: String,
    /// The funding manufacturer; leave out when the host company sponsors its own brand.
    pub sponsor_id: Option<String>,
    /// The distributor or key account that runs the promotion.
    pub channel_partner_id: String,
    pub mechanic: Mechanic,
    pub terms: Terms,
    /// 1 to 500 products, each in the sponsor's catalogue.
    pub product_ids: Vec<String>,
    pub start_date: NaiveDate,
    /// On or after the start, at most 366 days after.
    pub end_date: NaiveDate,
    pub target_segment: Option<TargetSegment>,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// The most the promotion may cost, in minor units.
    pub budget_minor: i64,
    /// The sponsor's part of the cost in basis points; with `channel_share_bp` it sums to 10000.
    pub sponsor_share_bp: i32,
    pub channel_share_bp: i32,
    /// Units expected in the period without the promotion.
    pub baseline_units: Quantity,
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
}

/// Plan a promotion
///
/// A draft agreed between a sponsoring manufacturer (or the host company, `sponsor_id` left out)
/// and a distributor or key account: products from the sponsor's catalogue (own-brand products it
/// is an approved supplier for, or products we buy from it), mechanic and terms, period, target
/// segment, budget, funding split (basis points summing to 10000) and baseline units. Either
/// party's users and ERPs, or account managers, admins and host systems, may plan one.
#[utoipa::path(
    tag = "Promotions",
    request_body = NewPromotion,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Drafted", body = Promotion, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a party, not promotion staff, or lacks `promotions:write`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields: terms that do not fit the mechanic, a split not summing to 10000, a period ending before it starts, products not in the sponsor's catalogue, parties in the wrong roles", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/promotions")]
pub async fn create_promotion(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewPromotion>,
) -> Result<HttpResponse, ApiError> {
    let b = body.value;
    let mut e = vec![];
    let channel_partner_id = body_id("channel_partner_id", b.channel_partner_id, &mut e);
    let sponsor_id = b.sponsor_id.map(|s| body_id("sponsor_id", s, &mut e));
    Refusal::check(e)?;
    policy::plan_promotion(&principal, sponsor_id.as_deref(), &channel_partner_id)?;
    let draft = check_draft(PromotionDraft {
        name: b.name,
        sponsor_id,
        channel_partner_id,
        mechanic: b.mechanic,
        terms: b.terms,
        product_ids: b.product_ids,
        start_date: b.start_date,
        end_date: b.end_date,
        target_segment: b.target_segment,
        currency: b.currency,
        budget_minor: b.budget_minor,
        sponsor_share_bp: b.sponsor_share_bp,
        channel_share_bp: b.channel_share_bp,
        baseline: b.baseline_units,
        notes: b.notes,
    })?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let p = store::insert_promotion(conn, &actor, draft)?;
            Written::created(&p, p.version, format!("/api/v1/promotions/{}", p.id))
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PromotionQuery {
    #[param(inline)]
    pub status: Option<PromotionStatus>,
    pub sponsor_id: Option<String>,
    pub channel_partner_id: Option<String>,
    /// Promotions on this product.
    pub product_id: Option<String>,
    /// Promotions whose period includes this day.
    pub running_on: Option<NaiveDate>,
}

fn query_id(v: Option<String>, field: &str) -> Result<Option<String>, ApiError> {
    v.map(|s| path_id(&s, field)).transpose()
}

/// List promotions
///
/// Staff see every promotion; a partner sees those it sponsors or runs.
#[utoipa::path(
    tag = "Promotions",
    params(PageParams, PromotionQuery),
    responses(
        (status = 200, description = "A page of promotions", body = Page<Promotion>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `promotions:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/promotions")]
pub async fn list_promotions(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<PromotionQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = PromotionFilter {
        status: q.status,
        sponsor_id: query_id(q.sponsor_id, "sponsor_id")?,
        channel_partner_id: query_id(q.channel_partner_id, "channel_partner_id")?,
        product_id: query_id(q.product_id, "product_id")?,
        running_on: q.running_on,
    };
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| store::list_promotions(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |p| p.id.as_str(), |p| p)))
}

/// Get a promotion
#[utoipa::path(
    tag = "Promotions",
    params(("id" = String, Path, description = "Promotion id")),
    responses(
        (status = 200, description = "The promotion, its approvals and the actions possible now", body = Promotion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `promotions:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/promotions/{id}")]
pub async fn get_promotion(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let id = path_id(&id, "id")?;
    let p = state
        .db
        .read(move |conn| store::get_promotion(conn, &access, &id))
        .await?;
    Ok(with_etag(&p, p.version))
}

/// A change to a draft or proposed promotion: absent fields stay, `null` clears the optional ones.
/// The parties cannot change.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"budget_minor": 6000000, "terms": {"discount_minor": 350, "regular_price_minor": 1299}}))]
pub struct PromotionPatch {
    #[schema(value_type = Option<crate::values::Name>)]
    pub name: Option<String>,
    pub mechanic: Option<Mechanic>,
    pub terms: Option<Terms>,
    pub product_ids: Option<Vec<String>>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<TargetSegment>)]
    pub target_segment: Option<Option<TargetSegment>>,
    #[schema(value_type = Option<crate::values::Currency>)]
    pub currency: Option<String>,
    pub budget_minor: Option<i64>,
    pub sponsor_share_bp: Option<i32>,
    pub channel_share_bp: Option<i32>,
    pub baseline_units: Option<Quantity>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<Option<String>>,
}

/// Loads the promotion the caller sees (404 otherwise) and checks it may plan it (403).
fn planner(
    conn: &mut crate::db::DbConnection,
    principal: &Principal,
    access: &policy::Access,
    id: &str,
) -> Result<(), StoreError> {
    let row = store::get_row(conn, access, id)?;
    Ok(policy::plan_promotion(
        principal,
        row.sponsor_id.as_deref(),
        &row.channel_partner_id,
    )?)
}

/// Change a promotion
///
/// Only while `draft` or `proposed`. Changing a proposal clears the approvals already given (both
/// sides approve the terms as they stand) and looks for overlapping promotions again; once both
/// sides have approved, nothing changes (409).
#[utoipa::path(
    tag = "Promotions",
    request_body = PromotionPatch,
    params(("id" = String, Path, description = "Promotion id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 200, description = "Changed", body = Promotion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a party or promotion staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Approved or later (`illegal_transition` names the allowed actions)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/promotions/{id}")]
pub async fn update_promotion(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<PromotionPatch>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let id = path_id(&id, "id")?;
    let p = body.value;
    let actor = Actor::from(&principal);
    let today = today();
    let promotion = state
        .db
        .write(move |conn| {
            planner(conn, &principal, &access, &id)?;
            store::update_promotion(
                conn,
                &actor,
                &access,
                &id,
                if_match.expected(),
                today,
                |c| {
                    Ok(check_draft(PromotionDraft {
                        name: p.name.unwrap_or_else(|| c.name.clone()),
                        mechanic: p.mechanic.unwrap_or(c.mechanic),
                        terms: p.terms.unwrap_or_else(|| c.terms.clone()),
                        product_ids: p.product_ids.unwrap_or_else(|| c.product_ids.clone()),
                        start_date: p.start_date.unwrap_or(c.start_date),
                        end_date: p.end_date.unwrap_or(c.end_date),
                        target_segment: p
                            .target_segment
                            .unwrap_or_else(|| c.target_segment.clone()),
                        currency: p.currency.unwrap_or_else(|| c.currency.clone()),
                        budget_minor: p.budget_minor.unwrap_or(c.budget_minor),
                        sponsor_share_bp: p.sponsor_share_bp.unwrap_or(c.sponsor_share_bp),
                        channel_share_bp: p.channel_share_bp.unwrap_or(c.channel_share_bp),
                        baseline: p.baseline_units.unwrap_or(c.baseline),
                        notes: p.notes.unwrap_or_else(|| c.notes.clone()),
                        ..c.clone()
                    })?)
                },
            )
        })
        .await?;
    Ok(with_etag(&promotion, promotion.version))
}

/// Runs a promotion action under an optional idempotency key, answering the promotion.
async fn promotion_action(
    state: &AppState,
    principal: Principal,
    req: &HttpRequest,
    key: IdempotencyKey,
    body_hash: &str,
    id: &str,
    act: impl FnOnce(
            &mut crate::db::DbConnection,
            &Principal,
            &policy::Access,
            &Actor,
            &str,
            NaiveDate,
        ) -> Result<Promotion, ApiError>
        + Send
        + 'static,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let id = path_id(id, "id")?;
    let actor = Actor::from(&principal);
    let caller = principal.id.clone();
    let today = today();
    idempotency::execute(&state.db, &caller, key, req, body_hash, move |conn| {
        let p = act(conn, &principal, &access, &actor, &id, today)?;
        Written::ok(&p, Some(p.version))
    })
    .await
}

/// Propose a promotion
///
/// Offers a draft to both sides for approval. Other promotions on any of the same products at the
/// same channel partner in an overlapping period are flagged in `overlaps`.
#[utoipa::path(
    tag = "Promotions",
    params(("id" = String, Path, description = "Promotion id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Proposed, with any overlaps", body = Promotion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a party or promotion staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft (`illegal_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/promotions/{id}/propose")]
pub async fn propose_promotion(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    promotion_action(
        &state,
        principal,
        &req,
        key,
        "",
        &id,
        move |conn, p, access, actor, id, today| {
            planner(conn, p, access, id)?;
            Ok(store::propose(
                conn,
                actor,
                access,
                id,
                if_match.expected(),
                today,
            )?)
        },
    )
    .await
}

/// Approve a promotion for your side
///
/// The sponsor's people (or, when the host company sponsors, its account managers, admins and
/// systems) approve for the sponsor; the channel partner's people for the channel. With both
/// approvals the promotion is `approved`, and from then on follows the calendar: `active` from
/// its first day, `ended` after its last (at once, if those days have come).
#[utoipa::path(
    tag = "Promotions",
    params(("id" = String, Path, description = "Promotion id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Approval recorded", body = Promotion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not one of the two sides (staff approve only when the host company sponsors)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not proposed (`illegal_transition`), or your side approved already (`already_approved`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/promotions/{id}/approve")]
pub async fn approve_promotion(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    promotion_action(
        &state,
        principal,
        &req,
        key,
        "",
        &id,
        move |conn, p, access, actor, id, today| {
            let row = store::get_row(conn, access, id)?;
            let side =
                policy::promotion_side(p, row.sponsor_id.as_deref(), &row.channel_partner_id)?;
            Ok(store::approve(
                conn,
                actor,
                access,
                id,
                side,
                if_match.expected(),
                today,
            )?)
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Retailer reset the category planogram"}))]
pub struct CancelPromotion {
    #[schema(value_type = Option<crate::values::Name>)]
    pub reason: Option<String>,
}

/// Cancel a promotion
///
/// Before it starts: a draft, a proposal or an approved promotion whose first day has not come.
#[utoipa::path(
    tag = "Promotions",
    request_body = CancelPromotion,
    params(("id" = String, Path, description = "Promotion id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 200, description = "Cancelled", body = Promotion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a party or promotion staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Started, ended, settled or cancelled (`illegal_transition`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Reason too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/promotions/{id}/cancel")]
pub async fn cancel_promotion(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<CancelPromotion>,
) -> Result<HttpResponse, ApiError> {
    let mut e = vec![];
    let reason = Name::check_optional("reason", body.value.reason, &mut e);
    Refusal::check(e)?;
    promotion_action(
        &state,
        principal,
        &req,
        key,
        &body.body_hash,
        &id,
        move |conn, p, access, actor, id, today| {
            planner(conn, p, access, id)?;
            Ok(store::cancel(
                conn,
                actor,
                access,
                id,
                reason,
                if_match.expected(),
                today,
            )?)
        },
    )
    .await
}

/// Settle a promotion
///
/// Once it has ended and every claim is decided and every approved claim paid: the books close.
/// The sponsor, or the host's promotion staff.
#[utoipa::path(
    tag = "Promotions",
    params(("id" = String, Path, description = "Promotion id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Settled", body = Promotion, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The channel partner, or not promotion staff", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not ended (`illegal_transition`), or claims still open (`claims_open`)", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/promotions/{id}/settle")]
pub async fn settle_promotion(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    promotion_action(
        &state,
        principal,
        &req,
        key,
        "",
        &id,
        move |conn, p, access, actor, id, today| {
            let row = store::get_row(conn, access, id)?;
            policy::settle_promotion(p, row.sponsor_id.as_deref(), &row.channel_partner_id)?;
            Ok(store::settle(
                conn,
                actor,
                access,
                id,
                if_match.expected(),
                today,
            )?)
        },
    )
    .await
}

/// A promotion's performance
///
/// From the channel partner's current sell-out reports for the promotion's products in its
/// period (a report straddling the start or end counts pro rata by days): units and value, lift
/// over baseline, cost (discount × units, or the placement fee, capped by the budget), each
/// side's share of it, incremental value and ROI. Money is rounded once, half up; the channel's
/// share is the cost minus the sponsor's, so nothing is lost to rounding. Both parties see it.
#[utoipa::path(
    tag = "Promotions",
    params(("id" = String, Path, description = "Promotion id")),
    responses(
        (status = 200, description = "Figures as of today", body = PromotionPerformance),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `promotions:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/promotions/{id}/performance")]
pub async fn promotion_performance(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let id = path_id(&id, "id")?;
    let today = today();
    let p = state
        .db
        .read(move |conn| store::performance(conn, &access, &id, today))
        .await?;
    Ok(HttpResponse::Ok().json(p))
}

/// A promotion's settlement
///
/// Where its money stands: the sponsor's share of the budget and of the cost sell-out supports,
/// the lesser of the two (what all claims together may reach), and claims by status.
#[utoipa::path(
    tag = "Promotions",
    params(("id" = String, Path, description = "Promotion id")),
    responses(
        (status = 200, description = "The settlement summary", body = PromotionSettlement),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `promotions:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such promotion, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/promotions/{id}/settlement")]
pub async fn promotion_settlement(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let id = path_id(&id, "id")?;
    let s = state
        .db
        .read(move |conn| store::settlement(conn, &access, &id))
        .await?;
    Ok(HttpResponse::Ok().json(s))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SettlementQuery {
    pub sponsor_id: Option<String>,
    /// Promotions ending on or after this day.
    pub from: Option<NaiveDate>,
    /// Promotions starting on or before this day.
    pub to: Option<NaiveDate>,
}

/// Settlement per sponsor
///
/// Per sponsor and currency, over the promotions agreed (approved or later): budgets, the
/// sponsor's share of them, claims submitted, approved, paid and rejected, and what is owed now
/// (approved, unpaid). A partner sees the promotions it is a party to.
#[utoipa::path(
    tag = "Promotions",
    params(SettlementQuery),
    responses(
        (status = 200, description = "One row per sponsor and currency", body = Vec<SponsorSettlement>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `promotions:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/promotion-settlements")]
pub async fn sponsor_settlements(
    state: web::Data<AppState>,
    principal: Principal,
    query: ValidQuery<SettlementQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_promotions(&principal)?;
    let q = query.0;
    let filter = SettlementFilter {
        sponsor_id: query_id(q.sponsor_id, "sponsor_id")?,
        from: q.from,
        to: q.to,
    };
    let rows = state
        .db
        .read(move |conn| store::sponsor_settlements(conn, &access, filter))
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

// ---- claims -------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"units": "15000", "amount_minor": 3150000, "reference": "DN-88812"}))]
pub struct NewClaim {
    /// Units sold under the promotion; together with earlier claims, no more than sell-out shows.
    pub units: Quantity,
    /// Minor units; left out, the sponsor's share of what the units cost under the terms.
    pub amount_minor: Option<i64>,
    /// The channel partner's own document (debit note) number.
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
    if b.units.is_zero() {
        e.push(FieldError::new("units", "must be more than 0"));
    }
    if b.amount_minor.is_some_and(|a| !(1..MAX_MINOR).contains(&a)) {
        e.push(FieldError::new(
            "amount_minor",
            format!("minor units from 1 to {}", MAX_MINOR - 1),
        ));
    }
    let draft = ClaimDraft {
        units: b.units,
        amount_minor: b.amount_minor,
        reference: check_optional_text("reference", b.reference, 100, &mut e),
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
            let c = store::insert_claim(
                conn,
                &actor,
                &access,
                &id,
                |row| {
                    Ok(policy::submit_claim(
                        &principal,
                        row.sponsor_id.as_deref(),
                        &row.channel_partner_id,
                    )?)
                },
                draft,
                today,
            )?;
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
async fn claim_decision(
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
        let c = store::decide_claim(
            conn,
            &actor,
            &access,
            &id,
            &claim_id,
            |row| {
                Ok(policy::decide_claim(
                    &principal,
                    row.sponsor_id.as_deref(),
                    &row.channel_partner_id,
                )?)
            },
            decision,
            if_match.expected(),
        )?;
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
    let payment_reference = check_optional_text(
        "payment_reference",
        body.value.payment_reference,
        100,
        &mut e,
    );
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
