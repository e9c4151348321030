//! Tiers.

use super::*;

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
        .read_heavy(move |conn| store::evaluate_partner(conn, &id, as_of))
        .await?;
    Ok(HttpResponse::Ok().json(e))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EvaluationsQuery {
    pub as_of: Option<NaiveDate>,
    /// Every partner, not only those whose recommendation differs from their tier; default false.
    pub all: Option<bool>,
    /// Items per page, 1 to 500 (default 50), in partner id order.
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Evaluate every partner
///
/// Runs the evaluation for every active partner and lists those whose recommended tier differs
/// from their current one (`all=true`: every partner). Internal: staff and host systems.
#[utoipa::path(
    tag = "Relationships",
    params(EvaluationsQuery),
    responses(
        (status = 200, description = "A page of evaluations", body = Page<TierEvaluation>),
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
    let limit = check_limit(query.0.limit, DEFAULT_LIMIT)?;
    let after = after_id(query.0.cursor.as_deref())?;
    let rows = state
        .db
        .read_heavy(move |conn| store::evaluate_all(conn, as_of, differing_only, after, limit + 1))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(rows, limit, |e| &e.partner_id, |e| e)))
}
