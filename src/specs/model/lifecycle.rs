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

pub fn version_actions(status: VersionStatus) -> &'static [VersionAction] {
    use VersionAction::*;
    match status {
        VersionStatus::Draft => &[Edit, Issue, Withdraw],
        VersionStatus::Issued => &[Approve, Withdraw],
        VersionStatus::Approved => &[Withdraw],
        VersionStatus::Superseded | VersionStatus::Withdrawn => &[],
    }
}

/// The status `action` leads to, or the actions allowed instead.
pub fn next_version_status(
    status: VersionStatus,
    action: VersionAction,
) -> Result<VersionStatus, Vec<&'static str>> {
    if !version_actions(status).contains(&action) {
        return Err(version_actions(status).iter().map(|a| a.as_str()).collect());
    }
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
