//! Performance.

use super::*;

/// Measures a promotion from its channel partner's current sell-out reports.
pub(crate) fn measured(
    conn: &mut DbConnection,
    row: &PromotionRow,
    products: Vec<String>,
) -> Result<Measured, StoreError> {
    let sales: Vec<ReportedSale> = crate::channel::store::sales_between(
        conn,
        &row.channel_partner_id,
        row.start_date,
        row.end_date,
        &products,
    )?
    .into_iter()
    .map(|s| ReportedSale {
        same_currency: s.currency == row.currency,
        report_id: s.report_id,
        period_start: s.period_start,
        period_end: s.period_end,
        product_id: s.product_id,
        units_milli: s.units_sold_milli,
        value_minor: s.value_minor,
    })
    .collect();
    Ok(measure(&row.basis(products), &sales))
}

pub fn performance(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<PromotionPerformance, StoreError> {
    let row = get_row(conn, access, id)?;
    let products = product_ids_of(conn, id)?;
    let m = measured(conn, &row, products)?;
    Ok(PromotionPerformance {
        promotion_id: row.id.clone(),
        number: row.number.clone(),
        status: row.status(),
        start_date: row.start_date,
        end_date: row.end_date,
        as_of: today,
        complete: today > row.end_date,
        currency: row.currency.clone(),
        reports_counted: m.reports_counted,
        reports_prorated: m.reports_prorated,
        reports_in_other_currency: m.reports_in_other_currency,
        units_sold: m.units,
        value_minor: m.value_minor,
        baseline_units: Quantity(row.baseline_milli),
        lift_units: signed_quantity(m.lift_milli),
        lift_bp: m.lift_bp,
        beat_baseline: m.lift_milli > 0,
        budget_minor: row.budget_minor,
        cost_before_cap_minor: m.split.before_cap,
        cost_minor: m.split.cost,
        cost_capped: m.split.capped,
        sponsor_share_bp: row.sponsor_share_bp,
        sponsor_cost_minor: m.split.sponsor,
        channel_cost_minor: m.split.channel,
        incremental_value_minor: m.incremental_value_minor,
        roi_bp: m.roi_bp,
        products: m
            .by_product
            .into_iter()
            .map(|(product_id, units_sold, value_minor)| ProductPerformance {
                product_id,
                units_sold,
                value_minor,
            })
            .collect(),
    })
}
