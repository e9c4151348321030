//! Stock cover.

use super::*;

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
        .read_heavy(move |conn| {
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
        return csv_response("stock-cover", items);
    }
    Ok(HttpResponse::Ok().json(StockCoverAnalysis {
        as_of,
        window_days,
        threshold_days,
        items,
    }))
}
