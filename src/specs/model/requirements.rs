//! Requirements and target cost.

use super::*;

/// One measurable requirement of a specification: in tolerance when `min ≤ value ≤ max` (either
/// bound may be open). A critical requirement out of tolerance fails an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true}))]
pub struct Requirement {
    /// Unique within the version: `A-Z`, `0-9`, `-`, `_`, up to 32 characters.
    #[schema(pattern = "^[A-Z0-9_-]{1,32}$")]
    pub code: String,
    #[schema(value_type = crate::values::Name)]
    pub attribute: String,
    pub target: Option<Measure>,
    pub min: Option<Measure>,
    pub max: Option<Measure>,
    /// UN/ECE Rec 20 unit code of the values.
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    #[serde(default)]
    pub critical: bool,
}

pub const MAX_REQUIREMENTS: usize = 200;

pub fn check_requirements(reqs: &[Requirement], errors: &mut Vec<FieldError>) {
    if reqs.is_empty() {
        errors.push(FieldError::new(
            "requirements",
            "a specification states at least one requirement",
        ));
    }
    if reqs.len() > MAX_REQUIREMENTS {
        errors.push(FieldError::new(
            "requirements",
            format!("at most {MAX_REQUIREMENTS}"),
        ));
    }
    let mut codes = HashSet::new();
    for (i, r) in reqs.iter().enumerate() {
        let at = |f: &str| format!("requirements[{i}].{f}");
        let code_ok = (1..=32).contains(&r.code.len())
            && r.code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !code_ok {
            errors.push(FieldError::new(at("code"), "1 to 32 of A-Z, 0-9, - and _"));
        } else if !codes.insert(r.code.as_str()) {
            errors.push(FieldError::new(
                at("code"),
                format!("{} appears twice", r.code),
            ));
        }
        let attribute = r.attribute.trim();
        if attribute.is_empty() || attribute.chars().count() > 200 {
            errors.push(FieldError::new(at("attribute"), "1 to 200 characters"));
        }
        if let Err(m) = crate::standards::unit_of_measure(&r.unit) {
            errors.push(FieldError::new(at("unit"), m));
        }
        match (r.min, r.max) {
            (None, None) => errors.push(FieldError::new(
                at("min"),
                "a measurable requirement needs a min, a max or both",
            )),
            (Some(lo), Some(hi)) if lo > hi => errors.push(FieldError::new(
                at("min"),
                format!("{lo} is above max {hi}"),
            )),
            _ => {}
        }
        if let Some(t) = r.target {
            if !within(t, r.min, r.max) {
                errors.push(FieldError::new(
                    at("target"),
                    format!("{t} is outside min..max"),
                ));
            }
        }
    }
}

/// `min ≤ v ≤ max`, an absent bound being open.
pub fn within(v: Measure, min: Option<Measure>, max: Option<Measure>) -> bool {
    min.is_none_or(|lo| v >= lo) && max.is_none_or(|hi| v <= hi)
}

/// Basis points in a whole.
pub const WHOLE_BP: i64 = 10_000;

/// The cost at which the customer's price still leaves the target margin: retail price ×
/// (1 − margin), rounded down to the minor unit (rounding up would eat the margin).
pub fn target_cost(retail_price_minor: i64, margin_bp: i64) -> i64 {
    let cost =
        i128::from(retail_price_minor) * i128::from(WHOLE_BP - margin_bp) / i128::from(WHOLE_BP);
    cost as i64
}

pub fn check_pricing(retail_price_minor: i64, margin_bp: i64, errors: &mut Vec<FieldError>) {
    if !(0..=crate::orders::model::MAX_AMOUNT_MINOR).contains(&retail_price_minor) {
        errors.push(FieldError::new(
            "target_retail_price_minor",
            "must be between 0 and 10^15",
        ));
    }
    if !(0..=WHOLE_BP).contains(&margin_bp) {
        errors.push(FieldError::new(
            "target_margin_bp",
            "must be 0 to 10000 basis points",
        ));
    }
}

/// A quote's distance from target cost: positive above target; in basis points of the target
/// rounded half away from zero, as every other ratio (76 of 1724 is 441, not 440).
pub fn gap_to_target(unit_cost_minor: i64, target_cost_minor: i64) -> (i64, Option<i64>) {
    let gap = unit_cost_minor - target_cost_minor;
    let gap_bp = (target_cost_minor > 0).then(|| {
        crate::decimal::div_round(
            i128::from(gap) * i128::from(WHOLE_BP),
            i128::from(target_cost_minor),
        ) as i64
    });
    (gap, gap_bp)
}
