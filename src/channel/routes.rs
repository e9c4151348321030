//! `/sell-out-reports` (with their lines) and `/wallet-estimates`.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::model::{check_estimate, EstimateFields};
use super::store::{self, EstimateFilter, ReportDraft, ReportFilter};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::clock::today;
use crate::http::extract::{body_id, double_option, BatchJson};
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, FieldError, IfMatch, Page, PageParams, Problem, ValidJson,
    ValidQuery,
};
use crate::orders::model::Quantity;
use crate::partners::model::check_currency;
use crate::period::{Granularity, Period};
use crate::refusal::Refusal;
use crate::values::Reference;
use crate::AppState;

// ---- sell-out reports ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "period_start": "2026-10-01", "period_end": "2026-10-31",
    "currency": "CNY", "reference": "SLSRPT-2026-10",
    "lines": [
        {"gtin": "5000000000012", "location_gln": "6901234000016", "units_sold": "1200", "value_minor": 3588000, "stock_on_hand": "450"},
        {"product_id": "0193a1b2-0000-7000-8000-0000000000a2", "units_sold": "80", "value_minor": 559200, "stock_on_hand": "12"}
    ]
}))]
pub struct NewSellOutReport {
    /// The distributor or key account; partner users and partner ERPs may leave it out.
    pub partner_id: Option<String>,
    pub period_start: NaiveDate,
    /// Stock on hand is as of this day; not in the future; at most 366 days after the start.
    pub period_end: NaiveDate,
    /// ISO 4217: the currency of every line's value.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// `original` (default) or `replacement`: a correction of the current report for exactly
    /// the same period, which it supersedes.
    pub purpose: Option<ReportPurpose>,
    /// The partner's own document number.
    #[schema(value_type = Option<crate::values::Reference>)]
    pub reference: Option<String>,
    /// 1 to 50,000 lines; each product (at each location) once.
    pub lines: Vec<SellOutLineInput>,
}

/// The report's header when its lines come as CSV: in the query string, as the JSON body's
/// fields of the same names.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CsvReportHeader {
    /// CSV only (JSON: in the body). Partner users and partner ERPs may leave it out.
    pub partner_id: Option<String>,
    /// CSV only; required with CSV.
    pub period_start: Option<NaiveDate>,
    /// CSV only; required with CSV.
    pub period_end: Option<NaiveDate>,
    /// CSV only; required with CSV.
    #[param(value_type = Option<crate::values::Currency>)]
    pub currency: Option<String>,
    /// CSV only.
    #[param(inline)]
    pub purpose: Option<ReportPurpose>,
    /// CSV only.
    #[param(value_type = Option<crate::values::Reference>)]
    pub reference: Option<String>,
}

impl crate::http::extract::FromCsvBatch for NewSellOutReport {
    fn from_csv(query: &str, body: &[u8]) -> Result<Self, ApiError> {
        let h: CsvReportHeader = crate::http::extract::parse_query(query)?;
        let mut e = vec![];
        let mut required = |field: &str, present: bool| {
            if !present {
                e.push(FieldError::new(
                    field,
                    "required in the query string with a CSV body",
                ));
            }
        };
        required("period_start", h.period_start.is_some());
        required("period_end", h.period_end.is_some());
        required("currency", h.currency.is_some());
        let lines = match lines_from_csv(body) {
            Ok(lines) => lines,
            Err(more) => {
                e.extend(more);
                vec![]
            }
        };
        Refusal::check(cap_errors(e))?;
        Ok(NewSellOutReport {
            partner_id: h.partner_id,
            period_start: h.period_start.unwrap_or_default(),
            period_end: h.period_end.unwrap_or_default(),
            currency: h.currency.unwrap_or_default(),
            purpose: h.purpose,
            reference: h.reference,
            lines,
        })
    }
}

/// Report sell-out and stock
///
/// A distributor or key account reports, for a period, units and value sold and stock on hand by
/// product (≈ EDIFACT SLSRPT + INVRPT, X12 852). Batches of up to 50,000 lines are taken whole or
/// not at all: a rejected batch names every bad line (`lines[17].gtin`, the first 200). A
/// `replacement` for the same period supersedes the current report, which stays as history; a
/// period overlapping another report's is 409. Partner users and ERPs report for their own
/// organisation; account managers, admins and host ERPs for any.
///
/// Distributors export sell-out from spreadsheets and ERPs: the lines may also come as
/// `text/csv`, a header row of the line's field names (`gtin` or `product_id`, `units_sold`,
/// `value_minor`, `stock_on_hand`, `location_gln`, `unit`; any order) and a row per line, with
/// the report's header in the query string (`?period_start=2026-10-01&period_end=2026-10-31&currency=CNY`).
/// The same all-or-nothing rule applies: row `i` after the header is `lines[i]` in errors.
#[utoipa::path(
    tag = "Channel",
    request_body(content(
        (NewSellOutReport = "application/json"),
        (crate::values::DocumentBytes = "text/csv", example = "gtin,units_sold,value_minor,stock_on_hand\n6901234567892,120,838800,40\n6901234567908,75,299250,12\n"),
    )),
    params(CsvReportHeader, ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key, body and (for CSV) query string")),
    responses(
        (status = 201, description = "Accepted whole", body = SellOutReport, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON, or a malformed query parameter with CSV", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the partner, not its account manager, or lacks `channel:write`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The period is already reported (`already_reported`: send a `replacement`) or overlaps another report (`period_overlap`)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than the batch limit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid header or lines: every bad line named; nothing written", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/sell-out-reports")]
pub async fn create_sell_out_report(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: BatchJson<NewSellOutReport>,
) -> Result<HttpResponse, ApiError> {
    let BatchJson(body) = body;
    let b = body.value;
    let mut e: Vec<FieldError> = vec![];
    let partner_id = match (b.partner_id, &principal.partner_id) {
        (Some(p), _) => body_id("partner_id", p, &mut e),
        (None, Some(own)) => own.clone(),
        (None, None) => return Err(Refusal::invalid("partner_id", "required").into()),
    };
    Refusal::check(std::mem::take(&mut e))?;
    policy::report_sell_out(&principal, &partner_id)?;
    let currency = check_currency("currency", b.currency, &mut e);
    check_report_period(b.period_start, b.period_end, today(), &mut e);
    let reference = Reference::check_optional("reference", b.reference, &mut e);
    if b.lines.is_empty() {
        e.push(FieldError::new("lines", "at least one line"));
    }
    if b.lines.len() > MAX_REPORT_LINES {
        e.push(FieldError::new(
            "lines",
            format!(
                "{} lines; at most {MAX_REPORT_LINES} per report",
                b.lines.len()
            ),
        ));
    }
    Refusal::check(e)?;
    let draft = ReportDraft {
        partner_id,
        period_start: b.period_start,
        period_end: b.period_end,
        currency,
        purpose: b.purpose.unwrap_or(ReportPurpose::Original),
        reference,
        lines: b.lines,
    };
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let r = store::insert_report(conn, &actor, draft)?;
            Written::created(&r, r.version, format!("/api/v1/sell-out-reports/{}", r.id))
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SellOutReportQuery {
    pub partner_id: Option<String>,
    /// Reports whose period ends on or after this day.
    pub from: Option<NaiveDate>,
    /// Reports whose period starts on or before this day.
    pub to: Option<NaiveDate>,
    /// Include superseded reports (the history of corrections); default false.
    pub include_superseded: Option<bool>,
}

/// List sell-out reports
///
/// Staff see every partner's; a partner sees its own.
#[utoipa::path(
    tag = "Channel",
    params(PageParams, SellOutReportQuery),
    responses(
        (status = 200, description = "A page of report headers", body = Page<SellOutReport>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `channel:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/sell-out-reports")]
pub async fn list_sell_out_reports(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<SellOutReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_sell_out(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = ReportFilter {
        partner_id: q
            .partner_id
            .map(|s| path_id(&s, "partner_id"))
            .transpose()?,
        include_superseded: q.include_superseded.unwrap_or(false),
        from: q.from,
        to: q.to,
    };
    let limit = page.limit;
    let rows = state
        .db
        .read_heavy(move |conn| store::list_reports(conn, &access, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_report(),
    )))
}

/// Get a sell-out report
#[utoipa::path(
    tag = "Channel",
    params(("id" = String, Path, description = "Report id")),
    responses(
        (status = 200, description = "The report's header and totals", body = SellOutReport, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/sell-out-reports/{id}")]
pub async fn get_sell_out_report(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_sell_out(&principal)?;
    let id = path_id(&id, "id")?;
    let r = state
        .db
        .read(move |conn| store::get_report(conn, &access, &id))
        .await?
        .to_report();
    Ok(with_etag(&r, r.version))
}

/// List a report's lines
///
/// In line order; `cursor` continues after the last line of the previous page.
#[utoipa::path(
    tag = "Channel",
    params(("id" = String, Path, description = "Report id"), PageParams),
    responses(
        (status = 200, description = "A page of lines", body = Page<SellOutLine>),
        (status = 400, description = "Malformed id or cursor", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/sell-out-reports/{id}/lines")]
pub async fn list_sell_out_lines(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_sell_out(&principal)?;
    let id = path_id(&id, "id")?;
    let (limit, after) = page.0.validate_numbered()?;
    let lines = state
        .db
        .read(move |conn| store::list_lines(conn, &access, &id, after, limit))
        .await?;
    Ok(HttpResponse::Ok().json(Page::numbered(lines, limit, |l| l.line_number)))
}

// ---- wallet estimates ---------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "category": "aerosol cans", "period": "2026",
    "total_quantity": "12000000", "unit": "EA", "source": "survey", "target_share_bp": 4000,
    "notes": "Industry association survey, March"
}))]
pub struct NewWalletEstimate {
    /// A distributor or key account.
    pub partner_id: String,
    /// A product category (compared lower-case).
    #[schema(value_type = crate::values::Category)]
    pub category: String,
    /// `2026`, `2026-Q1` or `2026-03`; one estimate per partner, category and period.
    pub period: Period,
    /// Everything the partner buys in the category in the period, from anyone.
    pub total_quantity: Quantity,
    /// UN/ECE Rec 20 unit of `total_quantity`; our deliveries are counted in it.
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    pub source: EstimateSource,
    /// The share we aim for, in basis points.
    pub target_share_bp: Option<i32>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
}

/// Enter a wallet estimate
///
/// A customer's total purchases in a category for a month, quarter or year, with where the
/// figure comes from: the denominator of share of customer. A total smaller than what we already
/// supplied in the period is accepted (estimates often come before deliveries are booked) but
/// answered with a `warnings` entry, and share of customer flags it. Internal: account managers,
/// admins and host systems (`channel:write`).
#[utoipa::path(
    tag = "Channel",
    request_body = NewWalletEstimate,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Entered, with any warnings", body = WalletEstimateWritten, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an account manager, admin or host system", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An estimate for this partner, category and period exists (`estimate_exists`): PATCH it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, unknown partner, or a partner that is not a customer", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/wallet-estimates")]
pub async fn create_wallet_estimate(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewWalletEstimate>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_wallet_estimates(&principal)?;
    let b = body.value;
    let mut e = vec![];
    let partner_id = body_id("partner_id", b.partner_id, &mut e);
    Refusal::check(e)?;
    let draft = check_estimate(EstimateFields {
        partner_id,
        category: b.category,
        period: b.period,
        total: b.total_quantity,
        unit: b.unit,
        source: b.source,
        target_share_bp: b.target_share_bp,
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
            let w = store::insert_estimate(conn, &actor, draft)?;
            let location = format!("/api/v1/wallet-estimates/{}", w.estimate.id);
            Written::created(&w, w.estimate.version, location)
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WalletEstimateQuery {
    pub partner_id: Option<String>,
    pub category: Option<String>,
    #[param(inline)]
    pub granularity: Option<Granularity>,
    /// Estimates whose period ends on or after this day.
    pub from: Option<NaiveDate>,
    /// Estimates whose period starts on or before this day.
    pub to: Option<NaiveDate>,
}

/// List wallet estimates
///
/// Internal: staff and host systems (`channel:read`); partners are refused.
#[utoipa::path(
    tag = "Channel",
    params(PageParams, WalletEstimateQuery),
    responses(
        (status = 200, description = "A page of estimates", body = Page<WalletEstimate>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners and clients without `channel:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/wallet-estimates")]
pub async fn list_wallet_estimates(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<WalletEstimateQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_wallet_estimates(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = EstimateFilter {
        partner_id: q
            .partner_id
            .map(|s| path_id(&s, "partner_id"))
            .transpose()?,
        category: q.category.map(|c| c.trim().to_lowercase()),
        granularity: q.granularity,
        from: q.from,
        to: q.to,
    };
    let limit = page.limit;
    let rows = state
        .db
        .read_heavy(move |conn| store::list_estimates(conn, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_estimate(),
    )))
}

/// Get a wallet estimate
#[utoipa::path(
    tag = "Channel",
    params(("id" = String, Path, description = "Estimate id")),
    responses(
        (status = 200, description = "The estimate", body = WalletEstimate, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners and clients without `channel:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such estimate", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/wallet-estimates/{id}")]
pub async fn get_wallet_estimate(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    policy::read_wallet_estimates(&principal)?;
    let id = path_id(&id, "id")?;
    let e = state
        .db
        .read(move |conn| store::get_estimate(conn, &id))
        .await?
        .to_estimate();
    Ok(with_etag(&e, e.version))
}

/// A correction of an estimate's figures: absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"total_quantity": "11500000", "source": "reported"}))]
pub struct WalletEstimatePatch {
    pub total_quantity: Option<Quantity>,
    #[schema(value_type = Option<crate::values::UnitCode>)]
    pub unit: Option<String>,
    pub source: Option<EstimateSource>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<i32>)]
    pub target_share_bp: Option<Option<i32>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<Option<String>>,
}

/// Correct a wallet estimate
///
/// The partner, category and period stay; the figures, source, target and notes change, and the
/// caller becomes `entered_by`. Answers warnings as entering does.
#[utoipa::path(
    tag = "Channel",
    request_body = WalletEstimatePatch,
    params(("id" = String, Path, description = "Estimate id"), ("If-Match" = Option<String>, Header, description = "ETag of the estimate you read; 412 when stale")),
    responses(
        (status = 200, description = "Corrected, with any warnings", body = WalletEstimateWritten, headers(("ETag" = String))),
        (status = 400, description = "Malformed id or JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an account manager, admin or host system", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such estimate", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/wallet-estimates/{id}")]
pub async fn update_wallet_estimate(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<WalletEstimatePatch>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_wallet_estimates(&principal)?;
    let id = path_id(&id, "id")?;
    let p = body.value;
    let actor = Actor::from(&principal);
    let w = state
        .db
        .write(move |conn| {
            let row = store::get_estimate(conn, &id)?;
            if_match.check(row.version)?;
            let c = row.to_fields();
            let next = check_estimate(EstimateFields {
                total: p.total_quantity.unwrap_or(c.total),
                unit: p.unit.unwrap_or_else(|| c.unit.clone()),
                source: p.source.unwrap_or(c.source),
                target_share_bp: p.target_share_bp.unwrap_or(c.target_share_bp),
                notes: p.notes.unwrap_or_else(|| c.notes.clone()),
                ..c
            })?;
            Ok::<_, ApiError>(store::save_estimate(conn, &actor, &row, next)?)
        })
        .await?;
    Ok(with_etag(&w, w.estimate.version))
}
