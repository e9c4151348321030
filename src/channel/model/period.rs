//! Report periods.

use super::*;

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

/// The refusal a reporting partner sees.
impl From<PlacementError> for Refusal {
    fn from(e: PlacementError) -> Refusal {
        match e {
            PlacementError::AlreadyReported(r) => Refusal::conflict_on(
                Code::AlreadyReported,
                "purpose",
                format!(
                    "report {} already covers {} to {}; send `purpose: replacement` to correct it",
                    r.id, r.period_start, r.period_end
                ),
            ),
            PlacementError::NothingToReplace => Refusal::invalid(
                "purpose",
                "there is no current report for exactly this period to replace",
            ),
            PlacementError::Overlaps(r) => Refusal::conflict_on(
                Code::PeriodOverlap,
                "period_start",
                format!(
                    "overlaps report {} for {} to {}: a correction must cover exactly the same period",
                    r.id, r.period_start, r.period_end
                ),
            ),
        }
    }
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
