//! A claim's life: the sponsor approves or rejects it, then pays an approved one.

use super::*;

text_enum! {
    /// What the sponsor does with a claim.
    pub enum ClaimAction {
        Approve = "approve",
        Reject = "reject",
        Pay = "pay",
    }
}

impl Lifecycle for ClaimStatus {
    type Action = ClaimAction;
    const DOCUMENT: &'static str = "claim";

    fn allowed_actions(self) -> &'static [ClaimAction] {
        use ClaimAction::*;
        match self {
            ClaimStatus::Submitted => &[Approve, Reject],
            ClaimStatus::Approved => &[Pay],
            ClaimStatus::Rejected | ClaimStatus::Paid => &[],
        }
    }
}

/// What the sponsor decides about a claim, with what the decision records.
pub enum ClaimDecision {
    Approve,
    Reject { reason: String },
    Pay { payment_reference: Option<String> },
}

impl ClaimDecision {
    pub fn action(&self) -> ClaimAction {
        match self {
            ClaimDecision::Approve => ClaimAction::Approve,
            ClaimDecision::Reject { .. } => ClaimAction::Reject,
            ClaimDecision::Pay { .. } => ClaimAction::Pay,
        }
    }
}

/// The status a decision moves a claim to, or the refusal naming the decisions possible now.
pub fn next_claim_status(status: ClaimStatus, action: ClaimAction) -> Result<ClaimStatus, Refusal> {
    lifecycle::check(status, action)?;
    Ok(match action {
        ClaimAction::Approve => ClaimStatus::Approved,
        ClaimAction::Reject => ClaimStatus::Rejected,
        ClaimAction::Pay => ClaimStatus::Paid,
    })
}

impl ClaimRefusal {
    /// The refusal a caller sees, with amounts in the promotion's `currency`.
    pub fn into_refusal(self, currency: &str) -> Refusal {
        match self {
            ClaimRefusal::BeyondSellOut { available } => Refusal::conflict_on(
                Code::ClaimBeyondSellOut,
                "units",
                format!("sell-out in the promotion's period supports {available} more units"),
            ),
            ClaimRefusal::BeyondOpen { open } => Refusal::conflict_on(
                Code::ClaimBeyondOpenAmount,
                "amount_minor",
                format!(
                    "{open} {currency} minor units are open: the sponsor's share of the budget and of the cost that sell-out supports, less earlier claims"
                ),
            ),
        }
    }
}

/// What a new claim is for: the amount asked, or else the sponsor's share of what the units
/// cost, no more than is `open` under the cap (the sponsor's share of the budget and of the
/// cost sell-out supports, less earlier claims); never nothing. With nothing open the default
/// is the whole share, which the cap check then refuses naming what is open.
pub fn claim_amount(
    asked: Option<i64>,
    cost: i64,
    sponsor_share_bp: i32,
    open: i64,
) -> Result<i64, Refusal> {
    let amount = asked.unwrap_or_else(|| {
        let share = sponsor_part(cost, sponsor_share_bp);
        if open > 0 {
            share.min(open)
        } else {
            share
        }
    });
    if amount <= 0 {
        return Err(Refusal::invalid(
            "amount_minor",
            "the claim must be for more than 0",
        ));
    }
    Ok(amount)
}

/// Why a claim cannot be made or approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimRefusal {
    /// More units than sell-out shows and earlier claims have not used.
    BeyondSellOut { available: Quantity },
    /// More money than is open under the cap.
    BeyondOpen { open: i64 },
}

/// A new claim for `units` and `amount` against the cap and the units sell-out shows.
pub fn check_new_claim(
    units: Quantity,
    amount: i64,
    ledger: &ClaimLedger,
    sold: Quantity,
    cap: i64,
) -> Result<(), ClaimRefusal> {
    let available = Quantity((sold.milli() - ledger.live_units_milli).max(0));
    if units > available {
        return Err(ClaimRefusal::BeyondSellOut { available });
    }
    let open = (cap - ledger.live_minor()).max(0);
    if amount > open {
        return Err(ClaimRefusal::BeyondOpen { open });
    }
    Ok(())
}

/// Approving a claim of `amount`: what is approved or paid may never pass the cap (sell-out may
/// have been corrected downwards since the claim was made).
pub fn check_claim_approval(
    amount: i64,
    ledger: &ClaimLedger,
    cap: i64,
) -> Result<(), ClaimRefusal> {
    let open = (cap - ledger.approved_minor - ledger.paid_minor).max(0);
    if amount > open {
        Err(ClaimRefusal::BeyondOpen { open })
    } else {
        Ok(())
    }
}

/// A promotion is settled only when no claim waits for a decision or a payment.
pub fn check_settleable(ledger: &ClaimLedger) -> Result<(), Refusal> {
    if ledger.submitted_minor == 0 && ledger.approved_minor == 0 {
        return Ok(());
    }
    Err(Refusal::conflict(
        Code::ClaimsOpen,
        format!(
            "claims are still open: {} submitted awaiting a decision, {} approved awaiting payment (minor units); decide and pay them first",
            ledger.submitted_minor, ledger.approved_minor
        ),
    ))
}

/// What a claim asks for: some units, and an amount (when given) a document can hold.
pub fn check_claim_terms(units: Quantity, amount_minor: Option<i64>, errors: &mut Vec<FieldError>) {
    units.check_positive("units", errors);
    if amount_minor.is_some_and(|a| !(1..MAX_MINOR).contains(&a)) {
        errors.push(FieldError::new(
            "amount_minor",
            format!("minor units from 1 to {}", MAX_MINOR - 1),
        ));
    }
}

/// Days the sponsor has to decide a submitted claim (co-op claim terms commonly give 30).
pub const CLAIM_DAYS_TO_DECIDE: i64 = 30;

/// The day a claim submitted on `submitted` should be decided by.
pub fn decision_due(submitted: NaiveDate) -> NaiveDate {
    submitted + chrono::Duration::days(CLAIM_DAYS_TO_DECIDE)
}

/// A claim is overdue while it waits for a decision past its due day.
pub fn decision_overdue(status: ClaimStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status == ClaimStatus::Submitted && due < today
}

#[cfg(test)]
mod due_tests {
    use super::*;

    #[test]
    fn claims_are_decided_within_thirty_days() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(decision_due(d("2026-07-03")), d("2026-08-02"));
        assert!(!decision_overdue(
            ClaimStatus::Submitted,
            d("2026-08-02"),
            d("2026-08-02")
        ));
        assert!(decision_overdue(
            ClaimStatus::Submitted,
            d("2026-08-02"),
            d("2026-08-03")
        ));
        assert!(!decision_overdue(
            ClaimStatus::Approved,
            d("2026-08-02"),
            d("2026-09-01")
        ));
    }
}
