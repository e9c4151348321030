//! The terms of trade agreed with a partner, without a database: what an agreement version
//! holds and which of its terms are sound, the price a line takes on a day and quantity, the
//! minimum order quantity, what a framework line still has to call off, and rebates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::orders::model::{
    line_amount, same_price, AgreedPrice, Direction, Quantity, MAX_AMOUNT_MINOR,
};
use crate::refusal::{Code, FieldError, Refusal};
use crate::text_enum;

mod documents;
mod pricing;
mod rebates;

pub use documents::*;
pub use pricing::*;
pub use rebates::*;

#[cfg(test)]
mod tests;

text_enum! {
    /// A version's standing: `proposed` (awaiting a second staff member), `approved` (in
    /// force over its validity), `rejected`, or `superseded` by a later approved version (it
    /// still prices the days only it covers).
    pub enum AgreementStatus {
        Proposed = "proposed",
        Approved = "approved",
        Rejected = "rejected",
        Superseded = "superseded",
    }
}

impl AgreementStatus {
    /// Approved versions price orders: `approved` and `superseded` ones.
    pub fn was_approved(self) -> bool {
        matches!(
            self,
            AgreementStatus::Approved | AgreementStatus::Superseded
        )
    }
}

text_enum! {
    /// Incoterms® 2020 rule: `EXW`, `FCA`, `CPT`, `CIP`, `DAP`, `DPU`, `DDP` (any mode of
    /// transport), `FAS`, `FOB`, `CFR`, `CIF` (sea and inland waterway).
    pub enum Incoterm {
        Exw = "EXW",
        Fca = "FCA",
        Cpt = "CPT",
        Cip = "CIP",
        Dap = "DAP",
        Dpu = "DPU",
        Ddp = "DDP",
        Fas = "FAS",
        Fob = "FOB",
        Cfr = "CFR",
        Cif = "CIF",
    }
}

/// The most lines one agreement version carries.
pub const MAX_AGREEMENT_LINES: usize = 1000;
/// Payment terms beyond a year are not terms of trade.
pub const MAX_PAYMENT_TERMS_DAYS: i32 = 365;

/// A partner plays the role an agreement's direction needs: we buy from manufacturers and sell
/// to distributors and key accounts.
pub fn check_partner_role(
    direction: Direction,
    manufacturer: bool,
    customer: bool,
) -> Result<(), Refusal> {
    match direction {
        Direction::Purchase if !manufacturer => Err(Refusal::invalid(
            "partner_id",
            "a purchase agreement is made with a manufacturer",
        )),
        Direction::Sales if !customer => Err(Refusal::invalid(
            "partner_id",
            "a sales agreement is made with a distributor or a key account",
        )),
        _ => Ok(()),
    }
}

/// Two validity periods (an open end runs for ever) share at least one day.
pub fn periods_overlap(
    a: (NaiveDate, Option<NaiveDate>),
    b: (NaiveDate, Option<NaiveDate>),
) -> bool {
    let ends_before = |end: Option<NaiveDate>, start: NaiveDate| end.is_some_and(|e| e < start);
    !ends_before(a.1, b.0) && !ends_before(b.1, a.0)
}

/// A version's validity covers `day`.
pub fn covers(valid_from: NaiveDate, valid_to: Option<NaiveDate>, day: NaiveDate) -> bool {
    valid_from <= day && valid_to.is_none_or(|t| day <= t)
}

/// Checks every term of a version, naming each bad field at once.
pub fn check_terms(t: &AgreementTerms) -> Result<(), Refusal> {
    let mut e = vec![];
    if t.valid_to.is_some_and(|to| to < t.valid_from) {
        e.push(FieldError::new("valid_to", "must not be before valid_from"));
    }
    if t.payment_terms_days
        .is_some_and(|d| !(0..=MAX_PAYMENT_TERMS_DAYS).contains(&d))
    {
        e.push(FieldError::new(
            "payment_terms_days",
            format!("must be 0 to {MAX_PAYMENT_TERMS_DAYS}"),
        ));
    }
    if t.lines.is_empty() {
        e.push(FieldError::new("lines", "at least one line is needed"));
    } else if t.lines.len() > MAX_AGREEMENT_LINES {
        e.push(FieldError::new(
            "lines",
            format!("at most {MAX_AGREEMENT_LINES} lines"),
        ));
    }
    let mut products = std::collections::HashSet::new();
    for (i, l) in t.lines.iter().enumerate() {
        let at = format!("lines[{i}]");
        if !products.insert(l.product_id.as_str()) {
            e.push(FieldError::new(
                format!("{at}.product_id"),
                "the product has a line already: one price line per product",
            ));
        }
        check_line(&at, l, &mut e);
    }
    if let Some(r) = &t.rebate {
        check_rebate_scale(r, &mut e);
    }
    Refusal::check(e)
}

fn check_price(field: String, minor: i64, e: &mut Vec<FieldError>) {
    if !(0..=MAX_AMOUNT_MINOR).contains(&minor) {
        e.push(FieldError::new(field, "must be between 0 and 10^15"));
    }
}

fn check_line(at: &str, l: &AgreementLine, e: &mut Vec<FieldError>) {
    check_price(format!("{at}.unit_price_minor"), l.unit_price_minor, e);
    if l.price_base_quantity.is_zero() {
        e.push(FieldError::new(
            format!("{at}.price_base_quantity"),
            "must be more than 0",
        ));
    }
    let mut last: Option<Quantity> = None;
    for (j, b) in l.quantity_breaks.iter().enumerate() {
        let bat = format!("{at}.quantity_breaks[{j}]");
        check_price(format!("{bat}.unit_price_minor"), b.unit_price_minor, e);
        if b.min_quantity.is_zero() {
            e.push(FieldError::new(
                format!("{bat}.min_quantity"),
                "must be more than 0 (the line's own price holds below the first break)",
            ));
        }
        if last.is_some_and(|q| b.min_quantity <= q) {
            e.push(FieldError::new(
                format!("{bat}.min_quantity"),
                "breaks must increase: each above the one before",
            ));
        }
        last = Some(b.min_quantity);
    }
    if let (Some(c), false) = (l.committed_quantity, l.minimum_order_quantity.is_zero()) {
        if c < l.minimum_order_quantity {
            e.push(FieldError::new(
                format!("{at}.committed_quantity"),
                "must not be below the minimum order quantity",
            ));
        }
    }
    if l.committed_quantity.is_some_and(Quantity::is_zero) {
        e.push(FieldError::new(
            format!("{at}.committed_quantity"),
            "must be more than 0; leave it out for a line without a commitment",
        ));
    }
}

/// An order line's currency is the agreement's.
pub fn check_currency(at: &str, agreement: &str, order: &str) -> Result<(), FieldError> {
    if agreement == order {
        Ok(())
    } else {
        Err(FieldError::new(
            at,
            format!("the agreement is in {agreement}; an order using it must be too"),
        ))
    }
}

/// The amount of `quantity` at a price per base quantity (no allowances or charges): what a
/// rebate and a deviation are measured in.
pub fn value_of(quantity: Quantity, price: (i64, Quantity)) -> i64 {
    line_amount(quantity, price.0, price.1, 0, 0).unwrap_or(MAX_AMOUNT_MINOR)
}

/// The refusal when a line names a version that is not awaiting a decision, or the proposer
/// decides it.
pub fn check_decision(
    status: AgreementStatus,
    proposed_by: &str,
    deciding: &str,
) -> Result<(), Refusal> {
    if status != AgreementStatus::Proposed {
        return Err(Refusal::not_allowed(
            "agreement version",
            status.as_str(),
            "decide",
            std::iter::empty::<&str>(),
        ));
    }
    crate::lifecycle::check_four_eyes("agreement version", proposed_by, deciding)
}

/// 409 `agreement_overlap`: another agreement prices the same product over the same days.
pub fn overlap(other_number: &str, other_id: &str, product_field: &str) -> Refusal {
    Refusal::Conflict {
        code: Code::AgreementOverlap,
        detail: format!(
            "agreement {other_number} ({other_id}) already prices this product for this partner over these days"
        ),
        errors: vec![FieldError::new(
            product_field,
            format!("priced by agreement {other_number} over overlapping days"),
        )],
        allowed: None,
    }
}
