//! Promotion lifecycle.

use super::*;

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
