//! Non-conformances.

use super::*;

text_enum! {
    /// `open → action_proposed → verified → closed`; staff may send a proposal back to `open`.
    pub enum NcStatus {
        Open = "open",
        ActionProposed = "action_proposed",
        Verified = "verified",
        Closed = "closed",
    }
}

text_enum! {
    pub enum NcAction {
        ProposeAction = "propose_action",
        RejectAction = "reject_action",
        Verify = "verify",
        Close = "close",
    }
}

/// Who acts on a non-conformance: the supplier proposes, staff verify, reject and close.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NcRole {
    Supplier,
    Staff,
}

impl NcAction {
    pub fn by(self) -> NcRole {
        match self {
            NcAction::ProposeAction => NcRole::Supplier,
            _ => NcRole::Staff,
        }
    }

    /// Where the action leads.
    pub(crate) fn leads_to(self) -> NcStatus {
        match self {
            NcAction::ProposeAction => NcStatus::ActionProposed,
            NcAction::RejectAction => NcStatus::Open,
            NcAction::Verify => NcStatus::Verified,
            NcAction::Close => NcStatus::Closed,
        }
    }
}

impl Lifecycle for NcStatus {
    type Action = NcAction;
    const DOCUMENT: &'static str = "non-conformance";

    fn allowed_actions(self) -> &'static [NcAction] {
        use NcAction::*;
        match self {
            NcStatus::Open => &[ProposeAction],
            NcStatus::ActionProposed => &[RejectAction, Verify],
            NcStatus::Verified => &[Close],
            NcStatus::Closed => &[],
        }
    }
}

/// The status `action` leads to from `status`, or the refusal naming the actions allowed instead.
pub fn next_nc_status(status: NcStatus, action: NcAction) -> Result<NcStatus, Refusal> {
    crate::lifecycle::check(status, action)?;
    Ok(action.leads_to())
}

/// Open work past its due date.
pub fn nc_overdue(status: NcStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status != NcStatus::Closed && due < today
}

/// Days a supplier has to put right what an inspection found.
pub const NC_DAYS_TO_RESPOND: i64 = 14;
