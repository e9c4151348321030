//! `/analytics/share-of-customer`, `/analytics/supplier-share`, `/analytics/abc`,
//! `/analytics/stock-cover`: JSON by default, CSV with `Accept: text/csv`.

use std::collections::{BTreeSet, HashMap};

use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::store;
use crate::auth::model::Principal;
use crate::auth::policy::{self, Access};
use crate::clock::today;
use crate::http::csv::{csv_response, wants_csv, CsvRow};
use crate::http::{path_id, ApiError, FieldError, Problem, ValidQuery};
use crate::orders::model::{Direction, Quantity, ValueBasis, VolumeBasis};
use crate::orders::store::VolumeScope;
use crate::period::{Granularity, Period};
use crate::refusal::{Code, Refusal};
use crate::AppState;

/// Date ranges the analytics read at once: five years.
const MAX_RANGE_DAYS: i64 = 5 * 366;

fn check_range(from: NaiveDate, to: NaiveDate) -> Result<(), ApiError> {
    if to < from {
        return Err(Refusal::invalid("to", "the period ends before it starts").into());
    }
    if (to - from).num_days() > MAX_RANGE_DAYS {
        return Err(Refusal::invalid("to", "at most five years at a time").into());
    }
    Ok(())
}

fn optional_id(value: Option<String>, field: &str) -> Result<Option<String>, ApiError> {
    value.map(|s| path_id(&s, field)).transpose()
}

fn category_filter(value: Option<String>) -> Option<String> {
    value
        .map(|c| c.trim().to_lowercase())
        .filter(|c| !c.is_empty())
}

// ---- share of customer ---------------------------------------------------------------------------

/// The most customer rows one share-of-customer answer carries (about 5 MB of JSON): a whole
/// portfolio over ten years of months is asked for in slices.
pub const MAX_SHARE_ROWS: usize = 20_000;

crate::text_enum! {
    /// Which rows the CSV answer carries: one per `partners` row (default), per `segments` row
    /// or per `portfolio` row.
    pub enum ShareView {
        Partners = "partners",
        Segments = "segments",
        Portfolio = "portfolio",
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShareOfCustomerQuery {
    /// First period: `2026`, `2026-Q1` or `2026-03`; its grain is the grain of the answer.
    #[param(value_type = String, example = "2026")]
    pub from: Period,
    /// Last period, of the same grain (default: `from`); at most 120 periods.
    #[param(value_type = Option<String>, example = "2026")]
    pub to: Option<Period>,
    /// Our volume counts goods the customer `received` (default: received − rejected, by receipt
    /// date) or that we `despatched` (by despatch date).
    #[param(inline)]
    pub basis: Option<VolumeBasis>,
    pub partner_id: Option<String>,
    pub category: Option<String>,
    /// Only customers in this segment (case-insensitive).
    pub segment: Option<String>,
    /// Share below this marks a growth target (default 3000 = 30%, or `PRM_GROWTH_THRESHOLD_BP`).
    #[param(minimum = 0, maximum = 10000)]
    pub growth_threshold_bp: Option<i64>,
    /// Only rows flagged as growth targets (the roll-ups still count every customer).
    pub growth_targets_only: Option<bool>,
    /// Which rows a CSV answer carries.
    #[param(inline)]
    pub view: Option<ShareView>,
}

/// Share of customer over a range of periods.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShareOfCustomer {
    pub from: Period,
    pub to: Period,
    pub granularity: Granularity,
    pub basis: VolumeBasis,
    pub growth_threshold_bp: i64,
    /// Per customer, category, unit and period, customers by name, periods in order.
    pub items: Vec<CustomerShare>,
    /// Roll-up per segment (customers with a segment and an estimate).
    pub segments: Vec<GroupShare>,
    /// Roll-up across every customer with an estimate.
    pub portfolio: Vec<GroupShare>,
}

impl CsvRow for CustomerShare {
    const COLUMNS: &'static [&'static str] = &[
        "partner_id",
        "partner_name",
        "segment",
        "category",
        "unit",
        "period",
        "period_start",
        "period_end",
        "our_quantity",
        "wallet_quantity",
        "source",
        "estimate_id",
        "share_bp",
        "target_share_bp",
        "gap_bp",
        "change_bp",
        "trend",
        "growth_target",
        "estimate_below_supplied",
    ];
}

impl CsvRow for GroupShare {
    const COLUMNS: &'static [&'static str] = &[
        "segment",
        "category",
        "unit",
        "period",
        "partners",
        "growth_targets",
        "our_quantity",
        "wallet_quantity",
        "share_bp",
    ];
}

/// Share of customer
///
/// For each customer (distributor or key account), category and period: what we supplied ÷ what
/// they bought in the category in all (the wallet estimate, with its source), the trend from the
/// period before, the gap to target, and a `growth_target` flag under the threshold (30% unless
/// set). Roll-ups per segment (first-line vs second-line brands) and for the whole portfolio
/// divide summed deliveries by summed totals. Internal: staff and host systems
/// (`analytics:read`). `Accept: text/csv` answers the rows named by `view`.
#[utoipa::path(
    tag = "Analytics",
    params(ShareOfCustomerQuery),
    responses(
        (status = 200, description = "Shares by customer, segment and portfolio", content(
            (ShareOfCustomer = "application/json"),
            (String = "text/csv", example = json!("partner_id,partner_name,segment,category,unit,period,period_start,period_end,our_quantity,wallet_quantity,source,estimate_id,share_bp,target_share_bp,gap_bp,change_bp,trend,growth_target,estimate_below_supplied\n0193a1b2-0000-7000-8000-0000000000d1,Raid China,top_10,aerosol cans,EA,2026,2026-01-01,2026-12-31,2500,10000,survey,0193a1b2-0000-7000-8000-00000000e001,2500,4000,1500,,,true,false\n"))
        )),
        (status = 400, description = "Bad or missing query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, or clients without `analytics:read`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A range running backwards, of mixed grains or over 120 periods; a threshold out of 0–10000; or an answer of more than 20,000 customer rows (`answer_too_large`: narrow the range or filter)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/analytics/share-of-customer")]
pub async fn share_of_customer(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    query: ValidQuery<ShareOfCustomerQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_internal_analytics(&principal)?;
    let q = query.0;
    let to = q.to.unwrap_or(q.from);
    let granularity = grain_of(q.from, to).map_err(|e| Refusal::Invalid(vec![e]))?;
    let periods = Period::range(q.from, to).map_err(|m| Refusal::invalid("to", m))?;
    let threshold = q.growth_threshold_bp.unwrap_or(state.growth_threshold_bp);
    if !(0..=10_000).contains(&threshold) {
        return Err(Refusal::invalid("growth_threshold_bp", "basis points from 0 to 10000").into());
    }
    let basis = q.basis.unwrap_or(VolumeBasis::Received);
    let scope = VolumeScope {
        partner_id: optional_id(q.partner_id, "partner_id")?,
        category: category_filter(q.category),
    };
    let (start, end) = (q.from.start(), to.end());
    let inputs = state
        .db
        .read(move |conn| store::share_inputs(conn, start, end, basis, &scope))
        .await?;
    let rows = customer_share_rows(&periods, &inputs.estimates, &inputs.supplied);
    if rows > MAX_SHARE_ROWS {
        return Err(Refusal::Unprocessable(
            Code::AnswerTooLarge,
            format!(
                "{rows} rows (customer × category × period) is more than the {MAX_SHARE_ROWS} one answer holds: narrow `from`–`to`, or filter by partner_id or category"
            ),
        ).into());
    }
    let mut items = customer_shares(
        &periods,
        &inputs.estimates,
        &inputs.supplied,
        &inputs.partners,
        threshold,
    );
    if let Some(segment) = category_filter(q.segment) {
        items.retain(|r| r.segment.as_deref() == Some(segment.as_str()));
    }
    let segments = group_shares(&items, |r| r.segment.clone().map(Some));
    let portfolio = group_shares(&items, |_| Some(None));
    if q.growth_targets_only.unwrap_or(false) {
        items.retain(|r| r.growth_target);
    }
    if wants_csv(&req) {
        return match q.view.unwrap_or(ShareView::Partners) {
            ShareView::Partners => csv_response("share-of-customer", &items),
            ShareView::Segments => csv_response("share-of-customer-segments", &segments),
            ShareView::Portfolio => csv_response("share-of-customer-portfolio", &portfolio),
        };
    }
    Ok(HttpResponse::Ok().json(ShareOfCustomer {
        from: q.from,
        to,
        granularity,
        basis,
        growth_threshold_bp: threshold,
        items,
        segments,
        portfolio,
    }))
}

// ---- supplier share ------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SupplierShareQuery {
    /// First day (goods received on or after).
    pub from: NaiveDate,
    /// Last day (goods received on or before); at most five years after `from`.
    pub to: NaiveDate,
    pub category: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplierShare {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Most concentrated category first.
    pub items: Vec<CategorySupply>,
}

/// One supplier's slice with its category's figures: the CSV row.
#[derive(Debug, Serialize)]
struct SupplyRow<'a> {
    category: &'a str,
    unit: &'a str,
    total_quantity: Quantity,
    supplier_count: i64,
    largest_share_bp: i64,
    herfindahl_index: i64,
    single_source: bool,
    highly_concentrated: bool,
    partner_id: &'a str,
    partner_name: &'a str,
    quantity: Quantity,
    share_bp: i64,
}

impl CsvRow for SupplyRow<'_> {
    const COLUMNS: &'static [&'static str] = &[
        "category",
        "unit",
        "total_quantity",
        "supplier_count",
        "largest_share_bp",
        "herfindahl_index",
        "single_source",
        "highly_concentrated",
        "partner_id",
        "partner_name",
        "quantity",
        "share_bp",
    ];
}

/// Supplier share
///
/// Our purchases (received − rejected on purchase orders, by receipt date) per category and
/// unit, split by supplier: each supplier's share, the largest share, the Herfindahl–Hirschman
/// index (0–10000; above 2500 highly concentrated) and a `single_source` flag. Internal.
/// `Accept: text/csv` answers one row per category and supplier.
#[utoipa::path(
    tag = "Analytics",
    params(SupplierShareQuery),
    responses(
        (status = 200, description = "Supply split by category and supplier", content(
            (SupplierShare = "application/json"),
            (String = "text/csv", example = json!("category,unit,total_quantity,supplier_count,largest_share_bp,herfindahl_index,single_source,highly_concentrated,partner_id,partner_name,quantity,share_bp\naerosol valves,EA,100000,2,8000,6800,false,true,0193a1b2-0000-7000-8000-0000000000c1,Precision Valve,80000,8000\n"))
        )),
        (status = 400, description = "Bad or missing query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, or clients without `analytics:read`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A range running backwards or over five years", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/analytics/supplier-share")]
pub async fn supplier_share(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    query: ValidQuery<SupplierShareQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_internal_analytics(&principal)?;
    let q = query.0;
    check_range(q.from, q.to)?;
    let (from, to, category) = (q.from, q.to, category_filter(q.category));
    let (received, partners) = state
        .db
        .read(move |conn| store::supply_inputs(conn, from, to, category))
        .await?;
    let items = supplier_shares(&received, &partners);
    if wants_csv(&req) {
        let rows: Vec<SupplyRow> = items
            .iter()
            .flat_map(|c| {
                c.suppliers.iter().map(move |s| SupplyRow {
                    category: &c.category,
                    unit: &c.unit,
                    total_quantity: c.total_quantity,
                    supplier_count: c.supplier_count,
                    largest_share_bp: c.largest_share_bp,
                    herfindahl_index: c.herfindahl_index,
                    single_source: c.single_source,
                    highly_concentrated: c.highly_concentrated,
                    partner_id: &s.partner_id,
                    partner_name: &s.partner_name,
                    quantity: s.quantity,
                    share_bp: s.share_bp,
                })
            })
            .collect();
        return csv_response("supplier-share", &rows);
    }
    Ok(HttpResponse::Ok().json(SupplierShare { from, to, items }))
}

// ---- ABC -------------------------------------------------------------------------------------------

crate::text_enum! {
    /// Whom to rank: `customers` (sales orders; default) or `suppliers` (purchase orders).
    pub enum AbcSide {
        Customers = "customers",
        Suppliers = "suppliers",
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AbcQuery {
    /// First day (documents issued on or after).
    pub from: NaiveDate,
    /// Last day; at most five years after `from`.
    pub to: NaiveDate,
    #[param(inline)]
    pub side: Option<AbcSide>,
    /// Contribution is `invoiced` (matched invoices; default) or `ordered` (submitted orders not
    /// cancelled or rejected).
    #[param(inline)]
    pub basis: Option<ValueBasis>,
    /// ISO 4217; needed when the period's documents are in more than one currency.
    pub currency: Option<String>,
    /// Cumulative share up to which partners are class A (default 8000 = 80%).
    #[param(minimum = 1, maximum = 9999)]
    pub a_threshold_bp: Option<i64>,
    /// Cumulative share up to which partners are class B (default 9500 = 95%).
    #[param(minimum = 2, maximum = 10000)]
    pub b_threshold_bp: Option<i64>,
}

/// One class's part of the whole: how many partners make how much.
#[derive(Debug, Serialize, ToSchema)]
pub struct AbcClassSummary {
    pub class: AbcClass,
    pub partners: i64,
    /// Of all partners ranked.
    pub partner_share_bp: i64,
    pub contribution_minor: i64,
    pub contribution_share_bp: i64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "from": "2026-01-01", "to": "2026-12-31", "side": "customers", "basis": "invoiced", "currency": "EUR",
    "a_threshold_bp": 8000, "b_threshold_bp": 9500, "total_minor": 10000000,
    "summary": [
        {"class": "A", "partners": 3, "partner_share_bp": 1200, "contribution_minor": 5700000, "contribution_share_bp": 5700}
    ],
    "items": [
        {"rank": 1, "partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "partner_name": "Raid China", "segment": "top_10",
         "contribution_minor": 3000000, "share_bp": 3000, "cumulative_share_bp": 3000, "class": "A"}
    ]
}))]
pub struct AbcAnalysis {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub side: AbcSide,
    pub basis: ValueBasis,
    /// Absent when the period holds no documents.
    #[schema(value_type = Option<crate::values::Currency>)]
    pub currency: Option<String>,
    pub a_threshold_bp: i64,
    pub b_threshold_bp: i64,
    pub total_minor: i64,
    pub summary: Vec<AbcClassSummary>,
    /// Largest contribution first.
    pub items: Vec<AbcEntry>,
}

impl CsvRow for AbcEntry {
    const COLUMNS: &'static [&'static str] = &[
        "rank",
        "partner_id",
        "partner_name",
        "segment",
        "contribution_minor",
        "share_bp",
        "cumulative_share_bp",
        "class",
    ];
}

/// ABC analysis
///
/// Partners ranked by contribution over the period, with each one's share, the cumulative share
/// and a class: A while the cumulative share (theirs included) is at most 80%, B up to 95%, C
/// the rest (thresholds settable; the largest partner is always A). The summary says how many
/// partners make how much. Internal. `Accept: text/csv` answers the ranking.
#[utoipa::path(
    tag = "Analytics",
    params(AbcQuery),
    responses(
        (status = 200, description = "The ranking with classes", content(
            (AbcAnalysis = "application/json"),
            (String = "text/csv", example = json!("rank,partner_id,partner_name,segment,contribution_minor,share_bp,cumulative_share_bp,class\n1,0193a1b2-0000-7000-8000-0000000000d1,Raid China,top_10,3000000,3000,3000,A\n"))
        )),
        (status = 400, description = "Bad or missing query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, or clients without `analytics:read`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A range running backwards, thresholds out of order, or several currencies and none chosen", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/analytics/abc")]
pub async fn abc_analysis(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    query: ValidQuery<AbcQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_internal_analytics(&principal)?;
    let q = query.0;
    check_range(q.from, q.to)?;
    let (a_bp, b_bp) = (
        q.a_threshold_bp.unwrap_or(8000),
        q.b_threshold_bp.unwrap_or(9500),
    );
    let mut e = check_abc_thresholds(a_bp, b_bp);
    let currency = q
        .currency
        .map(|c| crate::partners::model::check_currency("currency", c, &mut e));
    Refusal::check(e)?;
    let side = q.side.unwrap_or(AbcSide::Customers);
    let basis = q.basis.unwrap_or(ValueBasis::Invoiced);
    let direction = match side {
        AbcSide::Customers => Direction::Sales,
        AbcSide::Suppliers => Direction::Purchase,
    };
    let (from, to) = (q.from, q.to);
    let (values, partners) = state
        .db
        .read(move |conn| {
            let values = crate::orders::store::document_values(conn, direction, basis, from, to)?;
            let partners = store::labels(conn, values.iter().map(|v| &v.0))?;
            Ok::<_, ApiError>((values, partners))
        })
        .await?;
    let currencies: BTreeSet<&str> = values.iter().map(|v| v.1.as_str()).collect();
    let currency = match currency {
        Some(c) => Some(c),
        None if currencies.len() > 1 => {
            return Err(Refusal::invalid(
                "currency",
                format!(
                    "the period holds documents in {}: choose one",
                    currencies.into_iter().collect::<Vec<_>>().join(", ")
                ),
            )
            .into())
        }
        None => currencies.first().map(|c| c.to_string()),
    };
    let mut contributions: HashMap<String, i64> = HashMap::new();
    for (partner, cur, total) in &values {
        if Some(cur) == currency.as_ref() {
            *contributions.entry(partner.clone()).or_default() += total;
        }
    }
    let items = rank_abc(contributions, &partners, a_bp, b_bp);
    if wants_csv(&req) {
        return csv_response("abc", &items);
    }
    let total_minor: i64 = items.iter().map(|i| i.contribution_minor).sum();
    let ranked = items.len() as i64;
    let summary = AbcClass::ALL
        .iter()
        .map(|&class| {
            let members: Vec<&AbcEntry> = items.iter().filter(|i| i.class == class).collect();
            let contribution: i64 = members.iter().map(|i| i.contribution_minor).sum();
            AbcClassSummary {
                class,
                partners: members.len() as i64,
                partner_share_bp: share_bp(members.len() as i64, ranked).unwrap_or(0),
                contribution_minor: contribution,
                contribution_share_bp: share_bp(contribution, total_minor).unwrap_or(0),
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(AbcAnalysis {
        from,
        to,
        side,
        basis,
        currency,
        a_threshold_bp: a_bp,
        b_threshold_bp: b_bp,
        total_minor,
        summary,
        items,
    }))
}

// ---- stock cover -----------------------------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StockCoverQuery {
    /// Partner users and partner ERPs see their own; staff may choose.
    pub partner_id: Option<String>,
    pub product_id: Option<String>,
    /// The day the cover is measured at (default today).
    pub as_of: Option<NaiveDate>,
    /// Reports ending in the `window_days` up to `as_of` count (default 28, at most 366).
    #[param(minimum = 1, maximum = 366)]
    pub window_days: Option<i64>,
    /// Cover under this many days is flagged (default 14).
    #[param(minimum = 1, maximum = 3660)]
    pub threshold_days: Option<i64>,
    /// Only flagged rows.
    pub below_threshold_only: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StockCoverAnalysis {
    pub as_of: NaiveDate,
    pub window_days: i64,
    pub threshold_days: i64,
    /// Lowest cover first.
    pub items: Vec<StockCover>,
}

impl CsvRow for StockCover {
    const COLUMNS: &'static [&'static str] = &[
        "partner_id",
        "partner_name",
        "product_id",
        "sku",
        "product_name",
        "stock_on_hand",
        "stock_as_of",
        "units_sold",
        "days_reported",
        "average_daily_units",
        "cover_days",
        "below_threshold",
    ];
}

/// Stock cover
///
/// For vendor-managed inventory: per channel partner and product, the latest stock on hand from
/// its sell-out reports ÷ its average daily sell-out over the window, in days, flagged under the
/// threshold. A partner's users and ERP (`analytics:read`) see their own; staff see everyone's.
/// `Accept: text/csv` answers the rows.
#[utoipa::path(
    tag = "Analytics",
    params(StockCoverQuery),
    responses(
        (status = 200, description = "Cover per partner and product, lowest first", content(
            (StockCoverAnalysis = "application/json"),
            (String = "text/csv", example = json!("partner_id,partner_name,product_id,sku,product_name,stock_on_hand,stock_as_of,units_sold,days_reported,average_daily_units,cover_days,below_threshold\n0193a1b2-0000-7000-8000-0000000000d1,Suning Nanjing DC,0193a1b2-0000-7000-8000-0000000000a1,TV-55-OLED,55in OLED TV,450,2026-10-31,1200,30,40,11.3,true\n"))
        )),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Clients without `analytics:read`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Window or threshold out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/analytics/stock-cover")]
pub async fn stock_cover(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    query: ValidQuery<StockCoverQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_analytics(&principal)?;
    let q = query.0;
    let window_days = q.window_days.unwrap_or(28);
    let threshold_days = q.threshold_days.unwrap_or(14);
    let mut e = vec![];
    if !(1..=366).contains(&window_days) {
        e.push(FieldError::new("window_days", "from 1 to 366"));
    }
    if !(1..=3660).contains(&threshold_days) {
        e.push(FieldError::new("threshold_days", "from 1 to 3660"));
    }
    Refusal::check(e)?;
    let asked = optional_id(q.partner_id, "partner_id")?;
    // A partner sees its own stock cover, whatever it asks for.
    let partner_id = match &access {
        Access::All => asked,
        Access::Partner(own) => Some(own.clone()),
    };
    let product_id = optional_id(q.product_id, "product_id")?;
    let as_of = q.as_of.unwrap_or_else(today);
    let from = as_of - chrono::Duration::days(window_days - 1);
    let inputs = state
        .db
        .read(move |conn| {
            store::cover_inputs(
                conn,
                from,
                as_of,
                partner_id.as_deref(),
                product_id.as_deref(),
            )
        })
        .await?;
    let mut items: Vec<StockCover> = stock_covers(&inputs.reported, &inputs.days, threshold_days)
        .into_iter()
        .map(|(partner_id, product_id, f)| {
            let (sku, product_name) = inputs
                .products
                .get(&product_id)
                .cloned()
                .unwrap_or_default();
            StockCover {
                partner_name: inputs
                    .partners
                    .get(&partner_id)
                    .map(|l| l.name.clone())
                    .unwrap_or_default(),
                partner_id,
                product_id,
                sku,
                product_name,
                stock_on_hand: f.stock_on_hand,
                stock_as_of: f.stock_as_of,
                units_sold: f.units_sold,
                days_reported: f.days_reported,
                average_daily_units: f.average_daily_units,
                cover_days: f.cover_tenths.map(|t| crate::decimal::format_fixed(t, 1)),
                below_threshold: f.below_threshold,
            }
        })
        .collect();
    if q.below_threshold_only.unwrap_or(false) {
        items.retain(|i| i.below_threshold);
    }
    if wants_csv(&req) {
        return csv_response("stock-cover", &items);
    }
    Ok(HttpResponse::Ok().json(StockCoverAnalysis {
        as_of,
        window_days,
        threshold_days,
        items,
    }))
}
