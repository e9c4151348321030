//! Tier changes and plans.

use super::*;

text_enum! {
    /// `proposed → approved | rejected`; an approved change is in force from its date.
    pub enum TierChangeStatus {
        Proposed = "proposed",
        Approved = "approved",
        Rejected = "rejected",
    }
}

text_enum! {
    /// What a second staff member does with a proposed tier change.
    pub enum TierChangeAction {
        Approve = "approve",
        Reject = "reject",
    }
}

impl Lifecycle for TierChangeStatus {
    type Action = TierChangeAction;
    const DOCUMENT: &'static str = "tier change";

    fn allowed_actions(self) -> &'static [TierChangeAction] {
        match self {
            TierChangeStatus::Proposed => &[TierChangeAction::Approve, TierChangeAction::Reject],
            TierChangeStatus::Approved | TierChangeStatus::Rejected => &[],
        }
    }
}

/// A tier change moves the partner to another tier than the one it holds on the day.
pub fn check_tier_moves(from: TierCode, to: TierCode) -> Result<(), Refusal> {
    if from == to {
        return Err(Refusal::invalid(
            "to_tier",
            format!("the partner is already `{}` on that day", from.as_str()),
        ));
    }
    Ok(())
}

/// The status a decision moves a tier change to: only a proposed change is decided, and by
/// someone other than who proposed it (four eyes, 409 `four_eyes`).
pub fn decide_tier_change(
    status: TierChangeStatus,
    action: TierChangeAction,
    proposed_by: &str,
    deciding: &str,
) -> Result<TierChangeStatus, Refusal> {
    crate::lifecycle::check(status, action)?;
    crate::lifecycle::check_four_eyes("tier change", proposed_by, deciding)?;
    Ok(match action {
        TierChangeAction::Approve => TierChangeStatus::Approved,
        TierChangeAction::Reject => TierChangeStatus::Rejected,
    })
}

text_enum! {
    pub enum PlanStatus {
        Draft = "draft",
        Active = "active",
        Completed = "completed",
        Abandoned = "abandoned",
    }
}

text_enum! {
    pub enum ActionStatus {
        Open = "open",
        Done = "done",
    }
}

/// An action is overdue when still open after its due date.
pub fn action_overdue(status: ActionStatus, due: NaiveDate, today: NaiveDate) -> bool {
    status == ActionStatus::Open && due < today
}

/// When the tier change was decided, for answers.
pub fn utc(t: Option<NaiveDateTime>) -> Option<DateTime<Utc>> {
    t.map(|t| t.and_utc())
}

/// A plan's fields as the caller set them, checked.
pub struct PlanDraft {
    pub title: String,
    pub goals: Vec<String>,
    pub target_tier: Option<TierCode>,
    pub target_share_bp: Option<i32>,
    pub status: PlanStatus,
    pub owner_id: Option<String>,
    pub actions: Vec<PlanAction>,
}

pub fn check_plan(d: PlanDraft) -> Result<PlanDraft, Refusal> {
    let mut e = vec![];
    let title = Name::check("title", &d.title, &mut e);
    if d.goals.len() > 50 {
        e.push(FieldError::new("goals", "at most 50 goals"));
    }
    let goals: Vec<String> = d
        .goals
        .iter()
        .enumerate()
        .map(|(i, g)| Name::check(&format!("goals[{i}]"), g, &mut e))
        .collect();
    crate::channel::model::check_share_bp("target_share_bp", d.target_share_bp, &mut e);
    let owner_id = d.owner_id.map(|o| body_id("owner_id", o, &mut e));
    if d.actions.len() > 200 {
        e.push(FieldError::new("actions", "at most 200 actions"));
    }
    let actions = d
        .actions
        .into_iter()
        .enumerate()
        .map(|(i, a)| PlanAction {
            number: i as i32 + 1,
            description: Name::check(&format!("actions[{i}].description"), &a.description, &mut e),
            owner_id: body_id(&format!("actions[{i}].owner_id"), a.owner_id, &mut e),
            ..a
        })
        .collect();
    Refusal::check(e)?;
    Ok(PlanDraft {
        title,
        goals,
        owner_id,
        actions,
        ..d
    })
}

/// Where a list of plan actions (soonest due first) stands: the due date, plan and number of
/// the last action seen, written `2027-01-15|<plan id>|2` in the list's cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionKey {
    pub due_date: NaiveDate,
    pub plan_id: String,
    pub number: i32,
}

impl ActionKey {
    pub fn of(item: &PlanActionItem) -> ActionKey {
        ActionKey {
            due_date: item.due_date,
            plan_id: item.plan_id.clone(),
            number: item.number,
        }
    }

    /// `None` for anything this list did not write.
    pub fn parse(text: &str) -> Option<ActionKey> {
        let mut parts = text.split('|');
        let key = ActionKey {
            due_date: parts.next()?.parse().ok()?,
            plan_id: uuid::Uuid::parse_str(parts.next()?).ok()?.to_string(),
            number: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(key)
    }
}

impl std::fmt::Display for ActionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}|{}|{}", self.due_date, self.plan_id, self.number)
    }
}
