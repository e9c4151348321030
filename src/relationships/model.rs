//! Relationship management as pure rules: the scorecard computed from the documents exchanged,
//! its weights, the tier ladder and its monotony, evaluation of a partner against the ladder,
//! four-eyes tier changes, and development-plan actions.
//!
//! Rates are basis points (0–10000), rounded half up once; scores are whole points 0–100.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::analytics::model::share_bp;
use crate::channel::model::check_share_bp;
use crate::decimal::div_round;
use crate::orders::model::Quantity;
use crate::refusal::FieldError;
use crate::refusal::Refusal;
use crate::text_enum;
use crate::values::body_id;
use crate::values::Name;

text_enum! {
    /// Which flow of documents a scorecard reads: `supplier` — purchase orders, their
    /// deliveries, inspections, returns and invoices (the partner's performance as our
    /// supplier); `customer` — sales orders, deliveries to the customer, its goods receipts and
    /// invoices (how the relationship runs as the documents show it).
    pub enum ScorecardSide {
        Supplier = "supplier",
        Customer = "customer",
    }
}

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

    fn named(&self) -> [(&'static str, i32); 5] {
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
fn points(rate_bp: i64) -> i64 {
    div_round(rate_bp as i128, 100) as i64
}

/// One delivered order line: the day it was received, the day it was asked for.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    pub received_on: NaiveDate,
    pub requested: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OnTimeDelivery {
    /// Delivered lines received on or before their requested date.
    pub on_time: i64,
    pub late: i64,
    /// Delivered lines with no requested date: not counted.
    pub without_requested_date: i64,
    /// on time ÷ (on time + late).
    pub rate_bp: Option<i64>,
    pub score: Option<i64>,
}

pub fn on_time_delivery(deliveries: &[Delivery]) -> OnTimeDelivery {
    let (mut on_time, mut late, mut undated) = (0, 0, 0);
    for d in deliveries {
        match d.requested {
            Some(r) if d.received_on <= r => on_time += 1,
            Some(_) => late += 1,
            None => undated += 1,
        }
    }
    let rate_bp = share_bp(on_time, on_time + late);
    OnTimeDelivery {
        on_time,
        late,
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
    /// Customer side: thousandths of units the customer accepted and rejected at its goods
    /// receipts.
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
    /// Supplier side: inspections passed ÷ all; customer side: units accepted ÷ received.
    pub pass_rate_bp: Option<i64>,
    /// Inspections passed and failed (supplier side).
    pub passed: i64,
    pub failed: i64,
    /// Units the customer accepted and rejected at its goods receipts (customer side).
    pub accepted: Quantity,
    pub rejected: Quantity,
    /// Units returned ÷ units received and kept (supplier side).
    pub return_rate_bp: Option<i64>,
    pub returned: Quantity,
    pub open_non_conformances: i64,
    /// The worse of the pass rate and the keep rate (100% − return rate), less 5 points per
    /// open non-conformance, never below 0.
    pub score: Option<i64>,
}

pub fn quality(f: QualityFacts) -> Quality {
    let pass_rate_bp = share_bp(f.passed, f.passed + f.failed)
        .or_else(|| share_bp(f.accepted_milli, f.accepted_milli + f.rejected_milli));
    let return_rate_bp = share_bp(f.returned_milli, f.kept_milli).map(|r| r.min(10_000));
    let keep_bp = return_rate_bp.map(|r| 10_000 - r);
    let base = match (pass_rate_bp, keep_bp) {
        (Some(p), Some(k)) => Some(p.min(k)),
        (p, k) => p.or(k),
    };
    let score = base.map(|b| (points(b) - POINTS_PER_OPEN_NC * f.open_non_conformances).max(0));
    Quality {
        pass_rate_bp,
        passed: f.passed,
        failed: f.failed,
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

// ---- the tier ladder ----------------------------------------------------------------------------

text_enum! {
    /// The ladder, lowest first: `vendor → preferred_supplier → partner → strategic_partner`.
    pub enum TierCode {
        Vendor = "vendor",
        PreferredSupplier = "preferred_supplier",
        Partner = "partner",
        StrategicPartner = "strategic_partner",
    }
}

impl TierCode {
    pub fn rank(self) -> usize {
        TierCode::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// What a partner must show to stand on a tier; an absent criterion is not required.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierCriteria {
    /// Matched invoices with the partner over the last 12 months, in the ladder's currency.
    pub min_annual_volume_minor: Option<i64>,
    /// Our share of the customer's category purchases (customers only), basis points.
    pub min_share_bp: Option<i64>,
    /// Scorecard score over the last 12 months, 0–100.
    pub min_score: Option<i64>,
    /// Whole years since the relationship began.
    pub min_tenure_years: Option<i64>,
}

/// What a partner on a tier gets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TierBenefits {
    pub payment_terms_days: i32,
    pub discount_bp: i32,
    /// E.g. `standard`, `priority`, `dedicated team`.
    pub service_level: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub code: TierCode,
    pub criteria: TierCriteria,
    pub benefits: TierBenefits,
}

/// The ladder holds each tier once, lowest first, and never asks less of a higher tier than of a
/// lower one (a criterion set on a lower tier is set, at least as high, on every higher one).
pub fn check_ladder(tiers: &[Tier]) -> Vec<FieldError> {
    let mut e = vec![];
    let codes: Vec<TierCode> = tiers.iter().map(|t| t.code).collect();
    if codes != TierCode::ALL {
        e.push(FieldError::new(
            "tiers",
            "the four tiers, each once, lowest first: vendor, preferred_supplier, partner, strategic_partner",
        ));
        return e;
    }
    for (i, t) in tiers.iter().enumerate() {
        let c = &t.criteria;
        let f = |name: &str| format!("tiers[{i}].criteria.{name}");
        for (name, v, max) in [
            (
                "min_annual_volume_minor",
                c.min_annual_volume_minor,
                i64::MAX / 4,
            ),
            ("min_share_bp", c.min_share_bp, 10_000),
            ("min_score", c.min_score, 100),
            ("min_tenure_years", c.min_tenure_years, 500),
        ] {
            if v.is_some_and(|v| !(0..=max).contains(&v)) {
                e.push(FieldError::new(f(name), format!("from 0 to {max}")));
            }
        }
        let b = &t.benefits;
        if !(0..=365).contains(&b.payment_terms_days) {
            e.push(FieldError::new(
                format!("tiers[{i}].benefits.payment_terms_days"),
                "from 0 to 365 days",
            ));
        }
        check_share_bp(
            &format!("tiers[{i}].benefits.discount_bp"),
            Some(b.discount_bp),
            &mut e,
        );
        if b.service_level.trim().is_empty() || b.service_level.chars().count() > 100 {
            e.push(FieldError::new(
                format!("tiers[{i}].benefits.service_level"),
                "1 to 100 characters",
            ));
        }
        if i == 0 {
            continue;
        }
        let lower = &tiers[i - 1].criteria;
        for (name, low, high) in [
            (
                "min_annual_volume_minor",
                lower.min_annual_volume_minor,
                c.min_annual_volume_minor,
            ),
            ("min_share_bp", lower.min_share_bp, c.min_share_bp),
            ("min_score", lower.min_score, c.min_score),
            (
                "min_tenure_years",
                lower.min_tenure_years,
                c.min_tenure_years,
            ),
        ] {
            let monotone = match (low, high) {
                (Some(l), Some(h)) => h >= l,
                (Some(_), None) => false,
                _ => true,
            };
            if !monotone {
                e.push(FieldError::new(
                    f(name),
                    format!(
                        "a higher tier must ask at least what `{}` asks ({})",
                        tiers[i - 1].code.as_str(),
                        low.unwrap_or_default()
                    ),
                ));
            }
        }
    }
    e
}

/// The figures a partner is evaluated on; absent where the documents have none.
#[derive(Debug, Clone, Default)]
pub struct PartnerFigures {
    pub annual_volume_minor: i64,
    /// Our share of the customer; none for a partner that only supplies us, or without
    /// estimates.
    pub share_bp: Option<i64>,
    /// Whether share of customer applies (the partner buys from us).
    pub share_applies: bool,
    pub score: Option<i64>,
    pub tenure_years: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriterionResult {
    /// `min_annual_volume_minor`, `min_share_bp`, `min_score` or `min_tenure_years`.
    pub criterion: String,
    pub required: i64,
    /// The partner's figure; null when the documents have none.
    pub actual: Option<i64>,
    pub met: bool,
    /// Where the figure comes from.
    pub source: String,
    /// Why it is not met (or why it does not apply).
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TierResult {
    pub tier: TierCode,
    pub met: bool,
    pub criteria: Vec<CriterionResult>,
}

/// Every criterion of every tier against the figures, and the highest tier wholly met (the
/// lowest, `vendor`, is where every partner starts).
pub fn evaluate(tiers: &[Tier], f: &PartnerFigures, currency: &str) -> (Vec<TierResult>, TierCode) {
    let mut results = vec![];
    let mut recommended = TierCode::Vendor;
    for t in tiers {
        let c = &t.criteria;
        let mut rows = vec![];
        if let Some(req) = c.min_annual_volume_minor {
            rows.push(criterion(
                "min_annual_volume_minor",
                req,
                Some(f.annual_volume_minor),
                format!("matched invoices in {currency} over the last 12 months, both directions"),
            ));
        }
        if let Some(req) = c.min_share_bp {
            let mut r = criterion(
                "min_share_bp",
                req,
                f.share_bp,
                "our deliveries ÷ the customer's wallet estimates for the year".into(),
            );
            if !f.share_applies {
                r.met = true;
                r.note = Some(
                    "the partner does not buy from us: share of customer does not apply".into(),
                );
            } else if f.share_bp.is_none() {
                r.note = Some("no wallet estimate for the year: share unknown".into());
            }
            rows.push(r);
        }
        if let Some(req) = c.min_score {
            rows.push(criterion(
                "min_score",
                req,
                f.score,
                "scorecard over the last 12 months".into(),
            ));
        }
        if let Some(req) = c.min_tenure_years {
            rows.push(criterion(
                "min_tenure_years",
                req,
                f.tenure_years,
                "whole years since relationship_since".into(),
            ));
        }
        let met = rows.iter().all(|r| r.met);
        if met && t.code.rank() >= recommended.rank() {
            recommended = t.code;
        }
        results.push(TierResult {
            tier: t.code,
            met,
            criteria: rows,
        });
    }
    (results, recommended)
}

fn criterion(name: &str, required: i64, actual: Option<i64>, source: String) -> CriterionResult {
    let met = actual.is_some_and(|a| a >= required);
    let note = match actual {
        Some(a) if a < required => Some(format!("{a} is short of {required} by {}", required - a)),
        None => Some("no figure in the documents".into()),
        _ => None,
    };
    CriterionResult {
        criterion: name.into(),
        required,
        actual,
        met,
        source,
        note,
    }
}

// ---- tier changes and plans ---------------------------------------------------------------------

text_enum! {
    /// `proposed → approved | rejected`; an approved change is in force from its date.
    pub enum TierChangeStatus {
        Proposed = "proposed",
        Approved = "approved",
        Rejected = "rejected",
    }
}

/// Four eyes: whoever proposed a change may not approve or reject it.
pub fn check_second_person(proposed_by: &str, deciding: &str) -> Result<(), FieldError> {
    if proposed_by == deciding {
        Err(FieldError::new(
            "approved_by",
            "a tier change is decided by someone other than who proposed it",
        ))
    } else {
        Ok(())
    }
}

text_enum! {
    pub enum PlanStatus {
        Draft = "draft",
        Active = "active",
        Completed = "completed",
        Abandoned = "abandoned",
    }
}

text_enum! {
    pub enum ActionStatus {
        Open = "open",
        Done = "done",
    }
}

/// An action is overdue when still open after its due date.
pub fn action_overdue(status: ActionStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status == ActionStatus::Open && due < today
}

/// When the tier change was decided, for answers.
pub fn utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(|t| t.and_utc())
}

/// A plan's fields as the caller set them, checked.
pub struct PlanDraft {
    pub title: String,
    pub goals: Vec<String>,
    pub target_tier: Option<TierCode>,
    pub target_share_bp: Option<i32>,
    pub status: PlanStatus,
    pub owner_id: Option<String>,
    pub actions: Vec<PlanAction>,
}

pub fn check_plan(d: PlanDraft) -> Result<PlanDraft, Refusal> {
    let mut e = vec![];
    let title = Name::check("title", &d.title, &mut e);
    if d.goals.len() > 50 {
        e.push(FieldError::new("goals", "at most 50 goals"));
    }
    let goals: Vec<String> = d
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| Name::check(&format!("goals[{i}]"), g, &mut e))
        .collect();
    crate::channel::model::check_share_bp("target_share_bp", d.target_share_bp, &mut e);
    let owner_id = d.owner_id.map(|o| body_id("owner_id", o, &mut e));
    if d.actions.len() > 200 {
        e.push(FieldError::new("actions", "at most 200 actions"));
    }
    let actions = d
        .actions
        .into_iter()
        .enumerate()
        .map(|(i, a)| PlanAction {
            number: i as i32 + 1,
            description: Name::check(&format!("actions[{i}].description"), &a.description, &mut e),
            owner_id: body_id(&format!("actions[{i}].owner_id"), a.owner_id, &mut e),
            ..a
        })
        .collect();
    Refusal::check(e)?;
    Ok(PlanDraft {
        title,
        goals,
        owner_id,
        actions,
        ..d
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn weights_sum_to_a_hundred() {
        assert!(check_weights(&Weights::DEFAULT).is_empty());
        let w = Weights {
            fill_rate: 30,
            ..Weights::DEFAULT
        };
        assert_eq!(check_weights(&w)[0].field, "weights");
        let w = Weights {
            on_time_delivery: -10,
            fill_rate: 65,
            ..Weights::DEFAULT
        };
        assert_eq!(check_weights(&w)[0].field, "on_time_delivery");
    }

    #[test]
    fn on_time_counts_lines_received_by_their_date() {
        let r = on_time_delivery(&[
            Delivery {
                received_on: d("2026-03-10"),
                requested: Some(d("2026-03-10")),
            },
            Delivery {
                received_on: d("2026-03-11"),
                requested: Some(d("2026-03-10")),
            },
            Delivery {
                received_on: d("2026-03-01"),
                requested: Some(d("2026-03-10")),
            },
            Delivery {
                received_on: d("2026-03-01"),
                requested: None,
            },
        ]);
        assert_eq!((r.on_time, r.late, r.without_requested_date), (2, 1, 1));
        assert_eq!(r.rate_bp, Some(6667));
        assert_eq!(r.score, Some(67));
        assert_eq!(on_time_delivery(&[]).score, None);
    }

    #[test]
    fn fill_rate_caps_each_line_at_its_order() {
        let r = fill_rate(&[
            OrderedLine {
                ordered_milli: 100_000,
                received_milli: 120_000,
            },
            OrderedLine {
                ordered_milli: 100_000,
                received_milli: 50_000,
            },
        ]);
        assert_eq!(r.received, Quantity(150_000));
        assert_eq!(r.rate_bp, Some(7500));
        assert_eq!(r.score, Some(75));
    }

    #[test]
    fn quality_takes_the_worse_signal_and_open_ncs_cost_points() {
        let q = quality(QualityFacts {
            passed: 3,
            failed: 1,
            returned_milli: 2_000,
            kept_milli: 200_000,
            open_non_conformances: 1,
            ..QualityFacts::default()
        });
        assert_eq!(q.pass_rate_bp, Some(7500));
        assert_eq!(q.return_rate_bp, Some(100));
        // min(75%, 99%) = 75 points, less 5 for the open non-conformance.
        assert_eq!(q.score, Some(70));
        assert_eq!(quality(QualityFacts::default()).score, None);
        let q = quality(QualityFacts {
            passed: 0,
            failed: 1,
            open_non_conformances: 3,
            ..QualityFacts::default()
        });
        assert_eq!(q.score, Some(0));
        let q = quality(QualityFacts {
            accepted_milli: 95_000,
            rejected_milli: 5_000,
            ..QualityFacts::default()
        });
        assert_eq!((q.pass_rate_bp, q.score), (Some(9500), Some(95)));
    }

    #[test]
    fn responsiveness_is_the_median_scaled_between_a_day_and_a_week() {
        let t = |h: i64| {
            let s: NaiveDateTime = d("2026-03-01").and_hms_opt(0, 0, 0).unwrap();
            (s, s + chrono::Duration::hours(h))
        };
        assert_eq!(median(vec![5, 1, 3]), Some(3));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(3));
        assert_eq!(median(vec![]), None);
        assert_eq!(responsiveness(&[t(2), t(10)], 0).score, Some(100));
        assert_eq!(responsiveness(&[t(168)], 1).score, Some(0));
        // 96 hours: (168 − 96) ÷ (168 − 24) = 50%.
        let r = responsiveness(&[t(90), t(96), t(200)], 2);
        assert_eq!(
            (r.median_minutes, r.score, r.awaiting),
            (Some(96 * 60), Some(50), 2)
        );
    }

    #[test]
    fn the_score_reweights_over_the_indicators_with_figures() {
        let w = Weights::DEFAULT;
        assert_eq!(
            weighted_score(&w, [Some(100), Some(100), Some(100), Some(100), Some(100)]),
            Some(100)
        );
        // 30×50 + 25×100 + 20×70 = 5400 over 75 = 72.
        assert_eq!(
            weighted_score(&w, [Some(50), Some(100), Some(70), None, None]),
            Some(72)
        );
        assert_eq!(weighted_score(&w, [None; 5]), None);
    }

    fn tier(
        code: TierCode,
        volume: Option<i64>,
        share: Option<i64>,
        score: Option<i64>,
        tenure: Option<i64>,
    ) -> Tier {
        Tier {
            code,
            criteria: TierCriteria {
                min_annual_volume_minor: volume,
                min_share_bp: share,
                min_score: score,
                min_tenure_years: tenure,
            },
            benefits: TierBenefits {
                payment_terms_days: 30,
                discount_bp: 0,
                service_level: "standard".into(),
            },
        }
    }

    fn ladder() -> Vec<Tier> {
        vec![
            tier(TierCode::Vendor, None, None, None, None),
            tier(
                TierCode::PreferredSupplier,
                Some(1_000_000),
                None,
                Some(60),
                None,
            ),
            tier(
                TierCode::Partner,
                Some(5_000_000),
                Some(3000),
                Some(75),
                Some(2),
            ),
            tier(
                TierCode::StrategicPartner,
                Some(20_000_000),
                Some(5000),
                Some(85),
                Some(5),
            ),
        ]
    }

    #[test]
    fn the_ladder_rises_monotonically() {
        assert!(check_ladder(&ladder()).is_empty());
        let mut l = ladder();
        l[3].criteria.min_score = Some(70);
        assert_eq!(check_ladder(&l)[0].field, "tiers[3].criteria.min_score");
        let mut l = ladder();
        l[3].criteria.min_share_bp = None;
        assert_eq!(check_ladder(&l)[0].field, "tiers[3].criteria.min_share_bp");
        let mut l = ladder();
        l.swap(1, 2);
        assert_eq!(check_ladder(&l)[0].field, "tiers");
    }

    #[test]
    fn the_recommendation_is_the_highest_tier_wholly_met() {
        let mut f = PartnerFigures {
            annual_volume_minor: 6_000_000,
            share_bp: Some(3800),
            share_applies: true,
            score: Some(80),
            tenure_years: Some(3),
        };
        let (rows, tier) = evaluate(&ladder(), &f, "CNY");
        assert_eq!(tier, TierCode::Partner);
        assert!(!rows[3].met);
        f.share_bp = Some(2900);
        let (rows, tier) = evaluate(&ladder(), &f, "CNY");
        assert_eq!(tier, TierCode::PreferredSupplier);
        let share = rows[2]
            .criteria
            .iter()
            .find(|c| c.criterion == "min_share_bp")
            .unwrap();
        assert!(!share.met);
        assert_eq!(share.note.as_deref(), Some("2900 is short of 3000 by 100"));
        // A supplier-only partner is not held to share of customer.
        f.share_applies = false;
        f.share_bp = None;
        assert_eq!(evaluate(&ladder(), &f, "CNY").1, TierCode::Partner);
    }

    #[test]
    fn four_eyes_and_overdue_actions() {
        assert!(check_second_person("u1", "u1").is_err());
        assert!(check_second_person("u1", "u2").is_ok());
        assert!(action_overdue(
            ActionStatus::Open,
            d("2026-03-01"),
            d("2026-03-02")
        ));
        assert!(!action_overdue(
            ActionStatus::Done,
            d("2026-03-01"),
            d("2026-03-02")
        ));
        assert!(!action_overdue(
            ActionStatus::Open,
            d("2026-03-02"),
            d("2026-03-02")
        ));
    }
}

// ---- what the API answers -----------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "weights": {"on_time_delivery": 30, "fill_rate": 25, "quality": 20, "responsiveness": 15, "invoice_accuracy": 10},
    "version": 2, "updated_by": "0193a1b2-0000-7000-8000-0000000000f1", "updated_at": "2026-12-01T09:00:00Z"
}))]
pub struct ScorecardWeights {
    pub weights: Weights,
    pub version: i64,
    pub updated_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "partner_id": "0193a1b2-0000-7000-8000-0000000000a9", "side": "supplier", "from": "2026-01-01", "to": "2026-12-31",
    "on_time_delivery": {"on_time": 3, "late": 1, "without_requested_date": 0, "rate_bp": 7500, "score": 75},
    "fill_rate": {"lines": 4, "ordered": "400", "received": "380", "rate_bp": 9500, "score": 95},
    "quality": {"pass_rate_bp": 5000, "passed": 1, "failed": 1, "accepted": "0", "rejected": "0", "return_rate_bp": 0, "returned": "0", "open_non_conformances": 1, "score": 45},
    "responsiveness": {"responded": 4, "awaiting": 0, "median_minutes": 1440, "score": 100},
    "invoice_accuracy": {"matched": 2, "exceptions": 1, "rate_bp": 6667, "score": 67},
    "weights": {"on_time_delivery": 30, "fill_rate": 25, "quality": 20, "responsiveness": 15, "invoice_accuracy": 10},
    "weights_version": 1, "score": 77
}))]
pub struct Scorecard {
    pub partner_id: String,
    pub side: ScorecardSide,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub on_time_delivery: OnTimeDelivery,
    pub fill_rate: FillRate,
    pub quality: Quality,
    pub responsiveness: Responsiveness,
    pub invoice_accuracy: InvoiceAccuracy,
    pub weights: Weights,
    pub weights_version: i64,
    /// Weighted over the indicators that have figures, 0–100; null when none has.
    pub score: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "version": 2, "currency": "EUR", "created_by": "0193a1b2-0000-7000-8000-0000000000f1", "created_at": "2026-12-01T09:00:00Z",
    "tiers": [
        {"code": "vendor", "criteria": {}, "benefits": {"payment_terms_days": 30, "discount_bp": 0, "service_level": "standard"}},
        {"code": "preferred_supplier", "criteria": {"min_score": 60, "min_tenure_years": 1}, "benefits": {"payment_terms_days": 45, "discount_bp": 100, "service_level": "priority"}},
        {"code": "partner", "criteria": {"min_annual_volume_minor": 5000000, "min_share_bp": 3000, "min_score": 75, "min_tenure_years": 2}, "benefits": {"payment_terms_days": 60, "discount_bp": 200, "service_level": "key account team"}},
        {"code": "strategic_partner", "criteria": {"min_annual_volume_minor": 20000000, "min_share_bp": 5000, "min_score": 85, "min_tenure_years": 5}, "benefits": {"payment_terms_days": 90, "discount_bp": 300, "service_level": "joint planning"}}
    ]
}))]
pub struct TierLadder {
    pub version: i64,
    /// The currency of `min_annual_volume_minor`.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// Lowest first.
    pub tiers: Vec<Tier>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EvaluationFigures {
    pub annual_volume_minor: i64,
    pub share_bp: Option<i64>,
    pub share_applies: bool,
    pub score: Option<i64>,
    pub tenure_years: Option<i64>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "partner_name": "Top-10 brand A", "as_of": "2026-12-02",
    "ladder_version": 2, "current_tier": "preferred_supplier", "recommended_tier": "partner", "differs": true,
    "figures": {"annual_volume_minor": 6000000, "share_bp": 3800, "share_applies": true, "score": 80, "tenure_years": 3},
    "tiers": [{"tier": "partner", "met": true, "criteria": [{"criterion": "min_share_bp", "required": 3000, "actual": 3800, "met": true, "source": "our deliveries ÷ the customer's wallet estimates for the year", "note": null}]}]
}))]
pub struct TierEvaluation {
    pub partner_id: String,
    pub partner_name: String,
    pub as_of: NaiveDate,
    pub ladder_version: i64,
    /// From the latest approved tier change in force; `vendor` when there is none.
    pub current_tier: TierCode,
    pub recommended_tier: TierCode,
    pub differs: bool,
    pub figures: EvaluationFigures,
    pub tiers: Vec<TierResult>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "on": "2026-12-02", "tier": "partner",
    "since": "2026-07-01", "tier_change_id": "0193a1b2-0000-7000-8000-0000000b0001", "ladder_version": 2,
    "benefits": {"payment_terms_days": 60, "discount_bp": 200, "service_level": "key account team"}
}))]
pub struct PartnerTier {
    pub partner_id: String,
    pub on: NaiveDate,
    pub tier: TierCode,
    /// When the tier took effect; null for `vendor` by default.
    pub since: Option<NaiveDate>,
    pub tier_change_id: Option<String>,
    /// The ladder version in force on the day, whose benefits apply.
    pub ladder_version: i64,
    pub benefits: TierBenefits,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000b0001", "partner_id": "0193a1b2-0000-7000-8000-0000000000d1",
    "from_tier": "preferred_supplier", "to_tier": "partner", "reason": "Share passed 38% with a 3-year plan agreed",
    "effective_from": "2027-01-01", "status": "approved", "proposed_by": "0193a1b2-0000-7000-8000-0000000000f1",
    "decided_by": "0193a1b2-0000-7000-8000-0000000000f2", "decided_at": "2026-12-03T10:00:00Z", "decision_note": null,
    "version": 2, "created_at": "2026-12-02T09:00:00Z", "updated_at": "2026-12-03T10:00:00Z"
}))]
pub struct TierChange {
    pub id: String,
    pub partner_id: String,
    /// The tier in force on `effective_from` when proposed.
    pub from_tier: Option<TierCode>,
    pub to_tier: TierCode,
    pub reason: String,
    pub effective_from: NaiveDate,
    pub status: TierChangeStatus,
    pub proposed_by: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanAction {
    /// 1, 2, 3… in the order given.
    #[serde(default)]
    pub number: i32,
    pub description: String,
    /// The staff user who owns it.
    pub owner_id: String,
    pub due_date: NaiveDate,
    #[serde(default = "open_action")]
    pub status: ActionStatus,
}

fn open_action() -> ActionStatus {
    ActionStatus::Open
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000a0001", "partner_id": "0193a1b2-0000-7000-8000-0000000000d1",
    "title": "Brand A: from preferred supplier to partner", "goals": ["Share of aerosol cans from 28% to 40%", "Joint forecast each quarter"],
    "target_tier": "partner", "target_share_bp": 4000, "status": "active", "owner_id": "0193a1b2-0000-7000-8000-0000000000f1",
    "actions": [{"number": 1, "description": "Quarterly business review with their purchasing director", "owner_id": "0193a1b2-0000-7000-8000-0000000000f1", "due_date": "2027-01-15", "status": "open"}],
    "created_by": "0193a1b2-0000-7000-8000-0000000000f1", "version": 1,
    "created_at": "2026-12-02T09:00:00Z", "updated_at": "2026-12-02T09:00:00Z"
}))]
pub struct DevelopmentPlan {
    pub id: String,
    pub partner_id: String,
    pub title: String,
    pub goals: Vec<String>,
    pub target_tier: Option<TierCode>,
    pub target_share_bp: Option<i32>,
    pub status: PlanStatus,
    pub owner_id: Option<String>,
    pub actions: Vec<PlanAction>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An action with its plan, for the cross-plan list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanActionItem {
    pub plan_id: String,
    pub partner_id: String,
    pub plan_title: String,
    #[serde(flatten)]
    pub action: PlanAction,
    pub overdue: bool,
}
