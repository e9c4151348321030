//! Invoice matching (INVOIC / 810).

use super::*;

text_enum! {
    /// `matched`: every line agrees with the order's price and the quantity received and kept;
    /// `exception`: at least one mismatch, each named.
    pub enum MatchStatus {
        Matched = "matched",
        Exception = "exception",
    }
}

text_enum! {
    /// Invoice-response reasons (PEPPOL invoice response / UNCL4343 subset): `QTY` quantity
    /// beyond received − rejected, `PRI` price other than agreed, `ITM` no such order line.
    pub enum MatchReason {
        Qty = "QTY",
        Pri = "PRI",
        Itm = "ITM",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MatchException {
    pub line_number: i32,
    pub reason: MatchReason,
    pub detail: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceLineInput {
    /// The order line invoiced.
    pub line_number: i32,
    pub quantity: Quantity,
    pub unit_price_minor: i64,
    /// Defaults to 1.
    pub price_base_quantity: Option<Quantity>,
}

/// Three-way match of an invoice's lines against the agreed price (the agreement's where one
/// priced the line, else the order's) and the receipts (quantity received − rejected, less what
/// matched invoices already charged).
pub fn match_invoice(lines: &[LineState], invoice: &[InvoiceLineInput]) -> Vec<MatchException> {
    let mut out = vec![];
    for l in invoice {
        let base = l.price_base_quantity.unwrap_or(Quantity::units(1));
        let Some(line) = lines
            .iter()
            .find(|o| o.line_number == l.line_number && o.is_active())
        else {
            out.push(MatchException {
                line_number: l.line_number,
                reason: MatchReason::Itm,
                detail: format!("the order has no line {}", l.line_number),
            });
            continue;
        };
        // The agreement's price where one priced the line, else the order's.
        let (agreed, source) = match &line.agreed {
            Some(a) => (
                (a.agreed_unit_price_minor, a.agreed_price_base_quantity),
                format!(
                    " (agreement {} version {})",
                    a.agreement_number, a.version_number
                ),
            ),
            None => ((line.unit_price_minor, line.price_base), String::new()),
        };
        if !same_price((l.unit_price_minor, base), agreed) {
            out.push(MatchException {
                line_number: l.line_number,
                reason: MatchReason::Pri,
                detail: format!(
                    "invoiced {} per {}, agreed {} per {}{source}",
                    l.unit_price_minor, base, agreed.0, agreed.1
                ),
            });
        }
        let may_invoice = line.accepted().saturating_sub(line.invoiced);
        if l.quantity > may_invoice {
            out.push(MatchException {
                line_number: l.line_number,
                reason: MatchReason::Qty,
                detail: format!(
                    "invoiced {} but {} received and kept, {} already invoiced",
                    l.quantity,
                    line.accepted(),
                    line.invoiced
                ),
            });
        }
    }
    out
}

/// An invoice is in its order's currency.
pub fn check_invoice_currency(order_currency: &str, invoice_currency: &str) -> Result<(), Refusal> {
    if invoice_currency == order_currency {
        return Ok(());
    }
    Err(Refusal::invalid(
        "currency",
        format!("the order is in {order_currency}; an invoice is in its order's currency"),
    ))
}
