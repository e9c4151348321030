//! Interactions.

use super::*;

#[derive(Debug, Queryable, Clone)]
pub struct InteractionRow {
    pub id: String,
    pub partner_id: String,
    pub kind: String,
    pub subject: String,
    pub notes: Option<String>,
    pub occurred_at: NaiveDateTime,
    pub due_date: Option<NaiveDate>,
    pub status: String,
    pub owner_id: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl InteractionRow {
    /// The interaction's fields, for a change to start from.
    pub fn to_fields(&self) -> InteractionFields {
        let current = self.to_interaction(today());
        InteractionFields {
            kind: current.kind,
            subject: self.subject.clone(),
            notes: self.notes.clone(),
            occurred_at: self.occurred_at,
            due_date: self.due_date,
            status: current.status,
            owner_id: self.owner_id.clone(),
        }
    }

    pub fn to_interaction(&self, today: NaiveDate) -> Interaction {
        let status = InteractionStatus::parse(&self.status).unwrap_or(InteractionStatus::Open);
        Interaction {
            id: self.id.clone(),
            partner_id: self.partner_id.clone(),
            kind: InteractionKind::parse(&self.kind).unwrap_or(InteractionKind::Call),
            subject: self.subject.clone(),
            notes: self.notes.clone(),
            occurred_at: self.occurred_at.and_utc(),
            due_date: self.due_date,
            status,
            overdue: is_overdue(status, self.due_date, today),
            owner_id: self.owner_id.clone(),
            created_by: self.created_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub(crate) fn check_owner(conn: &mut DbConnection, owner: Option<&str>) -> Result<(), StoreError> {
    let mut errors = vec![];
    if let Some(owner) = owner {
        auth_store::check_staff_user(conn, "owner_id", owner, false, &mut errors)?;
    }
    Ok(Refusal::check(errors)?)
}

pub fn get_interaction(
    conn: &mut DbConnection,
    partner_id: &str,
    id: &str,
) -> Result<InteractionRow, StoreError> {
    interactions::table
        .filter(interactions::id.eq(id))
        .filter(interactions::partner_id.eq(partner_id))
        .first::<InteractionRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("interaction").into())
}

pub fn insert_interaction(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    f: InteractionFields,
) -> Result<Interaction, StoreError> {
    check_owner(conn, f.owner_id.as_deref())?;
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(interactions::table)
        .values((
            interactions::id.eq(&id),
            interactions::partner_id.eq(partner_id),
            interactions::kind.eq(f.kind.as_str()),
            interactions::subject.eq(&f.subject),
            interactions::notes.eq(&f.notes),
            interactions::occurred_at.eq(f.occurred_at),
            interactions::due_date.eq(f.due_date),
            interactions::status.eq(f.status.as_str()),
            interactions::owner_id.eq(&f.owner_id),
            interactions::created_by.eq(&actor.id),
            interactions::version.eq(1i64),
            interactions::created_at.eq(t),
            interactions::updated_at.eq(t),
        ))
        .execute(conn)?;
    let interaction = get_interaction(conn, partner_id, &id)?.to_interaction(today());
    record_change(
        conn,
        actor,
        Change {
            action: "interaction.created",
            entity_type: "interaction",
            entity_id: &id,
            partner_id: Some(partner_id),
            before: None,
            after: snapshot(&interaction),
        },
    )?;
    Ok(interaction)
}

/// Writes the checked fields `f` over the interaction `row` as it was read (a concurrent write
/// in between answers 412), with its audit entry and event.
pub fn save_interaction(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &InteractionRow,
    f: InteractionFields,
) -> Result<Interaction, StoreError> {
    let (partner_id, id) = (row.partner_id.as_str(), row.id.as_str());
    let before = row.to_interaction(today());
    check_owner(conn, f.owner_id.as_deref())?;
    let updated = diesel::update(
        interactions::table
            .find(id)
            .filter(interactions::version.eq(row.version)),
    )
    .set((
        interactions::kind.eq(f.kind.as_str()),
        interactions::subject.eq(&f.subject),
        interactions::notes.eq(&f.notes),
        interactions::occurred_at.eq(f.occurred_at),
        interactions::due_date.eq(f.due_date),
        interactions::status.eq(f.status.as_str()),
        interactions::owner_id.eq(&f.owner_id),
        interactions::version.eq(row.version + 1),
        interactions::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if updated == 0 {
        let current = get_interaction(conn, partner_id, id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    let after = get_interaction(conn, partner_id, id)?.to_interaction(today());
    record_change(
        conn,
        actor,
        Change {
            action: "interaction.updated",
            entity_type: "interaction",
            entity_id: id,
            partner_id: Some(partner_id),
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

#[derive(Debug, Default)]
pub struct InteractionFilter {
    pub kind: Option<InteractionKind>,
    pub status: Option<InteractionStatus>,
    pub overdue: Option<bool>,
}

pub fn list_interactions(
    conn: &mut DbConnection,
    partner_id: &str,
    f: InteractionFilter,
    page: &PageRequest,
) -> Result<Vec<InteractionRow>, StoreError> {
    let mut q = crate::paged!(interactions, page)
        .filter(interactions::partner_id.eq(partner_id.to_string()));
    if let Some(k) = f.kind {
        q = q.filter(interactions::kind.eq(k.as_str()));
    }
    if let Some(s) = f.status {
        q = q.filter(interactions::status.eq(s.as_str()));
    }
    match f.overdue {
        Some(true) => {
            q = q
                .filter(interactions::status.eq(InteractionStatus::Open.as_str()))
                .filter(interactions::due_date.lt(today()));
        }
        Some(false) => {
            q = q.filter(
                interactions::status
                    .ne(InteractionStatus::Open.as_str())
                    .or(interactions::due_date.is_null())
                    .or(interactions::due_date.ge(today())),
            );
        }
        None => {}
    }
    Ok(q.load::<InteractionRow>(conn)?)
}

/// When each current (not archived) manufacturer's relationship with us began.
pub fn manufacturer_relationships(conn: &mut DbConnection) -> Result<Vec<NaiveDate>, StoreError> {
    Ok(partners::table
        .filter(partners::is_manufacturer.eq(true))
        .filter(partners::archived_at.is_null())
        .filter(partners::relationship_since.is_not_null())
        .select(partners::relationship_since.assume_not_null())
        .load::<NaiveDate>(conn)?)
}

/// Names and segments of the partners with these ids, for reports that list partners by id.
pub fn names_and_segments(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, (String, Option<String>)>, StoreError> {
    let mut out = std::collections::HashMap::new();
    for chunk in ids.chunks(10_000) {
        let rows: Vec<(String, String, Option<String>)> = partners::table
            .filter(partners::id.eq_any(chunk))
            .select((partners::id, partners::name, partners::segment))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(id, n, s)| (id, (n, s))));
    }
    Ok(out)
}
