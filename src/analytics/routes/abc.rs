//! ABC.

use super::*;

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
    #[param(value_type = Option<crate::values::Currency>)]
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
        .read_heavy(move |conn| {
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
        return csv_response("abc", items);
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
