//! The rules of specification buying, without a database: requirement ranges, target cost from
//! target retail price and margin, the version lifecycle, tolerance and inspection verdicts,
//! the non-conformance lifecycle, return rates.

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use crate::decimal::{decimal_text, format_fixed, parse_fixed};
use crate::refusal::{FieldError, Refusal};
use crate::text_enum;

// ---- measured values --------------------------------------------------------------------------

/// A measured or specified value: an exact signed decimal with up to 6 places (micrometres of a
/// millimetre, milligrams of a gram), sent as a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Measure(pub i64);

pub const MEASURE_PLACES: u32 = 6;

impl Measure {
    pub fn parse(text: &str) -> Result<Measure, String> {
        parse_fixed(text, MEASURE_PLACES, true).map(Measure)
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_fixed(self.0, MEASURE_PLACES))
    }
}

impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Measure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Measure, D::Error> {
        let text = decimal_text(d)?;
        Measure::parse(&text).map_err(|m| serde::de::Error::custom(format!("value {m}")))
    }
}

impl utoipa::PartialSchema for Measure {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^-?[0-9]{1,12}(\.[0-9]{1,6})?$"))
            .description(Some(
                "Exact decimal with at most 6 decimal places, as a string (JSON numbers are also read exactly)",
            ))
            .examples(["0.25"])
            .into()
    }
}

impl ToSchema for Measure {}

// ---- requirements and target cost -------------------------------------------------------------

/// One measurable requirement of a specification: in tolerance when `min ≤ value ≤ max` (either
/// bound may be open). A critical requirement out of tolerance fails an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true}))]
pub struct Requirement {
    /// Unique within the version: `A-Z`, `0-9`, `-`, `_`, up to 32 characters.
    pub code: String,
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

/// A quote's distance from target cost: positive above target.
pub fn gap_to_target(unit_cost_minor: i64, target_cost_minor: i64) -> (i64, Option<i64>) {
    let gap = unit_cost_minor - target_cost_minor;
    let gap_bp = (target_cost_minor > 0)
        .then(|| (i128::from(gap) * i128::from(WHOLE_BP) / i128::from(target_cost_minor)) as i64);
    (gap, gap_bp)
}

// ---- version lifecycle ------------------------------------------------------------------------

text_enum! {
    /// `draft → issued → approved → superseded`, or `withdrawn` (from draft, issued or approved).
    /// Only a draft can be edited; approving a version supersedes the approved one before it.
    pub enum VersionStatus {
        Draft = "draft",
        Issued = "issued",
        Approved = "approved",
        Superseded = "superseded",
        Withdrawn = "withdrawn",
    }
}

text_enum! {
    pub enum VersionAction {
        Edit = "edit",
        Issue = "issue",
        Approve = "approve",
        Withdraw = "withdraw",
    }
}

pub fn version_actions(status: VersionStatus) -> &'static [VersionAction] {
    use VersionAction::*;
    match status {
        VersionStatus::Draft => &[Edit, Issue, Withdraw],
        VersionStatus::Issued => &[Approve, Withdraw],
        VersionStatus::Approved => &[Withdraw],
        VersionStatus::Superseded | VersionStatus::Withdrawn => &[],
    }
}

/// The status `action` leads to, or the actions allowed instead.
pub fn next_version_status(
    status: VersionStatus,
    action: VersionAction,
) -> Result<VersionStatus, Vec<&'static str>> {
    if !version_actions(status).contains(&action) {
        return Err(version_actions(status).iter().map(|a| a.as_str()).collect());
    }
    Ok(match action {
        VersionAction::Edit => VersionStatus::Draft,
        VersionAction::Issue => VersionStatus::Issued,
        VersionAction::Approve => VersionStatus::Approved,
        VersionAction::Withdraw => VersionStatus::Withdrawn,
    })
}

/// Versions suppliers may see and quote against: never drafts or withdrawn ones.
pub fn visible_to_suppliers(status: VersionStatus) -> bool {
    matches!(
        status,
        VersionStatus::Issued | VersionStatus::Approved | VersionStatus::Superseded
    )
}

/// Quotes are for versions still in force or about to be.
pub fn quotable(status: VersionStatus) -> bool {
    matches!(status, VersionStatus::Issued | VersionStatus::Approved)
}

/// A quote is taken against version `number` (in `status`, its target in `target_currency`)
/// only while the version may be quoted, and only in the target's currency, so the gap to the
/// target cost compares like with like.
pub fn check_quote(
    number: i32,
    status: VersionStatus,
    target_currency: &str,
    quote_currency: &str,
) -> Result<(), Refusal> {
    if !quotable(status) {
        return Err(Refusal::invalid(
            "version_number",
            format!(
                "version {number} is {}; quotes are for issued or approved versions",
                status.as_str()
            ),
        ));
    }
    if quote_currency != target_currency {
        return Err(Refusal::invalid(
            "currency",
            format!("the specification's target is in {target_currency}; quote in it"),
        ));
    }
    Ok(())
}

// ---- inspections ------------------------------------------------------------------------------

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

// ---- non-conformances -------------------------------------------------------------------------

text_enum! {
    /// `open → action_proposed → verified → closed`; staff may send a proposal back to `open`.
    pub enum NcStatus {
        Open = "open",
        ActionProposed = "action_proposed",
        Verified = "verified",
        Closed = "closed",
    }
}

text_enum! {
    pub enum NcAction {
        ProposeAction = "propose_action",
        RejectAction = "reject_action",
        Verify = "verify",
        Close = "close",
    }
}

/// Who acts on a non-conformance: the supplier proposes, staff verify, reject and close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NcRole {
    Supplier,
    Staff,
}

impl NcAction {
    pub fn by(self) -> NcRole {
        match self {
            NcAction::ProposeAction => NcRole::Supplier,
            _ => NcRole::Staff,
        }
    }

    fn transition(self) -> (NcStatus, NcStatus) {
        match self {
            NcAction::ProposeAction => (NcStatus::Open, NcStatus::ActionProposed),
            NcAction::RejectAction => (NcStatus::ActionProposed, NcStatus::Open),
            NcAction::Verify => (NcStatus::ActionProposed, NcStatus::Verified),
            NcAction::Close => (NcStatus::Verified, NcStatus::Closed),
        }
    }
}

pub fn nc_actions(status: NcStatus) -> Vec<&'static str> {
    NcAction::ALL
        .iter()
        .filter(|a| a.transition().0 == status)
        .map(|a| a.as_str())
        .collect()
}

/// The status `action` leads to from `status`, or the actions allowed instead.
pub fn next_nc_status(status: NcStatus, action: NcAction) -> Result<NcStatus, Vec<&'static str>> {
    let (from, to) = action.transition();
    if from == status {
        Ok(to)
    } else {
        Err(nc_actions(status))
    }
}

/// Open work past its due date.
pub fn nc_overdue(status: NcStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status != NcStatus::Closed && due < today
}

/// Days a supplier has to put right what an inspection found.
pub const NC_DAYS_TO_RESPOND: i64 = 14;

// ---- returns ----------------------------------------------------------------------------------

text_enum! {
    /// What the customer got back: their money, or the item again.
    pub enum Resolution {
        Refund = "refund",
        Exchange = "exchange",
    }
}

/// Returned units as basis points of the units supplied; `None` when nothing was supplied.
pub fn return_rate_bp(returned_milli: i64, supplied_milli: i64) -> Option<i64> {
    (supplied_milli > 0).then(|| {
        (i128::from(returned_milli) * i128::from(WHOLE_BP) / i128::from(supplied_milli)) as i64
    })
}

// ---- the documents as clients see them --------------------------------------------------------

use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionSummary {
    pub number: i32,
    pub status: VersionStatus,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-000000000051", "number": "SPEC-2026-000001",
    "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "title": "Own-label insect killer 600 ml",
    "approved_version": 2, "versions": [{"number": 1, "status": "superseded"}, {"number": 2, "status": "approved"}],
    "created_by": "0193a1b2-0000-7000-8000-0000000000d1", "version": 3,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct Specification {
    pub id: String,
    /// `SPEC-2026-000001`.
    pub number: String,
    pub product_id: String,
    pub title: String,
    /// The version in force, if any.
    pub approved_version: Option<i32>,
    /// Every version (suppliers see issued, approved and superseded ones).
    pub versions: Vec<VersionSummary>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "spec_id": "0193a1b2-0000-7000-8000-000000000051", "number": 1, "status": "draft", "currency": "GBP",
    "target_retail_price_minor": 999, "target_margin_bp": 4000, "target_cost_minor": 599,
    "requirements": [{"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true}],
    "notes": null, "allowed_actions": ["edit", "issue", "withdraw"], "issued_at": null, "approved_at": null,
    "approved_by": null, "superseded_at": null, "withdrawn_at": null, "created_by": "0193a1b2-0000-7000-8000-0000000000d1",
    "version": 1, "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct SpecVersion {
    pub spec_id: String,
    /// 1, 2, 3… within the specification.
    pub number: i32,
    pub status: VersionStatus,
    /// ISO 4217 currency of the target price, and of every quote against this version.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub target_retail_price_minor: i64,
    /// Margin the retail price must leave, in basis points (4000 = 40%).
    pub target_margin_bp: i64,
    /// Derived: retail price × (1 − margin), rounded down to the minor unit.
    pub target_cost_minor: i64,
    pub requirements: Vec<Requirement>,
    pub notes: Option<String>,
    pub allowed_actions: Vec<VersionAction>,
    pub issued_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub superseded_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({"partner_id": "0193a1b2-0000-7000-8000-0000000000c1", "name": "Dewhirst Group", "tenure_years": 101,
    "approved_by": "0193a1b2-0000-7000-8000-0000000000d1", "approved_at": "2026-11-25T09:00:00Z"}))]
pub struct ApprovedSupplier {
    pub partner_id: String,
    pub name: String,
    pub tenure_years: Option<u32>,
    pub approved_by: String,
    pub approved_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-000000000061", "spec_id": "0193a1b2-0000-7000-8000-000000000051",
    "version_number": 1, "supplier_id": "0193a1b2-0000-7000-8000-0000000000c1", "currency": "GBP",
    "unit_cost_minor": 650, "target_cost_minor": 599, "gap_minor": 51, "gap_bp": 851, "within_target": false,
    "valid_until": "2027-03-31", "lead_time_days": 42, "note": null, "created_by": "0193a1b2-0000-7000-8000-0000000000d3",
    "version": 1, "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct Quote {
    pub id: String,
    pub spec_id: String,
    pub version_number: i32,
    pub supplier_id: String,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub unit_cost_minor: i64,
    /// The version's target cost when the quote was made.
    pub target_cost_minor: i64,
    /// unit cost − target cost: above target when positive.
    pub gap_minor: i64,
    /// The gap in basis points of target cost (absent when the target is 0).
    pub gap_bp: Option<i64>,
    pub within_target: bool,
    pub valid_until: Option<NaiveDate>,
    pub lead_time_days: Option<i32>,
    pub note: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-000000000071", "number": "INS-2026-000002",
    "spec_id": "0193a1b2-0000-7000-8000-000000000051", "version_number": 1,
    "supplier_id": "0193a1b2-0000-7000-8000-0000000000c1", "kind": "lot", "lot_reference": "L-2026-47",
    "inspected_on": "2026-11-24", "verdict": "fail", "failed_critical": ["WALL-THK"],
    "results": [{"code": "WALL-THK", "attribute": "Wall thickness", "value": "0.29", "min": "0.23", "max": "0.27",
        "target": "0.25", "unit": "MMT", "critical": true, "in_tolerance": false}],
    "note": null, "non_conformance_id": "0193a1b2-0000-7000-8000-000000000081",
    "created_by": "0193a1b2-0000-7000-8000-0000000000d1", "version": 1,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct Inspection {
    pub id: String,
    /// `INS-2026-000001`.
    pub number: String,
    pub spec_id: String,
    pub version_number: i32,
    pub supplier_id: String,
    pub kind: InspectionKind,
    pub lot_reference: Option<String>,
    pub inspected_on: NaiveDate,
    /// Computed from the results, never entered.
    pub verdict: Verdict,
    /// Codes of the critical requirements out of tolerance.
    pub failed_critical: Vec<String>,
    pub results: Vec<RequirementResult>,
    pub note: Option<String>,
    /// Opened by a failed inspection.
    pub non_conformance_id: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-000000000081", "number": "NC-2026-000001",
    "supplier_id": "0193a1b2-0000-7000-8000-0000000000c1", "spec_id": "0193a1b2-0000-7000-8000-000000000051",
    "inspection_id": "0193a1b2-0000-7000-8000-000000000071",
    "description": "Inspection INS-2026-000002 failed: WALL-THK 0.29 outside 0.23..0.27 MMT",
    "status": "action_proposed", "due_date": "2026-12-08", "overdue": false,
    "corrective_action": "Die re-ground; first 500 cans of each lot measured", "rejection_reason": null,
    "allowed_actions": ["reject_action", "verify"], "proposed_at": "2026-11-26T09:00:00Z", "verified_at": null,
    "verified_by": null, "closed_at": null, "created_by": "0193a1b2-0000-7000-8000-0000000000d1", "version": 2,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-26T09:00:00Z"
}))]
pub struct NonConformance {
    pub id: String,
    /// `NC-2026-000001`.
    pub number: String,
    pub supplier_id: String,
    pub spec_id: Option<String>,
    pub inspection_id: Option<String>,
    pub description: String,
    pub status: NcStatus,
    pub due_date: NaiveDate,
    /// Open and past its due date.
    pub overdue: bool,
    pub corrective_action: Option<String>,
    /// Why staff sent the last proposal back.
    pub rejection_reason: Option<String>,
    pub allowed_actions: Vec<NcAction>,
    pub proposed_at: Option<DateTime<Utc>>,
    pub verified_at: Option<DateTime<Utc>>,
    pub verified_by: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-000000000091", "number": "RET-2026-000001",
    "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "spec_id": "0193a1b2-0000-7000-8000-000000000051",
    "spec_version_number": 2, "supplier_id": "0193a1b2-0000-7000-8000-0000000000c1", "quantity": "1",
    "reason": null, "resolution": "refund", "returned_on": "2026-11-25",
    "created_by": "0193a1b2-0000-7000-8000-0000000000d4", "version": 1,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct ProductReturn {
    pub id: String,
    /// `RET-2026-000001`.
    pub number: String,
    pub product_id: String,
    /// The specification and version in force on the return date, when the product has one.
    pub spec_id: Option<String>,
    pub spec_version_number: Option<i32>,
    /// The approved supplier that made it.
    pub supplier_id: Option<String>,
    pub quantity: crate::orders::model::Quantity,
    /// Optional: customers return goods with no reason asked.
    pub reason: Option<String>,
    pub resolution: Resolution,
    pub returned_on: NaiveDate,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_for_quotable_versions_in_the_target_currency() {
        assert_eq!(check_quote(2, VersionStatus::Issued, "EUR", "EUR"), Ok(()));
        assert_eq!(
            check_quote(2, VersionStatus::Approved, "EUR", "EUR"),
            Ok(())
        );
        let draft = check_quote(1, VersionStatus::Draft, "EUR", "EUR").unwrap_err();
        assert_eq!(draft.code(), crate::refusal::Code::ValidationFailed);
        assert!(matches!(&draft, Refusal::Invalid(f) if f[0].field == "version_number"));
        let other = check_quote(2, VersionStatus::Issued, "EUR", "GBP").unwrap_err();
        assert!(
            matches!(&other, Refusal::Invalid(f) if f[0].field == "currency"
            && f[0].message.contains("EUR"))
        );
    }

    fn m(t: &str) -> Measure {
        Measure::parse(t).unwrap()
    }

    fn req(code: &str, min: Option<&str>, max: Option<&str>, critical: bool) -> Requirement {
        Requirement {
            code: code.into(),
            attribute: "Wall thickness".into(),
            target: None,
            min: min.map(m),
            max: max.map(m),
            unit: "MMT".into(),
            critical,
        }
    }

    #[test]
    fn target_cost_rounds_down() {
        // 9.99 at 40% margin: 5.994 → 5.99.
        assert_eq!(target_cost(999, 4_000), 599);
        assert_eq!(target_cost(1_000, 0), 1_000);
        assert_eq!(target_cost(1_000, 10_000), 0);
        // 3.33 at 33.33%: 2.220111 → 2.22.
        assert_eq!(target_cost(333, 3_333), 222);
        let mut e = vec![];
        check_pricing(100, 10_001, &mut e);
        check_pricing(-1, -1, &mut e);
        assert_eq!(e.len(), 3);
        assert_eq!(gap_to_target(650, 599), (51, Some(851)));
        assert_eq!(gap_to_target(500, 0), (500, None));
    }

    #[test]
    fn requirement_ranges_are_checked() {
        let mut e = vec![];
        check_requirements(&[req("A", Some("0.23"), Some("0.27"), true)], &mut e);
        assert!(e.is_empty(), "{e:?}");
        let mut bad = req("A", Some("0.3"), Some("0.2"), false);
        let mut e = vec![];
        check_requirements(&[bad.clone()], &mut e);
        assert_eq!(e[0].field, "requirements[0].min");
        bad = Requirement {
            target: Some(m("0.5")),
            ..req("A", Some("0.2"), Some("0.3"), false)
        };
        let mut e = vec![];
        check_requirements(
            &[
                bad,
                req("A", None, None, false),
                req("b c", Some("1"), None, false),
            ],
            &mut e,
        );
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "requirements[0].target",
                "requirements[1].code",
                "requirements[1].min",
                "requirements[2].code"
            ]
        );
        let mut e = vec![];
        check_requirements(&[], &mut e);
        assert_eq!(e[0].field, "requirements");
    }

    #[test]
    fn tolerance_bounds_are_inclusive_and_may_be_open() {
        assert!(within(m("0.23"), Some(m("0.23")), Some(m("0.27"))));
        assert!(within(m("0.27"), Some(m("0.23")), Some(m("0.27"))));
        assert!(!within(m("0.271"), Some(m("0.23")), Some(m("0.27"))));
        assert!(within(m("-40"), None, Some(m("-18"))));
        assert!(!within(m("5"), Some(m("6")), None));
    }

    #[test]
    fn any_critical_requirement_out_fails_the_inspection() {
        let reqs = vec![
            req("WALL", Some("0.23"), Some("0.27"), true),
            req("GLOSS", Some("80"), None, false),
        ];
        let (v, r) = judge(
            &reqs,
            &[
                Measurement {
                    code: "WALL".into(),
                    value: m("0.25"),
                },
                Measurement {
                    code: "GLOSS".into(),
                    value: m("70"),
                },
            ],
        )
        .unwrap();
        assert_eq!(v, Verdict::Pass);
        assert!(!r[1].in_tolerance);
        let (v, _) = judge(
            &reqs,
            &[Measurement {
                code: "WALL".into(),
                value: m("0.28"),
            }],
        )
        .unwrap();
        assert_eq!(v, Verdict::Fail);
        let e = judge(
            &reqs,
            &[Measurement {
                code: "GLOSS".into(),
                value: m("90"),
            }],
        )
        .unwrap_err();
        assert_eq!(e[0].field, "measurements");
        let e = judge(
            &reqs,
            &[
                Measurement {
                    code: "WALL".into(),
                    value: m("0.25"),
                },
                Measurement {
                    code: "NOPE".into(),
                    value: m("1"),
                },
            ],
        )
        .unwrap_err();
        assert_eq!(e[0].field, "measurements[1].code");
    }

    #[test]
    fn versions_move_one_way() {
        use VersionAction::*;
        assert_eq!(
            next_version_status(VersionStatus::Draft, Issue),
            Ok(VersionStatus::Issued)
        );
        assert_eq!(
            next_version_status(VersionStatus::Issued, Approve),
            Ok(VersionStatus::Approved)
        );
        assert_eq!(
            next_version_status(VersionStatus::Issued, Edit),
            Err(vec!["approve", "withdraw"])
        );
        assert!(next_version_status(VersionStatus::Superseded, Withdraw).is_err());
        assert!(next_version_status(VersionStatus::Draft, Approve).is_err());
        assert!(!visible_to_suppliers(VersionStatus::Draft));
        assert!(quotable(VersionStatus::Approved) && !quotable(VersionStatus::Superseded));
    }

    #[test]
    fn non_conformances_close_only_after_verification() {
        use NcAction::*;
        assert_eq!(
            next_nc_status(NcStatus::Open, ProposeAction),
            Ok(NcStatus::ActionProposed)
        );
        assert_eq!(
            next_nc_status(NcStatus::ActionProposed, RejectAction),
            Ok(NcStatus::Open)
        );
        assert_eq!(
            next_nc_status(NcStatus::ActionProposed, Verify),
            Ok(NcStatus::Verified)
        );
        assert_eq!(
            next_nc_status(NcStatus::Open, Close),
            Err(vec!["propose_action"])
        );
        assert_eq!(
            next_nc_status(NcStatus::Verified, Close),
            Ok(NcStatus::Closed)
        );
        assert_eq!(ProposeAction.by(), NcRole::Supplier);
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(nc_overdue(NcStatus::Open, d("2026-11-01"), d("2026-11-25")));
        assert!(!nc_overdue(
            NcStatus::Closed,
            d("2026-11-01"),
            d("2026-11-25")
        ));
        assert!(!nc_overdue(
            NcStatus::Open,
            d("2026-11-25"),
            d("2026-11-25")
        ));
    }

    #[test]
    fn return_rates_are_basis_points_of_supply() {
        assert_eq!(return_rate_bp(3_000, 200_000), Some(150));
        assert_eq!(return_rate_bp(1_000, 0), None);
        assert_eq!(Measure::parse("-0.5").unwrap().to_string(), "-0.5");
    }
}
