//! Inspections.

use super::*;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    /// A requirement code of the inspected version.
    pub code: String,
    pub value: Measure,
}

text_enum! {
    /// `pass`: every critical requirement in tolerance (non-critical deviations are listed);
    /// `fail`: at least one critical requirement out of tolerance.
    pub enum Verdict {
        Pass = "pass",
        Fail = "fail",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RequirementResult {
    pub code: String,
    pub attribute: String,
    pub value: Measure,
    pub min: Option<Measure>,
    pub max: Option<Measure>,
    pub target: Option<Measure>,
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    pub critical: bool,
    pub in_tolerance: bool,
}

/// Judges measurements against a version's requirements. Every critical requirement must be
/// measured; unknown codes and repeated ones are refused.
pub fn judge(
    requirements: &[Requirement],
    measurements: &[Measurement],
) -> Result<(Verdict, Vec<RequirementResult>), Vec<FieldError>> {
    let mut e = vec![];
    let mut seen = HashSet::new();
    let mut results = vec![];
    if measurements.is_empty() {
        e.push(FieldError::new(
            "measurements",
            "an inspection measures at least one requirement",
        ));
    }
    for (i, m) in measurements.iter().enumerate() {
        let at = format!("measurements[{i}].code");
        let Some(r) = requirements.iter().find(|r| r.code == m.code) else {
            e.push(FieldError::new(
                at,
                format!("the version has no requirement {}", m.code),
            ));
            continue;
        };
        if !seen.insert(m.code.as_str()) {
            e.push(FieldError::new(at, format!("{} is measured twice", m.code)));
            continue;
        }
        results.push(RequirementResult {
            code: r.code.clone(),
            attribute: r.attribute.clone(),
            value: m.value,
            min: r.min,
            max: r.max,
            target: r.target,
            unit: r.unit.clone(),
            critical: r.critical,
            in_tolerance: within(m.value, r.min, r.max),
        });
    }
    for r in requirements.iter().filter(|r| r.critical) {
        if !seen.contains(r.code.as_str()) {
            e.push(FieldError::new(
                "measurements",
                format!("critical requirement {} is not measured", r.code),
            ));
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    let failed = results.iter().any(|r| r.critical && !r.in_tolerance);
    Ok((if failed { Verdict::Fail } else { Verdict::Pass }, results))
}

text_enum! {
    /// A sample drawn for approval, or a production lot.
    pub enum InspectionKind {
        Sample = "sample",
        Lot = "lot",
    }
}
