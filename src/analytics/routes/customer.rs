//! Share of customer.

use super::*;

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
        .read_heavy(move |conn| store::share_inputs(conn, start, end, basis, &scope))
        .await?;
    let rows = customer_share_rows(&periods, &inputs.estimates, &inputs.supplied);
    if rows > MAX_SHARE_ROWS {
        return Err(Refusal::unprocessable(
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
            ShareView::Partners => csv_response("share-of-customer", items),
            ShareView::Segments => csv_response("share-of-customer-segments", segments),
            ShareView::Portfolio => csv_response("share-of-customer-portfolio", portfolio),
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
