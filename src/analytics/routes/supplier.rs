//! Supplier share.

use super::*;

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
pub(crate) struct SupplyRow {
    pub(crate) category: String,
    pub(crate) unit: String,
    pub(crate) total_quantity: Quantity,
    pub(crate) supplier_count: i64,
    pub(crate) largest_share_bp: i64,
    pub(crate) herfindahl_index: i64,
    pub(crate) single_source: bool,
    pub(crate) highly_concentrated: bool,
    pub(crate) partner_id: String,
    pub(crate) partner_name: String,
    pub(crate) quantity: Quantity,
    pub(crate) share_bp: i64,
}

impl CsvRow for SupplyRow {
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
        .read_heavy(move |conn| store::supply_inputs(conn, from, to, category))
        .await?;
    let items = supplier_shares(&received, &partners);
    if wants_csv(&req) {
        let rows: Vec<SupplyRow> = items
            .iter()
            .flat_map(|c| {
                c.suppliers.iter().map(move |s| SupplyRow {
                    category: c.category.clone(),
                    unit: c.unit.clone(),
                    total_quantity: c.total_quantity,
                    supplier_count: c.supplier_count,
                    largest_share_bp: c.largest_share_bp,
                    herfindahl_index: c.herfindahl_index,
                    single_source: c.single_source,
                    highly_concentrated: c.highly_concentrated,
                    partner_id: s.partner_id.clone(),
                    partner_name: s.partner_name.clone(),
                    quantity: s.quantity,
                    share_bp: s.share_bp,
                })
            })
            .collect();
        return csv_response("supplier-share", rows);
    }
    Ok(HttpResponse::Ok().json(SupplierShare { from, to, items }))
}
