//! What call-offs have drawn from agreements, and the order lines whose price deviates from
//! the agreed one.

use super::*;
use crate::db::DbConnection;

/// Fills in each agreement's call-off balances from the orders that draw on it.
pub(crate) fn with_call_offs(
    conn: &mut DbConnection,
    mut agreements: Vec<Agreement>,
) -> Result<Vec<Agreement>, ApiError> {
    let committed: Vec<&str> = agreements
        .iter()
        .filter(|a| {
            a.current
                .lines
                .iter()
                .any(|l| l.committed_quantity.is_some())
        })
        .map(|a| a.id.as_str())
        .collect();
    if committed.is_empty() {
        return Ok(agreements);
    }
    let totals = crate::orders::store::call_off_totals(conn, &committed)?;
    for a in &mut agreements {
        a.call_offs = call_off_lines(&a.current, |product| {
            let t = totals
                .get(&(a.id.clone(), product.to_string()))
                .copied()
                .unwrap_or_default();
            (t.called_off, t.received, t.invoiced)
        });
    }
    Ok(agreements)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviationQuery {
    pub agreement_id: Option<String>,
    pub counterparty_id: Option<String>,
    pub direction: Option<Direction>,
}

/// List price deviations
///
/// Order lines placed at another price than the agreement in force agreed for their quantity
/// (the order was accepted; the line's `agreement.deviates` is true), in order and line order,
/// with what the deviation costs over the line. Internal: staff and host systems.
#[utoipa::path(
    tag = "Agreements",
    params(PageParams, DeviationQuery),
    responses(
        (status = 200, description = "A page of deviating order lines", body = Page<crate::orders::model::PriceDeviation>),
        (status = 400, description = "Bad query parameter (names it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners, and clients without `agreements:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/agreement-deviations")]
pub async fn list_price_deviations(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<DeviationQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_agreements(&principal)?;
    access.internal_only("price deviations are internal")?;
    let (limit, after) = page.0.validate_line_keyed()?;
    let q = query.0;
    let filter = crate::orders::store::DeviationFilter {
        agreement_id: q
            .agreement_id
            .map(|a| path_id(&a, "agreement_id"))
            .transpose()?,
        counterparty_id: q
            .counterparty_id
            .map(|c| path_id(&c, "counterparty_id"))
            .transpose()?,
        direction: q.direction,
    };
    let mut rows = state
        .db
        .read_heavy(move |conn| crate::orders::store::price_deviations(conn, &filter, after, limit))
        .await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next_cursor = more
        .then(|| rows.last())
        .flatten()
        .map(|d| crate::http::pagination::encode_line_cursor(&d.order_id, d.line_number));
    Ok(HttpResponse::Ok().json(Page {
        items: rows,
        next_cursor,
    }))
}
