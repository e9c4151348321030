//! The rules of the order exchange, without a database: the order lifecycle and who may move it,
//! line amounts, order responses, order changes, despatch, receipt and three-way invoice
//! matching. Codes map one-to-one to the ordering standards (UNCL4343, UNCL1229, UNCL1001).

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::quantity::Quantity;
use crate::auth::policy::Party;
use crate::lifecycle::{self, Lifecycle};
use crate::refusal::{Code, FieldError, Refusal};
use crate::text_enum;

text_enum! {
    /// Seen from the host company: `purchase` (we buy from the counterparty) or `sales` (the
    /// counterparty buys from us).
    pub enum Direction {
        Purchase = "purchase",
        Sales = "sales",
    }
}

text_enum! {
    /// How goods count as supplied: when the customer `received` them (received − rejected, on
    /// the receipt's date) or when they were `despatched` (delivered quantity, on the despatch
    /// date).
    pub enum VolumeBasis {
        Received = "received",
        Despatched = "despatched",
    }
}

text_enum! {
    /// What a partner's contribution is counted from: `invoiced` (matched invoices, by issue
    /// date) or `ordered` (submitted orders not cancelled or rejected, by issue date).
    pub enum ValueBasis {
        Invoiced = "invoiced",
        Ordered = "ordered",
    }
}

text_enum! {
    /// UNCL1001 document type: `order` 220, `blanket` 221, `call_off` 226, `consignment` 227
    /// (a VMI withdrawal).
    pub enum OrderType {
        Order = "order",
        Blanket = "blanket",
        CallOff = "call_off",
        Consignment = "consignment",
    }
}

impl OrderType {
    pub fn uncl1001(self) -> &'static str {
        match self {
            OrderType::Order => "220",
            OrderType::Blanket => "221",
            OrderType::CallOff => "226",
            OrderType::Consignment => "227",
        }
    }
}

text_enum! {
    /// The PEPPOL BIS ordering process the buyer follows: `order_only` (orders, no electronic
    /// answer expected), `ordering` (orders and order responses), `advanced_ordering` (also
    /// order changes and cancellations). Written as the `ProfileID` of the order's documents.
    pub enum OrderProfile {
        OrderOnly = "order_only",
        Ordering = "ordering",
        AdvancedOrdering = "advanced_ordering",
    }
}

impl OrderProfile {
    /// The BIS 3 `ProfileID`.
    pub fn profile_id(self) -> String {
        format!("urn:fdc:peppol.eu:poacc:bis:{}:3", self.as_str())
    }

    /// The profile a BIS 3 `ProfileID` names.
    pub fn from_profile_id(id: &str) -> Option<OrderProfile> {
        id.trim()
            .strip_prefix("urn:fdc:peppol.eu:poacc:bis:")
            .and_then(|rest| rest.strip_suffix(":3"))
            .and_then(OrderProfile::parse)
    }
}

/// When the buyer wants the goods: a period (UBL `RequestedDeliveryPeriod`), either end open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"start_date": "2026-12-08", "end_date": "2026-12-10"}))]
pub struct DeliveryPeriod {
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

/// A requested delivery as the buyer gave it, checked: the period in order and not before the
/// issue date, the date (the day goods are due by, what lateness is measured against) inside
/// it, and defaulting to its end (or its start when open-ended). `at` prefixes the fields.
pub fn check_requested_delivery(
    at: &str,
    date: Option<NaiveDate>,
    period: Option<DeliveryPeriod>,
    issue_date: NaiveDate,
    errors: &mut Vec<FieldError>,
) -> (Option<NaiveDate>, Option<DeliveryPeriod>) {
    let field = |f: &str| format!("{at}{f}");
    check_not_before_issue(&field("requested_delivery_date"), date, issue_date, errors);
    let Some(p) = period else {
        return (date, None);
    };
    let pf = field("requested_delivery_period");
    if p.start_date.is_none() && p.end_date.is_none() {
        errors.push(FieldError::new(&pf, "give start_date, end_date or both"));
        return (date, None);
    }
    check_not_before_issue(
        &format!("{pf}.start_date"),
        p.start_date,
        issue_date,
        errors,
    );
    check_not_before_issue(&format!("{pf}.end_date"), p.end_date, issue_date, errors);
    if let (Some(s), Some(e)) = (p.start_date, p.end_date) {
        if e < s {
            errors.push(FieldError::new(
                format!("{pf}.end_date"),
                "must not be before start_date",
            ));
        }
    }
    let due = date.or(p.end_date).or(p.start_date);
    if let Some(d) = date {
        if p.start_date.is_some_and(|s| d < s) || p.end_date.is_some_and(|e| d > e) {
            errors.push(FieldError::new(
                field("requested_delivery_date"),
                "must lie within requested_delivery_period",
            ));
        }
    }
    (due, Some(p))
}

text_enum! {
    /// `draft → submitted → accepted | accepted_with_changes | rejected`, then
    /// `partially_despatched → despatched → partially_received → received → invoiced → closed`;
    /// `cancelled` while nothing has been despatched.
    pub enum OrderStatus {
        Draft = "draft",
        Submitted = "submitted",
        Accepted = "accepted",
        AcceptedWithChanges = "accepted_with_changes",
        Rejected = "rejected",
        PartiallyDespatched = "partially_despatched",
        Despatched = "despatched",
        PartiallyReceived = "partially_received",
        Received = "received",
        Invoiced = "invoiced",
        Closed = "closed",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// What can be done to an order; each is a POST (invoices go to `/invoices`).
    pub enum OrderAction {
        Submit = "submit",
        Change = "change",
        Cancel = "cancel",
        Respond = "respond",
        Despatch = "despatch",
        Receive = "receive",
        Invoice = "invoice",
        Close = "close",
    }
}

/// The two sides of a trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Buyer,
    Seller,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buyer => "buyer",
            Side::Seller => "seller",
        }
    }
}

/// The side a party plays: on a purchase order we buy, on a sales order the counterparty does.
pub fn side_of(direction: Direction, party: Party) -> Side {
    match (direction, party) {
        (Direction::Purchase, Party::Host) | (Direction::Sales, Party::Counterparty) => Side::Buyer,
        _ => Side::Seller,
    }
}

impl OrderAction {
    /// The buyer submits, changes, cancels, receives and closes; the seller responds, despatches
    /// and invoices.
    pub fn side(self) -> Side {
        match self {
            OrderAction::Submit
            | OrderAction::Change
            | OrderAction::Cancel
            | OrderAction::Receive
            | OrderAction::Close => Side::Buyer,
            OrderAction::Respond | OrderAction::Despatch | OrderAction::Invoice => Side::Seller,
        }
    }
}

/// What may be done to an order in each status.
impl Lifecycle for OrderStatus {
    type Action = OrderAction;
    const DOCUMENT: &'static str = "order";

    fn allowed_actions(self) -> &'static [OrderAction] {
        use OrderAction::*;
        use OrderStatus as S;
        match self {
            S::Draft => &[Submit, Change, Cancel],
            S::Submitted => &[Respond, Change, Cancel],
            // Changes and cancellations only before anything is despatched.
            S::Accepted | S::AcceptedWithChanges => &[Despatch, Change, Cancel, Invoice],
            S::PartiallyDespatched | S::PartiallyReceived => &[Despatch, Receive, Invoice],
            S::Despatched => &[Receive, Invoice],
            S::Received => &[Invoice, Close],
            S::Invoiced => &[Invoice, Close],
            S::Rejected | S::Closed | S::Cancelled => &[],
        }
    }
}

/// An action on an order is refused when the caller is on the wrong side (403) or the status
/// does not allow it now (409, naming the actions that are possible).
pub fn check_action(status: OrderStatus, action: OrderAction, side: Side) -> Result<(), Refusal> {
    if action.side() != side {
        return Err(Refusal::WrongParty(format!(
            "only the {} side may {} this order",
            action.side().as_str(),
            action.as_str()
        )));
    }
    lifecycle::check(status, action)
}

/// The buyer places an order: we place purchase orders, customers place sales orders.
pub fn check_placed_by_buyer(direction: Direction, side: Side) -> Result<(), Refusal> {
    if side == Side::Buyer {
        return Ok(());
    }
    Err(Refusal::WrongParty(match direction {
        Direction::Purchase => "a purchase order is placed by us, the buyer".into(),
        Direction::Sales => "a sales order is placed by the customer, the buyer".into(),
    }))
}

/// A date on a document (a delivery date, an invoice's due date) cannot come before the day
/// the document is issued.
pub fn check_not_before_issue(
    field: &str,
    date: Option<NaiveDate>,
    issue_date: NaiveDate,
    errors: &mut Vec<FieldError>,
) {
    if date.is_some_and(|d| d < issue_date) {
        errors.push(FieldError::new(field, "must not be before the issue date"));
    }
}

mod agreed;
mod change;
mod despatch;
mod documents;
mod exchanges;
mod invoice;
mod item;
mod lines;
mod money;
mod receipt;
mod response;
mod supplier;
mod terms;

pub use agreed::*;
pub use change::*;
pub use despatch::*;
pub use documents::*;
pub use exchanges::*;
pub use invoice::*;
pub use item::*;
pub use lines::*;
pub use money::*;
pub use receipt::*;
pub use response::*;
pub use supplier::*;
pub use terms::*;

#[cfg(test)]
mod tests;
