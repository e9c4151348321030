//! Order response (ORDRSP / 855).

use super::*;

text_enum! {
    /// UNCL4343: `acknowledged` AB (received, a real answer follows; no lines), `accepted` AP
    /// (as ordered; no lines), `accepted_with_changes` CA (must carry every line; if it accepts
    /// each as ordered the order stands `accepted`), `rejected` RE (no lines).
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
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseLine {
    pub line_number: i32,
    pub status: ResponseLineStatus,
    /// For `changed`: the quantity this entry confirms (defaults to the ordered quantity).
    pub quantity: Option<Quantity>,
    /// For `changed`: the promised delivery date (defaults to the end of `delivery_period`).
    pub delivery_date: Option<NaiveDate>,
    /// For `changed`: the promised delivery period (UBL `PromisedDeliveryPeriod`).
    pub delivery_period: Option<DeliveryPeriod>,
    /// For `changed`: the seller's price for `price_base_quantity` (default 1) units, which
    /// becomes the line's price. One price per line.
    pub unit_price_minor: Option<i64>,
    pub price_base_quantity: Option<Quantity>,
    /// For `changed`: the item the seller will deliver instead (UBL
    /// `SellersSubstitutedLineItem`); a substitution alone is a change.
    pub substituted_item: Option<LineItem>,
    /// The seller's note on this line.
    pub note: Option<String>,
}

impl ResponseLine {
    /// Whether the entry asks for anything but the line as ordered.
    fn changes_terms(&self) -> bool {
        self.unit_price_minor.is_some()
            || self.price_base_quantity.is_some()
            || self.substituted_item.is_some()
            || self.delivery_period.is_some()
    }

    /// The promised date: as given, else the end (or start) of the promised period.
    fn promised_date(&self) -> Option<NaiveDate> {
        self.delivery_date.or(self
            .delivery_period
            .and_then(|p| p.end_date.or(p.start_date)))
    }
}

/// What a response does to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAnswer {
    pub line_number: i32,
    pub status: LineStatus,
    pub confirmed: Quantity,
    pub schedule: Vec<ScheduledDelivery>,
    /// The seller's price and its base quantity, when it changed them.
    pub price: Option<(i64, Quantity)>,
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
                price: None,
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

pub(crate) fn line_by_line(
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
    // PEPPOL allows a `CA` that accepts every line as ordered: nothing changed, so the order
    // stands accepted.
    if out.iter().all(|a| a.status == LineStatus::Accepted) {
        return Ok((OrderStatus::Accepted, out));
    }
    Ok((OrderStatus::AcceptedWithChanges, out))
}

pub(crate) fn answer_line(
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
                || first.changes_terms()
            {
                e.push(FieldError::new(
                    at(first_i, "status"),
                    "a quantity, date, price or item other than ordered is a `changed` line",
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
                price: None,
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
                    delivery_date: a.promised_date().or(line.requested_delivery_date),
                });
            }
            let price = answered_price(line, entries, e)?;
            let confirmed: Quantity = schedule.iter().map(|s| s.quantity).sum();
            let substituted = entries.iter().any(|(_, a)| a.substituted_item.is_some());
            if schedule.len() == 1
                && confirmed == line.ordered
                && schedule[0].delivery_date == line.requested_delivery_date
                && price.is_none()
                && !substituted
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
                price,
            })
        }
    }
}

/// The seller's price for a `changed` line: one price however many entries split the line,
/// checked as an order line's is; none when it kept the ordered price.
fn answered_price(
    line: &LineState,
    entries: &[(usize, &ResponseLine)],
    e: &mut Vec<FieldError>,
) -> Option<Option<(i64, Quantity)>> {
    let priced: Vec<(usize, (i64, Quantity))> = entries
        .iter()
        .filter(|(_, a)| a.unit_price_minor.is_some() || a.price_base_quantity.is_some())
        .map(|(i, a)| {
            let price = a.unit_price_minor.unwrap_or(line.unit_price_minor);
            (
                *i,
                (price, a.price_base_quantity.unwrap_or(Quantity::units(1))),
            )
        })
        .collect();
    let Some((i, first)) = priced.first().copied() else {
        return Some(None);
    };
    if priced.iter().any(|(_, p)| *p != first) {
        e.push(FieldError::new(
            format!("lines[{i}].unit_price_minor"),
            format!("line {} has one price", line.line_number),
        ));
        return None;
    }
    let (price, base) = first;
    let before = e.len();
    if !(0..=MAX_AMOUNT_MINOR).contains(&price) {
        e.push(FieldError::new(
            format!("lines[{i}].unit_price_minor"),
            "must be between 0 and 10^15",
        ));
    }
    if base.is_zero() {
        e.push(FieldError::new(
            format!("lines[{i}].price_base_quantity"),
            "must be more than 0",
        ));
    }
    if e.len() > before {
        return None;
    }
    Some(((price, base) != (line.unit_price_minor, line.price_base)).then_some(first))
}
