//! Co-funded promotions as pure rules: the terms each mechanic needs, the funding split, the
//! lifecycle, and the money — cost, each side's share, lift, ROI, what a claim may ask.
//!
//! **Rounding rule.** Every money figure is computed as an exact fraction on `i128` and rounded
//! once, to the nearest minor unit, halves up ([`div_round`]). The sponsor's share is rounded;
//! the channel's share is the cost minus the sponsor's share, so the two always add up to the
//! cost, to the minor unit. Pro-rated sell-out is rounded per report, to 0.001 unit and to the
//! minor unit.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::channel::model::check_share_bp;
use crate::decimal::{div_round, format_fixed};
use crate::orders::model::Quantity;
use crate::partners::model::check_currency;
use crate::refusal::FieldError;
use crate::refusal::Refusal;
use crate::text_enum;
use crate::values::body_id;
use crate::values::Name;
use crate::values::Note;

text_enum! {
    /// How the promotion works at the shelf: `price_discount` (an amount off each unit),
    /// `percent_off` (a share off the regular price), `multi_buy` (buy N, pay M), `display`
    /// (secondary placement) or `feature` (leaflet, end cap, homepage) — the last two for a fee.
    pub enum Mechanic {
        PriceDiscount = "price_discount",
        PercentOff = "percent_off",
        MultiBuy = "multi_buy",
        Display = "display",
        Feature = "feature",
    }
}

text_enum! {
    /// `draft → proposed → approved → active → ended → settled`, or `cancelled` before it starts.
    /// `active` and `ended` follow the calendar once both sides have approved.
    pub enum PromotionStatus {
        Draft = "draft",
        Proposed = "proposed",
        Approved = "approved",
        Active = "active",
        Ended = "ended",
        Settled = "settled",
        Cancelled = "cancelled",
    }
}

text_enum! {
    /// What can be done to a promotion now.
    pub enum PromotionAction {
        Edit = "edit",
        Propose = "propose",
        Approve = "approve",
        Cancel = "cancel",
        Claim = "claim",
        Settle = "settle",
    }
}

text_enum! {
    /// The shoppers targeted, by brand preference.
    pub enum BrandPreference {
        NationalBrand = "national_brand",
        StoreBrand = "store_brand",
        Switcher = "switcher",
    }
}

text_enum! {
    /// The shoppers targeted, by how much of the category they use.
    pub enum UsageLevel {
        Light = "light",
        Medium = "medium",
        Heavy = "heavy",
    }
}

text_enum! {
    /// `submitted → approved | rejected`, `approved → paid`.
    pub enum ClaimStatus {
        Submitted = "submitted",
        Approved = "approved",
        Rejected = "rejected",
        Paid = "paid",
    }
}

/// The discount terms; which fields a mechanic takes is fixed (others must be absent):
/// `price_discount` → `discount_minor` (and optionally `regular_price_minor`);
/// `percent_off` → `percent_off_bp` and `regular_price_minor`;
/// `multi_buy` → `buy_quantity`, `pay_quantity` and `regular_price_minor`;
/// `display`, `feature` → `fixed_fee_minor`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"discount_minor": 300, "regular_price_minor": 1299}))]
pub struct Terms {
    /// Amount off each unit sold, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_minor: Option<i64>,
    /// Share off the regular price, in basis points (2000 = 20% off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent_off_bp: Option<i32>,
    /// Multi-buy: units the shopper takes…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buy_quantity: Option<i32>,
    /// …and units the shopper pays for (3 for 2: buy 3, pay 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_quantity: Option<i32>,
    /// The regular shelf price per unit, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regular_price_minor: Option<i64>,
    /// Display or feature: the fee for the placement, in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_fee_minor: Option<i64>,
}

/// The shoppers a promotion is aimed at (the Dick's segmentation: brand preference × usage);
/// absent fields mean every shopper.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"brand_preference": "switcher", "usage": "heavy"}))]
pub struct TargetSegment {
    pub brand_preference: Option<BrandPreference>,
    pub usage: Option<UsageLevel>,
}

/// Money fields stay below 10^15 minor units, so products of three of them fit in `i128`.
pub const MAX_MINOR: i64 = 1_000_000_000_000_000;
/// Products on one promotion.
pub const MAX_PRODUCTS: usize = 500;
/// A promotion runs at most a year.
pub const MAX_DAYS: i64 = 366;
const BP: i128 = 10_000;
const MILLI: i128 = 1_000;

fn check_money(field: &str, v: Option<i64>, min: i64, errors: &mut Vec<FieldError>) {
    if let Some(v) = v {
        if !(min..MAX_MINOR).contains(&v) {
            errors.push(FieldError::new(
                field,
                format!("minor units from {min} to {}", MAX_MINOR - 1),
            ));
        }
    }
}

/// Checks that `terms` holds exactly what `mechanic` needs, with sensible values.
pub fn check_terms(mechanic: Mechanic, t: &Terms, errors: &mut Vec<FieldError>) {
    let given: [(&str, bool); 6] = [
        ("discount_minor", t.discount_minor.is_some()),
        ("percent_off_bp", t.percent_off_bp.is_some()),
        ("buy_quantity", t.buy_quantity.is_some()),
        ("pay_quantity", t.pay_quantity.is_some()),
        ("regular_price_minor", t.regular_price_minor.is_some()),
        ("fixed_fee_minor", t.fixed_fee_minor.is_some()),
    ];
    let (required, optional): (&[&str], &[&str]) = match mechanic {
        Mechanic::PriceDiscount => (&["discount_minor"], &["regular_price_minor"]),
        Mechanic::PercentOff => (&["percent_off_bp", "regular_price_minor"], &[]),
        Mechanic::MultiBuy => (
            &["buy_quantity", "pay_quantity", "regular_price_minor"],
            &[],
        ),
        Mechanic::Display | Mechanic::Feature => (&["fixed_fee_minor"], &[]),
    };
    for (name, present) in given {
        let field = format!("terms.{name}");
        if required.contains(&name) && !present {
            errors.push(FieldError::new(
                field,
                format!("required for `{}`", mechanic.as_str()),
            ));
        } else if present && !required.contains(&name) && !optional.contains(&name) {
            errors.push(FieldError::new(
                field,
                format!("not used by `{}`", mechanic.as_str()),
            ));
        }
    }
    check_money("terms.discount_minor", t.discount_minor, 1, errors);
    check_money(
        "terms.regular_price_minor",
        t.regular_price_minor,
        1,
        errors,
    );
    check_money("terms.fixed_fee_minor", t.fixed_fee_minor, 1, errors);
    if let (Some(d), Some(r)) = (t.discount_minor, t.regular_price_minor) {
        if d >= r {
            errors.push(FieldError::new(
                "terms.discount_minor",
                "must be less than the regular price",
            ));
        }
    }
    if t.percent_off_bp.is_some_and(|b| !(1..=9_999).contains(&b)) {
        errors.push(FieldError::new(
            "terms.percent_off_bp",
            "basis points from 1 to 9999 (2000 = 20% off)",
        ));
    }
    if t.buy_quantity.is_some_and(|b| !(2..=100).contains(&b)) {
        errors.push(FieldError::new("terms.buy_quantity", "from 2 to 100"));
    }
    if let (Some(b), Some(p)) = (t.buy_quantity, t.pay_quantity) {
        if p < 1 || p >= b {
            errors.push(FieldError::new(
                "terms.pay_quantity",
                "at least 1 and less than buy_quantity",
            ));
        }
    }
}

/// The funding split: each side's basis points, summing to 10000.
pub fn check_split(sponsor_bp: i32, channel_bp: i32, errors: &mut Vec<FieldError>) {
    check_share_bp("sponsor_share_bp", Some(sponsor_bp), errors);
    check_share_bp("channel_share_bp", Some(channel_bp), errors);
    let sum = sponsor_bp as i64 + channel_bp as i64;
    if sum != 10_000 {
        errors.push(FieldError::new(
            "channel_share_bp",
            format!("sponsor_share_bp + channel_share_bp must be 10000; they are {sum}"),
        ));
    }
}

/// A promotion's period: ends on or after it starts, at most a year long.
pub fn check_period(start: NaiveDate, end: NaiveDate, errors: &mut Vec<FieldError>) {
    if end < start {
        errors.push(FieldError::new(
            "end_date",
            "must be on or after start_date",
        ));
    } else if (end - start).num_days() + 1 > MAX_DAYS {
        errors.push(FieldError::new(
            "end_date",
            format!("a promotion runs at most {MAX_DAYS} days"),
        ));
    }
}

pub fn promotion_actions(status: PromotionStatus) -> &'static [PromotionAction] {
    use PromotionAction::*;
    match status {
        PromotionStatus::Draft => &[Edit, Propose, Cancel],
        PromotionStatus::Proposed => &[Edit, Approve, Cancel],
        PromotionStatus::Approved => &[Cancel],
        PromotionStatus::Active => &[Claim],
        PromotionStatus::Ended => &[Claim, Settle],
        PromotionStatus::Settled | PromotionStatus::Cancelled => &[],
    }
}

/// Whether `action` is possible in `status`; otherwise the actions that are.
pub fn check_action(
    status: PromotionStatus,
    action: PromotionAction,
) -> Result<(), Vec<&'static str>> {
    let allowed = promotion_actions(status);
    if allowed.contains(&action) {
        Ok(())
    } else {
        Err(allowed.iter().map(|a| a.as_str()).collect())
    }
}

/// The status the calendar moves an approved promotion to on `today`, if any: it starts on its
/// first day and ends after its last. Applied until it answers none.
pub fn calendar_step(
    status: PromotionStatus,
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
) -> Option<PromotionStatus> {
    match status {
        PromotionStatus::Approved if start <= today => Some(PromotionStatus::Active),
        PromotionStatus::Active if end < today => Some(PromotionStatus::Ended),
        _ => None,
    }
}

/// What a promotion costs for `units` sold (before the budget cap): the discount given on them,
/// or the placement fee. Multi-buy spreads the free units over all units sold
/// (`regular × (buy − pay) ÷ buy` per unit), since a sell-out report does not show baskets.
pub fn cost_for(mechanic: Mechanic, t: &Terms, units: Quantity) -> i64 {
    let u = units.milli() as i128;
    let v = |x: Option<i64>| x.unwrap_or(0) as i128;
    let cost = match mechanic {
        Mechanic::PriceDiscount => div_round(v(t.discount_minor) * u, MILLI),
        Mechanic::PercentOff => div_round(
            v(t.regular_price_minor) * t.percent_off_bp.unwrap_or(0) as i128 * u,
            BP * MILLI,
        ),
        Mechanic::MultiBuy => {
            let buy = t.buy_quantity.unwrap_or(1).max(1) as i128;
            let free = buy - t.pay_quantity.unwrap_or(0) as i128;
            div_round(v(t.regular_price_minor) * free * u, buy * MILLI)
        }
        Mechanic::Display | Mechanic::Feature => v(t.fixed_fee_minor),
    };
    cost.clamp(0, i64::MAX as i128) as i64
}

/// The sponsor's part of `amount` under its share: rounded half up.
pub fn sponsor_part(amount: i64, sponsor_bp: i32) -> i64 {
    div_round(amount as i128 * sponsor_bp as i128, BP) as i64
}

/// A cost capped by the budget and split between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CostSplit {
    pub before_cap: i64,
    pub cost: i64,
    pub capped: bool,
    pub sponsor: i64,
    pub channel: i64,
}

/// Caps `before_cap` at the budget and splits it: the sponsor's share rounded half up, the
/// channel's the remainder, so `sponsor + channel == cost` always.
pub fn split_cost(before_cap: i64, budget: i64, sponsor_bp: i32) -> CostSplit {
    let cost = before_cap.min(budget);
    let sponsor = sponsor_part(cost, sponsor_bp);
    CostSplit {
        before_cap,
        cost,
        capped: before_cap > budget,
        sponsor,
        channel: cost - sponsor,
    }
}

/// Days `a` and `b` have in common (both inclusive), zero when apart.
pub fn common_days(a: (NaiveDate, NaiveDate), b: (NaiveDate, NaiveDate)) -> i64 {
    let first = a.0.max(b.0);
    let last = a.1.min(b.1);
    if last < first {
        0
    } else {
        (last - first).num_days() + 1
    }
}

/// One product's sell-out in one current report of the channel partner.
#[derive(Debug, Clone)]
pub struct ReportedSale {
    pub report_id: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The report is in the promotion's currency (its value can be added).
    pub same_currency: bool,
    pub product_id: String,
    pub units_milli: i64,
    pub value_minor: i64,
}

/// What a promotion is measured against.
#[derive(Debug, Clone)]
pub struct MeasureBasis {
    pub mechanic: Mechanic,
    pub terms: Terms,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub budget_minor: i64,
    pub sponsor_bp: i32,
    pub baseline: Quantity,
    pub products: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProductPerformance {
    pub product_id: String,
    pub units_sold: Quantity,
    pub value_minor: i64,
}

/// The sell-out behind a promotion and what it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured {
    pub units: Quantity,
    pub value_minor: i64,
    pub reports_counted: i64,
    pub reports_prorated: i64,
    pub reports_in_other_currency: i64,
    pub by_product: Vec<(String, Quantity, i64)>,
    /// Units sold minus baseline (negative when it did worse).
    pub lift_milli: i64,
    /// Lift over baseline in basis points; none without a baseline.
    pub lift_bp: Option<i64>,
    pub split: CostSplit,
    /// Value of the lift at the average price sold: `value × lift ÷ units`.
    pub incremental_value_minor: i64,
    /// `(incremental value − cost) ÷ cost` in basis points; none when it cost nothing.
    pub roi_bp: Option<i64>,
}

/// Measures a promotion from its channel partner's sell-out. A report counts for the days it
/// shares with the promotion: wholly when inside it, pro rata by days when it straddles a
/// boundary. Value is added only from reports in the promotion's currency.
pub fn measure(basis: &MeasureBasis, sales: &[ReportedSale]) -> Measured {
    use std::collections::{BTreeMap, BTreeSet};
    // Summed in i128: a year of large reports cannot overflow; clamped once at the end.
    let mut per_product: BTreeMap<&str, (i128, i128)> = basis
        .products
        .iter()
        .map(|p| (p.as_str(), (0, 0)))
        .collect();
    let mut counted = BTreeSet::new();
    let mut prorated = BTreeSet::new();
    let mut other_currency = BTreeSet::new();
    for s in sales {
        let Some(slot) = per_product.get_mut(s.product_id.as_str()) else {
            continue;
        };
        let shared = common_days((basis.start, basis.end), (s.period_start, s.period_end));
        if shared == 0 {
            continue;
        }
        let days = (s.period_end - s.period_start).num_days() + 1;
        let part = |x: i64| div_round(x as i128 * shared as i128, days as i128);
        counted.insert(s.report_id.as_str());
        if shared < days {
            prorated.insert(s.report_id.as_str());
        }
        slot.0 += part(s.units_milli);
        if s.same_currency {
            slot.1 += part(s.value_minor);
        } else {
            other_currency.insert(s.report_id.as_str());
        }
    }
    let clamp = |x: i128| x.clamp(i64::MIN as i128, i64::MAX as i128) as i64;
    let units = clamp(per_product.values().map(|v| v.0).sum());
    let value = clamp(per_product.values().map(|v| v.1).sum());
    let baseline = basis.baseline.milli();
    let lift = units.saturating_sub(baseline);
    let lift_bp = (baseline > 0).then(|| div_round(lift as i128 * BP, baseline as i128) as i64);
    let split = split_cost(
        cost_for(basis.mechanic, &basis.terms, Quantity(units)),
        basis.budget_minor,
        basis.sponsor_bp,
    );
    let incremental = if units > 0 {
        div_round(value as i128 * lift as i128, units as i128) as i64
    } else {
        0
    };
    let roi_bp = (split.cost > 0).then(|| {
        div_round(
            (incremental as i128 - split.cost as i128) * BP,
            split.cost as i128,
        ) as i64
    });
    Measured {
        units: Quantity(units),
        value_minor: value,
        reports_counted: counted.len() as i64,
        reports_prorated: prorated.len() as i64,
        reports_in_other_currency: other_currency.len() as i64,
        by_product: per_product
            .into_iter()
            .map(|(p, (u, v))| (p.to_string(), Quantity(clamp(u)), clamp(v)))
            .collect(),
        lift_milli: lift,
        lift_bp,
        split,
        incremental_value_minor: incremental,
        roi_bp,
    }
}

/// A signed quantity as text (`"-120.5"`), for lifts.
pub fn signed_quantity(milli: i64) -> String {
    format_fixed(milli, 3)
}

/// The claims on one promotion, totalled by status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClaimLedger {
    pub submitted_minor: i64,
    pub approved_minor: i64,
    pub paid_minor: i64,
    pub rejected_minor: i64,
    /// Units claimed by claims not rejected.
    pub live_units_milli: i64,
}

impl ClaimLedger {
    pub fn add(&mut self, status: ClaimStatus, units_milli: i64, amount: i64) {
        match status {
            ClaimStatus::Submitted => self.submitted_minor += amount,
            ClaimStatus::Approved => self.approved_minor += amount,
            ClaimStatus::Paid => self.paid_minor += amount,
            ClaimStatus::Rejected => self.rejected_minor += amount,
        }
        if status != ClaimStatus::Rejected {
            self.live_units_milli += units_milli;
        }
    }

    /// Everything claimed and not rejected.
    pub fn live_minor(&self) -> i64 {
        self.submitted_minor + self.approved_minor + self.paid_minor
    }
}

/// The most the sponsor can ever be asked for: its share of the budget, and no more than its
/// share of the cost that sell-out supports.
pub fn claim_cap(budget_minor: i64, sponsor_bp: i32, supported_sponsor_cost: i64) -> i64 {
    sponsor_part(budget_minor, sponsor_bp).min(supported_sponsor_cost)
}

/// Why a claim cannot be made or approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimRefusal {
    /// More units than sell-out shows and earlier claims have not used.
    BeyondSellOut { available: Quantity },
    /// More money than is open under the cap.
    BeyondOpen { open: i64 },
}

/// A new claim for `units` and `amount` against the cap and the units sell-out shows.
pub fn check_new_claim(
    units: Quantity,
    amount: i64,
    ledger: &ClaimLedger,
    sold: Quantity,
    cap: i64,
) -> Result<(), ClaimRefusal> {
    let available = Quantity((sold.milli() - ledger.live_units_milli).max(0));
    if units > available {
        return Err(ClaimRefusal::BeyondSellOut { available });
    }
    let open = (cap - ledger.live_minor()).max(0);
    if amount > open {
        return Err(ClaimRefusal::BeyondOpen { open });
    }
    Ok(())
}

/// Approving a claim of `amount`: what is approved or paid may never pass the cap (sell-out may
/// have been corrected downwards since the claim was made).
pub fn check_claim_approval(
    amount: i64,
    ledger: &ClaimLedger,
    cap: i64,
) -> Result<(), ClaimRefusal> {
    let open = (cap - ledger.approved_minor - ledger.paid_minor).max(0);
    if amount > open {
        Err(ClaimRefusal::BeyondOpen { open })
    } else {
        Ok(())
    }
}

// ---- what the API answers -----------------------------------------------------------------------

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
    "currency": "CNY", "status": "approved", "reference": "DN-88812", "note": null,
    "submitted_by": "0193a1b2-0000-7000-8000-0000000000f2", "decided_by": "0193a1b2-0000-7000-8000-0000000000f1",
    "decided_at": "2026-07-05T10:00:00Z", "rejection_reason": null, "payment_reference": null,
    "paid_by": null, "paid_at": null, "version": 2,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn terms_errors(m: Mechanic, t: Terms) -> Vec<String> {
        let mut e = vec![];
        check_terms(m, &t, &mut e);
        e.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn each_mechanic_takes_its_own_terms() {
        let discount = Terms {
            discount_minor: Some(300),
            regular_price_minor: Some(1299),
            ..Terms::default()
        };
        assert!(terms_errors(Mechanic::PriceDiscount, discount.clone()).is_empty());
        assert_eq!(
            terms_errors(Mechanic::PercentOff, discount),
            vec!["terms.discount_minor", "terms.percent_off_bp"]
        );
        assert_eq!(
            terms_errors(Mechanic::Display, Terms::default()),
            vec!["terms.fixed_fee_minor"]
        );
        let too_much = Terms {
            discount_minor: Some(1299),
            regular_price_minor: Some(1299),
            ..Terms::default()
        };
        assert_eq!(
            terms_errors(Mechanic::PriceDiscount, too_much),
            vec!["terms.discount_minor"]
        );
        let three_for_three = Terms {
            buy_quantity: Some(3),
            pay_quantity: Some(3),
            regular_price_minor: Some(500),
            ..Terms::default()
        };
        assert_eq!(
            terms_errors(Mechanic::MultiBuy, three_for_three),
            vec!["terms.pay_quantity"]
        );
        let whole_price = Terms {
            percent_off_bp: Some(10_000),
            regular_price_minor: Some(500),
            ..Terms::default()
        };
        assert_eq!(
            terms_errors(Mechanic::PercentOff, whole_price),
            vec!["terms.percent_off_bp"]
        );
    }

    #[test]
    fn the_split_sums_to_ten_thousand() {
        let mut e = vec![];
        check_split(7000, 3000, &mut e);
        assert!(e.is_empty());
        check_split(7000, 2000, &mut e);
        assert_eq!(e[0].field, "channel_share_bp");
        let mut e = vec![];
        check_split(-1, 10_001, &mut e);
        assert_eq!(e.len(), 2);
    }

    #[test]
    fn periods_run_forward_and_at_most_a_year() {
        let mut e = vec![];
        check_period(d("2026-06-01"), d("2026-06-01"), &mut e);
        check_period(d("2026-01-01"), d("2026-12-31"), &mut e);
        assert!(e.is_empty());
        check_period(d("2026-06-30"), d("2026-06-01"), &mut e);
        check_period(d("2026-01-01"), d("2027-01-02"), &mut e);
        assert_eq!(e.len(), 2);
        assert!(e.iter().all(|f| f.field == "end_date"));
    }

    #[test]
    fn lifecycle_allows_what_each_status_allows() {
        use PromotionAction::*;
        use PromotionStatus::*;
        assert!(check_action(Draft, Propose).is_ok());
        assert!(check_action(Proposed, Edit).is_ok());
        assert_eq!(check_action(Approved, Edit).unwrap_err(), vec!["cancel"]);
        assert!(check_action(Active, Cancel).is_err());
        assert!(check_action(Ended, Settle).is_ok());
        assert!(check_action(Active, Settle).is_err());
        assert!(check_action(Settled, Claim).is_err());
        assert!(check_action(Cancelled, Edit).is_err());
    }

    #[test]
    fn the_calendar_starts_and_ends_approved_promotions() {
        use PromotionStatus::*;
        let (s, e) = (d("2026-06-01"), d("2026-06-30"));
        assert_eq!(calendar_step(Approved, s, e, d("2026-05-31")), None);
        assert_eq!(calendar_step(Approved, s, e, d("2026-06-01")), Some(Active));
        assert_eq!(calendar_step(Active, s, e, d("2026-06-30")), None);
        assert_eq!(calendar_step(Active, s, e, d("2026-07-01")), Some(Ended));
        assert_eq!(calendar_step(Proposed, s, e, d("2026-07-01")), None);
        assert_eq!(calendar_step(Ended, s, e, d("2027-01-01")), None);
    }

    #[test]
    fn cost_follows_the_mechanic_and_rounds_once() {
        let units = Quantity::parse("1234.5").unwrap();
        let price_cut = Terms {
            discount_minor: Some(333),
            ..Terms::default()
        };
        // 333 × 1234.5 = 411,088.5 → 411,089 (half up, once).
        assert_eq!(
            cost_for(Mechanic::PriceDiscount, &price_cut, units),
            411_089
        );
        let pct = Terms {
            percent_off_bp: Some(1500),
            regular_price_minor: Some(999),
            ..Terms::default()
        };
        // 999 × 15% × 1234.5 = 184,989.825 → 184,990.
        assert_eq!(cost_for(Mechanic::PercentOff, &pct, units), 184_990);
        let three_for_two = Terms {
            buy_quantity: Some(3),
            pay_quantity: Some(2),
            regular_price_minor: Some(100),
            ..Terms::default()
        };
        // 100 × 1/3 × 1234.5 = 41,150 exactly.
        assert_eq!(cost_for(Mechanic::MultiBuy, &three_for_two, units), 41_150);
        let fee = Terms {
            fixed_fee_minor: Some(50_000),
            ..Terms::default()
        };
        assert_eq!(cost_for(Mechanic::Display, &fee, Quantity::ZERO), 50_000);
        assert_eq!(cost_for(Mechanic::Feature, &fee, units), 50_000);
    }

    #[test]
    fn shares_always_add_up_to_the_cost() {
        for cost in [0, 1, 2, 3, 7, 99, 100, 101, 12_345, 999_999, 5_000_001] {
            for bp in [0, 1, 3333, 5000, 6667, 7000, 9999, 10_000] {
                let s = split_cost(cost, i64::MAX, bp);
                assert_eq!(s.sponsor + s.channel, cost, "cost {cost} bp {bp}");
                assert!(s.sponsor >= 0 && s.channel >= 0);
            }
        }
        // Half a minor unit goes to the sponsor (half up); the channel takes the remainder.
        assert_eq!(split_cost(1, 100, 5000).sponsor, 1);
        assert_eq!(split_cost(1, 100, 5000).channel, 0);
        assert_eq!(split_cost(101, 1000, 5000).sponsor, 51);
        // 3 at 33.33%: 0.9999 → 1.
        assert_eq!(split_cost(3, 10, 3333).sponsor, 1);
    }

    #[test]
    fn the_budget_caps_the_cost_and_the_sponsor_share() {
        let s = split_cost(7_000_000, 5_000_000, 7000);
        assert!(s.capped);
        assert_eq!(s.cost, 5_000_000);
        assert_eq!(s.sponsor, 3_500_000);
        assert_eq!(s.channel, 1_500_000);
        // Capped, the sponsor's share of the cost is its share of the budget exactly.
        assert_eq!(claim_cap(5_000_000, 7000, s.sponsor), 3_500_000);
        assert_eq!(claim_cap(5_000_001, 7000, 10_000_000), 3_500_001);
    }

    fn basis() -> MeasureBasis {
        MeasureBasis {
            mechanic: Mechanic::PriceDiscount,
            terms: Terms {
                discount_minor: Some(300),
                ..Terms::default()
            },
            start: d("2026-06-01"),
            end: d("2026-06-30"),
            budget_minor: 5_000_000,
            sponsor_bp: 7000,
            baseline: Quantity::units(10_000),
            products: vec!["p1".into(), "p2".into()],
        }
    }

    fn sale(
        report: &str,
        from: &str,
        to: &str,
        product: &str,
        units: i64,
        value: i64,
    ) -> ReportedSale {
        ReportedSale {
            report_id: report.into(),
            period_start: d(from),
            period_end: d(to),
            same_currency: true,
            product_id: product.into(),
            units_milli: units * 1000,
            value_minor: value,
        }
    }

    #[test]
    fn performance_counts_in_period_sales_of_the_promoted_products() {
        let sales = [
            sale("r1", "2026-06-01", "2026-06-15", "p1", 9_000, 8_991_000),
            sale("r1", "2026-06-01", "2026-06-15", "p2", 1_000, 999_000),
            sale("r1", "2026-06-01", "2026-06-15", "other", 5_000, 1),
            // Half of this fortnight lies after the promotion: half counts.
            sale("r2", "2026-06-24", "2026-07-07", "p1", 10_000, 9_990_000),
            sale("r3", "2026-07-08", "2026-07-31", "p1", 99_000, 1),
        ];
        let m = measure(&basis(), &sales);
        assert_eq!(m.units, Quantity::units(15_000));
        assert_eq!(m.value_minor, 14_985_000);
        assert_eq!((m.reports_counted, m.reports_prorated), (2, 1));
        assert_eq!(m.lift_milli, 5_000_000);
        assert_eq!(m.lift_bp, Some(5000));
        // 300 × 15,000 = 4,500,000 under the 5,000,000 budget; sponsor 70%.
        assert_eq!(m.split.cost, 4_500_000);
        assert!(!m.split.capped);
        assert_eq!((m.split.sponsor, m.split.channel), (3_150_000, 1_350_000));
        // 5,000 extra units at 999 = 4,995,000; ROI (4,995,000 − 4,500,000) ÷ 4,500,000 = 11%.
        assert_eq!(m.incremental_value_minor, 4_995_000);
        assert_eq!(m.roi_bp, Some(1100));
        assert_eq!(m.by_product[0].1, Quantity::units(14_000));
    }

    #[test]
    fn a_promotion_below_baseline_shows_negative_lift_and_roi() {
        let sales = [sale(
            "r1",
            "2026-06-01",
            "2026-06-30",
            "p1",
            8_000,
            7_992_000,
        )];
        let m = measure(&basis(), &sales);
        assert_eq!(m.lift_milli, -2_000_000);
        assert_eq!(m.lift_bp, Some(-2000));
        assert_eq!(signed_quantity(m.lift_milli), "-2000");
        assert_eq!(m.incremental_value_minor, -1_998_000);
        // Cost 2,400,000; ROI (−1,998,000 − 2,400,000) ÷ 2,400,000 = −183.25% → −18325 bp.
        assert_eq!(m.roi_bp, Some(-18_325));
    }

    #[test]
    fn other_currency_reports_count_units_not_value() {
        let mut s = sale("r1", "2026-06-01", "2026-06-30", "p1", 100, 5_000);
        s.same_currency = false;
        let m = measure(&basis(), &[s]);
        assert_eq!(m.units, Quantity::units(100));
        assert_eq!(m.value_minor, 0);
        assert_eq!(m.reports_in_other_currency, 1);
    }

    #[test]
    fn pro_rating_rounds_per_report_to_the_thousandth() {
        // One unit over a 3-day report, 1 day inside: 0.333 units, 33.333 → 33 minor units.
        let s = ReportedSale {
            units_milli: 1000,
            value_minor: 100,
            ..sale("r", "2026-06-30", "2026-07-02", "p1", 0, 0)
        };
        let m = measure(&basis(), &[s]);
        assert_eq!(m.units, Quantity(333));
        assert_eq!(m.value_minor, 33);
    }

    #[test]
    fn claims_stay_within_sell_out_and_the_open_amount() {
        let mut ledger = ClaimLedger::default();
        let sold = Quantity::units(15_000);
        let cap = 3_150_000;
        assert!(check_new_claim(Quantity::units(10_000), 2_100_000, &ledger, sold, cap).is_ok());
        ledger.add(ClaimStatus::Approved, 10_000_000, 2_100_000);
        assert_eq!(
            check_new_claim(Quantity::units(6_000), 1, &ledger, sold, cap),
            Err(ClaimRefusal::BeyondSellOut {
                available: Quantity::units(5_000)
            })
        );
        assert_eq!(
            check_new_claim(Quantity::units(5_000), 1_050_001, &ledger, sold, cap),
            Err(ClaimRefusal::BeyondOpen { open: 1_050_000 })
        );
        assert!(check_new_claim(Quantity::units(5_000), 1_050_000, &ledger, sold, cap).is_ok());
        // A rejected claim frees its units and its money.
        ledger.add(ClaimStatus::Rejected, 5_000_000, 1_050_000);
        assert_eq!(ledger.live_minor(), 2_100_000);
        assert!(check_new_claim(Quantity::units(5_000), 1_050_000, &ledger, sold, cap).is_ok());
        // Approval checks approved and paid only against a cap that may have shrunk.
        ledger.add(ClaimStatus::Submitted, 5_000_000, 1_050_000);
        assert!(check_claim_approval(1_050_000, &ledger, cap).is_ok());
        assert_eq!(
            check_claim_approval(1_050_000, &ledger, 3_000_000),
            Err(ClaimRefusal::BeyondOpen { open: 900_000 })
        );
    }

    #[test]
    fn days_in_common() {
        let p = (d("2026-06-01"), d("2026-06-30"));
        assert_eq!(common_days(p, (d("2026-05-25"), d("2026-06-07"))), 7);
        assert_eq!(common_days(p, (d("2026-07-01"), d("2026-07-07"))), 0);
        assert_eq!(common_days(p, p), 30);
    }
}
