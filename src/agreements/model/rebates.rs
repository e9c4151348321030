//! Rebates: a share of what a partner bought in an agreement year, by a scale of thresholds.

use super::*;

text_enum! {
    /// `retroactive`: the rate of the highest threshold reached applies to the whole year's
    /// value, from the first unit; `marginal`: each rate applies only to the value within its
    /// band.
    pub enum RebateMethod {
        Retroactive = "retroactive",
        Marginal = "marginal",
    }
}

/// From `threshold_minor` of matched invoiced value in the agreement year, `rate_bp`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RebateStep {
    pub threshold_minor: i64,
    /// Basis points: 150 is 1.5%.
    pub rate_bp: i32,
}

/// A rebate scale: thresholds increasing, each with its rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"method": "retroactive", "steps": [{"threshold_minor": 10000000, "rate_bp": 100}, {"threshold_minor": 25000000, "rate_bp": 200}]}))]
pub struct RebateScale {
    pub method: RebateMethod,
    pub steps: Vec<RebateStep>,
}

pub(super) fn check_rebate_scale(r: &RebateScale, e: &mut Vec<FieldError>) {
    if r.steps.is_empty() || r.steps.len() > 20 {
        e.push(FieldError::new("rebate.steps", "1 to 20 steps"));
    }
    let mut last: Option<i64> = None;
    for (i, s) in r.steps.iter().enumerate() {
        let at = format!("rebate.steps[{i}]");
        if !(0..=MAX_AMOUNT_MINOR).contains(&s.threshold_minor) {
            e.push(FieldError::new(
                format!("{at}.threshold_minor"),
                "must be between 0 and 10^15",
            ));
        }
        if last.is_some_and(|l| s.threshold_minor <= l) {
            e.push(FieldError::new(
                format!("{at}.threshold_minor"),
                "thresholds must increase: each above the one before",
            ));
        }
        last = Some(s.threshold_minor);
        if !(0..=10_000).contains(&s.rate_bp) {
            e.push(FieldError::new(
                format!("{at}.rate_bp"),
                "must be 0 to 10000 (100%)",
            ));
        }
    }
}

/// The rebate earned on `value_minor` of matched invoiced value, rounded once, half up.
pub fn rebate_earned(scale: &RebateScale, value_minor: i64) -> i64 {
    let value = i128::from(value_minor.max(0));
    // In basis-point minor units: rounded to the minor unit only at the end.
    let bp_units: i128 = match scale.method {
        RebateMethod::Retroactive => scale
            .steps
            .iter()
            .rfind(|s| i128::from(s.threshold_minor) <= value)
            .map_or(0, |s| value * i128::from(s.rate_bp)),
        RebateMethod::Marginal => scale
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let from = i128::from(s.threshold_minor);
                let to = scale
                    .steps
                    .get(i + 1)
                    .map_or(value, |n| i128::from(n.threshold_minor).min(value));
                (to - from).max(0) * i128::from(s.rate_bp)
            })
            .sum(),
    };
    ((bp_units + 5_000) / 10_000) as i64
}

/// The agreement year a day falls in: years counted from the agreement's `valid_from`, so a
/// contract starting on 1 April runs its rebate years April to March. Answers its first and
/// last day.
pub fn agreement_year(valid_from: NaiveDate, day: NaiveDate) -> (NaiveDate, NaiveDate) {
    use chrono::Months;
    let mut start = valid_from;
    while let Some(next) = start.checked_add_months(Months::new(12)) {
        if next > day {
            break;
        }
        start = next;
    }
    let end = start
        .checked_add_months(Months::new(12))
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    (start, end)
}

/// What a settlement pays: the rebate earned on the year so far less what earlier settlements
/// of the same year paid (negative: the partner owes some back). A mid-year settlement is thus
/// deducted at year end, never paid twice.
pub fn settlement_due(earned_minor: i64, settled_minor: i64) -> i64 {
    earned_minor - settled_minor
}

/// What an accrual books: the rebate earned on the year so far less what earlier accruals of
/// the year booked. Each matched invoice books the difference it makes, so the accruals of a
/// year always add up to what it has earned.
pub fn accrual_due(earned_minor: i64, accrued_minor: i64) -> i64 {
    earned_minor - accrued_minor
}

text_enum! {
    /// `accrual`: the rebate a matched invoice added to what the year has earned (booked by
    /// us, internal); `settlement`: what was paid (or is to be paid) for the year so far, net of
    /// earlier settlements.
    pub enum RebateEntryKind {
        Accrual = "accrual",
        Settlement = "settlement",
    }
}

/// One accrual or settlement of an agreement's rebate. Amounts are what the seller owes the
/// buyer (the supplier us on a purchase agreement, we the customer on a sales one); a negative
/// settlement is owed back.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000f1", "agreement_id": "0193a1b2-0000-7000-8000-0000000000a9",
    "agreement_number": "AGR-2026-000001", "partner_id": "0193a1b2-0000-7000-8000-0000000000c1",
    "kind": "settlement", "year_start": "2027-01-01", "year_end": "2027-12-31", "invoice_id": null,
    "agreement_version": 1, "currency": "EUR", "matched_value_minor": 12000000, "earned_minor": 120000,
    "amount_minor": 120000, "notes": "Half-year settlement", "created_by": "0193a1b2-0000-7000-8000-0000000000d1",
    "created_at": "2027-07-01T09:00:00Z"
}))]
pub struct RebateEntry {
    pub id: String,
    pub agreement_id: String,
    pub agreement_number: String,
    pub partner_id: String,
    pub kind: RebateEntryKind,
    /// The agreement year (counted from the agreement's first `valid_from`).
    pub year_start: NaiveDate,
    pub year_end: NaiveDate,
    /// The matched invoice an accrual comes from.
    pub invoice_id: Option<String>,
    /// The version whose rebate scale applied.
    pub agreement_version: i32,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// The year's matched invoiced value when the entry was made.
    pub matched_value_minor: i64,
    /// The rebate the scale gives on it.
    pub earned_minor: i64,
    /// This entry: the accrual's difference, or the settlement's payment.
    pub amount_minor: i64,
    pub notes: Option<String>,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// An agreement year's rebate standing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RebateYear {
    pub year_start: NaiveDate,
    pub year_end: NaiveDate,
    /// Matched invoiced value of the lines the agreement priced, invoices issued in the year.
    pub matched_value_minor: i64,
    /// What the scale in force gives on it now.
    pub earned_minor: i64,
    /// Sum of the year's accruals (equals `earned_minor` unless the scale changed since).
    pub accrued_minor: i64,
    /// Sum of the year's settlements.
    pub settled_minor: i64,
    /// Earned and not yet settled: what the next settlement pays.
    pub open_minor: i64,
}

/// An agreement's rebates: each year with entries, and the entries, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "agreement_id": "0193a1b2-0000-7000-8000-0000000000a9", "agreement_number": "AGR-2026-000001",
    "currency": "EUR",
    "years": [{"year_start": "2027-01-01", "year_end": "2027-12-31", "matched_value_minor": 30000000,
        "earned_minor": 600000, "accrued_minor": 600000, "settled_minor": 120000, "open_minor": 480000}],
    "entries": []
}))]
pub struct RebateStatement {
    pub agreement_id: String,
    pub agreement_number: String,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub years: Vec<RebateYear>,
    /// A partner sees the settlements; accruals are our own books.
    pub entries: Vec<RebateEntry>,
}
