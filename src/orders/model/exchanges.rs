//! Order responses and order changes as the documents they are: kept with their own number,
//! issue date and lines, numbered 1, 2, 3… within their order.

use super::*;

/// A seller's order response as it was sent (UBL `OrderResponse`, EDIFACT ORDRSP, X12 855).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "order_id": "0193a1b2-0000-7000-8000-0000000000b1", "sequence": 1, "response_number": "OR-88213",
    "issue_date": "2026-11-26", "response_code": "accepted_with_changes", "response_code_uncl4343": "CA",
    "note": "Line 1 in two deliveries", "answers_change": 0,
    "lines": [
        {"line_number": 1, "status": "changed", "quantity": "60", "delivery_date": "2026-12-10"},
        {"line_number": 1, "status": "changed", "quantity": "40", "delivery_date": "2027-01-10"}
    ],
    "recorded_via": null, "created_by": "0193a1b2-0000-7000-8000-0000000000d2", "created_at": "2026-11-26T08:00:00Z"
}))]
pub struct OrderResponseDocument {
    pub order_id: String,
    /// 1 for the order's first response, then 2, 3…
    pub sequence: i32,
    /// The seller's own number for the response (UBL `OrderResponse/ID`), unique within the
    /// order.
    pub response_number: String,
    pub issue_date: NaiveDate,
    pub response_code: ResponseCode,
    /// UNCL4343 code of `response_code`.
    pub response_code_uncl4343: String,
    pub note: Option<String>,
    /// The order change it answers (its `sequence_number`; 0: the order as placed).
    pub answers_change: i32,
    /// The line answers as sent; none for a whole-order answer.
    pub lines: Vec<ResponseLine>,
    /// Staff recorded it for the seller, sent this way.
    pub recorded_via: Option<crate::recording::RecordingChannel>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A buyer's order change as it was sent (UBL `OrderChange`, EDIFACT ORDCHG, X12 860). Edits
/// to a draft are not changes sent to anyone and are not kept as one.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "order_id": "0193a1b2-0000-7000-8000-0000000000b1", "sequence": 1, "change_number": "PO-2026-000123-C1",
    "issue_date": "2026-11-27", "note": "Add a line",
    "lines": [{"line_number": 2, "action": "add", "product_id": "0193a1b2-0000-7000-8000-0000000000a2",
        "quantity": "5", "unit": null, "unit_price_minor": 990, "price_base_quantity": null, "requested_delivery_date": null}],
    "created_by": "0193a1b2-0000-7000-8000-0000000000d1", "created_at": "2026-11-27T08:00:00Z"
}))]
pub struct OrderChangeDocument {
    pub order_id: String,
    /// The change's sequence number (UBL `SequenceNumberID`), increasing within the order.
    pub sequence: i32,
    /// The buyer's own number for the change (UBL `OrderChange/ID`), unique within the order.
    pub change_number: String,
    pub issue_date: NaiveDate,
    pub note: Option<String>,
    pub lines: Vec<ChangeLine>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A response or change names its own issue date: not before the order's (422 otherwise).
pub fn check_answer_issue_date(
    issue_date: NaiveDate,
    order_issue_date: NaiveDate,
) -> Result<(), Refusal> {
    if issue_date < order_issue_date {
        return Err(Refusal::invalid(
            "issue_date",
            format!("must not be before the order's issue date {order_issue_date}"),
        ));
    }
    Ok(())
}
