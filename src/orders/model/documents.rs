//! The documents as clients see them.

use super::*;

/// An order line with every quantity the documents have moved. They always add up:
/// `confirmed = despatched + closed_short + open` and
/// `despatched = received − oversupply + short + in_transit`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderLine {
    pub line_number: i32,
    /// Our catalogue product; null for an item we do not carry (a free-text line, a GTIN we
    /// do not know).
    pub product_id: Option<String>,
    /// The item as the order names it (a snapshot: a later catalogue change does not alter it).
    pub item: LineItem,
    pub note: Option<String>,
    /// Each allowance and charge with its reason; `allowance_minor` and `charge_minor` are
    /// their sums.
    pub allowance_charges: Vec<AllowanceCharge>,
    pub status: LineStatus,
    pub quantity: Quantity,
    /// UN/ECE Rec 20 unit code; the product's base unit.
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    pub unit_price_minor: i64,
    /// The quantity `unit_price_minor` is the price of (UBL `BaseQuantity`); `"1"` unless a
    /// unit price finer than the minor unit is needed.
    pub price_base_quantity: Quantity,
    pub allowance_minor: i64,
    pub charge_minor: i64,
    /// quantity × price ÷ base quantity + charges − allowances, rounded half up.
    pub line_amount_minor: i64,
    pub requested_delivery_date: Option<NaiveDate>,
    pub requested_delivery_period: Option<DeliveryPeriod>,
    /// The specification version the line is bought to (UBL `ItemSpecificationDocumentReference`).
    pub specification_ref: Option<String>,
    /// What the seller agreed to deliver; absent until it answers.
    pub confirmed_quantity: Option<Quantity>,
    /// The seller's promised deliveries when it changed or split the line.
    pub delivery_schedule: Vec<ScheduledDelivery>,
    pub despatched_quantity: Quantity,
    pub closed_short_quantity: Quantity,
    /// Still to come: of what the seller confirmed, what it has not despatched or closed
    /// short; before it answers (`confirmed_quantity` null), the ordered quantity; 0 on a
    /// rejected or deleted line.
    pub open_quantity: Quantity,
    pub in_transit_quantity: Quantity,
    pub received_quantity: Quantity,
    pub rejected_quantity: Quantity,
    pub short_quantity: Quantity,
    pub oversupply_quantity: Quantity,
    /// received − rejected: what may be invoiced.
    pub accepted_quantity: Quantity,
    /// Charged on matched invoices.
    pub invoiced_quantity: Quantity,
    /// The agreement that priced the line: its version and line, the price agreed for the
    /// line's quantity, whether the line's own price deviates from it, and whether the line
    /// calls off the agreement's commitment. Null when no agreement prices the product.
    pub agreement: Option<AgreedPrice>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000b1", "number": "PO-2026-000123", "direction": "purchase",
    "order_type": "order", "order_type_code": "220", "counterparty_id": "0193a1b2-0000-7000-8000-0000000000c1",
    "status": "submitted", "currency": "EUR", "currency_exponent": 2, "buyer_order_number": "4500012345",
    "profile": "advanced_ordering", "buyer_reference": "DC-NORTH-42", "issue_date": "2026-11-25", "requested_delivery_date": "2026-12-10",
    "requested_delivery_period": {"start_date": "2026-12-08", "end_date": "2026-12-10"},
    "delivery_location": {"id": {"scheme": "0088", "id": "5012345000015"}, "name": "DC North", "address": null},
    "delivery_gln": "5012345000015", "note": null,
    "change_sequence": 0, "response_code": null, "response_code_uncl4343": null, "response_note": null, "total_minor": 125000, "terms": null,
    "lines": [{"line_number": 1, "product_id": "0193a1b2-0000-7000-8000-0000000000a1",
        "item": {"name": "Aerosol can 600 ml", "description": null, "sellers_item_id": "MC-600", "buyers_item_id": null,
            "standard_item_id": {"scheme": "0160", "id": "04006381333931"}, "properties": [], "classifications": []},
        "note": null, "allowance_charges": [], "status": "open",
        "quantity": "100", "unit": "EA", "unit_price_minor": 1250, "price_base_quantity": "1",
        "allowance_minor": 0, "charge_minor": 0, "line_amount_minor": 125000,
        "requested_delivery_date": "2026-12-10", "requested_delivery_period": null, "specification_ref": null, "confirmed_quantity": null,
        "delivery_schedule": [], "despatched_quantity": "0", "closed_short_quantity": "0", "open_quantity": "100",
        "in_transit_quantity": "0", "received_quantity": "0", "rejected_quantity": "0", "short_quantity": "0",
        "oversupply_quantity": "0", "accepted_quantity": "0", "invoiced_quantity": "0", "agreement": null}],
    "allowed_actions": ["respond", "change", "cancel"], "created_by": "0193a1b2-0000-7000-8000-0000000000d1",
    "submitted_at": "2026-11-25T09:00:00Z", "responded_at": null, "cancelled_at": null, "cancel_reason": null,
    "version": 2, "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct Order {
    pub id: String,
    /// `PO-2026-000123` for purchase orders, `SO-…` for sales orders.
    pub number: String,
    pub direction: Direction,
    pub order_type: OrderType,
    /// UNCL1001 code of `order_type`.
    pub order_type_code: String,
    pub counterparty_id: String,
    pub status: OrderStatus,
    /// ISO 4217; every amount on the order is in its minor units.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// Digits after the decimal point of the currency (EUR 2, JPY 0, BHD 3).
    pub currency_exponent: u16,
    /// The buyer's own number for the order (UBL `Order/ID`), unique per buyer: the customer
    /// on a sales order, us across purchase orders. Re-sending an order under it answers the
    /// order already placed.
    pub buyer_order_number: Option<String>,
    /// The PEPPOL ordering process the buyer follows.
    pub profile: OrderProfile,
    /// The buyer's own reference (UBL `CustomerReference`).
    pub buyer_reference: Option<String>,
    pub issue_date: NaiveDate,
    /// The day the goods are due by (lateness is measured against it): the end of
    /// `requested_delivery_period` unless given.
    pub requested_delivery_date: Option<NaiveDate>,
    pub requested_delivery_period: Option<DeliveryPeriod>,
    pub delivery_location: Option<crate::participants::DeliveryLocation>,
    /// The delivery location's GLN when it is a 13-digit one (`delivery_location.id` under
    /// scheme 0088); kept for clients written before locations took other identifiers.
    #[schema(value_type = Option<crate::values::Gln>)]
    pub delivery_gln: Option<String>,
    pub note: Option<String>,
    /// Sequence number of the last order change (0: never changed).
    pub change_sequence: i32,
    /// The seller's last response.
    pub response_code: Option<ResponseCode>,
    /// UNCL4343 code of `response_code`.
    pub response_code_uncl4343: Option<String>,
    /// The seller's note with its last response.
    pub response_note: Option<String>,
    /// Sum of the active lines' amounts (rejected and deleted lines count 0).
    pub total_minor: i64,
    /// The terms the order was placed under: payment terms (from an agreement, else the
    /// customer's tier on the issue date) and the tier discount on its lines; null when none
    /// applied.
    pub terms: Option<OrderTerms>,
    /// On a purchase order: a buyer's override of a specification's approved-supplier list,
    /// with its reason and the second buyer's approval (internal: the supplier never sees it).
    pub supplier_override: Option<SupplierOverride>,
    pub lines: Vec<OrderLine>,
    /// What can be done to the order now (by one side or the other).
    pub allowed_actions: Vec<OrderAction>,
    pub created_by: String,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub responded_at: Option<chrono::DateTime<chrono::Utc>>,
    pub cancelled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub cancel_reason: Option<String>,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// An order without its lines: an item of `GET /orders?view=summary`, for lists that show
/// orders rather than work on their lines (a page of 20 full orders carries 400 lines).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000b1", "number": "PO-2026-000123", "direction": "purchase",
    "order_type": "order", "counterparty_id": "0193a1b2-0000-7000-8000-0000000000c1",
    "status": "submitted", "currency": "EUR", "currency_exponent": 2, "buyer_order_number": "4500012345",
    "buyer_reference": "DC-NORTH-42", "issue_date": "2026-11-25", "requested_delivery_date": "2026-12-10",
    "response_code": null, "total_minor": 125000, "line_count": 1,
    "allowed_actions": ["respond", "change", "cancel"], "submitted_at": "2026-11-25T09:00:00Z",
    "responded_at": null, "cancelled_at": null, "version": 2,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct OrderSummary {
    pub id: String,
    pub number: String,
    pub direction: Direction,
    pub order_type: OrderType,
    pub counterparty_id: String,
    pub status: OrderStatus,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub currency_exponent: u16,
    pub buyer_order_number: Option<String>,
    pub buyer_reference: Option<String>,
    pub issue_date: NaiveDate,
    pub requested_delivery_date: Option<NaiveDate>,
    pub response_code: Option<ResponseCode>,
    /// Sum of the active lines' amounts (rejected and deleted lines count 0).
    pub total_minor: i64,
    /// Lines on the order, in every status.
    pub line_count: i64,
    pub allowed_actions: Vec<OrderAction>,
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    pub responded_at: Option<chrono::DateTime<chrono::Utc>>,
    pub cancelled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DespatchLine {
    pub line_number: i32,
    pub quantity: Quantity,
    pub outstanding_quantity: Quantity,
    /// Will never be delivered.
    pub closed_short_quantity: Quantity,
    pub outstanding_reason: Option<String>,
}

text_enum! {
    /// `despatched` until a goods receipt answers it, then `received`.
    pub enum DespatchStatus {
        Despatched = "despatched",
        Received = "received",
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000e1", "number": "DES-2026-000001",
    "order_id": "0193a1b2-0000-7000-8000-0000000000b1", "despatch_date": "2026-12-01",
    "expected_delivery_date": "2026-12-03", "carrier": "DHL Freight", "tracking_number": "JD014600006281234567",
    "note": null, "status": "despatched",
    "lines": [{"line_number": 1, "quantity": "60", "outstanding_quantity": "40", "closed_short_quantity": "0",
        "outstanding_reason": "Second shipment from the January run"}],
    "created_by": "0193a1b2-0000-7000-8000-0000000000d2", "version": 1,
    "created_at": "2026-12-01T07:30:00Z", "updated_at": "2026-12-01T07:30:00Z"
}))]
pub struct DespatchAdvice {
    pub id: String,
    /// `DES-2026-000001`.
    pub number: String,
    pub order_id: String,
    pub despatch_date: NaiveDate,
    pub expected_delivery_date: Option<NaiveDate>,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    pub note: Option<String>,
    pub status: DespatchStatus,
    pub lines: Vec<DespatchLine>,
    pub created_by: String,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReceiptLine {
    pub line_number: i32,
    pub received_quantity: Quantity,
    pub rejected_quantity: Quantity,
    /// Despatched but not received.
    pub short_quantity: Quantity,
    pub oversupply_quantity: Quantity,
    /// received − rejected.
    pub accepted_quantity: Quantity,
    pub discrepancy_reason: Option<DiscrepancyReason>,
    pub discrepancy_note: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000f1", "number": "GR-2026-000001",
    "order_id": "0193a1b2-0000-7000-8000-0000000000b1", "despatch_advice_id": "0193a1b2-0000-7000-8000-0000000000e1",
    "received_date": "2026-12-03", "note": null,
    "lines": [{"line_number": 1, "received_quantity": "60", "rejected_quantity": "2", "short_quantity": "0",
        "oversupply_quantity": "0", "accepted_quantity": "58", "discrepancy_reason": "damaged",
        "discrepancy_note": "Two cans crushed"}],
    "created_by": "0193a1b2-0000-7000-8000-0000000000d1", "version": 1,
    "created_at": "2026-12-03T10:00:00Z", "updated_at": "2026-12-03T10:00:00Z"
}))]
pub struct GoodsReceipt {
    pub id: String,
    /// `GR-2026-000001`.
    pub number: String,
    pub order_id: String,
    pub despatch_advice_id: String,
    pub received_date: NaiveDate,
    pub note: Option<String>,
    pub lines: Vec<ReceiptLine>,
    pub created_by: String,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceLine {
    pub line_number: i32,
    pub quantity: Quantity,
    pub unit_price_minor: i64,
    pub price_base_quantity: Quantity,
    pub line_amount_minor: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000c9", "number": "INV-2026-000002", "invoice_number": "SUP-INV-88813",
    "order_id": "0193a1b2-0000-7000-8000-0000000000b1", "counterparty_id": "0193a1b2-0000-7000-8000-0000000000c1",
    "direction": "purchase", "currency": "EUR", "issue_date": "2026-12-04", "due_date": "2027-01-03",
    "total_minor": 75000, "match_status": "exception",
    "exceptions": [{"line_number": 1, "reason": "QTY", "detail": "invoiced 60 but 58 received and kept, 0 already invoiced"}],
    "note": null,
    "lines": [{"line_number": 1, "quantity": "60", "unit_price_minor": 1250, "price_base_quantity": "1", "line_amount_minor": 75000}],
    "created_by": "0193a1b2-0000-7000-8000-0000000000d2", "version": 1,
    "created_at": "2026-12-04T08:00:00Z", "updated_at": "2026-12-04T08:00:00Z"
}))]
pub struct Invoice {
    pub id: String,
    /// Our number, `INV-2026-000001`.
    pub number: String,
    /// The seller's own invoice number (unique per seller); ours when none was given.
    pub invoice_number: String,
    pub order_id: String,
    pub counterparty_id: String,
    pub direction: Direction,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub total_minor: i64,
    pub match_status: MatchStatus,
    /// Every mismatch found by the three-way match; empty when `matched`.
    pub exceptions: Vec<MatchException>,
    pub note: Option<String>,
    pub lines: Vec<InvoiceLine>,
    pub created_by: String,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
