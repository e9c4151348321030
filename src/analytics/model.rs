//! The calculations behind the analytics, without a database: shares in basis points, share of
//! customer by partner, category and period with trend, target gap and growth-target flag; the
//! portfolio and segment roll-ups; supplier concentration (largest share, Herfindahl index);
//! ABC classes by cumulative contribution; stock cover.
//!
//! Every ratio is computed on integers and rounded half-up once, at the end; class boundaries
//! are compared exactly (cumulative × 10000 against threshold × total), never on rounded shares.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::channel::model::{EstimateSource, WalletEstimate};
use crate::orders::model::Quantity;
use crate::period::{Granularity, Period};
use crate::refusal::FieldError;
use crate::text_enum;

/// `part ÷ whole` in basis points, rounded half-up; none when the whole is nothing.
pub fn share_bp(part: i64, whole: i64) -> Option<i64> {
    if whole <= 0 {
        return None;
    }
    let (part, whole) = (part as i128, whole as i128);
    Some(((part * 20_000 + whole) / (2 * whole)) as i64)
}

/// The Herfindahl–Hirschman index of the shares making up a whole, on the 0–10000 scale
/// (one supplier: 10000; ten equal ones: 1000), rounded half-up.
pub fn herfindahl(parts: &[i64]) -> i64 {
    let total: i128 = parts.iter().map(|&p| p as i128).sum();
    if total <= 0 {
        return 0;
    }
    let squares: i128 = parts.iter().map(|&p| (p as i128) * (p as i128)).sum();
    ((squares * 20_000 + total * total) / (2 * total * total)) as i64
}

/// Above 2500 a market (here: our buying in a category) counts as highly concentrated, as the
/// US merger guidelines draw the line.
pub const HIGHLY_CONCENTRATED_HHI: i64 = 2500;

text_enum! {
    /// How a share moved from the period before.
    pub enum Trend {
        Up = "up",
        Down = "down",
        Flat = "flat",
    }
}

fn trend_of(change_bp: i64) -> Trend {
    match change_bp.signum() {
        1 => Trend::Up,
        -1 => Trend::Down,
        _ => Trend::Flat,
    }
}

// ---- share of customer --------------------------------------------------------------------------

/// Goods we supplied a customer: one document line's worth.
#[derive(Debug, Clone)]
pub struct Supplied {
    pub partner_id: String,
    pub category: String,
    pub unit: String,
    pub day: NaiveDate,
    pub milli: i64,
}

/// What the analytics show of a partner beside its figures.
#[derive(Debug, Clone, Default)]
pub struct PartnerLabel {
    pub name: String,
    pub segment: Option<String>,
}

/// One partner, category and period: our volume against the customer's total.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "partner_name": "Raid China", "segment": "top_10",
    "category": "aerosol cans", "unit": "EA", "period": "2026", "period_start": "2026-01-01",
    "period_end": "2026-12-31", "our_quantity": "2500", "wallet_quantity": "10000", "source": "survey",
    "estimate_id": "0193a1b2-0000-7000-8000-00000000e001", "share_bp": 2500, "target_share_bp": 4000,
    "gap_bp": 1500, "change_bp": 300, "trend": "up", "growth_target": true, "estimate_below_supplied": false
}))]
pub struct CustomerShare {
    pub partner_id: String,
    pub partner_name: String,
    pub segment: Option<String>,
    pub category: String,
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    pub period: Period,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// What we supplied (by the chosen basis) in the period, in `unit`.
    pub our_quantity: Quantity,
    /// The customer's total in the category, from the wallet estimate; absent without one.
    pub wallet_quantity: Option<Quantity>,
    /// Where the total comes from.
    pub source: Option<EstimateSource>,
    pub estimate_id: Option<String>,
    /// ours ÷ total in basis points (3800 = 38%); absent without an estimate.
    pub share_bp: Option<i64>,
    pub target_share_bp: Option<i64>,
    /// target − share: how far below target (negative: above it).
    pub gap_bp: Option<i64>,
    /// share − the previous period's share.
    pub change_bp: Option<i64>,
    pub trend: Option<Trend>,
    /// Share below the growth threshold: a customer to grow.
    pub growth_target: bool,
    /// We supplied more than the estimate says they bought: the estimate needs a look.
    pub estimate_below_supplied: bool,
}

/// Share of customer for every partner, category and unit with an estimate or a delivery in the
/// range, for every period of the range (so each row's trend is complete). Estimates of other
/// grains are ignored; our volume counts only deliveries in the estimate's unit.
/// How many rows [`customer_shares`] would answer: one per customer, category and unit with an
/// estimate of the periods' grain or a delivery, times the periods. Known before computing, so
/// an answer too large is refused before it takes the memory.
pub fn customer_share_rows(
    periods: &[Period],
    estimates: &[WalletEstimate],
    supplied: &[Supplied],
) -> usize {
    let Some(&first) = periods.first() else {
        return 0;
    };
    let keys: BTreeSet<(&str, &str, &str)> = estimates
        .iter()
        .filter(|e| e.period.granularity == first.granularity)
        .map(|e| (e.partner_id.as_str(), e.category.as_str(), e.unit.as_str()))
        .chain(
            supplied
                .iter()
                .map(|s| (s.partner_id.as_str(), s.category.as_str(), s.unit.as_str())),
        )
        .collect();
    keys.len() * periods.len()
}

pub fn customer_shares(
    periods: &[Period],
    estimates: &[WalletEstimate],
    supplied: &[Supplied],
    partners: &HashMap<String, PartnerLabel>,
    growth_threshold_bp: i64,
) -> Vec<CustomerShare> {
    let Some(&first) = periods.first() else {
        return vec![];
    };
    let grain = first.granularity;
    type Key = (String, String, String);
    let mut keys: BTreeSet<Key> = BTreeSet::new();
    let mut wallet: HashMap<(Key, Period), &WalletEstimate> = HashMap::new();
    for e in estimates.iter().filter(|e| e.period.granularity == grain) {
        let key = (e.partner_id.clone(), e.category.clone(), e.unit.clone());
        keys.insert(key.clone());
        wallet.insert((key, e.period), e);
    }
    let mut ours: HashMap<(Key, Period), i64> = HashMap::new();
    for s in supplied {
        let key = (s.partner_id.clone(), s.category.clone(), s.unit.clone());
        keys.insert(key.clone());
        *ours
            .entry((key, Period::containing(s.day, grain)))
            .or_default() += s.milli;
    }
    let mut rows = vec![];
    for key in keys {
        let label = partners.get(&key.0).cloned().unwrap_or_default();
        let mut previous: Option<i64> = None;
        for &period in periods {
            let slot = (key.clone(), period);
            let our = ours.get(&slot).copied().unwrap_or(0);
            let estimate = wallet.get(&slot);
            let share = estimate.and_then(|e| share_bp(our, e.total_quantity.milli()));
            let target = estimate.and_then(|e| e.target_share_bp).map(i64::from);
            let change = share.zip(previous).map(|(now, before)| now - before);
            rows.push(CustomerShare {
                partner_id: key.0.clone(),
                partner_name: label.name.clone(),
                segment: label.segment.clone(),
                category: key.1.clone(),
                unit: key.2.clone(),
                period,
                period_start: period.start(),
                period_end: period.end(),
                our_quantity: Quantity(our),
                wallet_quantity: estimate.map(|e| e.total_quantity),
                source: estimate.map(|e| e.source),
                estimate_id: estimate.map(|e| e.id.clone()),
                share_bp: share,
                target_share_bp: target,
                gap_bp: share.zip(target).map(|(s, t)| t - s),
                change_bp: change,
                trend: change.map(trend_of),
                growth_target: share.is_some_and(|s| s < growth_threshold_bp),
                estimate_below_supplied: estimate.is_some_and(|e| our > e.total_quantity.milli()),
            });
            previous = share;
        }
    }
    rows.sort_by(|a, b| {
        (
            &a.partner_name,
            &a.partner_id,
            &a.category,
            &a.unit,
            a.period,
        )
            .cmp(&(
                &b.partner_name,
                &b.partner_id,
                &b.category,
                &b.unit,
                b.period,
            ))
    });
    rows
}

/// Share across a group of customers — a segment, or the whole portfolio — for one category,
/// unit and period: their summed deliveries over their summed totals. Only customers with an
/// estimate for the period count, so the ratio compares like with like.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "segment": "top_10", "category": "aerosol cans", "unit": "EA", "period": "2026", "partners": 10,
    "growth_targets": 4, "our_quantity": "38000", "wallet_quantity": "100000", "share_bp": 3800
}))]
pub struct GroupShare {
    /// The segment; absent in the portfolio totals.
    pub segment: Option<String>,
    pub category: String,
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    pub period: Period,
    /// Customers with an estimate for the period.
    pub partners: i64,
    pub growth_targets: i64,
    pub our_quantity: Quantity,
    pub wallet_quantity: Quantity,
    pub share_bp: Option<i64>,
}

/// Rolls customer shares up by `group` (a segment, or one group for the portfolio); rows whose
/// group is `None` are left out.
pub fn group_shares(
    rows: &[CustomerShare],
    group: impl Fn(&CustomerShare) -> Option<Option<String>>,
) -> Vec<GroupShare> {
    type Key = (Option<String>, String, String, Period);
    let mut sums: BTreeMap<Key, (i64, i64, i64, i64)> = BTreeMap::new();
    for r in rows {
        let (Some(g), Some(w)) = (group(r), r.wallet_quantity) else {
            continue;
        };
        let s = sums
            .entry((g, r.category.clone(), r.unit.clone(), r.period))
            .or_default();
        s.0 += 1;
        s.1 += i64::from(r.growth_target);
        s.2 += r.our_quantity.milli();
        s.3 += w.milli();
    }
    sums.into_iter()
        .map(
            |((segment, category, unit, period), (partners, growth, ours, wallet))| GroupShare {
                segment,
                category,
                unit,
                period,
                partners,
                growth_targets: growth,
                our_quantity: Quantity(ours),
                wallet_quantity: Quantity(wallet),
                share_bp: share_bp(ours, wallet),
            },
        )
        .collect()
}

// ---- supplier share -----------------------------------------------------------------------------

/// One supplier's part of a category.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplierSlice {
    pub partner_id: String,
    pub partner_name: String,
    pub quantity: Quantity,
    pub share_bp: i64,
}

/// Our purchases in one category (and unit), split by supplier.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "category": "aerosol valves", "unit": "EA", "total_quantity": "100000", "supplier_count": 2,
    "largest_share_bp": 8000, "herfindahl_index": 6800, "single_source": false, "highly_concentrated": true,
    "suppliers": [
        {"partner_id": "0193a1b2-0000-7000-8000-0000000000c1", "partner_name": "Precision Valve", "quantity": "80000", "share_bp": 8000},
        {"partner_id": "0193a1b2-0000-7000-8000-0000000000c2", "partner_name": "Coster", "quantity": "20000", "share_bp": 2000}
    ]
}))]
pub struct CategorySupply {
    pub category: String,
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    pub total_quantity: Quantity,
    pub supplier_count: i64,
    pub largest_share_bp: i64,
    /// Herfindahl–Hirschman index, 0–10000.
    pub herfindahl_index: i64,
    /// One supplier only: a single-source risk.
    pub single_source: bool,
    /// Index above 2500.
    pub highly_concentrated: bool,
    /// Largest first.
    pub suppliers: Vec<SupplierSlice>,
}

/// Splits received purchases (supplier, category, unit, quantity) into category supply shares,
/// most concentrated category first.
pub fn supplier_shares(
    received: &[Supplied],
    partners: &HashMap<String, PartnerLabel>,
) -> Vec<CategorySupply> {
    let mut by_category: BTreeMap<(String, String), BTreeMap<String, i64>> = BTreeMap::new();
    for r in received {
        *by_category
            .entry((r.category.clone(), r.unit.clone()))
            .or_default()
            .entry(r.partner_id.clone())
            .or_default() += r.milli;
    }
    let mut out: Vec<CategorySupply> = by_category
        .into_iter()
        .filter_map(|((category, unit), suppliers)| {
            let total: i64 = suppliers.values().sum();
            if total <= 0 {
                return None;
            }
            let parts: Vec<i64> = suppliers.values().copied().collect();
            let mut slices: Vec<SupplierSlice> = suppliers
                .into_iter()
                .filter(|(_, q)| *q > 0)
                .map(|(id, q)| SupplierSlice {
                    partner_name: partners
                        .get(&id)
                        .map(|l| l.name.clone())
                        .unwrap_or_default(),
                    partner_id: id,
                    quantity: Quantity(q),
                    share_bp: share_bp(q, total).unwrap_or(0),
                })
                .collect();
            slices.sort_by(|a, b| {
                b.quantity
                    .cmp(&a.quantity)
                    .then(a.partner_id.cmp(&b.partner_id))
            });
            let hhi = herfindahl(&parts);
            Some(CategorySupply {
                category,
                unit,
                total_quantity: Quantity(total),
                supplier_count: slices.len() as i64,
                largest_share_bp: slices.first().map_or(0, |s| s.share_bp),
                herfindahl_index: hhi,
                single_source: slices.len() == 1,
                highly_concentrated: hhi > HIGHLY_CONCENTRATED_HHI,
                suppliers: slices,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.herfindahl_index
            .cmp(&a.herfindahl_index)
            .then(a.category.cmp(&b.category))
    });
    out
}

// ---- ABC ------------------------------------------------------------------------------------------

text_enum! {
    /// Contribution class: `A` up to the first threshold of cumulative share, `B` up to the
    /// second, `C` the rest.
    pub enum AbcClass {
        A = "A",
        B = "B",
        C = "C",
    }
}

/// Checks the class thresholds: 0 < A < B ≤ 10000 basis points.
pub fn check_abc_thresholds(a_bp: i64, b_bp: i64) -> Vec<FieldError> {
    let mut e = vec![];
    if !(1..10_000).contains(&a_bp) {
        e.push(FieldError::new("a_threshold_bp", "between 1 and 9999"));
    }
    if !(1..=10_000).contains(&b_bp) || b_bp <= a_bp {
        e.push(FieldError::new(
            "b_threshold_bp",
            "above `a_threshold_bp` and at most 10000",
        ));
    }
    e
}

/// One partner's place in the ranking.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "rank": 1, "partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "partner_name": "Raid China",
    "segment": "top_10", "contribution_minor": 5700000, "share_bp": 5700, "cumulative_share_bp": 5700, "class": "A"
}))]
pub struct AbcEntry {
    pub rank: i64,
    pub partner_id: String,
    pub partner_name: String,
    pub segment: Option<String>,
    /// In minor units of the answer's currency.
    pub contribution_minor: i64,
    pub share_bp: i64,
    /// This partner's share plus everyone's above it.
    pub cumulative_share_bp: i64,
    pub class: AbcClass,
}

/// Ranks partners by contribution, largest first (ties by name), and classes them by cumulative
/// share including their own: A while it is at most `a_bp`, B while at most `b_bp`, C after.
/// The largest partner is always A, even when it alone passes the A threshold.
pub fn rank_abc(
    contributions: HashMap<String, i64>,
    partners: &HashMap<String, PartnerLabel>,
    a_bp: i64,
    b_bp: i64,
) -> Vec<AbcEntry> {
    let mut ranked: Vec<(String, i64, PartnerLabel)> = contributions
        .into_iter()
        .filter(|(_, v)| *v > 0)
        .map(|(id, v)| {
            let label = partners.get(&id).cloned().unwrap_or_default();
            (id, v, label)
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| a.2.name.cmp(&b.2.name))
            .then_with(|| a.0.cmp(&b.0))
    });
    let total: i128 = ranked.iter().map(|r| r.1 as i128).sum();
    let mut cumulative: i128 = 0;
    ranked
        .into_iter()
        .enumerate()
        .map(|(i, (partner_id, value, label))| {
            cumulative += value as i128;
            let within = |bp: i64| cumulative * 10_000 <= bp as i128 * total;
            let class = if i == 0 || within(a_bp) {
                AbcClass::A
            } else if within(b_bp) {
                AbcClass::B
            } else {
                AbcClass::C
            };
            AbcEntry {
                rank: i as i64 + 1,
                partner_id,
                partner_name: label.name,
                segment: label.segment,
                contribution_minor: value,
                share_bp: share_bp(value, total as i64).unwrap_or(0),
                cumulative_share_bp: share_bp(cumulative as i64, total as i64).unwrap_or(0),
                class,
            }
        })
        .collect()
}

// ---- stock cover ----------------------------------------------------------------------------------

/// Stock on hand ÷ average daily sell-out, in days to one decimal (tenths), rounded half-up;
/// none when nothing sold (the stock covers any horizon).
pub fn cover_tenths(stock_milli: i64, sold_milli: i64, days: i64) -> Option<i64> {
    if sold_milli <= 0 || days <= 0 {
        return None;
    }
    // stock ÷ (sold ÷ days) = stock × days ÷ sold, in tenths of a day.
    let num = stock_milli as i128 * days as i128 * 10;
    let den = sold_milli as i128;
    Some(((num * 2 + den) / (2 * den)) as i64)
}

/// Average daily sell-out in thousandths of a unit, rounded half-up.
pub fn daily_average(sold_milli: i64, days: i64) -> Quantity {
    if days <= 0 {
        return Quantity::ZERO;
    }
    Quantity((sold_milli * 2 + days) / (2 * days))
}

/// One product's line in one of a partner's current reports.
#[derive(Debug, Clone)]
pub struct Reported {
    pub partner_id: String,
    /// The end of the report's period: the day its stock is as of.
    pub period_end: NaiveDate,
    pub product_id: String,
    pub units_sold_milli: i64,
    pub stock_on_hand_milli: Option<i64>,
}

/// Stock cover for one partner and product.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "partner_id": "0193a1b2-0000-7000-8000-0000000000d1", "partner_name": "Suning Nanjing DC",
    "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "sku": "TV-55-OLED", "product_name": "55\" OLED TV",
    "stock_on_hand": "450", "stock_as_of": "2026-10-31", "units_sold": "1200", "days_reported": 30,
    "average_daily_units": "40", "cover_days": "11.3", "below_threshold": true
}))]
pub struct StockCover {
    pub partner_id: String,
    pub partner_name: String,
    pub product_id: String,
    pub sku: String,
    pub product_name: String,
    /// From the latest report in the window that gives stock for the product, summed over its
    /// locations.
    pub stock_on_hand: Quantity,
    /// The end of that report's period.
    pub stock_as_of: NaiveDate,
    /// Sold over the partner's reports in the window.
    pub units_sold: Quantity,
    /// Days those reports cover (a product missing from a report sold nothing in it).
    pub days_reported: i64,
    pub average_daily_units: Quantity,
    /// stock ÷ average daily sell-out, in days to one decimal; absent when nothing sold.
    pub cover_days: Option<String>,
    /// Cover under the threshold: time to replenish.
    pub below_threshold: bool,
}

/// Stock cover per partner and product from the current reports in a window: the latest stock
/// each product was reported with (all its locations), over its average daily sell-out across every day the
/// partner reported. Lowest cover first; products never given stock are left out.
pub fn stock_covers(
    reported: &[Reported],
    periods: &[(String, NaiveDate, NaiveDate)],
    threshold_days: i64,
) -> Vec<(String, String, StockCoverFigures)> {
    // Every day a partner reported, whether or not a product is on that report.
    let mut days: HashMap<&str, BTreeSet<(NaiveDate, NaiveDate)>> = HashMap::new();
    for (partner, start, end) in periods {
        days.entry(partner).or_default().insert((*start, *end));
    }
    // (partner, product) → (units sold, latest (as-of day, stock)).
    type Sums = (i64, Option<(NaiveDate, i64)>);
    let mut per_product: BTreeMap<(&str, &str), Sums> = BTreeMap::new();
    for r in reported {
        let entry = per_product
            .entry((&r.partner_id, &r.product_id))
            .or_default();
        entry.0 += r.units_sold_milli;
        // Stock is the latest report's, summed over its locations.
        if let Some(stock) = r.stock_on_hand_milli {
            entry.1 = match entry.1 {
                Some((as_of, sum)) if as_of == r.period_end => Some((as_of, sum + stock)),
                Some((as_of, sum)) if as_of > r.period_end => Some((as_of, sum)),
                _ => Some((r.period_end, stock)),
            };
        }
    }
    let mut out: Vec<(String, String, StockCoverFigures)> = per_product
        .into_iter()
        .filter_map(|((partner, product), (sold, stock))| {
            let (as_of, stock) = stock?;
            let days_reported: i64 = days
                .get(partner)
                .map(|ps| ps.iter().map(|(s, e)| (*e - *s).num_days() + 1).sum())
                .unwrap_or(0);
            let cover = cover_tenths(stock, sold, days_reported);
            Some((
                partner.to_string(),
                product.to_string(),
                StockCoverFigures {
                    stock_on_hand: Quantity(stock),
                    stock_as_of: as_of,
                    units_sold: Quantity(sold),
                    days_reported,
                    average_daily_units: daily_average(sold, days_reported),
                    cover_tenths: cover,
                    below_threshold: cover.is_some_and(|c| c < threshold_days * 10),
                },
            ))
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |c: &StockCoverFigures| c.cover_tenths.unwrap_or(i64::MAX);
        key(&a.2)
            .cmp(&key(&b.2))
            .then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1)))
    });
    out
}

/// The figures of one stock cover, before names are put to its partner and product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockCoverFigures {
    pub stock_on_hand: Quantity,
    pub stock_as_of: NaiveDate,
    pub units_sold: Quantity,
    pub days_reported: i64,
    pub average_daily_units: Quantity,
    pub cover_tenths: Option<i64>,
    pub below_threshold: bool,
}

/// The grain of a period range given as labels; both must name the same one.
pub fn grain_of(from: Period, to: Period) -> Result<Granularity, FieldError> {
    if from.granularity == to.granularity {
        Ok(from.granularity)
    } else {
        Err(FieldError::new(
            "to",
            "must be a period of the same grain as `from` (2026 with 2027, 2026-Q1 with 2026-Q4)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_half_up_in_basis_points() {
        assert_eq!(share_bp(38, 100), Some(3800));
        assert_eq!(share_bp(1, 3), Some(3333));
        assert_eq!(share_bp(2, 3), Some(6667));
        assert_eq!(share_bp(1, 20_000), Some(1)); // 0.5 bp rounds up
        assert_eq!(share_bp(0, 500), Some(0));
        assert_eq!(share_bp(5, 0), None);
        assert_eq!(share_bp(i64::MAX / 2, i64::MAX / 2), Some(10_000));
    }

    #[test]
    fn herfindahl_spans_one_supplier_to_many() {
        assert_eq!(herfindahl(&[700]), 10_000);
        assert_eq!(herfindahl(&[1; 10]), 1_000);
        assert_eq!(herfindahl(&[80, 20]), 6_800);
        assert_eq!(herfindahl(&[]), 0);
    }

    fn label(name: &str, segment: Option<&str>) -> PartnerLabel {
        PartnerLabel {
            name: name.into(),
            segment: segment.map(str::to_string),
        }
    }

    fn estimate(partner: &str, period: &str, total: i64, target: Option<i32>) -> WalletEstimate {
        let period = Period::parse(period).unwrap();
        WalletEstimate {
            id: format!("e-{partner}-{period}"),
            partner_id: partner.into(),
            category: "aerosol cans".into(),
            period,
            granularity: period.granularity,
            period_start: period.start(),
            period_end: period.end(),
            total_quantity: Quantity::units(total),
            unit: "EA".into(),
            source: EstimateSource::Survey,
            target_share_bp: target,
            notes: None,
            entered_by: "u".into(),
            version: 1,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
        }
    }

    fn supplied(partner: &str, day: &str, units: i64) -> Supplied {
        Supplied {
            partner_id: partner.into(),
            category: "aerosol cans".into(),
            unit: "EA".into(),
            day: day.parse().unwrap(),
            milli: units * 1000,
        }
    }

    /// The COFCO MC Packaging figures: 38% across the top-10 brands, 53% across second-line
    /// brands, 0% at a first-line brand; customers under 30% are growth targets.
    #[test]
    fn cofco_shares_by_customer_and_segment() {
        let partners = HashMap::from([
            ("a".to_string(), label("Brand A", Some("top_10"))),
            ("b".to_string(), label("Brand B", Some("top_10"))),
            ("s".to_string(), label("Second line", Some("second_line"))),
            ("f".to_string(), label("First line", Some("first_line"))),
        ]);
        let estimates = vec![
            estimate("a", "2026", 1000, Some(4000)),
            estimate("b", "2026", 1000, None),
            estimate("s", "2026", 1000, None),
            estimate("f", "2026", 500, None),
        ];
        let deliveries = vec![
            supplied("a", "2026-02-01", 100),
            supplied("a", "2026-09-01", 150),
            supplied("b", "2026-03-01", 510),
            supplied("s", "2026-05-01", 530),
        ];
        let periods = [Period::parse("2026").unwrap()];
        let rows = customer_shares(&periods, &estimates, &deliveries, &partners, 3000);
        let by = |id: &str| rows.iter().find(|r| r.partner_id == id).unwrap();
        assert_eq!(by("a").share_bp, Some(2500));
        assert_eq!(by("a").gap_bp, Some(1500));
        assert!(by("a").growth_target);
        assert_eq!(by("b").share_bp, Some(5100));
        assert!(!by("b").growth_target);
        assert_eq!(by("s").share_bp, Some(5300));
        assert_eq!(by("f").share_bp, Some(0));
        assert!(by("f").growth_target);
        let segments = group_shares(&rows, |r| r.segment.clone().map(Some));
        let seg = |s: &str| {
            segments
                .iter()
                .find(|g| g.segment.as_deref() == Some(s))
                .unwrap()
        };
        assert_eq!(seg("top_10").share_bp, Some(3800));
        assert_eq!(seg("top_10").growth_targets, 1);
        assert_eq!(seg("second_line").share_bp, Some(5300));
        assert_eq!(seg("first_line").share_bp, Some(0));
        let portfolio = group_shares(&rows, |_| Some(None));
        assert_eq!(portfolio.len(), 1);
        // 1290 of 3500.
        assert_eq!(portfolio[0].share_bp, Some(3686));
    }

    #[test]
    fn trend_follows_the_periods_and_gaps_stay_visible() {
        let partners = HashMap::from([("a".to_string(), label("A", None))]);
        let estimates = vec![
            estimate("a", "2026-Q1", 100, None),
            estimate("a", "2026-Q2", 100, None),
            estimate("a", "2026", 400, None), // another grain: ignored
        ];
        let deliveries = vec![
            supplied("a", "2026-01-15", 20),
            supplied("a", "2026-05-15", 35),
            supplied("a", "2026-08-15", 10),
            supplied("a", "2026-05-20", 120), // Q2 brings more than the estimate says they bought
        ];
        let periods = Period::range(
            Period::parse("2026-Q1").unwrap(),
            Period::parse("2026-Q3").unwrap(),
        )
        .unwrap();
        let rows = customer_shares(&periods, &estimates, &deliveries, &partners, 3000);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].share_bp, Some(2000));
        assert_eq!(rows[0].trend, None);
        assert_eq!(rows[1].share_bp, Some(15_500));
        assert!(rows[1].estimate_below_supplied);
        assert_eq!(rows[1].change_bp, Some(13_500));
        assert_eq!(rows[1].trend, Some(Trend::Up));
        assert_eq!(rows[2].share_bp, None, "no estimate for Q3");
        assert_eq!(rows[2].our_quantity, Quantity::units(10));
        assert!(!rows[2].growth_target);
    }

    #[test]
    fn supplier_concentration_and_single_source() {
        let partners = HashMap::new();
        let mut r = vec![
            supplied("v1", "2026-01-01", 80),
            supplied("v2", "2026-01-01", 20),
        ];
        r.push(Supplied {
            category: "labels".into(),
            ..supplied("v3", "2026-01-01", 5)
        });
        let out = supplier_shares(&r, &partners);
        assert_eq!(out[0].category, "labels");
        assert!(out[0].single_source);
        assert_eq!(out[0].herfindahl_index, 10_000);
        let cans = &out[1];
        assert_eq!(cans.largest_share_bp, 8000);
        assert_eq!(cans.herfindahl_index, 6800);
        assert!(cans.highly_concentrated && !cans.single_source);
        assert_eq!(cans.suppliers[0].partner_id, "v1");
    }

    /// The travel-agency case: a few customers make most of the sales.
    #[test]
    fn abc_classes_by_cumulative_share() {
        let values = [50, 20, 10, 8, 5, 3, 2, 1, 1, 0];
        let contributions: HashMap<String, i64> = values
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("p{i}"), *v))
            .collect();
        let ranked = rank_abc(contributions, &HashMap::new(), 8000, 9500);
        let classes: String = ranked.iter().map(|e| e.class.as_str()).collect();
        // 50, 70, 80 | 88, 93 | 96, 98, 99, 100; the partner with nothing is not ranked.
        assert_eq!(classes, "AAABBCCCC");
        assert_eq!(ranked[2].cumulative_share_bp, 8000);
        assert_eq!(ranked.last().unwrap().cumulative_share_bp, 10_000);
        let one_giant = HashMap::from([("g".to_string(), 90), ("s".to_string(), 10)]);
        let ranked = rank_abc(one_giant, &HashMap::new(), 8000, 9500);
        assert_eq!(ranked[0].class, AbcClass::A);
        assert_eq!(ranked[1].class, AbcClass::C);
        assert_eq!(check_abc_thresholds(8000, 9500).len(), 0);
        assert_eq!(check_abc_thresholds(9500, 8000).len(), 1);
        assert_eq!(check_abc_thresholds(0, 10_001).len(), 2);
    }

    #[test]
    fn stock_cover_uses_latest_stock_and_every_reported_day() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let line = |end: &str, product: &str, sold: i64, stock: Option<i64>| Reported {
            partner_id: "dc".into(),
            period_end: d(end),
            product_id: product.into(),
            units_sold_milli: sold * 1000,
            stock_on_hand_milli: stock.map(|s| s * 1000),
        };
        // Lines by the end of their report's period.
        let reported = vec![
            line("2026-10-15", "tv", 300, Some(500)),
            line("2026-10-15", "tv", 300, Some(400)),
            line("2026-10-31", "tv", 600, Some(450)),
            // The radio is missing from the second report: it sold nothing then.
            line("2026-10-15", "radio", 31, Some(200)),
            line("2026-10-15", "cable", 0, None),
        ];
        let periods = vec![
            ("dc".to_string(), d("2026-10-01"), d("2026-10-15")),
            ("dc".to_string(), d("2026-10-16"), d("2026-10-31")),
        ];
        let covers = stock_covers(&reported, &periods, 14);
        assert_eq!(covers.len(), 2, "the cable never had stock reported");
        let (_, product, tv) = &covers[0];
        assert_eq!(product, "tv");
        assert_eq!(tv.stock_on_hand, Quantity::units(450));
        assert_eq!(tv.stock_as_of, d("2026-10-31"));
        assert_eq!(tv.days_reported, 31);
        // 450 ÷ (1200 ÷ 31) = 11.625 days.
        assert_eq!(tv.cover_tenths, Some(116));
        assert!(tv.below_threshold);
        let (_, _, radio) = &covers[1];
        assert_eq!(radio.cover_tenths, Some(2000));
        assert!(!radio.below_threshold);
    }

    #[test]
    fn stock_cover_in_days() {
        // 450 on hand, 1200 sold over 30 days = 40 a day: 11.25 days, 11.3 to one decimal.
        assert_eq!(cover_tenths(450_000, 1_200_000, 30), Some(113));
        assert_eq!(cover_tenths(10_000, 0, 30), None);
        assert_eq!(daily_average(1_200_000, 30), Quantity::units(40));
        assert_eq!(daily_average(1_000, 3), Quantity(333));
    }
}
