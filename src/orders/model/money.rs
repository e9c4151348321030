//! Money.

use super::*;

/// Largest amount a line or document may reach, in minor units (10^15: a trillion euros).
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;

/// `quantity × (price ÷ base quantity) + charges − allowances`, rounded half up to the minor
/// unit. A price per base quantity is how a unit price finer than the minor unit is held:
/// 0.1234 EUR per piece is `unit_price_minor: 1234` per `price_base_quantity: "100"`.
pub fn line_amount(
    quantity: Quantity,
    unit_price_minor: i64,
    price_base: Quantity,
    allowance_minor: i64,
    charge_minor: i64,
) -> Result<i64, String> {
    if price_base.is_zero() {
        return Err("price base quantity must be more than 0".into());
    }
    let num = i128::from(quantity.milli()) * i128::from(unit_price_minor);
    let den = i128::from(price_base.milli());
    let gross = (2 * num + den) / (2 * den);
    let amount = gross + i128::from(charge_minor) - i128::from(allowance_minor);
    if amount < 0 {
        return Err("allowances exceed the line's value".into());
    }
    if amount > i128::from(MAX_AMOUNT_MINOR) {
        return Err("line amount is too large".into());
    }
    Ok(amount as i64)
}

/// Sums line amounts, refusing a total beyond [`MAX_AMOUNT_MINOR`].
pub fn document_total(amounts: impl IntoIterator<Item = i64>) -> Result<i64, Refusal> {
    let total: i128 = amounts.into_iter().map(i128::from).sum();
    if total > i128::from(MAX_AMOUNT_MINOR) {
        Err(Refusal::invalid("lines", "document total is too large"))
    } else {
        Ok(total as i64)
    }
}

/// True when two prices per base quantity are the same price.
pub fn same_price(a: (i64, Quantity), b: (i64, Quantity)) -> bool {
    i128::from(a.0) * i128::from(b.1.milli()) == i128::from(b.0) * i128::from(a.1.milli())
}
