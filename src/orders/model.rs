//! The rules of the order exchange, without a database: the order lifecycle and who may move it,
//! line amounts, order responses, order changes, despatch, receipt and three-way invoice
//! matching. Codes map one-to-one to the ordering standards (UNCL4343, UNCL1229, UNCL1001).

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::quantity::Quantity;
use crate::auth::policy::Party;
use crate::refusal::{FieldError, Refusal};
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
pub fn allowed_actions(status: OrderStatus) -> &'static [OrderAction] {
    use OrderAction::*;
    use OrderStatus as S;
    match status {
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
    if allowed_actions(status).contains(&action) {
        Ok(())
    } else {
        Err(Refusal::not_allowed(
            "order",
            status.as_str(),
            action.as_str(),
            allowed_actions(status).iter().map(|a| a.as_str()),
        ))
    }
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

// ---- money --------------------------------------------------------------------------------

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
pub fn document_total(amounts: impl IntoIterator<Item = i64>) -> Result<i64, String> {
    let total: i128 = amounts.into_iter().map(i128::from).sum();
    if total > i128::from(MAX_AMOUNT_MINOR) {
        Err("document total is too large".into())
    } else {
        Ok(total as i64)
    }
}

/// True when two prices per base quantity are the same price.
pub fn same_price(a: (i64, Quantity), b: (i64, Quantity)) -> bool {
    i128::from(a.0) * i128::from(b.1.milli()) == i128::from(b.0) * i128::from(a.1.milli())
}

// ---- order lines ----------------------------------------------------------------------------

text_enum! {
    /// Where a line stands with the seller: `open` (awaiting an answer), `accepted`, `changed`,
    /// `rejected`, or `deleted` by an order change.
    pub enum LineStatus {
        Open = "open",
        Accepted = "accepted",
        Changed = "changed",
        Rejected = "rejected",
        Deleted = "deleted",
    }
}

/// One delivery the seller has promised for a line (a line split in an order response).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScheduledDelivery {
    pub quantity: Quantity,
    pub delivery_date: Option<NaiveDate>,
}

/// A line's quantities as the documents have moved them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineState {
    pub line_number: i32,
    pub status: Option<LineStatus>,
    /// The line's unit counts whole things (`EA`, `CS`): no document may move a fraction of one.
    pub whole_units: bool,
    pub ordered: Quantity,
    pub requested_delivery_date: Option<NaiveDate>,
    pub unit_price_minor: i64,
    pub price_base: Quantity,
    /// What the seller agreed to deliver; `None` until it answers.
    pub confirmed: Option<Quantity>,
    pub despatched: Quantity,
    /// Despatch advices said these will never come.
    pub closed_short: Quantity,
    /// Physically received, including rejected and oversupplied goods.
    pub received: Quantity,
    pub rejected: Quantity,
    /// Despatched but missing at receipt.
    pub short: Quantity,
    pub oversupply: Quantity,
    /// Invoiced on matched invoices.
    pub invoiced: Quantity,
}

/// Refuses a fraction of a unit that counts whole things.
fn check_whole(
    field: String,
    q: Quantity,
    whole_units: bool,
    errors: &mut Vec<FieldError>,
) -> bool {
    if whole_units && !q.is_whole() {
        errors.push(FieldError::new(
            field,
            "this line's unit is counted in whole numbers",
        ));
        false
    } else {
        true
    }
}

impl LineState {
    pub fn is_active(&self) -> bool {
        self.status != Some(LineStatus::Deleted)
    }

    /// Still to be despatched: confirmed − despatched − closed short.
    pub fn open(&self) -> Quantity {
        self.confirmed
            .unwrap_or(Quantity::ZERO)
            .saturating_sub(self.despatched + self.closed_short)
    }

    /// Received and kept: what an invoice may charge for.
    pub fn accepted(&self) -> Quantity {
        self.received.saturating_sub(self.rejected)
    }

    /// Despatched, not yet answered by a goods receipt.
    pub fn in_transit(&self) -> Quantity {
        self.despatched
            .saturating_sub(self.received.saturating_sub(self.oversupply) + self.short)
    }
}

/// The order's status once despatches and receipts have moved its lines.
pub fn progress_status(
    current: OrderStatus,
    lines: &[LineState],
    despatches: usize,
    receipts: usize,
) -> OrderStatus {
    let nothing_open = lines.iter().all(|l| l.open().is_zero());
    let nothing_in_transit = lines.iter().all(|l| l.in_transit().is_zero());
    if receipts > 0 {
        if nothing_open && nothing_in_transit && receipts == despatches {
            OrderStatus::Received
        } else {
            OrderStatus::PartiallyReceived
        }
    } else if despatches > 0 {
        if nothing_open {
            OrderStatus::Despatched
        } else {
            OrderStatus::PartiallyDespatched
        }
    } else {
        current
    }
}

/// After a matched invoice: `invoiced` once everything received and kept has been invoiced.
pub fn invoiced_status(current: OrderStatus, lines: &[LineState]) -> OrderStatus {
    let all_invoiced = lines
        .iter()
        .filter(|l| l.is_active())
        .all(|l| l.invoiced >= l.accepted());
    if current == OrderStatus::Received && all_invoiced {
        OrderStatus::Invoiced
    } else {
        current
    }
}

/// A line's price terms and quantity as a buyer asks for them, checked against its product.
#[derive(Debug, Clone)]
pub struct LineTerms {
    pub quantity: Quantity,
    pub unit: String,
    pub base_unit: String,
    pub unit_price_minor: i64,
    pub price_base: Quantity,
    pub allowance_minor: i64,
    pub charge_minor: i64,
}

/// Checks a line's terms; answers its amount. `at` prefixes field names (`lines[2]`).
pub fn check_line_terms(at: &str, t: &LineTerms, errors: &mut Vec<FieldError>) -> Option<i64> {
    let before = errors.len();
    match crate::standards::unit_of_measure(&t.unit) {
        Err(m) => errors.push(FieldError::new(format!("{at}.unit"), m)),
        Ok(u) => {
            if t.unit != t.base_unit {
                errors.push(FieldError::new(
                    format!("{at}.unit"),
                    format!(
                        "must be the product's base unit {} (no conversion between units is defined)",
                        t.base_unit
                    ),
                ));
            } else if u.whole_numbers_only && !t.quantity.is_whole() {
                errors.push(FieldError::new(
                    format!("{at}.quantity"),
                    format!("{} ({}) is counted in whole numbers", u.code, u.name),
                ));
            }
        }
    }
    if t.quantity.is_zero() {
        errors.push(FieldError::new(
            format!("{at}.quantity"),
            "must be more than 0",
        ));
    }
    if t.unit_price_minor < 0 {
        errors.push(FieldError::new(
            format!("{at}.unit_price_minor"),
            "must not be negative",
        ));
    }
    if t.unit_price_minor > MAX_AMOUNT_MINOR {
        errors.push(FieldError::new(
            format!("{at}.unit_price_minor"),
            "is too large",
        ));
    }
    if t.price_base.is_zero() {
        errors.push(FieldError::new(
            format!("{at}.price_base_quantity"),
            "must be more than 0",
        ));
    }
    for (field, v) in [
        ("allowance_minor", t.allowance_minor),
        ("charge_minor", t.charge_minor),
    ] {
        if !(0..=MAX_AMOUNT_MINOR).contains(&v) {
            errors.push(FieldError::new(
                format!("{at}.{field}"),
                "must be between 0 and 10^15",
            ));
        }
    }
    if errors.len() > before {
        return None;
    }
    match line_amount(
        t.quantity,
        t.unit_price_minor,
        t.price_base,
        t.allowance_minor,
        t.charge_minor,
    ) {
        Ok(a) => Some(a),
        Err(m) => {
            errors.push(FieldError::new(format!("{at}.line_amount_minor"), m));
            None
        }
    }
}

/// Line numbers are 1…9999 and unique within a document.
pub fn check_line_numbers(
    numbers: impl IntoIterator<Item = (String, i32)>,
    errors: &mut Vec<FieldError>,
) {
    let mut seen = HashSet::new();
    for (at, n) in numbers {
        if !(1..=9999).contains(&n) {
            errors.push(FieldError::new(
                format!("{at}.line_number"),
                "must be 1 to 9999",
            ));
        } else if !seen.insert(n) {
            errors.push(FieldError::new(
                format!("{at}.line_number"),
                format!("line {n} appears twice"),
            ));
        }
    }
}

// ---- order response (ORDRSP / 855) ----------------------------------------------------------

text_enum! {
    /// UNCL4343: `acknowledged` AB (received, a real answer follows; no lines), `accepted` AP
    /// (as ordered; no lines), `accepted_with_changes` CA (must carry every line), `rejected` RE
    /// (no lines).
    pub enum ResponseCode {
        Acknowledged = "acknowledged",
        Accepted = "accepted",
        AcceptedWithChanges = "accepted_with_changes",
        Rejected = "rejected",
    }
}

impl ResponseCode {
    pub fn uncl4343(self) -> &'static str {
        match self {
            ResponseCode::Acknowledged => "AB",
            ResponseCode::Accepted => "AP",
            ResponseCode::AcceptedWithChanges => "CA",
            ResponseCode::Rejected => "RE",
        }
    }
}

text_enum! {
    /// UNCL1229 per-line answer: `accepted` 5, `changed` 3, `rejected` 7, `added` 1,
    /// `already_delivered` 42. This service takes the first three; the others are answered 422.
    pub enum ResponseLineStatus {
        Accepted = "accepted",
        Changed = "changed",
        Rejected = "rejected",
        Added = "added",
        AlreadyDelivered = "already_delivered",
    }
}

impl ResponseLineStatus {
    pub fn uncl1229(self) -> &'static str {
        match self {
            ResponseLineStatus::Accepted => "5",
            ResponseLineStatus::Changed => "3",
            ResponseLineStatus::Rejected => "7",
            ResponseLineStatus::Added => "1",
            ResponseLineStatus::AlreadyDelivered => "42",
        }
    }
}

/// One answer to one order line. A line split into several deliveries gets several entries with
/// the same `line_number`, each `changed`, with its quantity and date.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseLine {
    pub line_number: i32,
    pub status: ResponseLineStatus,
    /// For `changed`: the quantity this entry confirms (defaults to the ordered quantity).
    pub quantity: Option<Quantity>,
    /// For `changed`: the promised delivery date.
    pub delivery_date: Option<NaiveDate>,
}

/// What a response does to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAnswer {
    pub line_number: i32,
    pub status: LineStatus,
    pub confirmed: Quantity,
    pub schedule: Vec<ScheduledDelivery>,
}

/// Reads a seller's response against the order's lines: the order's new status and each line's
/// answer. The order's status follows from its lines.
pub fn apply_response(
    lines: &[LineState],
    code: ResponseCode,
    answers: &[ResponseLine],
) -> Result<(OrderStatus, Vec<LineAnswer>), Vec<FieldError>> {
    let active: Vec<&LineState> = lines.iter().filter(|l| l.is_active()).collect();
    let whole = |status: LineStatus, zero: bool| {
        active
            .iter()
            .map(|l| LineAnswer {
                line_number: l.line_number,
                status,
                confirmed: if zero { Quantity::ZERO } else { l.ordered },
                schedule: vec![],
            })
            .collect::<Vec<_>>()
    };
    let no_lines = || {
        if answers.is_empty() {
            Ok(())
        } else {
            Err(vec![FieldError::new(
                "lines",
                format!(
                    "a response `{}` carries no lines; answer line by line with `accepted_with_changes`",
                    code.as_str()
                ),
            )])
        }
    };
    match code {
        ResponseCode::Acknowledged => {
            no_lines()?;
            Ok((OrderStatus::Submitted, vec![]))
        }
        ResponseCode::Accepted => {
            no_lines()?;
            Ok((OrderStatus::Accepted, whole(LineStatus::Accepted, false)))
        }
        ResponseCode::Rejected => {
            no_lines()?;
            Ok((OrderStatus::Rejected, whole(LineStatus::Rejected, true)))
        }
        ResponseCode::AcceptedWithChanges => line_by_line(&active, answers),
    }
}

fn line_by_line(
    active: &[&LineState],
    answers: &[ResponseLine],
) -> Result<(OrderStatus, Vec<LineAnswer>), Vec<FieldError>> {
    let mut e = vec![];
    let mut by_line: BTreeMap<i32, Vec<(usize, &ResponseLine)>> = BTreeMap::new();
    for (i, a) in answers.iter().enumerate() {
        let at = format!("lines[{i}]");
        if matches!(
            a.status,
            ResponseLineStatus::Added | ResponseLineStatus::AlreadyDelivered
        ) {
            e.push(FieldError::new(
                format!("{at}.status"),
                "`added` and `already_delivered` are not taken by this service; answer accepted, changed or rejected",
            ));
        } else if !active.iter().any(|l| l.line_number == a.line_number) {
            e.push(FieldError::new(
                format!("{at}.line_number"),
                format!("the order has no open line {}", a.line_number),
            ));
        } else {
            by_line.entry(a.line_number).or_default().push((i, a));
        }
    }
    let mut out = vec![];
    for line in active {
        let Some(entries) = by_line.get(&line.line_number) else {
            e.push(FieldError::new(
                "lines",
                format!(
                    "`accepted_with_changes` must answer every line; line {} is missing",
                    line.line_number
                ),
            ));
            continue;
        };
        if let Some(answer) = answer_line(line, entries, &mut e) {
            out.push(answer);
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    if out.iter().all(|a| a.status == LineStatus::Rejected) {
        return Ok((OrderStatus::Rejected, out));
    }
    if out.iter().all(|a| a.status == LineStatus::Accepted) {
        return Err(vec![FieldError::new(
            "response_code",
            "every line is accepted as ordered: answer `accepted` without lines",
        )]);
    }
    Ok((OrderStatus::AcceptedWithChanges, out))
}

fn answer_line(
    line: &LineState,
    entries: &[(usize, &ResponseLine)],
    e: &mut Vec<FieldError>,
) -> Option<LineAnswer> {
    let (first_i, first) = entries[0];
    let at = |i: usize, f: &str| format!("lines[{i}].{f}");
    if entries.len() > 1
        && entries
            .iter()
            .any(|(_, a)| a.status != ResponseLineStatus::Changed)
    {
        e.push(FieldError::new(
            at(first_i, "status"),
            format!(
                "line {} has several entries: a split delivery is several `changed` entries",
                line.line_number
            ),
        ));
        return None;
    }
    match first.status {
        ResponseLineStatus::Rejected | ResponseLineStatus::Accepted => {
            let rejected = first.status == ResponseLineStatus::Rejected;
            if first
                .quantity
                .is_some_and(|q| rejected || q != line.ordered)
                || (first.delivery_date.is_some()
                    && first.delivery_date != line.requested_delivery_date)
            {
                e.push(FieldError::new(
                    at(first_i, "status"),
                    "a quantity or date other than ordered is a `changed` line",
                ));
                return None;
            }
            Some(LineAnswer {
                line_number: line.line_number,
                status: if rejected {
                    LineStatus::Rejected
                } else {
                    LineStatus::Accepted
                },
                confirmed: if rejected {
                    Quantity::ZERO
                } else {
                    line.ordered
                },
                schedule: vec![],
            })
        }
        _ => {
            let mut schedule = vec![];
            for (i, a) in entries {
                let q = a.quantity.unwrap_or(line.ordered);
                if !check_whole(at(*i, "quantity"), q, line.whole_units, e) {
                    return None;
                }
                if q.is_zero() {
                    e.push(FieldError::new(
                        at(*i, "quantity"),
                        "must be more than 0 (reject the line instead)",
                    ));
                    return None;
                }
                schedule.push(ScheduledDelivery {
                    quantity: q,
                    delivery_date: a.delivery_date.or(line.requested_delivery_date),
                });
            }
            let confirmed: Quantity = schedule.iter().map(|s| s.quantity).sum();
            if schedule.len() == 1
                && confirmed == line.ordered
                && schedule[0].delivery_date == line.requested_delivery_date
            {
                e.push(FieldError::new(
                    at(first_i, "status"),
                    "nothing changed on this line: answer it `accepted`",
                ));
                return None;
            }
            Some(LineAnswer {
                line_number: line.line_number,
                status: LineStatus::Changed,
                confirmed,
                schedule,
            })
        }
    }
}

// ---- order change (ORDCHG / 860) -------------------------------------------------------------

text_enum! {
    /// UNCL1229 per-line action in an order change: `add` 1, `delete` 2, `change` 3,
    /// `no_action` 4, `reopen` 74 (bring back a deleted line).
    pub enum ChangeAction {
        Add = "add",
        Delete = "delete",
        Change = "change",
        NoAction = "no_action",
        Reopen = "reopen",
    }
}

impl ChangeAction {
    pub fn uncl1229(self) -> &'static str {
        match self {
            ChangeAction::Add => "1",
            ChangeAction::Delete => "2",
            ChangeAction::Change => "3",
            ChangeAction::NoAction => "4",
            ChangeAction::Reopen => "74",
        }
    }
}

/// The order's status after a change: drafts stay drafts; a submitted or accepted order goes
/// back to `submitted`, because a change is a request the seller answers with a new response.
pub fn status_after_change(current: OrderStatus) -> OrderStatus {
    if current == OrderStatus::Draft {
        OrderStatus::Draft
    } else {
        OrderStatus::Submitted
    }
}

/// Order changes carry a sequence number that must increase (drafts need none).
pub fn check_change_sequence(
    status: OrderStatus,
    current: i32,
    proposed: Option<i32>,
) -> Result<i32, FieldError> {
    match (status, proposed) {
        (OrderStatus::Draft, None) => Ok(current),
        (_, None) => Err(FieldError::new(
            "sequence_number",
            format!("an order change needs a sequence number above {current}"),
        )),
        (_, Some(n)) if n <= current => Err(FieldError::new(
            "sequence_number",
            format!("must be above the last change's sequence number {current}"),
        )),
        (_, Some(n)) => Ok(n),
    }
}

// ---- despatch advice (DESADV / 856) -----------------------------------------------------------

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DespatchLineInput {
    pub line_number: i32,
    /// Delivered now.
    pub quantity: Quantity,
    /// Still to come later; defaults to everything not delivered. Whatever is neither delivered
    /// nor outstanding will never come (the line is closed short).
    pub outstanding_quantity: Option<Quantity>,
    /// Required when anything on the line stays undelivered.
    pub outstanding_reason: Option<String>,
}

/// What a despatch does to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DespatchEffect {
    pub line_number: i32,
    pub delivered: Quantity,
    pub outstanding: Quantity,
    pub closed_short: Quantity,
    pub reason: Option<String>,
}

pub fn plan_despatch(
    lines: &[LineState],
    input: &[DespatchLineInput],
) -> Result<Vec<DespatchEffect>, Vec<FieldError>> {
    let mut e = vec![];
    if input.is_empty() {
        return Err(vec![FieldError::new(
            "lines",
            "a despatch advice needs at least one line",
        )]);
    }
    check_line_numbers(
        input
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("lines[{i}]"), l.line_number)),
        &mut e,
    );
    let mut out = vec![];
    for (i, d) in input.iter().enumerate() {
        let at = |f: &str| format!("lines[{i}].{f}");
        let Some(line) = lines
            .iter()
            .find(|l| l.line_number == d.line_number && l.is_active())
        else {
            e.push(FieldError::new(
                at("line_number"),
                format!("the order has no line {}", d.line_number),
            ));
            continue;
        };
        let whole = check_whole(at("quantity"), d.quantity, line.whole_units, &mut e)
            && d.outstanding_quantity.is_none_or(|o| {
                check_whole(at("outstanding_quantity"), o, line.whole_units, &mut e)
            });
        if !whole {
            continue;
        }
        let open = line.open();
        if d.quantity > open {
            e.push(FieldError::new(
                at("quantity"),
                format!("exceeds the open quantity {open} of line {}", d.line_number),
            ));
            continue;
        }
        let rest = open - d.quantity;
        let outstanding = d.outstanding_quantity.unwrap_or(rest);
        if outstanding > rest {
            e.push(FieldError::new(
                at("outstanding_quantity"),
                format!("at most {rest} remains after this despatch"),
            ));
            continue;
        }
        let reason = d
            .outstanding_reason
            .as_ref()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if !rest.is_zero() && reason.is_none() {
            e.push(FieldError::new(
                at("outstanding_reason"),
                format!(
                    "{rest} of line {} stays undelivered: say why",
                    d.line_number
                ),
            ));
            continue;
        }
        if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
            e.push(FieldError::new(
                at("outstanding_reason"),
                "must be at most 500 characters",
            ));
            continue;
        }
        out.push(DespatchEffect {
            line_number: d.line_number,
            delivered: d.quantity,
            outstanding,
            closed_short: rest - outstanding,
            reason,
        });
    }
    if e.is_empty() && out.iter().all(|d| d.delivered.is_zero()) {
        e.push(FieldError::new(
            "lines",
            "a despatch advice must deliver something",
        ));
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}

// ---- goods receipt (RECADV / 861) -------------------------------------------------------------

text_enum! {
    /// Why received goods differ from the despatch advice.
    pub enum DiscrepancyReason {
        Damaged = "damaged",
        WrongProduct = "wrong_product",
        QualityDefect = "quality_defect",
        Expired = "expired",
        ShortDelivery = "short_delivery",
        Oversupply = "oversupply",
        Other = "other",
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLineInput {
    pub line_number: i32,
    /// Everything that arrived, including rejected and oversupplied goods.
    pub received_quantity: Quantity,
    /// Part of the received quantity refused (defaults to 0).
    pub rejected_quantity: Option<Quantity>,
    /// Part of the received quantity beyond what was despatched (defaults to 0).
    pub oversupply_quantity: Option<Quantity>,
    /// Required when anything is rejected, short or oversupplied.
    pub discrepancy_reason: Option<DiscrepancyReason>,
    pub discrepancy_note: Option<String>,
}

/// What a receipt does to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptEffect {
    pub line_number: i32,
    pub received: Quantity,
    pub rejected: Quantity,
    pub short: Quantity,
    pub oversupply: Quantity,
    pub reason: Option<DiscrepancyReason>,
    pub note: Option<String>,
}

/// A goods receipt answers every line of the despatch it receives: `despatched` holds
/// `(line_number, delivered, whole_units)` of that despatch advice.
pub fn plan_receipt(
    despatched: &[(i32, Quantity, bool)],
    input: &[ReceiptLineInput],
) -> Result<Vec<ReceiptEffect>, Vec<FieldError>> {
    let mut e = vec![];
    check_line_numbers(
        input
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("lines[{i}]"), l.line_number)),
        &mut e,
    );
    for (n, _, _) in despatched {
        if !input.iter().any(|l| l.line_number == *n) {
            e.push(FieldError::new(
                "lines",
                format!("a goods receipt answers every despatched line; line {n} is missing"),
            ));
        }
    }
    let mut out = vec![];
    for (i, r) in input.iter().enumerate() {
        let at = |f: &str| format!("lines[{i}].{f}");
        let Some((_, sent, whole_units)) = despatched.iter().find(|(n, _, _)| *n == r.line_number)
        else {
            e.push(FieldError::new(
                at("line_number"),
                format!("the despatch advice has no line {}", r.line_number),
            ));
            continue;
        };
        let rejected = r.rejected_quantity.unwrap_or_default();
        let oversupply = r.oversupply_quantity.unwrap_or_default();
        let whole = [
            ("received_quantity", r.received_quantity),
            ("rejected_quantity", rejected),
            ("oversupply_quantity", oversupply),
        ]
        .into_iter()
        .all(|(f, q)| check_whole(at(f), q, *whole_units, &mut e));
        if !whole {
            continue;
        }
        if rejected > r.received_quantity {
            e.push(FieldError::new(
                at("rejected_quantity"),
                "cannot exceed the received quantity",
            ));
            continue;
        }
        if oversupply > r.received_quantity {
            e.push(FieldError::new(
                at("oversupply_quantity"),
                "cannot exceed the received quantity",
            ));
            continue;
        }
        let counted = r.received_quantity - oversupply;
        if counted > *sent {
            e.push(FieldError::new(
                at("received_quantity"),
                format!(
                    "{} despatched on line {}: report the {} above it as oversupply_quantity",
                    sent,
                    r.line_number,
                    counted - *sent
                ),
            ));
            continue;
        }
        let short = *sent - counted;
        let discrepancy = !rejected.is_zero() || !short.is_zero() || !oversupply.is_zero();
        if discrepancy && r.discrepancy_reason.is_none() {
            e.push(FieldError::new(
                at("discrepancy_reason"),
                "required when goods are rejected, short or oversupplied",
            ));
            continue;
        }
        let note = r
            .discrepancy_note
            .as_ref()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > 500) {
            e.push(FieldError::new(
                at("discrepancy_note"),
                "must be at most 500 characters",
            ));
            continue;
        }
        out.push(ReceiptEffect {
            line_number: r.line_number,
            received: r.received_quantity,
            rejected,
            short,
            oversupply,
            reason: r.discrepancy_reason,
            note,
        });
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}

// ---- invoice matching (INVOIC / 810) --------------------------------------------------------

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

/// Three-way match of an invoice's lines against the order (price) and the receipts (quantity
/// received − rejected, less what matched invoices already charged).
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
        if !same_price(
            (l.unit_price_minor, base),
            (line.unit_price_minor, line.price_base),
        ) {
            out.push(MatchException {
                line_number: l.line_number,
                reason: MatchReason::Pri,
                detail: format!(
                    "invoiced {} per {}, agreed {} per {}",
                    l.unit_price_minor, base, line.unit_price_minor, line.price_base
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

// ---- the documents as clients see them ----------------------------------------------------

/// An order line with every quantity the documents have moved. They always add up:
/// `confirmed = despatched + closed_short + open` and
/// `despatched = received − oversupply + short + in_transit`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OrderLine {
    pub line_number: i32,
    pub product_id: String,
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
    /// The specification version the line is bought to (UBL `ItemSpecificationDocumentReference`).
    pub specification_ref: Option<String>,
    /// What the seller agreed to deliver; absent until it answers.
    pub confirmed_quantity: Option<Quantity>,
    /// The seller's promised deliveries when it changed or split the line.
    pub delivery_schedule: Vec<ScheduledDelivery>,
    pub despatched_quantity: Quantity,
    pub closed_short_quantity: Quantity,
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
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000b1", "number": "PO-2026-000123", "direction": "purchase",
    "order_type": "order", "order_type_code": "220", "counterparty_id": "0193a1b2-0000-7000-8000-0000000000c1",
    "status": "submitted", "currency": "EUR", "currency_exponent": 2, "buyer_reference": "DC-NORTH-42",
    "issue_date": "2026-11-25", "requested_delivery_date": "2026-12-10", "delivery_gln": null, "note": null,
    "change_sequence": 0, "response_code": null, "response_code_uncl4343": null, "response_note": null, "total_minor": 125000,
    "lines": [{"line_number": 1, "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "status": "open",
        "quantity": "100", "unit": "EA", "unit_price_minor": 1250, "price_base_quantity": "1",
        "allowance_minor": 0, "charge_minor": 0, "line_amount_minor": 125000,
        "requested_delivery_date": "2026-12-10", "specification_ref": null, "confirmed_quantity": null,
        "delivery_schedule": [], "despatched_quantity": "0", "closed_short_quantity": "0", "open_quantity": "0",
        "in_transit_quantity": "0", "received_quantity": "0", "rejected_quantity": "0", "short_quantity": "0",
        "oversupply_quantity": "0", "accepted_quantity": "0", "invoiced_quantity": "0"}],
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
    /// The buyer's own reference (UBL `CustomerReference`).
    pub buyer_reference: Option<String>,
    pub issue_date: NaiveDate,
    pub requested_delivery_date: Option<NaiveDate>,
    /// GLN of the delivery location.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_dates_do_not_come_before_the_issue_date() {
        let issued = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        let mut e = vec![];
        check_not_before_issue("due_date", issued.pred_opt(), issued, &mut e);
        check_not_before_issue("requested_delivery_date", Some(issued), issued, &mut e);
        check_not_before_issue("lines[0].requested_delivery_date", None, issued, &mut e);
        assert_eq!(
            e,
            vec![FieldError::new(
                "due_date",
                "must not be before the issue date"
            )]
        );
    }

    fn q(n: i64) -> Quantity {
        Quantity::units(n)
    }

    fn line(n: i32, ordered: i64) -> LineState {
        LineState {
            line_number: n,
            status: Some(LineStatus::Open),
            ordered: q(ordered),
            unit_price_minor: 1250,
            price_base: q(1),
            ..Default::default()
        }
    }

    fn confirmed(n: i32, qty: i64) -> LineState {
        LineState {
            confirmed: Some(q(qty)),
            status: Some(LineStatus::Accepted),
            ..line(n, qty)
        }
    }

    #[test]
    fn only_the_right_side_acts_and_only_when_the_status_allows() {
        use OrderAction::*;
        assert!(check_action(OrderStatus::Draft, Submit, Side::Buyer).is_ok());
        assert_eq!(
            check_action(OrderStatus::Submitted, Respond, Side::Buyer),
            Err(Refusal::WrongParty(
                "only the seller side may respond this order".into()
            ))
        );
        assert!(check_action(OrderStatus::Submitted, Respond, Side::Seller).is_ok());
        assert_eq!(
            check_action(OrderStatus::Despatched, Cancel, Side::Buyer),
            Err(Refusal::not_allowed(
                "order",
                "despatched",
                "cancel",
                ["receive", "invoice"]
            ))
        );
        assert!(check_action(OrderStatus::PartiallyDespatched, Cancel, Side::Buyer).is_err());
        assert!(check_action(OrderStatus::Accepted, Cancel, Side::Buyer).is_ok());
        assert!(check_action(OrderStatus::Cancelled, Despatch, Side::Seller).is_err());
        assert!(check_action(OrderStatus::Rejected, Change, Side::Buyer).is_err());
        assert!(check_action(OrderStatus::Received, Close, Side::Buyer).is_ok());
        assert!(allowed_actions(OrderStatus::Closed).is_empty());
    }

    #[test]
    fn sides_follow_direction() {
        assert_eq!(side_of(Direction::Purchase, Party::Host), Side::Buyer);
        assert_eq!(
            side_of(Direction::Purchase, Party::Counterparty),
            Side::Seller
        );
        assert_eq!(side_of(Direction::Sales, Party::Host), Side::Seller);
        assert_eq!(side_of(Direction::Sales, Party::Counterparty), Side::Buyer);
    }

    #[test]
    fn line_amounts_round_half_up_on_price_per_base_quantity() {
        assert_eq!(line_amount(q(10), 1250, q(1), 0, 0), Ok(12_500));
        // 0.1234 EUR a piece held as 1234 cents per 100 pieces: 3 pieces = 0.3702 → 0.37.
        assert_eq!(line_amount(q(3), 1234, q(100), 0, 0), Ok(37));
        // 2.5 kg at 0.99 → 2.475 → 2.48 (half up).
        assert_eq!(line_amount(Quantity(2_500), 99, q(1), 0, 0), Ok(248));
        assert_eq!(line_amount(q(1), 1000, q(1), 100, 50), Ok(950));
        assert!(line_amount(q(1), 100, q(1), 101, 0).is_err());
        assert!(line_amount(super::super::quantity::MAX, MAX_AMOUNT_MINOR, q(1), 0, 0).is_err());
        assert!(same_price((1234, q(100)), (12_340, q(1000))));
        assert!(!same_price((1250, q(1)), (1200, q(1))));
    }

    #[test]
    fn line_terms_check_units_and_precision() {
        let terms = LineTerms {
            quantity: Quantity(2_500),
            unit: "EA".into(),
            base_unit: "EA".into(),
            unit_price_minor: 100,
            price_base: q(1),
            allowance_minor: 0,
            charge_minor: 0,
        };
        let mut e = vec![];
        assert_eq!(check_line_terms("lines[0]", &terms, &mut e), None);
        assert_eq!(e[0].field, "lines[0].quantity");
        let mut e = vec![];
        let kg = LineTerms {
            unit: "KGM".into(),
            base_unit: "KGM".into(),
            ..terms.clone()
        };
        assert_eq!(check_line_terms("lines[0]", &kg, &mut e), Some(250));
        let mut e = vec![];
        let wrong = LineTerms {
            unit: "CS".into(),
            quantity: q(1),
            ..terms.clone()
        };
        check_line_terms("lines[1]", &wrong, &mut e);
        assert_eq!(e[0].field, "lines[1].unit");
        let mut e = vec![];
        let neg = LineTerms {
            unit_price_minor: -1,
            quantity: Quantity::ZERO,
            ..terms
        };
        check_line_terms("lines[2]", &neg, &mut e);
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn whole_responses_carry_no_lines() {
        let lines = vec![line(1, 10), line(2, 5)];
        let (s, a) = apply_response(&lines, ResponseCode::Accepted, &[]).unwrap();
        assert_eq!(s, OrderStatus::Accepted);
        assert_eq!(a[1].confirmed, q(5));
        let (s, a) = apply_response(&lines, ResponseCode::Rejected, &[]).unwrap();
        assert_eq!(s, OrderStatus::Rejected);
        assert!(a.iter().all(|x| x.confirmed.is_zero()));
        let (s, a) = apply_response(&lines, ResponseCode::Acknowledged, &[]).unwrap();
        assert_eq!((s, a.len()), (OrderStatus::Submitted, 0));
        let one = ResponseLine {
            line_number: 1,
            status: ResponseLineStatus::Accepted,
            quantity: None,
            delivery_date: None,
        };
        assert!(apply_response(&lines, ResponseCode::Accepted, &[one]).is_err());
    }

    fn answer(
        n: i32,
        status: ResponseLineStatus,
        qty: Option<i64>,
        day: Option<u32>,
    ) -> ResponseLine {
        ResponseLine {
            line_number: n,
            status,
            quantity: qty.map(q),
            delivery_date: day.map(|d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap()),
        }
    }

    #[test]
    fn line_by_line_answers_split_change_and_reject() {
        use ResponseLineStatus::*;
        let lines = vec![line(1, 30), line(2, 5), line(3, 7)];
        let (s, a) = apply_response(
            &lines,
            ResponseCode::AcceptedWithChanges,
            &[
                answer(1, Changed, Some(18), Some(1)),
                answer(1, Changed, Some(12), Some(28)),
                answer(2, Rejected, None, None),
                answer(3, Accepted, None, None),
            ],
        )
        .unwrap();
        assert_eq!(s, OrderStatus::AcceptedWithChanges);
        assert_eq!(a[0].confirmed, q(30));
        assert_eq!(a[0].schedule.len(), 2);
        assert_eq!(a[1].status, LineStatus::Rejected);
        assert_eq!(a[2].confirmed, q(7));
        // Every line must be answered.
        let e = apply_response(
            &lines,
            ResponseCode::AcceptedWithChanges,
            &[answer(1, Accepted, None, None)],
        )
        .unwrap_err();
        assert!(e.iter().all(|f| f.field == "lines"));
        // All rejected line by line is a rejection.
        let (s, _) = apply_response(
            &lines,
            ResponseCode::AcceptedWithChanges,
            &[
                answer(1, Rejected, None, None),
                answer(2, Rejected, None, None),
                answer(3, Rejected, None, None),
            ],
        )
        .unwrap();
        assert_eq!(s, OrderStatus::Rejected);
        // Accepted with another quantity is really a change; unsupported codes are refused.
        let e = apply_response(
            &lines,
            ResponseCode::AcceptedWithChanges,
            &[
                answer(1, Accepted, Some(3), None),
                answer(2, Added, None, None),
                answer(3, Changed, Some(0), None),
            ],
        )
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert!(fields.contains(&"lines[0].status"));
        assert!(fields.contains(&"lines[1].status"));
        assert!(fields.contains(&"lines[2].quantity"));
    }

    #[test]
    fn change_sequence_must_increase() {
        assert_eq!(check_change_sequence(OrderStatus::Draft, 0, None), Ok(0));
        assert!(check_change_sequence(OrderStatus::Submitted, 2, None).is_err());
        assert!(check_change_sequence(OrderStatus::Submitted, 2, Some(2)).is_err());
        assert_eq!(
            check_change_sequence(OrderStatus::Accepted, 2, Some(3)),
            Ok(3)
        );
        assert_eq!(
            status_after_change(OrderStatus::Accepted),
            OrderStatus::Submitted
        );
        assert_eq!(status_after_change(OrderStatus::Draft), OrderStatus::Draft);
    }

    fn despatch(
        n: i32,
        qty: i64,
        outstanding: Option<i64>,
        reason: Option<&str>,
    ) -> DespatchLineInput {
        DespatchLineInput {
            line_number: n,
            quantity: q(qty),
            outstanding_quantity: outstanding.map(q),
            outstanding_reason: reason.map(str::to_string),
        }
    }

    #[test]
    fn despatch_never_exceeds_what_is_open_and_explains_the_rest() {
        let lines = vec![confirmed(1, 10)];
        // Ordered 10, delivered 6, outstanding 4: four come later.
        let d = plan_despatch(&lines, &[despatch(1, 6, None, Some("back order"))]).unwrap();
        assert_eq!((d[0].outstanding, d[0].closed_short), (q(4), q(0)));
        // Outstanding 0: the four never come.
        let d = plan_despatch(&lines, &[despatch(1, 6, Some(0), Some("discontinued"))]).unwrap();
        assert_eq!(d[0].closed_short, q(4));
        // Outstanding 3: three later, one never.
        let d = plan_despatch(&lines, &[despatch(1, 6, Some(3), Some("short stock"))]).unwrap();
        assert_eq!((d[0].outstanding, d[0].closed_short), (q(3), q(1)));
        let e = plan_despatch(&lines, &[despatch(1, 6, None, None)]).unwrap_err();
        assert_eq!(e[0].field, "lines[0].outstanding_reason");
        let e = plan_despatch(&lines, &[despatch(1, 11, None, None)]).unwrap_err();
        assert_eq!(e[0].field, "lines[0].quantity");
        let e = plan_despatch(&lines, &[despatch(1, 6, Some(5), Some("x"))]).unwrap_err();
        assert_eq!(e[0].field, "lines[0].outstanding_quantity");
        let e = plan_despatch(&lines, &[despatch(2, 1, None, None)]).unwrap_err();
        assert_eq!(e[0].field, "lines[0].line_number");
        assert!(plan_despatch(&lines, &[]).is_err());
        // Half a can is not a thing.
        let cans = vec![LineState {
            whole_units: true,
            ..confirmed(1, 10)
        }];
        let half = DespatchLineInput {
            quantity: Quantity(500),
            ..despatch(1, 0, None, Some("x"))
        };
        let e = plan_despatch(&cans, &[half]).unwrap_err();
        assert_eq!(e[0].field, "lines[0].quantity");
        // Nothing open after a full despatch.
        let done = LineState {
            despatched: q(10),
            ..confirmed(1, 10)
        };
        assert!(done.open().is_zero());
        assert!(plan_despatch(&[done], &[despatch(1, 1, None, None)]).is_err());
    }

    fn receipt(
        n: i32,
        received: i64,
        rejected: i64,
        reason: Option<DiscrepancyReason>,
    ) -> ReceiptLineInput {
        ReceiptLineInput {
            line_number: n,
            received_quantity: q(received),
            rejected_quantity: Some(q(rejected)),
            oversupply_quantity: None,
            discrepancy_reason: reason,
            discrepancy_note: None,
        }
    }

    #[test]
    fn receipts_answer_every_line_and_account_for_every_unit() {
        let sent = vec![(1, q(6), true), (2, q(4), true)];
        let r = plan_receipt(
            &sent,
            &[
                receipt(1, 6, 1, Some(DiscrepancyReason::Damaged)),
                receipt(2, 3, 0, Some(DiscrepancyReason::ShortDelivery)),
            ],
        )
        .unwrap();
        assert_eq!(
            (r[0].received, r[0].rejected, r[0].short),
            (q(6), q(1), q(0))
        );
        assert_eq!(r[1].short, q(1));
        let e = plan_receipt(&sent, &[receipt(1, 6, 0, None)]).unwrap_err();
        assert_eq!(e[0].field, "lines");
        let e = plan_receipt(&sent, &[receipt(1, 6, 1, None), receipt(2, 4, 0, None)]).unwrap_err();
        assert_eq!(e[0].field, "lines[0].discrepancy_reason");
        let e = plan_receipt(&sent, &[receipt(1, 7, 0, None), receipt(2, 4, 0, None)]).unwrap_err();
        assert_eq!(e[0].field, "lines[0].received_quantity");
        let e = plan_receipt(&sent, &[receipt(1, 6, 7, None), receipt(2, 4, 0, None)]).unwrap_err();
        assert_eq!(e[0].field, "lines[0].rejected_quantity");
        let half = ReceiptLineInput {
            received_quantity: Quantity(3_500),
            ..receipt(2, 0, 0, None)
        };
        let e = plan_receipt(&sent, &[receipt(1, 6, 0, None), half]).unwrap_err();
        assert_eq!(e[0].field, "lines[1].received_quantity");
    }

    #[test]
    fn quantities_add_up_through_the_life_of_a_line() {
        let mut l = confirmed(1, 10);
        l.despatched = q(6);
        assert_eq!(l.open(), q(4));
        assert_eq!(l.in_transit(), q(6));
        l.received = q(6);
        l.rejected = q(1);
        assert_eq!((l.in_transit(), l.accepted()), (q(0), q(5)));
        assert_eq!(
            progress_status(OrderStatus::PartiallyDespatched, &[l.clone()], 1, 1),
            OrderStatus::PartiallyReceived
        );
        l.despatched = q(10);
        assert_eq!(
            progress_status(OrderStatus::PartiallyReceived, &[l.clone()], 2, 1),
            OrderStatus::PartiallyReceived
        );
        l.received = q(10);
        assert_eq!(
            progress_status(OrderStatus::PartiallyReceived, &[l.clone()], 2, 2),
            OrderStatus::Received
        );
        assert_eq!(
            progress_status(
                OrderStatus::Accepted,
                &[LineState {
                    despatched: q(4),
                    ..confirmed(1, 10)
                }],
                1,
                0
            ),
            OrderStatus::PartiallyDespatched
        );
        l.invoiced = q(9);
        assert_eq!(
            invoiced_status(OrderStatus::Received, &[l.clone()]),
            OrderStatus::Invoiced
        );
    }

    #[test]
    fn invoices_are_matched_on_price_and_kept_quantity() {
        let mut l = confirmed(1, 10);
        l.despatched = q(10);
        l.received = q(10);
        l.rejected = q(2);
        let inv = |n: i32, qty: i64, price: i64| InvoiceLineInput {
            line_number: n,
            quantity: q(qty),
            unit_price_minor: price,
            price_base_quantity: None,
        };
        assert!(match_invoice(&[l.clone()], &[inv(1, 8, 1250)]).is_empty());
        let e = match_invoice(&[l.clone()], &[inv(1, 10, 1300), inv(9, 1, 1)]);
        let reasons: Vec<MatchReason> = e.iter().map(|x| x.reason).collect();
        assert_eq!(
            reasons,
            vec![MatchReason::Pri, MatchReason::Qty, MatchReason::Itm]
        );
        l.invoiced = q(8);
        assert_eq!(
            match_invoice(&[l], &[inv(1, 1, 1250)])[0].reason,
            MatchReason::Qty
        );
    }
}
