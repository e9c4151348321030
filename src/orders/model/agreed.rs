//! The agreement behind an order line's price.

use super::*;

/// Where an order line's price comes from when an agreement prices its product: the version
/// and line, and the price agreed for the line's quantity. `deviates` when the line carries
/// another price than the agreed one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "agreement_id": "0193a1b2-0000-7000-8000-0000000000a9", "agreement_number": "AGR-2026-000001",
    "version_number": 2, "line_number": 1, "agreed_unit_price_minor": 1150,
    "agreed_price_base_quantity": "1", "deviates": true, "call_off": false
}))]
pub struct AgreedPrice {
    pub agreement_id: String,
    pub agreement_number: String,
    pub version_number: i32,
    /// The agreement line.
    pub line_number: i32,
    pub agreed_unit_price_minor: i64,
    pub agreed_price_base_quantity: Quantity,
    /// The order line's price is not the agreed one (the order is accepted; staff see it in
    /// `/agreement-deviations`).
    pub deviates: bool,
    /// The line draws down the agreement line's committed quantity.
    pub call_off: bool,
}

/// An order line whose own price is not the agreed one.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "order_id": "0193a1b2-0000-7000-8000-0000000000b1", "order_number": "PO-2027-000042",
    "direction": "purchase", "counterparty_id": "0193a1b2-0000-7000-8000-0000000000c1",
    "issue_date": "2027-03-02", "order_status": "submitted", "line_number": 1,
    "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "quantity": "200",
    "unit_price_minor": 1300, "price_base_quantity": "1",
    "agreement": {"agreement_id": "0193a1b2-0000-7000-8000-0000000000a9", "agreement_number": "AGR-2026-000001",
        "version_number": 1, "line_number": 1, "agreed_unit_price_minor": 1250,
        "agreed_price_base_quantity": "1", "deviates": true, "call_off": false},
    "difference_minor": 10000
}))]
pub struct PriceDeviation {
    pub order_id: String,
    pub order_number: String,
    pub direction: Direction,
    pub counterparty_id: String,
    pub issue_date: NaiveDate,
    pub order_status: OrderStatus,
    pub line_number: i32,
    pub product_id: Option<String>,
    pub quantity: Quantity,
    pub unit_price_minor: i64,
    pub price_base_quantity: Quantity,
    pub agreement: AgreedPrice,
    /// The line's quantity at its own price less at the agreed price, each rounded half up:
    /// positive when the order pays more than agreed.
    pub difference_minor: i64,
}

/// What a deviation costs over the line's quantity.
pub fn deviation_minor(quantity: Quantity, own: (i64, Quantity), agreed: (i64, Quantity)) -> i64 {
    let at = |p: (i64, Quantity)| line_amount(quantity, p.0, p.1, 0, 0).unwrap_or(0);
    at(own) - at(agreed)
}
