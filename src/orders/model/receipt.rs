//! Goods receipt (RECADV / 861).

use super::*;

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

/// Goods are received once per despatch advice, and not before the day they were sent.
pub fn check_receivable(
    advice_number: &str,
    advice_status: DespatchStatus,
    despatch_date: NaiveDate,
    received_date: NaiveDate,
) -> Result<(), Refusal> {
    if received_date < despatch_date {
        return Err(Refusal::invalid(
            "received_date",
            format!("must not be before the despatch date {despatch_date}"),
        ));
    }
    if advice_status == DespatchStatus::Received {
        return Err(Refusal::conflict_on(
            Code::AlreadyReceived,
            "despatch_advice_id",
            format!("despatch advice {advice_number} has already been received"),
        ));
    }
    Ok(())
}
