//! Promotions.

use super::*;

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

pub(crate) fn query_id(v: Option<String>, field: &str) -> Result<Option<String>, ApiError> {
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
pub(crate) fn planner(
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
            let row = store::for_change(
                conn,
                &actor,
                &access,
                &id,
                if_match.expected(),
                PromotionAction::Edit,
                today,
            )?;
            let product_ids = store::product_ids_of(conn, &id)?;
            let c = row.draft(product_ids.clone());
            let next = check_draft(PromotionDraft {
                name: p.name.unwrap_or_else(|| c.name.clone()),
                mechanic: p.mechanic.unwrap_or(c.mechanic),
                terms: p.terms.unwrap_or_else(|| c.terms.clone()),
                product_ids: p.product_ids.unwrap_or_else(|| c.product_ids.clone()),
                start_date: p.start_date.unwrap_or(c.start_date),
                end_date: p.end_date.unwrap_or(c.end_date),
                target_segment: p.target_segment.unwrap_or_else(|| c.target_segment.clone()),
                currency: p.currency.unwrap_or_else(|| c.currency.clone()),
                budget_minor: p.budget_minor.unwrap_or(c.budget_minor),
                sponsor_share_bp: p.sponsor_share_bp.unwrap_or(c.sponsor_share_bp),
                channel_share_bp: p.channel_share_bp.unwrap_or(c.channel_share_bp),
                baseline: p.baseline_units.unwrap_or(c.baseline),
                notes: p.notes.unwrap_or_else(|| c.notes.clone()),
                ..c.clone()
            })?;
            Ok::<_, ApiError>(store::save_promotion(
                conn,
                &actor,
                &row,
                product_ids,
                next,
            )?)
        })
        .await?;
    Ok(with_etag(&promotion, promotion.version))
}

/// Runs a promotion action under an optional idempotency key, answering the promotion.
pub(crate) async fn promotion_action(
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
