//! Request bodies.

use super::*;

/// An order line as the buyer asks for it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrderLine {
    /// 1–9999, unique in the order; numbered 1, 2, 3… in the order given when absent.
    pub line_number: Option<i32>,
    /// A catalogue product; leave it out for an item we do not carry (then `item.name` and
    /// `unit` are required).
    pub product_id: Option<String>,
    /// The item as the buyer names it; for a catalogue product, its name defaults to the
    /// product's and a GTIN given must be the product's.
    pub item: Option<LineItem>,
    pub quantity: Quantity,
    /// UN/ECE Rec 20 code (or X-prefixed Rec 21); defaults to, and for a catalogue product
    /// must be, the product's base unit.
    #[schema(value_type = Option<crate::values::UnitCode>)]
    pub unit: Option<String>,
    /// Price of `price_base_quantity` units, in minor units of the order's currency; 0 for
    /// free goods. Leave it out to take the price of the agreement in force on the issue date
    /// (with its quantity breaks; see `agreement` on the answer's line); required when no
    /// agreement prices the product. A price other than the agreed one is accepted and marked
    /// (`agreement.deviates`).
    pub unit_price_minor: Option<i64>,
    /// Draw this line down from the framework agreement with this id (its committed quantity
    /// for the product): beyond what remains is 409 `call_off_beyond_remaining`.
    pub call_off_agreement_id: Option<String>,
    /// Defaults to 1. Use it for prices finer than the minor unit: 0.1234 EUR a piece is
    /// `unit_price_minor: 1234` per `price_base_quantity: "100"`.
    pub price_base_quantity: Option<Quantity>,
    /// A single allowance without its reason; prefer `allowance_charges`.
    #[serde(default)]
    pub allowance_minor: i64,
    /// A single charge without its reason; prefer `allowance_charges`.
    #[serde(default)]
    pub charge_minor: i64,
    /// Allowances and charges, each with a reason code (UNCL5189 / UNCL7161) or text; the
    /// line's `allowance_minor` and `charge_minor` are their sums (do not send both).
    #[serde(default)]
    pub allowance_charges: Vec<AllowanceCharge>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    /// The day this line is due by; with neither it nor a period, the order's delivery.
    pub requested_delivery_date: Option<NaiveDate>,
    /// When this line is wanted, if not when the order is (`requested_delivery_date`
    /// defaults to its end).
    pub requested_delivery_period: Option<DeliveryPeriod>,
    /// The specification version the line is bought to.
    #[schema(value_type = Option<crate::values::DocumentNumber>)]
    pub specification_ref: Option<String>,
}

/// A new order. The example's ids are placeholders: replace them with a partner's id from
/// `GET /partners` and a product's from `GET /products` (after `prm demo`, any of theirs).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "direction": "purchase", "counterparty_id": "0193a1b2-0000-7000-8000-0000000000c1", "currency": "EUR",
    "buyer_reference": "DC-NORTH-42", "requested_delivery_date": "2026-12-10",
    "lines": [{"product_id": "0193a1b2-0000-7000-8000-0000000000a1", "quantity": "100", "unit_price_minor": 1250}],
    "submit": true
}))]
pub struct NewOrderRequest {
    /// `purchase`: we buy from the counterparty (staff: buyers, admins; host ERPs).
    /// `sales`: the counterparty buys from us (its own users or ERP place it).
    pub direction: Direction,
    /// Staff only: you are recording what the partner sent by other means (`email`, `phone`,
    /// `edi`, `portal`, `paper`, `in_person`): you act as its side of the order, and the audit
    /// entry and event say "recorded by you for the partner, via this channel". Buyers record
    /// a supplier's documents on purchase orders, account managers a customer's on sales
    /// orders. A partner sends its own documents without it (422).
    pub recorded_via: Option<crate::audit::RecordingChannel>,
    /// Defaults to `order` (UNCL1001 220).
    pub order_type: Option<OrderType>,
    /// The PEPPOL ordering process the buyer follows; defaults to `advanced_ordering` (orders,
    /// responses, changes and cancellations, as this API offers them).
    pub profile: Option<OrderProfile>,
    pub counterparty_id: String,
    /// ISO 4217.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// The buyer's own number for this order (UBL `Order/ID`; an ERP's PO number), unique per
    /// buyer. Sending the same order again under it answers 200 with the order already placed
    /// (safe to retry without an Idempotency-Key); other content under it is 409.
    #[schema(value_type = Option<crate::values::DocumentNumber>)]
    pub buyer_order_number: Option<String>,
    /// The buyer's reference for its own routing, e.g. a cost centre (UBL `CustomerReference`).
    #[schema(value_type = Option<crate::values::DocumentNumber>)]
    pub buyer_reference: Option<String>,
    /// Defaults to today.
    pub issue_date: Option<NaiveDate>,
    /// The day the goods are due by; defaults to the end (or start) of
    /// `requested_delivery_period`, and must lie within it.
    pub requested_delivery_date: Option<NaiveDate>,
    pub requested_delivery_period: Option<DeliveryPeriod>,
    /// Where to deliver: an identifier (ISO/IEC 6523 scheme; a GLN is 0088), a name, an
    /// address.
    pub delivery_location: Option<DeliveryLocation>,
    /// Shorthand for `delivery_location: {"id": {"scheme": "0088", "id": …}}` with a 13-digit
    /// GLN (check digit validated).
    #[schema(value_type = Option<crate::values::Gln>)]
    pub delivery_gln: Option<String>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    /// 1 to 1000 lines.
    pub lines: Vec<NewOrderLine>,
    /// `true` creates the order already submitted (one call for an ERP); default: a draft.
    #[serde(default)]
    pub submit: bool,
    /// On a purchase order: a buyer buying a product made to a specification from a
    /// manufacturer not approved for it says why (otherwise 422 `supplier_not_approved`). The
    /// order stays a draft until a second buyer approves the override
    /// (`POST /orders/{id}/supplier-override/approve`).
    pub supplier_override: Option<SupplierOverrideRequest>,
}

/// Why a buyer buys from a manufacturer the specification does not approve.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Approved manufacturer's plant closed by flood; interim source agreed with QA"}))]
pub struct SupplierOverrideRequest {
    #[schema(value_type = crate::values::Note)]
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "response_code": "accepted_with_changes",
    "lines": [
        {"line_number": 1, "status": "changed", "quantity": "60", "delivery_date": "2026-12-10"},
        {"line_number": 1, "status": "changed", "quantity": "40", "delivery_date": "2027-01-10"}
    ]
}))]
pub struct OrderResponseRequest {
    /// UNCL4343: `acknowledged` (AB), `accepted` (AP), `accepted_with_changes` (CA), `rejected` (RE).
    pub response_code: ResponseCode,
    /// Staff only: you are recording what the partner sent by other means (`email`, `phone`,
    /// `edi`, `portal`, `paper`, `in_person`): you act as its side of the order, and the audit
    /// entry and event say "recorded by you for the partner, via this channel". Buyers record
    /// a supplier's documents on purchase orders, account managers a customer's on sales
    /// orders. A partner sends its own documents without it (422).
    pub recorded_via: Option<crate::audit::RecordingChannel>,
    /// Only with `accepted_with_changes`, and then answering every line.
    #[serde(default)]
    pub lines: Vec<ResponseLine>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    /// The seller's own number for this response (UBL `OrderResponse/ID`), unique within the
    /// order; `{order number}-R{n}` by default.
    #[schema(value_type = Option<crate::values::DocumentNumber>)]
    pub response_number: Option<String>,
    /// Defaults to today; not before the order's issue date.
    pub issue_date: Option<NaiveDate>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "sequence_number": 1,
    "lines": [{"line_number": 1, "action": "change", "quantity": "80"}]
}))]
pub struct OrderChangeRequest {
    /// Must be above the order's `change_sequence`; not needed while the order is a draft.
    pub sequence_number: Option<i32>,
    pub lines: Vec<ChangeLine>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    /// The buyer's own number for this change (UBL `OrderChange/ID`), unique within the order;
    /// `{order number}-C{sequence}` by default.
    #[schema(value_type = Option<crate::values::DocumentNumber>)]
    pub change_number: Option<String>,
    /// Defaults to today; not before the order's issue date.
    pub issue_date: Option<NaiveDate>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Promotion cancelled by the retailer"}))]
pub struct CancelRequest {
    #[schema(value_type = Option<crate::values::Name>)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "despatch_date": "2026-12-01", "expected_delivery_date": "2026-12-03", "carrier": "DHL Freight",
    "tracking_number": "JD014600006281234567",
    "lines": [{"line_number": 1, "quantity": "60", "outstanding_reason": "Second shipment from the January run"}]
}))]
pub struct NewDespatchAdviceRequest {
    /// Defaults to today.
    pub despatch_date: Option<NaiveDate>,
    /// Staff only: you are recording what the partner sent by other means (`email`, `phone`,
    /// `edi`, `portal`, `paper`, `in_person`): you act as its side of the order, and the audit
    /// entry and event say "recorded by you for the partner, via this channel". Buyers record
    /// a supplier's documents on purchase orders, account managers a customer's on sales
    /// orders. A partner sends its own documents without it (422).
    pub recorded_via: Option<crate::audit::RecordingChannel>,
    pub expected_delivery_date: Option<NaiveDate>,
    #[schema(value_type = Option<crate::values::Name>)]
    pub carrier: Option<String>,
    #[schema(value_type = Option<crate::values::DocumentNumber>)]
    pub tracking_number: Option<String>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    pub lines: Vec<DespatchLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "despatch_advice_id": "0193a1b2-0000-7000-8000-0000000000e1", "received_date": "2026-12-03",
    "lines": [{"line_number": 1, "received_quantity": "60", "rejected_quantity": "2", "discrepancy_reason": "damaged", "discrepancy_note": "Two cans crushed"}]
}))]
pub struct NewGoodsReceiptRequest {
    /// The despatch advice this receipt answers; each is received once.
    pub despatch_advice_id: String,
    /// Staff only: you are recording what the partner sent by other means (`email`, `phone`,
    /// `edi`, `portal`, `paper`, `in_person`): you act as its side of the order, and the audit
    /// entry and event say "recorded by you for the partner, via this channel". Buyers record
    /// a supplier's documents on purchase orders, account managers a customer's on sales
    /// orders. A partner sends its own documents without it (422).
    pub recorded_via: Option<crate::audit::RecordingChannel>,
    /// Defaults to today.
    pub received_date: Option<NaiveDate>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    /// One per despatched line.
    pub lines: Vec<ReceiptLineInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "order_id": "0193a1b2-0000-7000-8000-0000000000b1", "invoice_number": "SUP-INV-88812", "currency": "EUR",
    "issue_date": "2026-12-04", "due_date": "2027-01-03",
    "lines": [{"line_number": 1, "quantity": "58", "unit_price_minor": 1250}]
}))]
pub struct NewInvoiceRequest {
    pub order_id: String,
    /// Staff only: you are recording what the partner sent by other means (`email`, `phone`,
    /// `edi`, `portal`, `paper`, `in_person`): you act as its side of the order, and the audit
    /// entry and event say "recorded by you for the partner, via this channel". Buyers record
    /// a supplier's documents on purchase orders, account managers a customer's on sales
    /// orders. A partner sends its own documents without it (422).
    pub recorded_via: Option<crate::audit::RecordingChannel>,
    /// The seller's own number, unique per seller; ours (`INV-…`) when absent.
    #[schema(value_type = Option<crate::values::DocumentNumber>)]
    pub invoice_number: Option<String>,
    /// ISO 4217; must be the order's currency.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// Defaults to today.
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub note: Option<String>,
    pub lines: Vec<InvoiceLineInput>,
}
