//! Stock cover.

use super::*;

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
