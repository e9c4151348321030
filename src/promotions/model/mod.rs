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
use crate::lifecycle::{self, Lifecycle};
use crate::orders::model::Quantity;
use crate::partners::model::check_currency;
use crate::refusal::{Code, FieldError, Refusal};
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

impl Lifecycle for PromotionStatus {
    type Action = PromotionAction;
    const DOCUMENT: &'static str = "promotion";

    fn allowed_actions(self) -> &'static [PromotionAction] {
        use PromotionAction::*;
        match self {
            PromotionStatus::Draft => &[Edit, Propose, Cancel],
            PromotionStatus::Proposed => &[Edit, Approve, Cancel],
            PromotionStatus::Approved => &[Cancel],
            PromotionStatus::Active => &[Claim],
            PromotionStatus::Ended => &[Claim, Settle],
            PromotionStatus::Settled | PromotionStatus::Cancelled => &[],
        }
    }
}

/// Each side approves a proposal once; the promotion waits for the other side.
pub fn check_side_not_yet_approved(already: bool) -> Result<(), Refusal> {
    if already {
        return Err(Refusal::conflict(
            Code::AlreadyApproved,
            "your side has approved this promotion already; it waits for the other side",
        ));
    }
    Ok(())
}

/// Whether `action` is possible in `status`; otherwise the refusal names the actions that are.
pub fn check_action(status: PromotionStatus, action: PromotionAction) -> Result<(), Refusal> {
    lifecycle::check(status, action)
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

mod claim;
mod documents;
mod parties;

pub use claim::*;
pub use documents::*;
pub use parties::*;

#[cfg(test)]
mod tests;
