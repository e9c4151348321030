//! Scorecard.

use super::*;

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
    crate::period::check_date_range(from, to, 10)?;
    let card = state
        .db
        .read_heavy(move |conn| {
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
