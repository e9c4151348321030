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

/// The customer's tier on a sales order's issue date and what the ladder then in force gives
/// it; none on a purchase order (tiers are benefits we give customers).
pub(crate) fn tier_for(
    conn: &mut DbConnection,
    order: &NewOrder,
) -> Result<Option<TierApplied>, ApiError> {
    if order.direction != Direction::Sales {
        return Ok(None);
    }
    let t = crate::relationships::store::tier_on(conn, &order.counterparty_id, order.issue_date)?;
    Ok(Some(TierApplied {
        tier: t.tier.as_str().to_string(),
        ladder_version: t.ladder_version,
        discount_bp: t.benefits.discount_bp,
        payment_terms_days: t.benefits.payment_terms_days,
    }))
}

/// The order's terms: the payment terms of the agreement pricing its first agreed line, else
/// the tier's; the tier's discount.
pub(crate) fn order_terms_of(
    order: &NewOrder,
    prices: &HashMap<String, PriceInForce>,
    tier: Option<TierApplied>,
) -> Option<OrderTerms> {
    let agreement = order
        .lines
        .iter()
        .filter_map(|l| l.product_id.as_ref().and_then(|p| prices.get(p)))
        .find(|p| p.payment_terms_days.is_some())
        .map(|p| {
            (
                p.agreement_id.as_str(),
                p.number.as_str(),
                p.payment_terms_days,
            )
        });
    order_terms(agreement, tier)
}

/// Records on the stored line where its price came from; a line no agreement prices gets the
/// tier's discount as an allowance (reason code 95), its amount rounded once.
pub(crate) fn mark(
    row: &mut OrderLineRow,
    agreed: Option<AgreedPrice>,
    tier: Option<&TierApplied>,
) {
    let Some(a) = agreed else {
        if let Some(t) = tier {
            give_discount(row, t);
        }
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
            crate::agreements::store::hold_agreement(conn, agreement)?;
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

fn give_discount(row: &mut OrderLineRow, t: &TierApplied) {
    let price = (row.unit_price_minor, Quantity(row.price_base_milli));
    let amount = discount_allowance(Quantity(row.quantity_milli), price, t.discount_bp);
    if amount == 0 || amount > row.line_amount_minor {
        return;
    }
    let mut list = row.allowance_charges();
    list.push(AllowanceCharge {
        kind: AllowanceChargeKind::Allowance,
        amount_minor: amount,
        reason_code: Some("95".into()),
        reason: Some(format!(
            "Tier discount: {} ({} bp, ladder version {})",
            t.tier, t.discount_bp, t.ladder_version
        )),
    });
    row.allowance_minor += amount;
    row.line_amount_minor -= amount;
    row.allowance_charges = serde_json::to_string(&list).ok();
}

/// What a line draws from its agreement: its quantity, unless rejected or deleted.
fn drawn(l: &OrderLineRow) -> Quantity {
    let gone = [LineStatus::Rejected.as_str(), LineStatus::Deleted.as_str()];
    if l.call_off && !gone.contains(&l.status.as_str()) {
        Quantity(l.quantity_milli)
    } else {
        Quantity::ZERO
    }
}

/// An order change that draws more from a framework agreement (a call-off line's quantity
/// raised, or a deleted one reopened) is checked as a new call-off for the difference, under
/// the agreement's lock; `field_of` names the change line that asked for it.
pub(crate) fn check_call_off_increases(
    conn: &mut DbConnection,
    row: &OrderRow,
    before: &[OrderLineRow],
    after: &[OrderLineRow],
    field_of: impl Fn(i32) -> String,
) -> Result<(), ApiError> {
    for l in after {
        let (Some(agreement), Some(product)) = (&l.agreement_id, &l.product_id) else {
            continue;
        };
        let was = before
            .iter()
            .find(|b| b.line_number == l.line_number)
            .map_or(Quantity::ZERO, drawn);
        let now = drawn(l);
        if now <= was {
            continue;
        }
        crate::agreements::store::hold_agreement(conn, agreement)?;
        let prices = crate::agreements::store::prices_in_force(
            conn,
            &row.counterparty_id,
            row.direction(),
            std::slice::from_ref(product),
            row.issue_date,
        )?;
        let committed = prices
            .get(product)
            .filter(|p| &p.agreement_id == agreement)
            .and_then(|p| p.line.committed_quantity)
            .unwrap_or(Quantity::ZERO);
        // The stored order still draws what it drew before this change.
        let totals = store::call_off_totals(conn, &[agreement])?
            .remove(&(agreement.clone(), product.clone()))
            .unwrap_or_default();
        let balance = CallOffBalance::new(
            committed,
            totals.called_off,
            totals.received,
            totals.invoiced,
        );
        check_call_off(
            &format!("{}.quantity", field_of(l.line_number)),
            &balance,
            now - was,
        )?;
    }
    Ok(())
}
