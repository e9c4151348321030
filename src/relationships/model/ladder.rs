//! The tier ladder.

use super::*;

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

pub(crate) fn criterion(
    name: &str,
    required: i64,
    actual: Option<i64>,
    source: String,
) -> CriterionResult {
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
