//! The documents as clients see them.

use super::*;

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
