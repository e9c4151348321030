//! Contacts.

use super::*;

#[derive(Debug, Queryable, Clone)]
pub struct ContactRow {
    pub id: String,
    pub partner_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub is_primary: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ContactRow {
    /// The contact's fields, for a change to start from.
    pub fn to_fields(&self) -> ContactFields {
        ContactFields {
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            job_title: self.job_title.clone(),
            is_primary: self.is_primary,
        }
    }

    pub fn to_contact(&self) -> Contact {
        Contact {
            id: self.id.clone(),
            partner_id: self.partner_id.clone(),
            name: self.name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            job_title: self.job_title.clone(),
            is_primary: self.is_primary,
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub fn get_contact(
    conn: &mut DbConnection,
    partner_id: &str,
    id: &str,
) -> Result<ContactRow, StoreError> {
    contacts::table
        .filter(contacts::id.eq(id))
        .filter(contacts::partner_id.eq(partner_id))
        .first::<ContactRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("contact").into())
}

/// Only one primary contact per partner: making one primary demotes the others, each with its
/// own audit entry and event.
pub(crate) fn demote_other_primaries(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    keep: &str,
) -> Result<(), StoreError> {
    let others: Vec<ContactRow> = contacts::table
        .filter(contacts::partner_id.eq(partner_id))
        .filter(contacts::is_primary.eq(true))
        .filter(contacts::id.ne(keep))
        .load(conn)?;
    for row in others {
        diesel::update(contacts::table.find(&row.id))
            .set((
                contacts::is_primary.eq(false),
                contacts::version.eq(row.version + 1),
                contacts::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let after = get_contact(conn, partner_id, &row.id)?.to_contact();
        record_change(
            conn,
            actor,
            Change {
                action: "contact.updated",
                entity_type: "contact",
                entity_id: &row.id,
                partner_id: Some(partner_id),
                before: snapshot(&row.to_contact()),
                after: snapshot(&after),
            },
        )?;
    }
    Ok(())
}

pub fn insert_contact(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    f: ContactFields,
) -> Result<Contact, StoreError> {
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(contacts::table)
        .values((
            contacts::id.eq(&id),
            contacts::partner_id.eq(partner_id),
            contacts::name.eq(&f.name),
            contacts::email.eq(&f.email),
            contacts::phone.eq(&f.phone),
            contacts::job_title.eq(&f.job_title),
            contacts::is_primary.eq(f.is_primary),
            contacts::version.eq(1i64),
            contacts::created_at.eq(t),
            contacts::updated_at.eq(t),
        ))
        .execute(conn)?;
    if f.is_primary {
        demote_other_primaries(conn, actor, partner_id, &id)?;
    }
    let contact = get_contact(conn, partner_id, &id)?.to_contact();
    record_change(
        conn,
        actor,
        Change {
            action: "contact.created",
            entity_type: "contact",
            entity_id: &id,
            partner_id: Some(partner_id),
            before: None,
            after: snapshot(&contact),
        },
    )?;
    Ok(contact)
}

/// Writes the checked fields `f` over the contact `row` as it was read (a concurrent write in
/// between answers 412); a new primary contact demotes the others.
pub fn save_contact(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &ContactRow,
    f: ContactFields,
) -> Result<Contact, StoreError> {
    let (partner_id, id) = (row.partner_id.as_str(), row.id.as_str());
    let updated = diesel::update(
        contacts::table
            .find(id)
            .filter(contacts::version.eq(row.version)),
    )
    .set((
        contacts::name.eq(&f.name),
        contacts::email.eq(&f.email),
        contacts::phone.eq(&f.phone),
        contacts::job_title.eq(&f.job_title),
        contacts::is_primary.eq(f.is_primary),
        contacts::version.eq(row.version + 1),
        contacts::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if updated == 0 {
        let current = get_contact(conn, partner_id, id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    if f.is_primary && !row.is_primary {
        demote_other_primaries(conn, actor, partner_id, id)?;
    }
    let after = get_contact(conn, partner_id, id)?.to_contact();
    record_change(
        conn,
        actor,
        Change {
            action: "contact.updated",
            entity_type: "contact",
            entity_id: id,
            partner_id: Some(partner_id),
            before: snapshot(&row.to_contact()),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

pub fn delete_contact(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    id: &str,
    expected_version: Option<i64>,
) -> Result<(), StoreError> {
    let row = get_contact(conn, partner_id, id)?;
    expect_version(expected_version, row.version)?;
    diesel::delete(contacts::table.find(id)).execute(conn)?;
    record_change(
        conn,
        actor,
        Change {
            action: "contact.deleted",
            entity_type: "contact",
            entity_id: id,
            partner_id: Some(partner_id),
            before: snapshot(&row.to_contact()),
            after: None,
        },
    )
}

pub fn list_contacts(
    conn: &mut DbConnection,
    partner_id: &str,
    page: &PageRequest,
) -> Result<Vec<ContactRow>, StoreError> {
    let q = crate::paged!(contacts, page).filter(contacts::partner_id.eq(partner_id.to_string()));
    Ok(q.load::<ContactRow>(conn)?)
}
