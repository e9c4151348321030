//! Partners, contacts and interactions. Every read takes the caller's [`Access`], so a partner
//! principal's queries are filtered to its own organisation here, not in the handlers.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::auth::policy::{Access, PartnerRoles};
use crate::auth::store as auth_store;
use crate::clock::{now, today};
use crate::db::schema::{contacts, interactions, partners};
use crate::db::{like_pattern, DbConnection};
use crate::db::{PageRequest, StoreError};
use crate::refusal::{expect_version, Code, FieldError, Refusal};

// ---- partners ------------------------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
pub struct PartnerRow {
    pub id: String,
    pub name: String,
    pub legal_name: Option<String>,
    pub is_manufacturer: bool,
    pub is_distributor: bool,
    pub is_key_account: bool,
    pub status: String,
    pub gln: Option<String>,
    pub tax_id: Option<String>,
    pub country: Option<String>,
    pub erp_references: String,
    pub relationship_since: Option<NaiveDate>,
    pub account_owner_id: Option<String>,
    pub notes: Option<String>,
    pub archived_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub segment: Option<String>,
    /// Name and legal name as search compares them ([`crate::text::search_key`]).
    pub search_text: Option<String>,
}

impl PartnerRow {
    pub fn roles(&self) -> PartnerRoles {
        PartnerRoles {
            manufacturer: self.is_manufacturer,
            distributor: self.is_distributor,
            key_account: self.is_key_account,
        }
    }

    pub fn to_partner(&self, today: NaiveDate) -> Partner {
        Partner {
            id: self.id.clone(),
            name: self.name.clone(),
            legal_name: self.legal_name.clone(),
            roles: roles_of(self.roles()),
            status: PartnerStatus::parse(&self.status).unwrap_or(PartnerStatus::Prospect),
            gln: self.gln.clone(),
            tax_id: self.tax_id.clone(),
            country: self.country.clone(),
            erp_references: serde_json::from_str(&self.erp_references).unwrap_or_default(),
            relationship_since: self.relationship_since,
            tenure_years: self.relationship_since.and_then(|s| tenure_years(s, today)),
            account_owner_id: self.account_owner_id.clone(),
            segment: self.segment.clone(),
            notes: self.notes.clone(),
            archived: self.archived_at.is_some(),
            archived_at: self.archived_at.map(|t| t.and_utc()),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

/// Loads a partner the caller may see; another partner's record is simply not found.
pub fn get_partner(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<PartnerRow, StoreError> {
    let mut q = partners::table.filter(partners::id.eq(id)).into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(partners::id.eq(own.to_string()));
    }
    q.first::<PartnerRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("partner").into())
}

/// Checks that need the database: GLN unique, account owner a real staff user.
fn check_references(
    conn: &mut DbConnection,
    f: &PartnerDraft,
    self_id: Option<&str>,
) -> Result<(), StoreError> {
    let mut errors = vec![];
    if let Some(owner) = &f.account_owner_id {
        auth_store::check_staff_user(conn, "account_owner_id", owner, &mut errors)?;
    }
    Refusal::check(errors)?;
    if let Some(gln) = &f.gln {
        let mut q = partners::table
            .filter(partners::gln.eq(gln))
            .select(partners::id)
            .into_boxed();
        if let Some(id) = self_id {
            q = q.filter(partners::id.ne(id.to_string()));
        }
        if q.first::<String>(conn).optional()?.is_some() {
            return Err(Refusal::conflict_on(
                Code::Duplicate,
                "gln",
                "another partner has this GLN",
            )
            .into());
        }
    }
    Ok(())
}

pub fn insert_partner(
    conn: &mut DbConnection,
    actor: &Actor,
    f: PartnerDraft,
) -> Result<Partner, StoreError> {
    check_references(conn, &f, None)?;
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(partners::table)
        .values((
            partners::id.eq(&id),
            partners::name.eq(&f.name),
            partners::legal_name.eq(&f.legal_name),
            partners::search_text.eq(crate::text::partner_search_text(
                &f.name,
                f.legal_name.as_deref(),
            )),
            partners::is_manufacturer.eq(f.roles.manufacturer),
            partners::is_distributor.eq(f.roles.distributor),
            partners::is_key_account.eq(f.roles.key_account),
            partners::status.eq(f.status.as_str()),
            partners::gln.eq(&f.gln),
            partners::tax_id.eq(&f.tax_id),
            partners::country.eq(&f.country),
            partners::erp_references
                .eq(serde_json::to_string(&f.erp_references).unwrap_or_else(|_| "[]".into())),
            partners::relationship_since.eq(f.relationship_since),
            partners::account_owner_id.eq(&f.account_owner_id),
            partners::segment.eq(&f.segment),
            partners::notes.eq(&f.notes),
            partners::version.eq(1i64),
            partners::created_at.eq(t),
            partners::updated_at.eq(t),
        ))
        .execute(conn)?;
    let partner = get_partner(conn, &Access::All, &id)?.to_partner(today());
    record_change(
        conn,
        actor,
        Change {
            action: "partner.created",
            entity_type: "partner",
            entity_id: &id,
            partner_id: Some(&id),
            before: None,
            after: snapshot(&partner),
        },
    )?;
    Ok(partner)
}

/// Applies a change to a partner the caller may see, after `authorize` approves it for the
/// partner's roles before and after the change.
pub fn update_partner(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    authorize: impl Fn(PartnerRoles) -> Result<(), StoreError>,
    change: impl FnOnce(&PartnerDraft) -> Result<PartnerDraft, StoreError>,
) -> Result<Partner, StoreError> {
    let row = get_partner(conn, access, id)?;
    authorize(row.roles())?;
    expect_version(expected_version, row.version)?;
    let before = row.to_partner(today());
    let current = PartnerDraft {
        name: row.name.clone(),
        legal_name: row.legal_name.clone(),
        roles: row.roles(),
        status: before.status,
        gln: row.gln.clone(),
        tax_id: row.tax_id.clone(),
        country: row.country.clone(),
        erp_references: before.erp_references.clone(),
        relationship_since: row.relationship_since,
        account_owner_id: row.account_owner_id.clone(),
        segment: row.segment.clone(),
        notes: row.notes.clone(),
    };
    let f = change(&current)?;
    authorize(f.roles)?;
    if !before.status.can_become(f.status) {
        return Err(Refusal::Conflict {
            code: Code::IllegalTransition,
            detail: format!(
                "a {} partner cannot become {}",
                before.status.as_str(),
                f.status.as_str()
            ),
            errors: vec![FieldError::new("status", "transition not allowed")],
            allowed: Some(
                before
                    .status
                    .allowed_next()
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .collect(),
            ),
        }
        .into());
    }
    check_references(conn, &f, Some(id))?;
    let updated = diesel::update(
        partners::table
            .find(id)
            .filter(partners::version.eq(row.version)),
    )
    .set((
        partners::name.eq(&f.name),
        partners::legal_name.eq(&f.legal_name),
        partners::search_text.eq(crate::text::partner_search_text(
            &f.name,
            f.legal_name.as_deref(),
        )),
        partners::is_manufacturer.eq(f.roles.manufacturer),
        partners::is_distributor.eq(f.roles.distributor),
        partners::is_key_account.eq(f.roles.key_account),
        partners::status.eq(f.status.as_str()),
        partners::gln.eq(&f.gln),
        partners::tax_id.eq(&f.tax_id),
        partners::country.eq(&f.country),
        partners::erp_references
            .eq(serde_json::to_string(&f.erp_references).unwrap_or_else(|_| "[]".into())),
        partners::relationship_since.eq(f.relationship_since),
        partners::account_owner_id.eq(&f.account_owner_id),
        partners::segment.eq(&f.segment),
        partners::notes.eq(&f.notes),
        partners::version.eq(row.version + 1),
        partners::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if updated == 0 {
        // Someone else's write landed between our read and this update.
        let current = get_partner(conn, access, id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    let after = get_partner(conn, access, id)?.to_partner(today());
    let action = if before.status != after.status {
        "partner.status_changed"
    } else {
        "partner.updated"
    };
    record_change(
        conn,
        actor,
        Change {
            action,
            entity_type: "partner",
            entity_id: id,
            partner_id: Some(id),
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

/// Archives (`archive = true`) or restores a partner.
pub fn set_archived(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    authorize: impl Fn(PartnerRoles) -> Result<(), StoreError>,
    archive: bool,
) -> Result<Partner, StoreError> {
    let row = get_partner(conn, access, id)?;
    authorize(row.roles())?;
    expect_version(expected_version, row.version)?;
    if row.archived_at.is_some() == archive {
        // Already in the asked-for state: answer it as it is, writing nothing.
        return Ok(row.to_partner(today()));
    }
    let t = now();
    diesel::update(
        partners::table
            .find(id)
            .filter(partners::version.eq(row.version)),
    )
    .set((
        partners::archived_at.eq(if archive { Some(t) } else { None }),
        partners::version.eq(row.version + 1),
        partners::updated_at.eq(t),
    ))
    .execute(conn)?;
    let before = row.to_partner(today());
    let after = get_partner(conn, access, id)?.to_partner(today());
    record_change(
        conn,
        actor,
        Change {
            action: if archive {
                "partner.archived"
            } else {
                "partner.restored"
            },
            entity_type: "partner",
            entity_id: id,
            partner_id: Some(id),
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

#[derive(Debug, Default)]
pub struct PartnerFilter {
    pub role: Option<PartnerRole>,
    pub status: Option<PartnerStatus>,
    pub q: Option<String>,
    pub include_archived: bool,
    /// Only partners with `relationship_since` on or before this day.
    pub relationship_since_by: Option<NaiveDate>,
    pub segment: Option<String>,
}

pub fn list_partners(
    conn: &mut DbConnection,
    access: &Access,
    f: PartnerFilter,
    page: &PageRequest,
) -> Result<Vec<PartnerRow>, StoreError> {
    let mut q = crate::paged!(partners, page);
    if let Some(own) = access.partner_id() {
        q = q.filter(partners::id.eq(own.to_string()));
    }
    if !f.include_archived {
        q = q.filter(partners::archived_at.is_null());
    }
    if let Some(by) = f.relationship_since_by {
        q = q.filter(partners::relationship_since.le(by));
    }
    if let Some(segment) = f.segment {
        q = q.filter(partners::segment.eq(segment));
    }
    match f.role {
        Some(PartnerRole::Manufacturer) => q = q.filter(partners::is_manufacturer.eq(true)),
        Some(PartnerRole::Distributor) => q = q.filter(partners::is_distributor.eq(true)),
        Some(PartnerRole::KeyAccount) => q = q.filter(partners::is_key_account.eq(true)),
        None => {}
    }
    if let Some(s) = f.status {
        q = q.filter(partners::status.eq(s.as_str()));
    }
    if let Some(text) = f.q {
        let pattern = like_pattern(&crate::text::search_key(&text));
        q = q.filter(
            partners::search_text
                .assume_not_null()
                .like(pattern)
                .escape('\\')
                .or(partners::gln.eq(text.clone()))
                .or(partners::tax_id.eq(text)),
        );
    }
    Ok(q.load::<PartnerRow>(conn)?)
}

// ---- contacts ------------------------------------------------------------------------------

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
fn demote_other_primaries(
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

pub fn update_contact(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    id: &str,
    expected_version: Option<i64>,
    change: impl FnOnce(ContactFields) -> Result<ContactFields, StoreError>,
) -> Result<Contact, StoreError> {
    let row = get_contact(conn, partner_id, id)?;
    expect_version(expected_version, row.version)?;
    let f = change(ContactFields {
        name: row.name.clone(),
        email: row.email.clone(),
        phone: row.phone.clone(),
        job_title: row.job_title.clone(),
        is_primary: row.is_primary,
    })?;
    diesel::update(
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

// ---- interactions ----------------------------------------------------------------------------

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

fn check_owner(conn: &mut DbConnection, owner: Option<&str>) -> Result<(), StoreError> {
    let mut errors = vec![];
    if let Some(owner) = owner {
        auth_store::check_staff_user(conn, "owner_id", owner, &mut errors)?;
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

pub fn update_interaction(
    conn: &mut DbConnection,
    actor: &Actor,
    partner_id: &str,
    id: &str,
    expected_version: Option<i64>,
    change: impl FnOnce(InteractionFields) -> Result<InteractionFields, StoreError>,
) -> Result<Interaction, StoreError> {
    let row = get_interaction(conn, partner_id, id)?;
    expect_version(expected_version, row.version)?;
    let before = row.to_interaction(today());
    let f = change(InteractionFields {
        kind: before.kind,
        subject: row.subject.clone(),
        notes: row.notes.clone(),
        occurred_at: row.occurred_at,
        due_date: row.due_date,
        status: before.status,
        owner_id: row.owner_id.clone(),
    })?;
    check_owner(conn, f.owner_id.as_deref())?;
    diesel::update(
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
