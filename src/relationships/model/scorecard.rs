//! Scorecard.

use super::*;

/// How much each indicator counts in the score, in whole percent summing to 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"on_time_delivery": 30, "fill_rate": 25, "quality": 20, "responsiveness": 15, "invoice_accuracy": 10}))]
pub struct Weights {
    pub on_time_delivery: i32,
    pub fill_rate: i32,
    pub quality: i32,
    pub responsiveness: i32,
    pub invoice_accuracy: i32,
}

impl Weights {
    pub const DEFAULT: Weights = Weights {
        on_time_delivery: 30,
        fill_rate: 25,
        quality: 20,
        responsiveness: 15,
        invoice_accuracy: 10,
    };

    pub(crate) fn named(&self) -> [(&'static str, i32); 5] {
        [
            ("on_time_delivery", self.on_time_delivery),
            ("fill_rate", self.fill_rate),
            ("quality", self.quality),
            ("responsiveness", self.responsiveness),
            ("invoice_accuracy", self.invoice_accuracy),
        ]
    }
}

/// Each weight 0–100, all five summing to 100.
pub fn check_weights(w: &Weights) -> Vec<FieldError> {
    let mut e = vec![];
    for (field, v) in w.named() {
        if !(0..=100).contains(&v) {
            e.push(FieldError::new(field, "whole percent from 0 to 100"));
        }
    }
    let sum: i64 = w.named().iter().map(|(_, v)| *v as i64).sum();
    if sum != 100 {
        e.push(FieldError::new(
            "weights",
            format!("the five weights must sum to 100; they sum to {sum}"),
        ));
    }
    e
}

/// A rate in basis points as whole points of 100, rounded half up.
pub(crate) fn points(rate_bp: i64) -> i64 {
    div_round(rate_bp as i128, 100) as i64
}

/// One delivered order line: the day it was received, the day it was asked for.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    pub received_on: NaiveDate,
    /// The date the seller confirmed, else the one the buyer asked for.
    pub due: Option<NaiveDate>,
    /// `due` is the seller's confirmed date.
    pub confirmed: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OnTimeDelivery {
    /// Delivered lines received on or before their due date: the date the seller confirmed in
    /// its order response where it gave one, else the date the buyer asked for.
    pub on_time: i64,
    pub late: i64,
    /// Of those on time or late, how many were measured against the seller's confirmed date.
    pub against_confirmed_date: i64,
    /// Delivered lines with neither a confirmed nor a requested date: not counted.
    pub without_requested_date: i64,
    /// on time ÷ (on time + late).
    pub rate_bp: Option<i64>,
    pub score: Option<i64>,
}

pub fn on_time_delivery(deliveries: &[Delivery]) -> OnTimeDelivery {
    let (mut on_time, mut late, mut undated) = (0, 0, 0);
    for d in deliveries {
        match d.due {
            Some(r) if d.received_on <= r => on_time += 1,
            Some(_) => late += 1,
            None => undated += 1,
        }
    }
    let against_confirmed = deliveries
        .iter()
        .filter(|d| d.confirmed && d.due.is_some())
        .count() as i64;
    let rate_bp = share_bp(on_time, on_time + late);
    OnTimeDelivery {
        on_time,
        late,
        against_confirmed_date: against_confirmed,
        without_requested_date: undated,
        rate_bp,
        score: rate_bp.map(points),
    }
}

/// One ordered line: what was ordered and what has been received against it.
#[derive(Debug, Clone, Copy)]
pub struct OrderedLine {
    pub ordered_milli: i64,
    pub received_milli: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FillRate {
    pub lines: i64,
    /// Summed over the lines, each in its own unit.
    pub ordered: Quantity,
    /// Received, counted up to what each line ordered (oversupply does not fill another line).
    pub received: Quantity,
    pub rate_bp: Option<i64>,
    pub score: Option<i64>,
}

pub fn fill_rate(lines: &[OrderedLine]) -> FillRate {
    let ordered: i64 = lines.iter().map(|l| l.ordered_milli).sum();
    let received: i64 = lines
        .iter()
        .map(|l| l.received_milli.min(l.ordered_milli))
        .sum();
    let rate_bp = share_bp(received, ordered);
    FillRate {
        lines: lines.len() as i64,
        ordered: Quantity(ordered),
        received: Quantity(received),
        rate_bp,
        score: rate_bp.map(points),
    }
}

/// What the documents say about quality.
#[derive(Debug, Clone, Copy, Default)]
pub struct QualityFacts {
    /// Supplier side: inspections passed and failed.
    pub passed: i64,
    pub failed: i64,
    /// Thousandths of units accepted and rejected at goods receipts: ours of a supplier's
    /// deliveries (supplier side), the customer's of ours (customer side).
    pub accepted_milli: i64,
    pub rejected_milli: i64,
    /// Units returned by customers, traced to this supplier (supplier side).
    pub returned_milli: i64,
    /// Units received from this supplier, kept (supplier side): the base of the return rate.
    pub kept_milli: i64,
    pub open_non_conformances: i64,
}

/// Points an open non-conformance takes off the quality score.
pub const POINTS_PER_OPEN_NC: i64 = 5;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Quality {
    /// QA inspections passed ÷ all (supplier side).
    pub pass_rate_bp: Option<i64>,
    /// Inspections passed and failed (supplier side).
    pub passed: i64,
    pub failed: i64,
    /// Units accepted ÷ received at goods receipts: ours of the supplier's deliveries, or the
    /// customer's of ours.
    pub acceptance_rate_bp: Option<i64>,
    /// Units accepted and rejected at those goods receipts.
    pub accepted: Quantity,
    pub rejected: Quantity,
    /// Units returned ÷ units received and kept (supplier side).
    pub return_rate_bp: Option<i64>,
    pub returned: Quantity,
    pub open_non_conformances: i64,
    /// The worst of the pass rate, the acceptance rate and the keep rate (100% − return rate)
    /// that there are figures for, less 5 points per open non-conformance, never below 0.
    pub score: Option<i64>,
}

pub fn quality(f: QualityFacts) -> Quality {
    let pass_rate_bp = share_bp(f.passed, f.passed + f.failed);
    let acceptance_rate_bp = share_bp(f.accepted_milli, f.accepted_milli + f.rejected_milli);
    let return_rate_bp = share_bp(f.returned_milli, f.kept_milli).map(|r| r.min(10_000));
    let keep_bp = return_rate_bp.map(|r| 10_000 - r);
    let base = [pass_rate_bp, acceptance_rate_bp, keep_bp]
        .into_iter()
        .flatten()
        .min();
    let score = base.map(|b| (points(b) - POINTS_PER_OPEN_NC * f.open_non_conformances).max(0));
    Quality {
        pass_rate_bp,
        passed: f.passed,
        failed: f.failed,
        acceptance_rate_bp,
        accepted: Quantity(f.accepted_milli),
        rejected: Quantity(f.rejected_milli),
        return_rate_bp,
        returned: Quantity(f.returned_milli),
        open_non_conformances: f.open_non_conformances,
        score,
    }
}

/// An answer within a day scores 100; a week or more 0; linear between.
pub const FULL_MARKS_MINUTES: i64 = 24 * 60;
pub const ZERO_MARKS_MINUTES: i64 = 7 * 24 * 60;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Responsiveness {
    /// Orders submitted in the period and answered.
    pub responded: i64,
    /// Orders submitted in the period still waiting for an answer.
    pub awaiting: i64,
    /// Median minutes from submission to the order response.
    pub median_minutes: Option<i64>,
    pub score: Option<i64>,
}

/// The median of `minutes` (the mean of the middle two for an even count, rounded half up).
pub fn median(mut minutes: Vec<i64>) -> Option<i64> {
    if minutes.is_empty() {
        return None;
    }
    minutes.sort_unstable();
    let n = minutes.len();
    Some(if n % 2 == 1 {
        minutes[n / 2]
    } else {
        div_round(minutes[n / 2 - 1] as i128 + minutes[n / 2] as i128, 2) as i64
    })
}

pub fn responsiveness(
    answered: &[(NaiveDateTime, NaiveDateTime)],
    awaiting: i64,
) -> Responsiveness {
    let median_minutes = median(
        answered
            .iter()
            .map(|(submitted, responded)| (*responded - *submitted).num_minutes().max(0))
            .collect(),
    );
    let score = median_minutes.map(|m| {
        let span = (ZERO_MARKS_MINUTES - FULL_MARKS_MINUTES) as i128;
        let left = (ZERO_MARKS_MINUTES - m.clamp(FULL_MARKS_MINUTES, ZERO_MARKS_MINUTES)) as i128;
        div_round(left * 100, span) as i64
    });
    Responsiveness {
        responded: answered.len() as i64,
        awaiting,
        median_minutes,
        score,
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvoiceAccuracy {
    pub matched: i64,
    /// Invoices with a three-way-match exception.
    pub exceptions: i64,
    pub rate_bp: Option<i64>,
    pub score: Option<i64>,
}

pub fn invoice_accuracy(matched: i64, exceptions: i64) -> InvoiceAccuracy {
    let rate_bp = share_bp(matched, matched + exceptions);
    InvoiceAccuracy {
        matched,
        exceptions,
        rate_bp,
        score: rate_bp.map(points),
    }
}

/// The weighted score: each indicator with figures counts by its weight; indicators without
/// figures (nothing delivered, no invoices) are left out and the rest re-weighted. None when no
/// indicator has figures.
pub fn weighted_score(w: &Weights, scores: [Option<i64>; 5]) -> Option<i64> {
    let weights = w.named().map(|(_, v)| v as i128);
    let (mut sum, mut total) = (0i128, 0i128);
    for (s, weight) in scores.into_iter().zip(weights) {
        if let Some(s) = s {
            sum += s as i128 * weight;
            total += weight;
        }
    }
    (total > 0).then(|| div_round(sum, total) as i64)
}
