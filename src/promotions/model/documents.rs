//! What the API answers.

use super::*;

/// One side's approval.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Approval {
    /// The user or client that approved.
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Approvals {
    pub sponsor: Option<Approval>,
    pub channel: Option<Approval>,
}

/// Another promotion on some of the same products at the same channel partner, in an
/// overlapping period: both would claim the same sell-out.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Overlap {
    pub promotion_id: String,
    pub number: String,
    pub status: PromotionStatus,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub product_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000e1", "number": "PROMO-2026-000001",
    "name": "Summer insect killer price cut", "sponsor_id": "0193a1b2-0000-7000-8000-0000000000a9",
    "channel_partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "mechanic": "price_discount",
    "terms": {"discount_minor": 300, "regular_price_minor": 1299},
    "product_ids": ["0193a1b2-0000-7000-8000-0000000000a1"],
    "start_date": "2026-06-01", "end_date": "2026-06-30",
    "target_segment": {"brand_preference": "switcher", "usage": "heavy"},
    "currency": "CNY", "budget_minor": 5000000, "sponsor_share_bp": 7000, "channel_share_bp": 3000,
    "sponsor_budget_minor": 3500000, "baseline_units": "10000", "status": "proposed",
    "approvals": {"sponsor": {"by": "0193a1b2-0000-7000-8000-0000000000f1", "at": "2026-05-02T09:00:00Z"}, "channel": null},
    "overlaps": [], "allowed_actions": ["edit", "approve", "cancel"], "notes": "Funding split invented for the example",
    "cancel_reason": null, "cancelled_at": null, "settled_at": null,
    "created_by": "0193a1b2-0000-7000-8000-0000000000f1", "version": 3,
    "created_at": "2026-05-01T09:00:00Z", "updated_at": "2026-05-02T09:00:00Z"
}))]
pub struct Promotion {
    pub id: String,
    /// `PROMO-2026-000123`.
    pub number: String,
    pub name: String,
    /// The funding manufacturer; null when the host company sponsors its own brand.
    pub sponsor_id: Option<String>,
    /// The distributor or key account that runs it and reports its sell-out.
    pub channel_partner_id: String,
    pub mechanic: Mechanic,
    pub terms: Terms,
    pub product_ids: Vec<String>,
    /// First day, inclusive.
    pub start_date: NaiveDate,
    /// Last day, inclusive.
    pub end_date: NaiveDate,
    pub target_segment: Option<TargetSegment>,
    /// ISO 4217 currency of the budget and terms.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// The most the promotion may cost, in minor units.
    pub budget_minor: i64,
    pub sponsor_share_bp: i32,
    pub channel_share_bp: i32,
    /// The sponsor's share of the budget (rounded half up): the most its claims can reach.
    pub sponsor_budget_minor: i64,
    /// Units expected in the period without the promotion.
    pub baseline_units: Quantity,
    pub status: PromotionStatus,
    pub approvals: Approvals,
    /// Flagged at proposal: other promotions on the same products and channel in the period.
    pub overlaps: Vec<Overlap>,
    pub allowed_actions: Vec<PromotionAction>,
    pub notes: Option<String>,
    pub cancel_reason: Option<String>,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub settled_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "promotion_id": "0193a1b2-0000-7000-8000-0000000000e1", "number": "PROMO-2026-000001", "status": "ended",
    "start_date": "2026-06-01", "end_date": "2026-06-30", "as_of": "2026-07-03", "complete": true,
    "currency": "CNY", "reports_counted": 2, "reports_prorated": 1, "reports_in_other_currency": 0,
    "units_sold": "15000", "value_minor": 14985000, "baseline_units": "10000", "lift_units": "5000",
    "lift_bp": 5000, "beat_baseline": true, "budget_minor": 5000000, "cost_before_cap_minor": 4500000,
    "cost_minor": 4500000, "cost_capped": false, "sponsor_share_bp": 7000, "sponsor_cost_minor": 3150000,
    "channel_cost_minor": 1350000, "incremental_value_minor": 4995000, "roi_bp": 1100,
    "products": [{"product_id": "0193a1b2-0000-7000-8000-0000000000a1", "units_sold": "15000", "value_minor": 14985000}]
}))]
pub struct PromotionPerformance {
    pub promotion_id: String,
    pub number: String,
    pub status: PromotionStatus,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// The day the figures were taken.
    pub as_of: NaiveDate,
    /// The period is over; figures change now only if sell-out is corrected.
    pub complete: bool,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// Current sell-out reports of the channel partner that share days with the promotion.
    pub reports_counted: i64,
    /// Of those, reports straddling the start or end, counted pro rata by days.
    pub reports_prorated: i64,
    /// Reports in another currency: their units count, their value does not.
    pub reports_in_other_currency: i64,
    pub units_sold: Quantity,
    pub value_minor: i64,
    pub baseline_units: Quantity,
    /// Units sold − baseline, signed decimal text.
    pub lift_units: String,
    /// Lift ÷ baseline in basis points (5000 = +50%); null without a baseline.
    pub lift_bp: Option<i64>,
    pub beat_baseline: bool,
    pub budget_minor: i64,
    /// Discount × units sold (or the placement fee).
    pub cost_before_cap_minor: i64,
    /// Capped by the budget.
    pub cost_minor: i64,
    pub cost_capped: bool,
    pub sponsor_share_bp: i32,
    /// The sponsor's share of the cost, rounded half up.
    pub sponsor_cost_minor: i64,
    /// The rest: cost − sponsor's share.
    pub channel_cost_minor: i64,
    /// The lift valued at the average price sold.
    pub incremental_value_minor: i64,
    /// (Incremental value − cost) ÷ cost, in basis points; null when it cost nothing.
    pub roi_bp: Option<i64>,
    pub products: Vec<ProductPerformance>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000c7", "number": "CLM-2026-000001",
    "promotion_id": "0193a1b2-0000-7000-8000-0000000000e1", "units": "15000", "amount_minor": 3150000,
    "currency": "CNY", "status": "approved", "allowed_actions": ["pay"], "reference": "DN-88812", "note": null,
    "submitted_by": "0193a1b2-0000-7000-8000-0000000000f2", "decided_by": "0193a1b2-0000-7000-8000-0000000000f1",
    "decided_at": "2026-07-05T10:00:00Z", "rejection_reason": null, "payment_reference": null,
    "paid_by": null, "paid_at": null, "decision_due_date": "2026-08-02", "version": 2,
    "created_at": "2026-07-03T09:00:00Z", "updated_at": "2026-07-05T10:00:00Z"
}))]
pub struct Claim {
    pub id: String,
    /// `CLM-2026-000123`.
    pub number: String,
    pub promotion_id: String,
    /// Units sold under the promotion that the claim is for.
    pub units: Quantity,
    pub amount_minor: i64,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub status: ClaimStatus,
    /// What the sponsor may do with the claim now.
    pub allowed_actions: Vec<ClaimAction>,
    /// The channel partner's own document number (debit note).
    pub reference: Option<String>,
    pub note: Option<String>,
    pub submitted_by: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub rejection_reason: Option<String>,
    pub payment_reference: Option<String>,
    pub paid_by: Option<String>,
    pub paid_at: Option<DateTime<Utc>>,
    /// The sponsor decides a submitted claim by this day (30 days after it was submitted);
    /// past it, a `promotion_claim.overdue` event tells both sides.
    pub decision_due_date: NaiveDate,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where the money of one promotion stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "promotion_id": "0193a1b2-0000-7000-8000-0000000000e1", "number": "PROMO-2026-000001", "status": "ended",
    "sponsor_id": "0193a1b2-0000-7000-8000-0000000000a9", "channel_partner_id": "0193a1b2-0000-7000-8000-0000000000d1",
    "currency": "CNY", "budget_minor": 5000000, "sponsor_budget_minor": 3500000, "supported_minor": 3150000,
    "claimable_minor": 3150000, "submitted_minor": 0, "approved_minor": 3150000, "paid_minor": 0,
    "rejected_minor": 200000, "open_minor": 0, "claims": 2
}))]
pub struct PromotionSettlement {
    pub promotion_id: String,
    pub number: String,
    pub status: PromotionStatus,
    pub sponsor_id: Option<String>,
    pub channel_partner_id: String,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub budget_minor: i64,
    /// The sponsor's share of the budget.
    pub sponsor_budget_minor: i64,
    /// The sponsor's share of the cost that sell-out supports.
    pub supported_minor: i64,
    /// The lesser of the two: the most all claims together may reach.
    pub claimable_minor: i64,
    /// Claimed and awaiting the sponsor's decision.
    pub submitted_minor: i64,
    /// Approved, not yet paid.
    pub approved_minor: i64,
    pub paid_minor: i64,
    pub rejected_minor: i64,
    /// What the channel can still claim: claimable − submitted − approved − paid.
    pub open_minor: i64,
    pub claims: i64,
}

/// One sponsor's promotions in one currency, totalled.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "sponsor_id": "0193a1b2-0000-7000-8000-0000000000a9", "currency": "CNY", "promotions": 4,
    "settled": 3, "budget_minor": 20000000, "sponsor_budget_minor": 14000000, "submitted_minor": 0,
    "approved_minor": 3150000, "paid_minor": 9100000, "rejected_minor": 200000, "outstanding_minor": 3150000
}))]
pub struct SponsorSettlement {
    /// Null for the host company's own promotions.
    pub sponsor_id: Option<String>,
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    /// Promotions approved or later (not drafts, proposals or cancelled ones).
    pub promotions: i64,
    pub settled: i64,
    pub budget_minor: i64,
    pub sponsor_budget_minor: i64,
    pub submitted_minor: i64,
    pub approved_minor: i64,
    pub paid_minor: i64,
    pub rejected_minor: i64,
    /// Approved and not yet paid: what the sponsor owes now.
    pub outstanding_minor: i64,
}

/// A promotion's fields as the caller set them, checked field by field in `routes`.
#[derive(Debug, Clone)]
pub struct PromotionDraft {
    pub name: String,
    pub sponsor_id: Option<String>,
    pub channel_partner_id: String,
    pub mechanic: Mechanic,
    pub terms: Terms,
    pub product_ids: Vec<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub target_segment: Option<TargetSegment>,
    pub currency: String,
    pub budget_minor: i64,
    pub sponsor_share_bp: i32,
    pub channel_share_bp: i32,
    pub baseline: Quantity,
    pub notes: Option<String>,
}

/// Checks every field a caller sets, collecting all errors into one 422.
pub fn check_draft(d: PromotionDraft) -> Result<PromotionDraft, Refusal> {
    let mut e = vec![];
    let name = Name::check("name", &d.name, &mut e);
    check_terms(d.mechanic, &d.terms, &mut e);
    if d.product_ids.is_empty() || d.product_ids.len() > MAX_PRODUCTS {
        e.push(FieldError::new(
            "product_ids",
            format!("1 to {MAX_PRODUCTS} products"),
        ));
    }
    let mut product_ids = Vec::with_capacity(d.product_ids.len());
    for (i, p) in d.product_ids.into_iter().enumerate() {
        let id = body_id(&format!("product_ids[{i}]"), p, &mut e);
        if product_ids.contains(&id) {
            e.push(FieldError::new(format!("product_ids[{i}]"), "listed twice"));
        }
        product_ids.push(id);
    }
    product_ids.sort();
    check_period(d.start_date, d.end_date, &mut e);
    let currency = check_currency("currency", d.currency, &mut e);
    if !(1..MAX_MINOR).contains(&d.budget_minor) {
        e.push(FieldError::new(
            "budget_minor",
            format!("minor units from 1 to {}", MAX_MINOR - 1),
        ));
    }
    check_split(d.sponsor_share_bp, d.channel_share_bp, &mut e);
    let notes = Note::check_optional("notes", d.notes, &mut e);
    Refusal::check(e)?;
    Ok(PromotionDraft {
        name,
        product_ids,
        currency,
        notes,
        ..d
    })
}
