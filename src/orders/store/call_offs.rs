//! What call-off orders have drawn from an agreement: the agreements area owns the commitment,
//! the orders hold the draw-downs.

use super::*;

/// One product's draw-down under an agreement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOffTotals {
    /// Ordered on call-off lines still active (not rejected or deleted) on orders not
    /// cancelled or rejected.
    pub called_off: Quantity,
    /// Received and kept.
    pub received: Quantity,
    /// Charged on matched invoices.
    pub invoiced: Quantity,
}

/// (agreement, product, ordered, received, rejected, invoiced), in thousandths.
type DrawnRow = (Option<String>, Option<String>, i64, i64, i64, i64);

/// The draw-downs of agreements, by agreement and product. Run after the agreement is held
/// for the transaction (`agreements::store::hold_agreement`) when a new call-off is checked
/// against them, so a concurrent one is either counted here or waits.
pub fn call_off_totals(
    conn: &mut DbConnection,
    agreement_ids: &[&str],
) -> Result<std::collections::HashMap<(String, String), CallOffTotals>, StoreError> {
    let rows: Vec<DrawnRow> = order_lines::table
        .inner_join(orders::table)
        .filter(order_lines::agreement_id.eq_any(agreement_ids))
        .filter(order_lines::call_off.eq(true))
        .filter(
            order_lines::status
                .ne_all([LineStatus::Rejected.as_str(), LineStatus::Deleted.as_str()]),
        )
        .filter(orders::status.ne_all([
            OrderStatus::Cancelled.as_str(),
            OrderStatus::Rejected.as_str(),
        ]))
        .select((
            order_lines::agreement_id,
            order_lines::product_id,
            order_lines::quantity_milli,
            order_lines::received_milli,
            order_lines::rejected_milli,
            order_lines::invoiced_milli,
        ))
        .load(conn)?;
    let mut out: std::collections::HashMap<(String, String), CallOffTotals> = Default::default();
    for (agreement, product, ordered, received, rejected, invoiced) in rows {
        let key = (agreement.unwrap_or_default(), product.unwrap_or_default());
        let t = out.entry(key).or_default();
        t.called_off = t.called_off + Quantity(ordered);
        t.received = t.received + Quantity(received).saturating_sub(Quantity(rejected));
        t.invoiced = t.invoiced + Quantity(invoiced);
    }
    Ok(out)
}

/// Filters of the deviation list.
#[derive(Debug, Clone, Default)]
pub struct DeviationFilter {
    pub agreement_id: Option<String>,
    pub counterparty_id: Option<String>,
    pub direction: Option<Direction>,
}

/// Order lines whose price deviates from the agreed one, in order and line order after
/// `after`, `limit + 1` of them (the extra one says more exist).
pub fn price_deviations(
    conn: &mut DbConnection,
    f: &DeviationFilter,
    after: Option<(String, i32)>,
    limit: i64,
) -> Result<Vec<PriceDeviation>, StoreError> {
    let mut q = order_lines::table
        .inner_join(orders::table)
        .filter(order_lines::price_deviation.eq(true))
        .order((order_lines::order_id, order_lines::line_number))
        .limit(limit + 1)
        .select((order_lines::all_columns, orders::all_columns))
        .into_boxed();
    if let Some((id, line)) = after {
        q = q.filter(
            order_lines::order_id
                .gt(id.clone())
                .or(order_lines::order_id
                    .eq(id)
                    .and(order_lines::line_number.gt(line))),
        );
    }
    if let Some(a) = &f.agreement_id {
        q = q.filter(order_lines::agreement_id.eq(a.clone()));
    }
    if let Some(c) = &f.counterparty_id {
        q = q.filter(orders::counterparty_id.eq(c.clone()));
    }
    if let Some(d) = f.direction {
        q = q.filter(orders::direction.eq(d.as_str()));
    }
    let rows: Vec<(OrderLineRow, OrderRow)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(l, o)| {
            let agreement = l.agreed()?;
            let own = (l.unit_price_minor, Quantity(l.price_base_milli));
            let agreed = (
                agreement.agreed_unit_price_minor,
                agreement.agreed_price_base_quantity,
            );
            Some(PriceDeviation {
                direction: o.direction(),
                order_status: o.status(),
                order_id: o.id,
                order_number: o.number,
                counterparty_id: o.counterparty_id,
                issue_date: o.issue_date,
                line_number: l.line_number,
                product_id: l.product_id.clone(),
                quantity: Quantity(l.quantity_milli),
                unit_price_minor: l.unit_price_minor,
                price_base_quantity: Quantity(l.price_base_milli),
                difference_minor: deviation_minor(Quantity(l.quantity_milli), own, agreed),
                agreement,
            })
        })
        .collect())
}

/// Matched invoiced value of the order lines an agreement priced, on invoices issued from
/// `from` to `to`: what a rebate scale measures. Exception invoices do not count (they are
/// disputed until a corrected one is matched).
pub fn agreement_invoiced_value(
    conn: &mut DbConnection,
    agreement_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64, StoreError> {
    let priced: std::collections::HashSet<(String, i32)> = order_lines::table
        .filter(order_lines::agreement_id.eq(agreement_id))
        .select((order_lines::order_id, order_lines::line_number))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .collect();
    if priced.is_empty() {
        return Ok(0);
    }
    let invoiced: Vec<(String, i32, i64)> = invoice_lines::table
        .inner_join(invoices::table)
        .filter(
            invoices::order_id.eq_any(
                order_lines::table
                    .filter(order_lines::agreement_id.eq(agreement_id))
                    .select(order_lines::order_id),
            ),
        )
        .filter(invoices::match_status.eq(MatchStatus::Matched.as_str()))
        .filter(invoices::issue_date.ge(from))
        .filter(invoices::issue_date.le(to))
        .select((
            invoices::order_id,
            invoice_lines::line_number,
            invoice_lines::line_amount_minor,
        ))
        .load(conn)?;
    Ok(invoiced
        .into_iter()
        .filter(|(order, line, _)| priced.contains(&(order.clone(), *line)))
        .map(|(_, _, amount)| amount)
        .sum())
}
