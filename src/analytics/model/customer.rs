//! Share of customer.

use super::*;

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
