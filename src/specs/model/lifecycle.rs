//! Version lifecycle.

use super::*;

text_enum! {
    /// `draft → issued → approved → superseded`, or `withdrawn` (from draft, issued or approved).
    /// Only a draft can be edited; approving a version supersedes the approved one before it.
    pub enum VersionStatus {
        Draft = "draft",
        Issued = "issued",
        Approved = "approved",
        Superseded = "superseded",
        Withdrawn = "withdrawn",
    }
}

text_enum! {
    pub enum VersionAction {
        Edit = "edit",
        Issue = "issue",
        Approve = "approve",
        Withdraw = "withdraw",
    }
}

impl Lifecycle for VersionStatus {
    type Action = VersionAction;
    const DOCUMENT: &'static str = "specification version";

    fn allowed_actions(self) -> &'static [VersionAction] {
        use VersionAction::*;
        match self {
            VersionStatus::Draft => &[Edit, Issue, Withdraw],
            VersionStatus::Issued => &[Approve, Withdraw],
            VersionStatus::Approved => &[Withdraw],
            VersionStatus::Superseded | VersionStatus::Withdrawn => &[],
        }
    }
}

/// The status `action` leads to, or the refusal naming the actions allowed instead.
pub fn next_version_status(
    status: VersionStatus,
    action: VersionAction,
) -> Result<VersionStatus, Refusal> {
    crate::lifecycle::check(status, action)?;
    Ok(match action {
        VersionAction::Edit => VersionStatus::Draft,
        VersionAction::Issue => VersionStatus::Issued,
        VersionAction::Approve => VersionStatus::Approved,
        VersionAction::Withdraw => VersionStatus::Withdrawn,
    })
}

/// Versions suppliers may see and quote against: never drafts or withdrawn ones.
pub fn visible_to_suppliers(status: VersionStatus) -> bool {
    matches!(
        status,
        VersionStatus::Issued | VersionStatus::Approved | VersionStatus::Superseded
    )
}

/// Quotes are for versions still in force or about to be.
pub fn quotable(status: VersionStatus) -> bool {
    matches!(status, VersionStatus::Issued | VersionStatus::Approved)
}

/// A quote is taken against version `number` (in `status`, its target in `target_currency`)
/// only while the version may be quoted, and only in the target's currency, so the gap to the
/// target cost compares like with like.
/// One version is worked on at a time: a new one starts only when none is a draft or issued.
pub fn check_no_version_in_progress(
    versions: impl IntoIterator<Item = (i32, VersionStatus)>,
) -> Result<(), Refusal> {
    let open = versions
        .into_iter()
        .find(|(_, s)| matches!(s, VersionStatus::Draft | VersionStatus::Issued));
    match open {
        None => Ok(()),
        Some((number, status)) => Err(Refusal::conflict(
            Code::VersionInProgress,
            format!(
                "version {number} is still {}: approve or withdraw it before starting another",
                status.as_str()
            ),
        )),
    }
}

/// Quotes and inspections come from manufacturers approved for the specification.
pub fn check_approved_supplier(approved: bool) -> Result<(), Refusal> {
    if approved {
        Ok(())
    } else {
        Err(Refusal::invalid(
            "supplier_id",
            "this manufacturer is not approved for the specification",
        ))
    }
}

/// An inspection measures against a version suppliers were given: issued or approved (or
/// superseded since).
pub fn check_inspectable(number: i32, status: VersionStatus) -> Result<(), Refusal> {
    if visible_to_suppliers(status) {
        return Ok(());
    }
    Err(Refusal::invalid(
        "version_number",
        format!(
            "version {number} is {}; inspect against an issued or approved version",
            status.as_str()
        ),
    ))
}

/// A quote's own terms: a unit cost a document can hold, a lead time of at most ten years.
pub fn check_quote_terms(
    unit_cost_minor: i64,
    lead_time_days: Option<i32>,
    errors: &mut Vec<FieldError>,
) {
    if !(0..=crate::orders::model::MAX_AMOUNT_MINOR).contains(&unit_cost_minor) {
        errors.push(FieldError::new(
            "unit_cost_minor",
            "must be between 0 and 10^15",
        ));
    }
    if lead_time_days.is_some_and(|d| !(0..=3650).contains(&d)) {
        errors.push(FieldError::new("lead_time_days", "must be 0 to 3650"));
    }
}

pub fn check_quote(
    number: i32,
    status: VersionStatus,
    target_currency: &str,
    quote_currency: &str,
) -> Result<(), Refusal> {
    if !quotable(status) {
        return Err(Refusal::invalid(
            "version_number",
            format!(
                "version {number} is {}; quotes are for issued or approved versions",
                status.as_str()
            ),
        ));
    }
    if quote_currency != target_currency {
        return Err(Refusal::invalid(
            "currency",
            format!("the specification's target is in {target_currency}; quote in it"),
        ));
    }
    Ok(())
}
