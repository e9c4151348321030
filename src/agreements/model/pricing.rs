//! The agreed price of an order line, the minimum order quantity, deviations, and what a
//! framework line has left to call off.

use super::*;

/// The price per base quantity a line of `quantity` is agreed at: the highest quantity break
/// the quantity reaches, else the line's own price.
pub fn agreed_price(line: &AgreementLine, quantity: Quantity) -> (i64, Quantity) {
    let price = line
        .quantity_breaks
        .iter()
        .rfind(|b| b.min_quantity <= quantity)
        .map(|b| b.unit_price_minor)
        .unwrap_or(line.unit_price_minor);
    (price, line.price_base_quantity)
}

/// An order line below the line's minimum order quantity is refused, naming it.
pub fn check_minimum(
    field: &str,
    line: &AgreementLine,
    quantity: Quantity,
    errors: &mut Vec<FieldError>,
) {
    if quantity < line.minimum_order_quantity {
        errors.push(FieldError::new(
            field,
            format!(
                "below the minimum order quantity {} agreed for this product",
                line.minimum_order_quantity
            ),
        ));
    }
}

/// A framework line's quantities: `committed = called_off + remaining` always; of what was
/// called off, `received` came in and was kept, `invoiced` was charged on matched invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct CallOffBalance {
    pub committed_quantity: Quantity,
    pub called_off_quantity: Quantity,
    pub received_quantity: Quantity,
    pub invoiced_quantity: Quantity,
    pub remaining_quantity: Quantity,
}

impl CallOffBalance {
    /// From what the call-off orders hold: ordered on lines still active on orders not
    /// cancelled or rejected, received and kept, invoiced.
    pub fn new(
        committed: Quantity,
        called_off: Quantity,
        received: Quantity,
        invoiced: Quantity,
    ) -> CallOffBalance {
        CallOffBalance {
            committed_quantity: committed,
            called_off_quantity: called_off,
            received_quantity: received,
            invoiced_quantity: invoiced,
            remaining_quantity: committed.saturating_sub(called_off),
        }
    }
}

/// A call-off may draw at most what remains (409 `call_off_beyond_remaining`, naming it).
pub fn check_call_off(
    field: &str,
    balance: &CallOffBalance,
    quantity: Quantity,
) -> Result<(), Refusal> {
    if quantity <= balance.remaining_quantity {
        return Ok(());
    }
    let message = format!(
        "{} remain to call off of {} committed; {} asked",
        balance.remaining_quantity, balance.committed_quantity, quantity
    );
    Err(Refusal::Conflict {
        code: Code::CallOffBeyondRemaining,
        detail: message.clone(),
        errors: vec![FieldError::new(field, message)],
        allowed: None,
    })
}

/// The agreement line that prices a product on a day, with the version's terms an order uses.
#[derive(Debug, Clone)]
pub struct PriceInForce {
    pub agreement_id: String,
    pub number: String,
    pub version_number: i32,
    pub currency: String,
    pub payment_terms_days: Option<i32>,
    pub line: AgreementLine,
}

/// What an order line asks about its price: the price it carries (none: the agreed one) and
/// the agreement it calls off, if any.
#[derive(Debug, Clone, Copy)]
pub struct PriceAsked<'a> {
    pub unit_price_minor: Option<i64>,
    pub price_base: Option<Quantity>,
    pub quantity: Quantity,
    pub call_off: Option<&'a str>,
}

/// An order line's price once its agreement (if any) is applied: the price it carries and
/// where the agreed one came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinePrice {
    pub unit_price_minor: i64,
    pub price_base: Quantity,
    pub agreed: Option<AgreedPrice>,
}

/// Applies the agreement in force (`in_force`) to an order line `at`: the agreed price (with
/// its breaks) when the line carries none; the line's own price otherwise, accepted but
/// marked when it deviates; the minimum order quantity and the agreement's currency enforced;
/// a call-off only against the agreement pricing the product, on a line with a commitment.
/// Without an agreement the line must carry its price. Answers none after naming the errors.
pub fn price_order_line(
    at: &str,
    in_force: Option<&PriceInForce>,
    asked: PriceAsked<'_>,
    order_currency: &str,
    e: &mut Vec<FieldError>,
) -> Option<LinePrice> {
    let Some(p) = in_force else {
        if asked.call_off.is_some() {
            e.push(FieldError::new(
                format!("{at}.call_off_agreement_id"),
                "no approved agreement prices this product on the order's issue date",
            ));
        }
        let Some(price) = asked.unit_price_minor else {
            e.push(FieldError::new(
                format!("{at}.unit_price_minor"),
                "required: no agreement prices this product on the order's issue date",
            ));
            return None;
        };
        return Some(LinePrice {
            unit_price_minor: price,
            price_base: asked.price_base.unwrap_or(Quantity::units(1)),
            agreed: None,
        });
    };
    let before = e.len();
    if let Err(f) = check_currency("currency", &p.currency, order_currency) {
        e.push(f);
    }
    check_minimum(&format!("{at}.quantity"), &p.line, asked.quantity, e);
    let call_off = match asked.call_off {
        None => false,
        Some(id) if id != p.agreement_id => {
            e.push(FieldError::new(
                format!("{at}.call_off_agreement_id"),
                format!(
                    "agreement {} prices this product on the issue date; a call-off draws on it",
                    p.number
                ),
            ));
            false
        }
        Some(_) if p.line.committed_quantity.is_none() => {
            e.push(FieldError::new(
                format!("{at}.call_off_agreement_id"),
                "the agreement commits no quantity of this product to call off",
            ));
            false
        }
        Some(_) => true,
    };
    if e.len() > before {
        return None;
    }
    let agreed_price = agreed_price(&p.line, asked.quantity);
    let (price, base) = match asked.unit_price_minor {
        Some(own) => (own, asked.price_base.unwrap_or(Quantity::units(1))),
        None => agreed_price,
    };
    Some(LinePrice {
        unit_price_minor: price,
        price_base: base,
        agreed: Some(AgreedPrice {
            agreement_id: p.agreement_id.clone(),
            agreement_number: p.number.clone(),
            version_number: p.version_number,
            line_number: p.line.line_number,
            agreed_unit_price_minor: agreed_price.0,
            agreed_price_base_quantity: agreed_price.1,
            deviates: !same_price((price, base), agreed_price),
            call_off,
        }),
    })
}

/// The draw-down of each committed line of `current`, from what call-off orders drew of its
/// product (`drawn`: called off, received, invoiced).
pub fn call_off_lines(
    current: &AgreementVersion,
    drawn: impl Fn(&str) -> (Quantity, Quantity, Quantity),
) -> Vec<CallOffLine> {
    current
        .lines
        .iter()
        .filter_map(|l| {
            let committed = l.committed_quantity?;
            let (called_off, received, invoiced) = drawn(&l.product_id);
            Some(CallOffLine {
                line_number: l.line_number,
                product_id: l.product_id.clone(),
                balance: CallOffBalance::new(committed, called_off, received, invoiced),
            })
        })
        .collect()
}
