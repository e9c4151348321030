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

    pub(crate) fn transition(self) -> (NcStatus, NcStatus) {
        match self {
            NcAction::ProposeAction => (NcStatus::Open, NcStatus::ActionProposed),
            NcAction::RejectAction => (NcStatus::ActionProposed, NcStatus::Open),
            NcAction::Verify => (NcStatus::ActionProposed, NcStatus::Verified),
            NcAction::Close => (NcStatus::Verified, NcStatus::Closed),
        }
    }
}

pub fn nc_actions(status: NcStatus) -> Vec<&'static str> {
    NcAction::ALL
        .iter()
        .filter(|a| a.transition().0 == status)
        .map(|a| a.as_str())
        .collect()
}

/// The status `action` leads to from `status`, or the actions allowed instead.
pub fn next_nc_status(status: NcStatus, action: NcAction) -> Result<NcStatus, Vec<&'static str>> {
    let (from, to) = action.transition();
    if from == status {
        Ok(to)
    } else {
        Err(nc_actions(status))
    }
}

/// Open work past its due date.
pub fn nc_overdue(status: NcStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status != NcStatus::Closed && due < today
}

/// Days a supplier has to put right what an inspection found.
pub const NC_DAYS_TO_RESPOND: i64 = 14;
