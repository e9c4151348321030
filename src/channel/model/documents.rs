//! What the API answers.

use super::*;

/// A report's header as clients see it; its lines are paged separately.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-00000000c001", "partner_id": "0193a1b2-0000-7000-8000-0000000000d1",
    "period_start": "2026-10-01", "period_end": "2026-10-31", "currency": "CNY", "purpose": "replacement",
    "revision": 2, "status": "current", "supersedes_id": "0193a1b2-0000-7000-8000-00000000c000",
    "superseded_by_id": null, "reference": "SLSRPT-2026-10-R1", "line_count": 3200,
    "total_value_minor": 1843000000, "created_by": "0193a1b2-0000-7000-8000-0000000000e1", "version": 1,
    "created_at": "2026-11-03T08:00:00Z", "updated_at": "2026-11-03T08:00:00Z"
}))]
pub struct SellOutReport {
    pub id: String,
    /// The distributor or key account reporting.
    pub partner_id: String,
    pub period_start: NaiveDate,
    /// Stock on hand is as of the end of this day.
    pub period_end: NaiveDate,
    /// ISO 4217: the currency of every line's `value_minor`.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub purpose: ReportPurpose,
    /// 1 for the first report of a period, one more for each correction.
    pub revision: i32,
    pub status: ReportStatus,
    /// The report this one corrected.
    pub supersedes_id: Option<String>,
    /// The correction that replaced this one.
    pub superseded_by_id: Option<String>,
    /// The partner's own document number.
    pub reference: Option<String>,
    pub line_count: i32,
    pub total_value_minor: i64,
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One line of a report: a product (at a location) in the period.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "line_number": 1, "product_id": "0193a1b2-0000-7000-8000-0000000000a1", "gtin": "05000000000012",
    "location_gln": "6901234000016", "units_sold": "1200", "unit": "EA", "value_minor": 3588000,
    "stock_on_hand": "450"
}))]
pub struct SellOutLine {
    pub line_number: i32,
    pub product_id: String,
    /// The product's GTIN-14, when it has one.
    #[schema(value_type = Option<crate::values::Gtin>)]
    pub gtin: Option<String>,
    /// The store or warehouse, when reported by location.
    #[schema(value_type = Option<crate::values::Gln>)]
    pub location_gln: Option<String>,
    pub units_sold: Quantity,
    /// The product's base unit.
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    /// Sales value in minor units of the report's currency.
    pub value_minor: i64,
    /// On hand at the end of the period, when reported.
    pub stock_on_hand: Option<Quantity>,
}

/// A partner's total purchases in a category for a period: the denominator of share of
/// customer.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000e0001", "partner_id": "0193a1b2-0000-7000-8000-0000000000d1",
    "category": "aerosol cans", "period": "2026", "granularity": "year", "period_start": "2026-01-01",
    "period_end": "2026-12-31", "total_quantity": "12000000", "unit": "EA", "source": "survey",
    "target_share_bp": 4000, "notes": "Industry association survey, March", "entered_by": "0193a1b2-0000-7000-8000-0000000000e1",
    "version": 1, "created_at": "2026-03-20T10:00:00Z", "updated_at": "2026-03-20T10:00:00Z"
}))]
pub struct WalletEstimate {
    pub id: String,
    pub partner_id: String,
    /// The product category (lower-case, as products carry it).
    pub category: String,
    pub period: Period,
    pub granularity: crate::period::Granularity,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// Everything the partner buys in the category in the period, from us and from others.
    pub total_quantity: Quantity,
    /// UN/ECE Rec 20: our volume is counted in this unit.
    #[schema(value_type = crate::values::UnitCode)]
    pub unit: String,
    pub source: EstimateSource,
    /// The share we aim for in this period, in basis points (4000 = 40%).
    pub target_share_bp: Option<i32>,
    pub notes: Option<String>,
    /// Who entered (or last changed) the figure.
    pub entered_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A wallet estimate as written, with anything worth a second look.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WalletEstimateWritten {
    #[serde(flatten)]
    pub estimate: WalletEstimate,
    /// Accepted, but worth a second look: e.g. a total smaller than what we already supplied.
    pub warnings: Vec<FieldError>,
}

/// Checks a target share: 0 to 10000 basis points.
pub fn check_share_bp(field: &str, bp: Option<i32>, errors: &mut Vec<FieldError>) {
    if bp.is_some_and(|b| !(0..=10_000).contains(&b)) {
        errors.push(FieldError::new(
            field,
            "basis points from 0 to 10000 (10000 = 100%)",
        ));
    }
}

/// A wallet figure below what we ourselves delivered in the period cannot be right (their total
/// includes us); it is accepted — estimates are often entered before deliveries are booked, and
/// a survey is what it is — but the answer says so, and share of customer flags it.
pub fn supplied_beyond_wallet(
    total: Quantity,
    supplied: Quantity,
    unit: &str,
    period: Period,
) -> Option<FieldError> {
    (supplied > total).then(|| {
        FieldError::new(
            "total_quantity",
            format!("smaller than the {supplied} {unit} we already supplied in {period}"),
        )
    })
}

/// A wallet estimate's fields as a request or the stored record gives them: not yet checked.
#[derive(Debug, Clone)]
pub struct EstimateFields {
    pub partner_id: String,
    pub category: String,
    pub period: Period,
    pub total: Quantity,
    pub unit: String,
    pub source: EstimateSource,
    pub target_share_bp: Option<i32>,
    pub notes: Option<String>,
}

/// A wallet estimate's fields once checked. Only [`check_estimate`] makes one (the private
/// field), so a store that writes a draft cannot be handed an unchecked unit.
#[derive(Debug, Clone)]
pub struct EstimateDraft {
    pub partner_id: String,
    pub category: String,
    pub period: Period,
    pub total: Quantity,
    pub unit: UnitCode,
    pub source: EstimateSource,
    pub target_share_bp: Option<i32>,
    pub notes: Option<String>,
    _checked: Checked,
}

/// Proof that a draft went through [`check_estimate`].
#[derive(Debug, Clone)]
struct Checked;

pub fn check_estimate(d: EstimateFields) -> Result<EstimateDraft, Refusal> {
    let mut e = vec![];
    let category = Category::check("category", &d.category, &mut e).to_lowercase();
    let unit = UnitCode::parse("unit", &d.unit, &mut e);
    d.total.check_positive("total_quantity", &mut e);
    check_share_bp("target_share_bp", d.target_share_bp, &mut e);
    let notes = Note::check_optional("notes", d.notes, &mut e);
    Refusal::check(e)?;
    let Some(unit) = unit else {
        return Err(Refusal::invalid("unit", "not a unit of measure"));
    };
    Ok(EstimateDraft {
        partner_id: d.partner_id,
        category,
        period: d.period,
        total: d.total,
        unit,
        source: d.source,
        target_share_bp: d.target_share_bp,
        notes,
        _checked: Checked,
    })
}
