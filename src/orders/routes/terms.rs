//! The terms of trade applied to a new order: the agreement in force prices its lines, enforces
//! minimum quantities and the agreement's currency, marks deviations, and draws call-offs down
//! under the agreement's lock.

use std::collections::HashMap;

use super::*;
use crate::agreements::model::{
    check_call_off, price_order_line, CallOffBalance, PriceAsked, PriceInForce,
};

/// The agreement line in force for each catalogue product the order names, on its issue date.
pub(crate) fn prices_for(
    conn: &mut DbConnection,
    order: &NewOrder,
    named: &[(String, String)],
) -> Result<HashMap<String, PriceInForce>, ApiError> {
    let ids: Vec<String> = named.iter().map(|(_, id)| id.clone()).collect();
    Ok(crate::agreements::store::prices_in_force(
        conn,
        &order.counterparty_id,
        order.direction,
        &ids,
        order.issue_date,
    )?)
}

/// The line's request with its price settled, and the agreement behind it; none after naming
/// what is wrong.
pub(crate) fn priced(
    at: &str,
    order: &NewOrder,
    in_force: Option<&PriceInForce>,
    asked_price: Option<i64>,
    call_off: Option<&str>,
    mut request: LineRequest,
    e: &mut Vec<FieldError>,
) -> Option<(LineRequest, Option<AgreedPrice>)> {
    let asked = PriceAsked {
        unit_price_minor: asked_price,
        price_base: request.price_base,
        quantity: request.quantity,
        call_off,
    };
    let price = price_order_line(at, in_force, asked, &order.currency, e)?;
    request.unit_price_minor = price.unit_price_minor;
    request.price_base = Some(price.price_base);
    Some((request, price.agreed))
}

/// Records on the stored line where its price came from.
pub(crate) fn mark(row: &mut OrderLineRow, agreed: Option<AgreedPrice>) {
    let Some(a) = agreed else {
        return;
    };
    row.agreement_id = Some(a.agreement_id.clone());
    row.call_off = a.call_off;
    row.price_deviation = a.deviates;
    row.agreed = serde_json::to_string(&a).ok();
}

/// Each agreement the order calls off is held for this transaction, then what its lines draw
/// (summed per product) is checked against what remains of the commitment: racing call-offs
/// take turns and never overdraw. A re-sent order (same buyer's number) draws nothing again.
pub(crate) fn check_call_offs(
    conn: &mut DbConnection,
    order: &NewOrder,
    prices: &HashMap<String, PriceInForce>,
) -> Result<(), ApiError> {
    let mut wanted: Vec<(String, String, usize, Quantity)> = vec![];
    for (i, l) in order.lines.iter().enumerate() {
        let (Some(agreement), Some(product), true) = (&l.agreement_id, &l.product_id, l.call_off)
        else {
            continue;
        };
        match wanted
            .iter_mut()
            .find(|w| &w.0 == agreement && &w.1 == product)
        {
            Some(w) => w.3 = w.3 + Quantity(l.quantity_milli),
            None => wanted.push((
                agreement.clone(),
                product.clone(),
                i,
                Quantity(l.quantity_milli),
            )),
        }
    }
    if wanted.is_empty() || store::already_placed(conn, order)? {
        return Ok(());
    }
    let mut held: Vec<&str> = vec![];
    for (agreement, product, i, quantity) in &wanted {
        if !held.contains(&agreement.as_str()) {
            crate::agreements::store::hold_for_call_off(conn, agreement)?;
            held.push(agreement);
        }
        let totals = store::call_off_totals(conn, &[agreement])?
            .remove(&(agreement.clone(), product.clone()))
            .unwrap_or_default();
        let committed = prices
            .get(product)
            .and_then(|p| p.line.committed_quantity)
            .unwrap_or(Quantity::ZERO);
        let balance = CallOffBalance::new(
            committed,
            totals.called_off,
            totals.received,
            totals.invoiced,
        );
        check_call_off(&format!("lines[{i}].quantity"), &balance, *quantity)?;
    }
    Ok(())
}
