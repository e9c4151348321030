//! Order lines.

use super::*;

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

/// When goods arriving on a line were due: by the delivery the seller confirmed in its order
/// response (the first scheduled delivery that what arrived before had not yet covered), else
/// by the date the buyer asked for. Answers the date and whether it is the seller's.
pub fn delivery_due(
    schedule: &[ScheduledDelivery],
    received_before: Quantity,
    requested: Option<NaiveDate>,
) -> (Option<NaiveDate>, bool) {
    let mut dated: Vec<(NaiveDate, Quantity)> = schedule
        .iter()
        .filter_map(|s| s.delivery_date.map(|d| (d, s.quantity)))
        .collect();
    dated.sort_by_key(|(d, _)| *d);
    let mut covered = Quantity::ZERO;
    for (date, quantity) in &dated {
        covered = covered + *quantity;
        if covered > received_before {
            return (Some(*date), true);
        }
    }
    // More than was scheduled: due by the last promised date.
    match dated.last() {
        Some((date, _)) => (Some(*date), true),
        None => (requested, false),
    }
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
    /// The agreement that priced the line: invoices are matched against its price.
    pub agreed: Option<AgreedPrice>,
}

/// Refuses a fraction of a unit that counts whole things.
pub(crate) fn check_whole(
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

    /// What the seller may still despatch: confirmed − despatched − closed short (nothing
    /// before it confirms).
    pub fn to_despatch(&self) -> Quantity {
        self.confirmed
            .unwrap_or(Quantity::ZERO)
            .saturating_sub(self.despatched + self.closed_short)
    }

    /// Still to come, as a line shows it: what is left to despatch of what the seller
    /// confirmed; before it answers, the whole ordered quantity (awaiting confirmation); nothing
    /// on a rejected or deleted line.
    pub fn open(&self) -> Quantity {
        match (self.status, self.confirmed) {
            (Some(LineStatus::Rejected | LineStatus::Deleted), _) => Quantity::ZERO,
            (_, None) => self
                .ordered
                .saturating_sub(self.despatched + self.closed_short),
            (_, Some(_)) => self.to_despatch(),
        }
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
    let nothing_open = lines.iter().all(|l| l.to_despatch().is_zero());
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

/// The most lines one order carries.
pub const MAX_LINES: usize = 1000;

/// An order has lines, and not more than one document should carry.
pub fn check_line_count(n: usize, e: &mut Vec<FieldError>) {
    if n == 0 {
        e.push(FieldError::new("lines", "at least one line is needed"));
    } else if n > MAX_LINES {
        e.push(FieldError::new(
            "lines",
            format!("at most {MAX_LINES} lines"),
        ));
    }
}

/// The products an order names (`ids`: the field and the id) exist and are still sold:
/// `status_of` answers a product's status, none when there is no such product.
pub fn check_orderable(
    ids: &[(String, String)],
    status_of: impl Fn(&str) -> Option<crate::catalogue::model::ProductStatus>,
) -> Result<(), Refusal> {
    use crate::catalogue::model::ProductStatus;
    let mut e = vec![];
    for (field, id) in ids {
        match status_of(id) {
            None => e.push(FieldError::new(field, "no such product")),
            Some(ProductStatus::Discontinued) => {
                e.push(FieldError::new(field, "the product is discontinued"))
            }
            Some(_) => {}
        }
    }
    Refusal::check(e)
}
