//! Partners.

use super::*;
use crate::company::store::{participant, to_json};

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
    pub endpoint_scheme: Option<String>,
    pub endpoint_id: Option<String>,
    pub party_ids: String,
    pub legal_id_scheme: Option<String>,
    pub legal_id: Option<String>,
    pub address: Option<String>,
}

impl PartnerRow {
    /// The partner's fields, for a change to start from.
    pub fn to_fields(&self) -> PartnerFields {
        PartnerFields {
            name: self.name.clone(),
            legal_name: self.legal_name.clone(),
            roles: self.roles(),
            status: self.status(),
            gln: self.gln.clone(),
            tax_id: self.tax_id.clone(),
            country: self.country.clone(),
            erp_references: serde_json::from_str(&self.erp_references).unwrap_or_default(),
            identity: self.identity(),
            relationship_since: self.relationship_since,
            account_owner_id: self.account_owner_id.clone(),
            segment: self.segment.clone(),
            notes: self.notes.clone(),
        }
    }

    /// The identifiers and address as stored (each was checked on its way in).
    pub fn identity(&self) -> PartyIdentity {
        PartyIdentity {
            endpoint: participant(self.endpoint_scheme.clone(), self.endpoint_id.clone()),
            party_ids: serde_json::from_str(&self.party_ids).unwrap_or_default(),
            legal_id: participant(self.legal_id_scheme.clone(), self.legal_id.clone()),
            address: self
                .address
                .as_deref()
                .and_then(|a| serde_json::from_str(a).ok()),
        }
    }

    pub fn status(&self) -> PartnerStatus {
        PartnerStatus::parse(&self.status).unwrap_or(PartnerStatus::Prospect)
    }

    pub fn roles(&self) -> PartnerRoles {
        PartnerRoles {
            manufacturer: self.is_manufacturer,
            distributor: self.is_distributor,
            key_account: self.is_key_account,
        }
    }

    pub fn to_partner(&self, today: NaiveDate) -> Partner {
        let identity = self.identity();
        Partner {
            id: self.id.clone(),
            name: self.name.clone(),
            legal_name: self.legal_name.clone(),
            roles: roles_of(self.roles()),
            status: self.status(),
            gln: self.gln.clone(),
            tax_id: self.tax_id.clone(),
            country: self.country.clone(),
            erp_references: serde_json::from_str(&self.erp_references).unwrap_or_default(),
            endpoint: identity.endpoint,
            party_ids: identity.party_ids,
            legal_id: identity.legal_id,
            address: identity.address,
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

/// The identifiers and address as their columns hold them (`None` clears a column).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = partners, treat_none_as_null = true)]
struct IdentityColumns {
    endpoint_scheme: Option<String>,
    endpoint_id: Option<String>,
    party_ids: String,
    legal_id_scheme: Option<String>,
    legal_id: Option<String>,
    address: Option<String>,
}

impl IdentityColumns {
    fn of(i: &PartyIdentity) -> Result<IdentityColumns, StoreError> {
        Ok(IdentityColumns {
            endpoint_scheme: i.endpoint.as_ref().map(|e| e.scheme.clone()),
            endpoint_id: i.endpoint.as_ref().map(|e| e.id.clone()),
            party_ids: to_json(&i.party_ids)?,
            legal_id_scheme: i.legal_id.as_ref().map(|e| e.scheme.clone()),
            legal_id: i.legal_id.as_ref().map(|e| e.id.clone()),
            address: i.address.as_ref().map(to_json).transpose()?,
        })
    }
}

/// Loads a partner the caller may see; another partner's record is simply not found.
/// The partner with this id, whoever may see it (for rules about a named party).
pub fn find_partner(conn: &mut DbConnection, id: &str) -> Result<Option<PartnerRow>, StoreError> {
    Ok(partners::table
        .find(id)
        .first::<PartnerRow>(conn)
        .optional()?)
}

/// The partner a request's `field` names: one that does not exist is a bad field (422), not a
/// missing resource; a database failure stays one.
pub fn referenced_partner(
    conn: &mut DbConnection,
    field: &str,
    id: &str,
) -> Result<PartnerRow, StoreError> {
    find_partner(conn, id)?.ok_or_else(|| Refusal::invalid(field, "no such partner").into())
}

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
pub(crate) fn check_references(
    conn: &mut DbConnection,
    f: &PartnerDraft,
    self_id: Option<&str>,
) -> Result<(), StoreError> {
    let mut errors = vec![];
    if let Some(owner) = &f.account_owner_id {
        auth_store::check_staff_user(conn, "account_owner_id", owner, false, &mut errors)?;
    }
    Refusal::check(errors)?;
    if let Some(gln) = &f.gln {
        let mut q = partners::table
            .filter(partners::gln.eq(gln.as_str()))
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
    if let Some(endpoint) = &f.identity.endpoint {
        let mut q = partners::table
            .filter(partners::endpoint_scheme.eq(&endpoint.scheme))
            .filter(partners::endpoint_id.eq(&endpoint.id))
            .select(partners::id)
            .into_boxed();
        if let Some(id) = self_id {
            q = q.filter(partners::id.ne(id.to_string()));
        }
        if q.first::<String>(conn).optional()?.is_some() {
            return Err(Refusal::conflict_on(
                Code::Duplicate,
                "endpoint",
                "another partner has this endpoint",
            )
            .into());
        }
        if crate::company::store::get_company(conn)?.endpoint.as_ref() == Some(endpoint) {
            return Err(Refusal::invalid("endpoint", "is our own company's endpoint").into());
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
            partners::gln.eq(f.gln.as_ref().map(Gln::as_str)),
            partners::tax_id.eq(&f.tax_id),
            partners::country.eq(f.country.as_ref().map(Country::as_str)),
            partners::erp_references
                .eq(serde_json::to_string(&f.erp_references).unwrap_or_else(|_| "[]".into())),
            IdentityColumns::of(&f.identity)?,
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

/// Writes the checked draft `f` over the partner `row` as it was read (a concurrent write in
/// between answers 412), with its audit entry and event.
pub fn save_partner(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    row: &PartnerRow,
    f: PartnerDraft,
) -> Result<Partner, StoreError> {
    let id = row.id.as_str();
    let before = row.to_partner(today());
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
        partners::gln.eq(f.gln.as_ref().map(Gln::as_str)),
        partners::tax_id.eq(&f.tax_id),
        partners::country.eq(f.country.as_ref().map(Country::as_str)),
        partners::erp_references
            .eq(serde_json::to_string(&f.erp_references).unwrap_or_else(|_| "[]".into())),
        IdentityColumns::of(&f.identity)?,
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

/// Archives (`archive = true`) or restores the partner `row` as it was read.
pub fn set_archived(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    row: &PartnerRow,
    archive: bool,
) -> Result<Partner, StoreError> {
    let id = row.id.as_str();
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
