//! The rules of channel data, without a database: sell-out report periods and how a report
//! takes its place among a partner's earlier ones (original, correction, overlap), line checks,
//! wallet estimates and the warning when one is smaller than what we already supplied.

use std::collections::hash_map::Entry;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::orders::model::Quantity;
use crate::period::Period;
use crate::refusal::FieldError;
use crate::refusal::Refusal;
use crate::text_enum;
use crate::values::check_text;
use crate::values::Note;

/// The most lines one report may carry: a national retailer's weekly report by store and
/// product runs to tens of thousands; more than this is a sign of a wrong export.
pub const MAX_REPORT_LINES: usize = 50_000;
/// A report covers at most a year.
pub const MAX_REPORT_DAYS: i64 = 366;
/// A rejected batch names at most this many bad lines (the rest are counted in `detail`).
pub const MAX_LINE_ERRORS: usize = 200;

text_enum! {
    /// Why a report is sent (UNCL1225 message function): `original` (9) is the first report for
    /// a period, `replacement` (5) corrects the current one for exactly the same period.
    pub enum ReportPurpose {
        Original = "original",
        Replacement = "replacement",
    }
}

text_enum! {
    /// `current` reports count in every figure; `superseded` ones are kept as history.
    pub enum ReportStatus {
        Current = "current",
        Superseded = "superseded",
    }
}

text_enum! {
    /// Where a wallet figure comes from: `reported` by the partner, `estimated` by us, or from a
    /// market `survey`.
    pub enum EstimateSource {
        Reported = "reported",
        Estimated = "estimated",
        Survey = "survey",
    }
}

/// Checks a report's period: it runs forwards, is at most a year, and is over (a report is of
/// sales that happened).
pub fn check_report_period(
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) {
    if end < start {
        errors.push(FieldError::new(
            "period_end",
            "the period ends before it starts",
        ));
    } else if (end - start).num_days() + 1 > MAX_REPORT_DAYS {
        errors.push(FieldError::new(
            "period_end",
            format!("a report covers at most {MAX_REPORT_DAYS} days"),
        ));
    }
    if end > today {
        errors.push(FieldError::new(
            "period_end",
            "must not be in the future: report sales that have happened",
        ));
    }
    // A batch is too large to be walked as a whole for dates: its header is checked here.
    if let Some(why) = crate::clock::document_date_refusal(start, today) {
        errors.push(FieldError::new("period_start", why));
    }
}

/// A partner's current report, as far as placing a new one needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurrentReport {
    pub id: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub revision: i32,
}

/// Why a new report cannot take its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placement {
    /// A first report for a free period.
    First,
    /// Corrects (supersedes) this current report for the same period.
    Replaces(CurrentReport),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlacementError {
    /// `original` sent for a period that already has a current report.
    AlreadyReported(CurrentReport),
    /// `replacement` sent for a period with nothing to replace.
    NothingToReplace,
    /// The period overlaps a current report for another period: figures would count twice.
    Overlaps(CurrentReport),
}

/// Decides where a new report for `start..=end` goes among the partner's current reports that
/// overlap it: a period reported once, a correction only of exactly the same period.
pub fn place_report(
    overlapping: &[CurrentReport],
    start: NaiveDate,
    end: NaiveDate,
    purpose: ReportPurpose,
) -> Result<Placement, PlacementError> {
    if let Some(other) = overlapping
        .iter()
        .find(|r| (r.period_start, r.period_end) != (start, end))
    {
        return Err(PlacementError::Overlaps(other.clone()));
    }
    match (overlapping.first(), purpose) {
        (None, ReportPurpose::Original) => Ok(Placement::First),
        (None, ReportPurpose::Replacement) => Err(PlacementError::NothingToReplace),
        (Some(same), ReportPurpose::Original) => Err(PlacementError::AlreadyReported(same.clone())),
        (Some(same), ReportPurpose::Replacement) => Ok(Placement::Replaces(same.clone())),
    }
}

/// One line of a report as checked against its product.
#[derive(Debug, Clone)]
pub struct SellOutLineDraft {
    pub product_id: String,
    pub location_gln: Option<String>,
    pub units_sold: Quantity,
    pub value_minor: i64,
    pub stock_on_hand: Option<Quantity>,
}

/// What a line needs to know of its product.
#[derive(Debug, Clone)]
pub struct ProductUnit {
    pub id: String,
    pub base_unit: String,
}

/// Checks one line's figures against its product: the unit, if given, is the product's base
/// unit, whole-unit products are not sold in fractions, the value is not negative.
pub fn check_line(
    at: &str,
    unit: Option<&str>,
    product: &ProductUnit,
    units_sold: Quantity,
    value_minor: i64,
    stock_on_hand: Option<Quantity>,
    errors: &mut Vec<FieldError>,
) {
    if let Some(unit) = unit {
        if unit != product.base_unit {
            errors.push(FieldError::new(
                format!("{at}.unit"),
                format!(
                    "must be the product's base unit {} (no conversion between units is defined)",
                    product.base_unit
                ),
            ));
        }
    }
    if let Ok(u) = crate::standards::unit_of_measure(&product.base_unit) {
        if u.whole_numbers_only {
            for (field, q) in [
                ("units_sold", Some(units_sold)),
                ("stock_on_hand", stock_on_hand),
            ] {
                if q.is_some_and(|q| !q.is_whole()) {
                    errors.push(FieldError::new(
                        format!("{at}.{field}"),
                        format!("{} ({}) is counted in whole numbers", u.code, u.name),
                    ));
                }
            }
        }
    }
    if value_minor < 0 {
        errors.push(FieldError::new(
            format!("{at}.value_minor"),
            "must not be negative",
        ));
    }
    if value_minor > crate::orders::model::MAX_AMOUNT_MINOR {
        errors.push(FieldError::new(format!("{at}.value_minor"), "is too large"));
    }
}

/// One line as a partner's system sends it: the product by our id or by its GTIN.
#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SellOutLineInput {
    /// Our product id; or give `gtin`.
    pub product_id: Option<String>,
    /// GTIN-8/12/13/14 (check digit verified); matched as GTIN-14.
    #[schema(value_type = Option<crate::values::Gtin>)]
    pub gtin: Option<String>,
    /// GLN of the store or warehouse, when reported by location.
    #[schema(value_type = Option<crate::values::Gln>)]
    pub location_gln: Option<String>,
    /// Must be the product's base unit when given.
    #[schema(value_type = Option<crate::values::UnitCode>)]
    pub unit: Option<String>,
    /// Units sold in the period, in the product's base unit; not negative.
    pub units_sold: Quantity,
    /// Sales value in minor units of the report's currency.
    #[serde(default)]
    pub value_minor: i64,
    /// On hand at the end of the period.
    pub stock_on_hand: Option<Quantity>,
}

/// How a line names its product: our id, or a GTIN-14.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProductRef {
    Id(String),
    Gtin14(String),
}

/// Reads each line's product reference, naming the lines that give none, both, or a bad one.
pub fn product_refs(
    lines: &[SellOutLineInput],
    errors: &mut Vec<FieldError>,
) -> Vec<Option<ProductRef>> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| match (&l.product_id, &l.gtin) {
            (Some(id), None) => match uuid::Uuid::parse_str(id) {
                Ok(_) => Some(ProductRef::Id(id.clone())),
                Err(_) => {
                    errors.push(FieldError::new(
                        format!("lines[{i}].product_id"),
                        "not a valid id",
                    ));
                    None
                }
            },
            (None, Some(g)) => match crate::standards::validate_gtin(g) {
                Ok(()) => Some(ProductRef::Gtin14(crate::standards::gtin14(g))),
                Err(m) => {
                    errors.push(FieldError::new(format!("lines[{i}].gtin"), m));
                    None
                }
            },
            _ => {
                errors.push(FieldError::new(
                    format!("lines[{i}]"),
                    "give exactly one of `product_id` and `gtin`",
                ));
                None
            }
        })
        .collect()
}

/// Checks every line against its product (looked up by `find`) and the others: known product,
/// valid location GLN, right unit, whole units, no product and location twice. Answers the lines
/// ready to store, or every error found.
pub fn resolve_lines(
    lines: Vec<SellOutLineInput>,
    refs: Vec<Option<ProductRef>>,
    find: impl Fn(&ProductRef) -> Option<ProductUnit>,
    errors: &mut Vec<FieldError>,
) -> Vec<SellOutLineDraft> {
    let mut seen: std::collections::HashMap<(String, Option<String>), usize> = Default::default();
    let mut out = Vec::with_capacity(lines.len());
    for (i, (line, r)) in lines.into_iter().zip(refs).enumerate() {
        let at = format!("lines[{i}]");
        let location_gln = crate::partners::model::check_gln(
            &format!("{at}.location_gln"),
            line.location_gln,
            errors,
        );
        let Some(r) = r else { continue };
        let Some(product) = find(&r) else {
            let field = match r {
                ProductRef::Id(_) => "product_id",
                ProductRef::Gtin14(_) => "gtin",
            };
            errors.push(FieldError::new(format!("{at}.{field}"), "no such product"));
            continue;
        };
        check_line(
            &at,
            line.unit.as_deref(),
            &product,
            line.units_sold,
            line.value_minor,
            line.stock_on_hand,
            errors,
        );
        match seen.entry((product.id.clone(), location_gln.clone())) {
            Entry::Occupied(first) => errors.push(FieldError::new(
                at,
                format!("repeats the product and location of lines[{}]", first.get()),
            )),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
        out.push(SellOutLineDraft {
            product_id: product.id,
            location_gln,
            units_sold: line.units_sold,
            value_minor: line.value_minor,
            stock_on_hand: line.stock_on_hand,
        });
    }
    out
}

/// A rejected batch lists its first [`MAX_LINE_ERRORS`] problems and counts the rest, so a
/// 10,000-line report with a systematic mistake answers in a readable size.
pub fn cap_errors(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    if errors.len() > MAX_LINE_ERRORS {
        let more = errors.len() - MAX_LINE_ERRORS;
        errors.truncate(MAX_LINE_ERRORS);
        errors.push(FieldError::new(
            "lines",
            format!("and {more} more problems; nothing was written"),
        ));
    }
    errors
}

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

/// A wallet estimate's fields, checked.
#[derive(Debug, Clone)]
pub struct EstimateDraft {
    pub partner_id: String,
    pub category: String,
    pub period: Period,
    pub total: Quantity,
    pub unit: String,
    pub source: EstimateSource,
    pub target_share_bp: Option<i32>,
    pub notes: Option<String>,
}

pub fn check_estimate(d: EstimateDraft) -> Result<EstimateDraft, Refusal> {
    let mut e = vec![];
    let category = check_text("category", &d.category, 100, &mut e).to_lowercase();
    if let Err(m) = crate::standards::unit_of_measure(&d.unit) {
        e.push(FieldError::new("unit", m));
    }
    if d.total.is_zero() {
        e.push(FieldError::new("total_quantity", "must be more than 0"));
    }
    check_share_bp("target_share_bp", d.target_share_bp, &mut e);
    let notes = Note::check_optional("notes", d.notes, &mut e);
    Refusal::check(e)?;
    Ok(EstimateDraft {
        category,
        notes,
        ..d
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn current(id: &str, start: NaiveDate, end: NaiveDate) -> CurrentReport {
        CurrentReport {
            id: id.into(),
            period_start: start,
            period_end: end,
            revision: 1,
        }
    }

    #[test]
    fn periods_run_forwards_are_bounded_and_past() {
        let mut e = vec![];
        check_report_period(d(3, 1), d(2, 1), d(11, 25), &mut e);
        assert_eq!(e[0].field, "period_end");
        let mut e = vec![];
        check_report_period(d(1, 1), d(12, 1), d(11, 25), &mut e);
        assert_eq!(e.len(), 1, "{e:?}");
        let mut e = vec![];
        check_report_period(d(10, 1), d(10, 31), d(11, 25), &mut e);
        assert!(e.is_empty());
        let mut e = vec![];
        let long_ago = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        check_report_period(long_ago, d(1, 1), d(11, 25), &mut e);
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn a_period_is_reported_once_and_corrected_only_as_a_whole() {
        let oct = current("oct", d(10, 1), d(10, 31));
        assert_eq!(
            place_report(&[], d(10, 1), d(10, 31), ReportPurpose::Original),
            Ok(Placement::First)
        );
        assert_eq!(
            place_report(&[], d(10, 1), d(10, 31), ReportPurpose::Replacement),
            Err(PlacementError::NothingToReplace)
        );
        assert_eq!(
            place_report(
                std::slice::from_ref(&oct),
                d(10, 1),
                d(10, 31),
                ReportPurpose::Original
            ),
            Err(PlacementError::AlreadyReported(oct.clone()))
        );
        assert_eq!(
            place_report(
                std::slice::from_ref(&oct),
                d(10, 1),
                d(10, 31),
                ReportPurpose::Replacement
            ),
            Ok(Placement::Replaces(oct.clone()))
        );
        // A week inside October would count those days twice, whatever the purpose.
        for purpose in [ReportPurpose::Original, ReportPurpose::Replacement] {
            assert_eq!(
                place_report(std::slice::from_ref(&oct), d(10, 5), d(10, 11), purpose),
                Err(PlacementError::Overlaps(oct.clone()))
            );
        }
    }

    #[test]
    fn lines_keep_to_the_products_unit() {
        let cans = ProductUnit {
            id: "p".into(),
            base_unit: "EA".into(),
        };
        let mut e = vec![];
        check_line(
            "lines[0]",
            Some("KGM"),
            &cans,
            Quantity(1500),
            -1,
            Some(Quantity(2500)),
            &mut e,
        );
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "lines[0].unit",
                "lines[0].units_sold",
                "lines[0].stock_on_hand",
                "lines[0].value_minor"
            ]
        );
        let mut e = vec![];
        check_line(
            "lines[1]",
            None,
            &cans,
            Quantity::units(12),
            3588,
            None,
            &mut e,
        );
        assert!(e.is_empty());
    }

    fn input(product_id: Option<&str>, gtin: Option<&str>) -> SellOutLineInput {
        SellOutLineInput {
            product_id: product_id.map(str::to_string),
            gtin: gtin.map(str::to_string),
            location_gln: None,
            unit: None,
            units_sold: Quantity::units(5),
            value_minor: 500,
            stock_on_hand: None,
        }
    }

    #[test]
    fn every_bad_line_is_named_and_good_ones_resolve() {
        let id = "0193a1b2-0000-7000-8000-0000000000a1";
        let cans = ProductUnit {
            id: id.into(),
            base_unit: "EA".into(),
        };
        let lines = vec![
            input(Some(id), None),
            input(None, Some("5000000000012")),
            input(None, None),
            input(Some("x"), None),
            input(None, Some("5000000000017")),
            input(Some("0193a1b2-0000-7000-8000-0000000000ff"), None),
            input(Some(id), None),
        ];
        let mut e = vec![];
        let refs = product_refs(&lines, &mut e);
        let find = |r: &ProductRef| match r {
            ProductRef::Id(i) if i == id => Some(cans.clone()),
            ProductRef::Gtin14(g) if g == "05000000000012" => Some(ProductUnit {
                id: "other".into(),
                base_unit: "KGM".into(),
            }),
            _ => None,
        };
        let ok = resolve_lines(lines, refs, find, &mut e);
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "lines[2]",
                "lines[3].product_id",
                "lines[4].gtin",
                "lines[5].product_id",
                "lines[6]"
            ]
        );
        assert_eq!(ok.len(), 3);
        assert_eq!(ok[1].product_id, "other");
    }

    #[test]
    fn long_error_lists_are_capped_and_counted() {
        let errors = (0..250)
            .map(|i| FieldError::new(format!("lines[{i}].units_sold"), "bad"))
            .collect();
        let capped = cap_errors(errors);
        assert_eq!(capped.len(), MAX_LINE_ERRORS + 1);
        assert!(capped.last().unwrap().message.contains("50 more"));
    }

    #[test]
    fn wallet_smaller_than_our_deliveries_is_flagged() {
        let year = Period::parse("2026").unwrap();
        let w =
            supplied_beyond_wallet(Quantity::units(100), Quantity::units(120), "EA", year).unwrap();
        assert_eq!(w.field, "total_quantity");
        assert!(w.message.contains("120 EA"), "{}", w.message);
        assert!(
            supplied_beyond_wallet(Quantity::units(100), Quantity::units(100), "EA", year)
                .is_none()
        );
        let mut e = vec![];
        check_share_bp("target_share_bp", Some(10_001), &mut e);
        check_share_bp("target_share_bp", Some(3000), &mut e);
        assert_eq!(e.len(), 1);
    }
}
