//! Development plans.

use super::*;

pub(crate) type PlanRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<i32>,
    String,
    Option<String>,
    String,
    i64,
    NaiveDateTime,
    NaiveDateTime,
);

pub(crate) fn actions_of(
    conn: &mut DbConnection,
    plan_ids: &[&str],
) -> Result<Vec<(String, PlanAction)>, StoreError> {
    let rows: Vec<(String, i32, String, String, NaiveDate, String)> = plan_actions::table
        .filter(plan_actions::plan_id.eq_any(plan_ids))
        .order((plan_actions::plan_id.asc(), plan_actions::number.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(plan, number, description, owner_id, due_date, status)| {
            (
                plan,
                PlanAction {
                    number,
                    description,
                    owner_id,
                    due_date,
                    status: ActionStatus::parse(&status).unwrap_or(ActionStatus::Open),
                },
            )
        })
        .collect())
}

pub(crate) fn to_plan(r: PlanRow, actions: Vec<PlanAction>) -> DevelopmentPlan {
    DevelopmentPlan {
        id: r.0,
        partner_id: r.1,
        title: r.2,
        goals: serde_json::from_str(&r.3).unwrap_or_default(),
        target_tier: r.4.as_deref().and_then(TierCode::parse),
        target_share_bp: r.5,
        status: PlanStatus::parse(&r.6).unwrap_or(PlanStatus::Draft),
        owner_id: r.7,
        actions,
        created_by: r.8,
        version: r.9,
        created_at: r.10.and_utc(),
        updated_at: r.11.and_utc(),
    }
}

pub fn get_plan(
    conn: &mut DbConnection,
    partner_id: &str,
    id: &str,
) -> Result<DevelopmentPlan, StoreError> {
    let row = development_plans::table
        .filter(development_plans::id.eq(id))
        .filter(development_plans::partner_id.eq(partner_id))
        .first::<PlanRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("development plan"))?;
    let actions = actions_of(conn, &[id])?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    Ok(to_plan(row, actions))
}

pub fn list_plans(
    conn: &mut DbConnection,
    partner_id: &str,
    page: &PageRequest,
) -> Result<Vec<DevelopmentPlan>, StoreError> {
    crate::partners::store::get_partner(conn, &Access::All, partner_id)?;
    let rows: Vec<PlanRow> = crate::paged!(development_plans, page)
        .filter(development_plans::partner_id.eq(partner_id.to_string()))
        .load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let actions = actions_of(conn, &ids)?;
    Ok(crate::db::with_lines(
        rows,
        actions,
        |r| r.0.as_str(),
        |(plan, _)| plan.as_str(),
        |r, a| to_plan(r, a.into_iter().map(|(_, a)| a).collect()),
    ))
}

/// Owners must be staff users who can sign in.
pub(crate) fn check_owners(conn: &mut DbConnection, d: &PlanDraft) -> Result<(), StoreError> {
    use crate::auth::store::check_staff_user;
    let mut e = vec![];
    if let Some(o) = &d.owner_id {
        check_staff_user(conn, "owner_id", o, true, &mut e)?;
    }
    for (i, a) in d.actions.iter().enumerate() {
        check_staff_user(
            conn,
            &format!("actions[{i}].owner_id"),
            &a.owner_id,
            true,
            &mut e,
        )?;
    }
    Ok(Refusal::check(e)?)
}

pub(crate) fn write_actions(
    conn: &mut DbConnection,
    plan_id: &str,
    actions: &[PlanAction],
) -> Result<(), StoreError> {
    diesel::delete(plan_actions::table.filter(plan_actions::plan_id.eq(plan_id))).execute(conn)?;
    let rows: Vec<_> = actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            (
                plan_actions::plan_id.eq(plan_id),
                plan_actions::number.eq(i as i32 + 1),
                plan_actions::description.eq(&a.description),
                plan_actions::owner_id.eq(&a.owner_id),
                plan_actions::due_date.eq(a.due_date),
                plan_actions::status.eq(a.status.as_str()),
            )
        })
        .collect();
    if !rows.is_empty() {
        crate::insert_all!(conn, plan_actions::table, &rows)?;
    }
    Ok(())
}

pub(crate) fn goals_json(goals: &[String]) -> String {
    serde_json::to_string(goals).unwrap_or_else(|_| "[]".into())
}

pub fn insert_plan(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    d: PlanDraft,
) -> Result<DevelopmentPlan, StoreError> {
    crate::partners::store::get_partner(conn, &Access::All, partner_id)?;
    check_owners(conn, &d)?;
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(development_plans::table)
        .values((
            development_plans::id.eq(&id),
            development_plans::partner_id.eq(partner_id),
            development_plans::title.eq(&d.title),
            development_plans::goals.eq(goals_json(&d.goals)),
            development_plans::target_tier.eq(d.target_tier.map(|t| t.as_str())),
            development_plans::target_share_bp.eq(d.target_share_bp),
            development_plans::status.eq(d.status.as_str()),
            development_plans::owner_id.eq(&d.owner_id),
            development_plans::created_by.eq(&actor.id),
            development_plans::version.eq(1i64),
            development_plans::created_at.eq(t),
            development_plans::updated_at.eq(t),
        ))
        .execute(conn)?;
    write_actions(conn, &id, &d.actions)?;
    let p = get_plan(conn, partner_id, &id)?;
    audit(
        conn,
        actor,
        ("development_plan.created", "development_plan", &id),
        None,
        snapshot(&p),
    )?;
    Ok(p)
}

/// Writes the checked draft `d` over the plan as it was read (`before`; a concurrent write in
/// between answers 412), with its audit entry and event.
pub fn save_plan(
    conn: &mut DbConnection,
    actor: &Actor,
    before: &DevelopmentPlan,
    d: PlanDraft,
) -> Result<DevelopmentPlan, StoreError> {
    let (partner_id, id) = (before.partner_id.as_str(), before.id.as_str());
    check_owners(conn, &d)?;
    let n = diesel::update(
        development_plans::table
            .find(id)
            .filter(development_plans::version.eq(before.version)),
    )
    .set((
        development_plans::title.eq(&d.title),
        development_plans::goals.eq(goals_json(&d.goals)),
        development_plans::target_tier.eq(d.target_tier.map(|t| t.as_str())),
        development_plans::target_share_bp.eq(d.target_share_bp),
        development_plans::status.eq(d.status.as_str()),
        development_plans::owner_id.eq(&d.owner_id),
        development_plans::version.eq(before.version + 1),
        development_plans::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        let current = get_plan(conn, partner_id, id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    write_actions(conn, id, &d.actions)?;
    let after = get_plan(conn, partner_id, id)?;
    audit(
        conn,
        actor,
        ("development_plan.updated", "development_plan", id),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}

/// An action with its plan's partner and title.
pub(crate) type ActionRow = (
    String,
    String,
    String,
    i32,
    String,
    String,
    NaiveDate,
    String,
);

#[derive(Debug, Default)]
pub struct ActionFilter {
    /// Open past their due date on `today`.
    pub overdue_on: Option<NaiveDate>,
    pub owner_id: Option<String>,
    pub status: Option<ActionStatus>,
}

/// Actions across every plan, soonest due first; at most `limit`.
pub fn list_actions(
    conn: &mut DbConnection,
    f: ActionFilter,
    today: NaiveDate,
    after: Option<ActionKey>,
    limit: i64,
) -> Result<Vec<PlanActionItem>, StoreError> {
    let mut q = plan_actions::table
        .inner_join(development_plans::table)
        .select((
            plan_actions::plan_id,
            development_plans::partner_id,
            development_plans::title,
            plan_actions::number,
            plan_actions::description,
            plan_actions::owner_id,
            plan_actions::due_date,
            plan_actions::status,
        ))
        .order((
            plan_actions::due_date.asc(),
            plan_actions::plan_id.asc(),
            plan_actions::number.asc(),
        ))
        .limit(limit)
        .into_boxed();
    if let Some(day) = f.overdue_on {
        q = q
            .filter(plan_actions::status.eq(ActionStatus::Open.as_str()))
            .filter(plan_actions::due_date.lt(day));
    }
    if let Some(s) = f.status {
        q = q.filter(plan_actions::status.eq(s.as_str()));
    }
    if let Some(o) = f.owner_id {
        q = q.filter(plan_actions::owner_id.eq(o));
    }
    if let Some(k) = after {
        // After the last one seen, in the list's order (due date, plan, number).
        q = q.filter(
            plan_actions::due_date
                .gt(k.due_date)
                .or(plan_actions::due_date
                    .eq(k.due_date)
                    .and(plan_actions::plan_id.gt(k.plan_id.clone())))
                .or(plan_actions::due_date
                    .eq(k.due_date)
                    .and(plan_actions::plan_id.eq(k.plan_id))
                    .and(plan_actions::number.gt(k.number))),
        );
    }
    let rows: Vec<ActionRow> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(plan_id, partner_id, plan_title, number, description, owner_id, due_date, status)| {
                let status = ActionStatus::parse(&status).unwrap_or(ActionStatus::Open);
                PlanActionItem {
                    plan_id,
                    partner_id,
                    plan_title,
                    overdue: action_overdue(status, due_date, today),
                    number,
                    description,
                    owner_id,
                    due_date,
                    status,
                }
            },
        )
        .collect())
}
