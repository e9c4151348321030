//! What the API answers.

use super::*;

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
    "on_time_delivery": {"on_time": 3, "late": 1, "against_confirmed_date": 2, "without_requested_date": 0, "rate_bp": 7500, "score": 75},
    "fill_rate": {"lines": 4, "ordered": "400", "received": "380", "rate_bp": 9500, "score": 95},
    "quality": {"pass_rate_bp": 5000, "passed": 1, "failed": 1, "acceptance_rate_bp": 9167, "accepted": "55", "rejected": "5", "return_rate_bp": 0, "returned": "0", "open_non_conformances": 1, "score": 45},
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
    "effective_from": "2027-01-01", "status": "approved", "allowed_actions": [], "proposed_by": "0193a1b2-0000-7000-8000-0000000000f1",
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
    /// What a second staff member may do with the change now.
    pub allowed_actions: Vec<TierChangeAction>,
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

pub(crate) fn open_action() -> ActionStatus {
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
    // The action's own fields are spelled out rather than flattened: `PlanAction` is closed
    // (`deny_unknown_fields`), and a flattened closed schema is an `allOf` no answer can match.
    pub number: i32,
    pub description: String,
    /// The staff user who owns it.
    pub owner_id: String,
    pub due_date: NaiveDate,
    pub status: ActionStatus,
    pub overdue: bool,
}
