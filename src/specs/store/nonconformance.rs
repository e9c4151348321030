//! Non-conformances.

use super::*;
use crate::lifecycle::Lifecycle;

#[derive(Debug, Queryable, Clone)]
pub struct NcRow {
    pub id: String,
    pub number: String,
    pub supplier_id: String,
    pub spec_id: Option<String>,
    pub inspection_id: Option<String>,
    pub description: String,
    pub status: String,
    pub due_date: NaiveDate,
    pub corrective_action: Option<String>,
    pub rejection_reason: Option<String>,
    pub proposed_at: Option<NaiveDateTime>,
    pub verified_at: Option<NaiveDateTime>,
    pub verified_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl NcRow {
    pub fn status(&self) -> NcStatus {
        NcStatus::parse(&self.status).unwrap_or(NcStatus::Open)
    }

    pub fn to_nc(&self, today: NaiveDate) -> NonConformance {
        let status = self.status();
        NonConformance {
            id: self.id.clone(),
            number: self.number.clone(),
            supplier_id: self.supplier_id.clone(),
            spec_id: self.spec_id.clone(),
            inspection_id: self.inspection_id.clone(),
            description: self.description.clone(),
            status,
            due_date: self.due_date,
            overdue: nc_overdue(status, self.due_date, today),
            corrective_action: self.corrective_action.clone(),
            rejection_reason: self.rejection_reason.clone(),
            allowed_actions: status.allowed_actions().to_vec(),
            proposed_at: utc(self.proposed_at),
            verified_at: utc(self.verified_at),
            verified_by: self.verified_by.clone(),
            closed_at: utc(self.closed_at),
            created_by: self.created_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub struct NcDraft {
    pub supplier_id: String,
    pub spec_id: Option<String>,
    pub inspection_id: Option<String>,
    pub description: String,
    pub due_date: NaiveDate,
}

pub fn insert_nc(
    conn: &mut DbConnection,
    actor: &Actor,
    d: NcDraft,
) -> Result<NonConformance, StoreError> {
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "NC")?;
    let t = now();
    diesel::insert_into(non_conformances::table)
        .values((
            non_conformances::id.eq(&id),
            non_conformances::number.eq(&number),
            non_conformances::supplier_id.eq(&d.supplier_id),
            non_conformances::spec_id.eq(&d.spec_id),
            non_conformances::inspection_id.eq(&d.inspection_id),
            non_conformances::description.eq(&d.description),
            non_conformances::status.eq(NcStatus::Open.as_str()),
            non_conformances::due_date.eq(d.due_date),
            non_conformances::created_by.eq(&actor.id),
            non_conformances::version.eq(1i64),
            non_conformances::created_at.eq(t),
            non_conformances::updated_at.eq(t),
        ))
        .execute(conn)?;
    let nc = get_nc(conn, &Access::All, &id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "non_conformance.opened",
            entity_type: "non_conformance",
            entity_id: &id,
            partner_id: Some(&d.supplier_id),
            before: None,
            after: snapshot(&nc),
        },
    )?;
    Ok(nc)
}

pub fn get_nc_row(conn: &mut DbConnection, access: &Access, id: &str) -> Result<NcRow, StoreError> {
    let mut q = non_conformances::table
        .filter(non_conformances::id.eq(id))
        .into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(non_conformances::supplier_id.eq(own.to_string()));
    }
    q.first::<NcRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("non-conformance").into())
}

pub fn get_nc(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<NonConformance, StoreError> {
    Ok(get_nc_row(conn, access, id)?.to_nc(today()))
}

/// Moves a non-conformance on: `text` is the corrective action for a proposal, the reason for
/// sending one back.
pub fn nc_transition(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    action: NcAction,
    text: Option<String>,
) -> Result<NonConformance, StoreError> {
    let row = get_nc_row(conn, access, id)?;
    expect_version(expected_version, row.version)?;
    let next = next_nc_status(row.status(), action)?;
    let t = now();
    let mut corrective_action = row.corrective_action.clone();
    let mut rejection_reason = row.rejection_reason.clone();
    let mut proposed_at = row.proposed_at;
    let mut verified_at = row.verified_at;
    let mut verified_by = row.verified_by.clone();
    let mut closed_at = row.closed_at;
    match action {
        NcAction::ProposeAction => {
            corrective_action = text;
            rejection_reason = None;
            proposed_at = Some(t);
        }
        NcAction::RejectAction => rejection_reason = text,
        NcAction::Verify => {
            verified_at = Some(t);
            verified_by = Some(actor.id.clone());
        }
        NcAction::Close => closed_at = Some(t),
    }
    let updated = diesel::update(
        non_conformances::table
            .find(id)
            .filter(non_conformances::version.eq(row.version)),
    )
    .set((
        non_conformances::status.eq(next.as_str()),
        non_conformances::corrective_action.eq(&corrective_action),
        non_conformances::rejection_reason.eq(&rejection_reason),
        non_conformances::proposed_at.eq(proposed_at),
        non_conformances::verified_at.eq(verified_at),
        non_conformances::verified_by.eq(&verified_by),
        non_conformances::closed_at.eq(closed_at),
        non_conformances::version.eq(row.version + 1),
        non_conformances::updated_at.eq(t),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(Refusal::StaleVersion {
            current: row.version + 1,
        }
        .into());
    }
    let after = get_nc(conn, &Access::All, id)?;
    record_change(
        conn,
        actor,
        Change {
            action: match action {
                NcAction::ProposeAction => "non_conformance.action_proposed",
                NcAction::RejectAction => "non_conformance.action_rejected",
                NcAction::Verify => "non_conformance.verified",
                NcAction::Close => "non_conformance.closed",
            },
            entity_type: "non_conformance",
            entity_id: id,
            partner_id: Some(&row.supplier_id),
            before: snapshot(&row.to_nc(today())),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

#[derive(Debug, Default)]
pub struct NcFilter {
    pub status: Option<NcStatus>,
    pub supplier_id: Option<String>,
    pub overdue: Option<bool>,
}

pub fn list_ncs(
    conn: &mut DbConnection,
    access: &Access,
    f: NcFilter,
    page: &PageRequest,
) -> Result<Vec<NonConformance>, StoreError> {
    let mut q = crate::paged!(non_conformances, page);
    if let Some(own) = access.partner_id() {
        q = q.filter(non_conformances::supplier_id.eq(own.to_string()));
    }
    if let Some(s) = f.status {
        q = q.filter(non_conformances::status.eq(s.as_str()));
    }
    if let Some(s) = f.supplier_id {
        q = q.filter(non_conformances::supplier_id.eq(s));
    }
    let today = today();
    match f.overdue {
        Some(true) => {
            q = q
                .filter(non_conformances::status.ne(NcStatus::Closed.as_str()))
                .filter(non_conformances::due_date.lt(today))
        }
        Some(false) => {
            q = q.filter(
                non_conformances::status
                    .eq(NcStatus::Closed.as_str())
                    .or(non_conformances::due_date.ge(today)),
            )
        }
        None => {}
    }
    Ok(q.load::<NcRow>(conn)?
        .iter()
        .map(|r| r.to_nc(today))
        .collect())
}
