//! Integration clients.

use super::*;

#[derive(Debug, Queryable, Clone)]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub secret_hash: String,
    pub scopes: String,
    pub partner_id: Option<String>,
    pub disabled: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ClientRow {
    pub fn to_client(&self) -> IntegrationClient {
        IntegrationClient {
            id: self.id.clone(),
            name: self.name.clone(),
            scopes: parse_scopes("scopes", &self.scopes).unwrap_or_default(),
            partner_id: self.partner_id.clone(),
            disabled: self.disabled,
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub fn find_client(conn: &mut DbConnection, id: &str) -> Result<Option<ClientRow>, StoreError> {
    Ok(integration_clients::table
        .find(id)
        .first::<ClientRow>(conn)
        .optional()?)
}

pub fn get_client(conn: &mut DbConnection, id: &str) -> Result<ClientRow, StoreError> {
    find_client(conn, id)?.ok_or(Refusal::NotFound("integration client").into())
}

pub struct NewClient {
    pub name: String,
    pub scopes: Vec<crate::auth::model::Scope>,
    pub partner_id: Option<String>,
    pub secret_hash: String,
}

pub fn insert_client(
    conn: &mut DbConnection,
    actor: &Actor,
    new: NewClient,
) -> Result<IntegrationClient, StoreError> {
    let mut errors = vec![];
    check_partner_exists(conn, new.partner_id.as_deref(), &mut errors)?;
    Refusal::check(errors)?;
    let now = Utc::now().naive_utc();
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(integration_clients::table)
        .values((
            integration_clients::id.eq(&id),
            integration_clients::name.eq(&new.name),
            integration_clients::secret_hash.eq(&new.secret_hash),
            integration_clients::scopes.eq(join_scopes(&new.scopes)),
            integration_clients::partner_id.eq(&new.partner_id),
            integration_clients::disabled.eq(false),
            integration_clients::version.eq(1i64),
            integration_clients::created_at.eq(now),
            integration_clients::updated_at.eq(now),
        ))
        .execute(conn)?;
    let client = get_client(conn, &id)?.to_client();
    record_change(
        conn,
        actor,
        Change {
            action: "integration_client.created",
            entity_type: "integration_client",
            entity_id: &id,
            partner_id: client.partner_id.as_deref(),
            before: None,
            after: snapshot(&client),
        },
    )?;
    Ok(client)
}

#[derive(Debug, Default)]
pub struct ClientChanges {
    pub name: Option<String>,
    pub scopes: Option<Vec<crate::auth::model::Scope>>,
    pub disabled: Option<bool>,
    pub secret_hash: Option<String>,
}

pub fn update_client(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    ch: ClientChanges,
) -> Result<IntegrationClient, StoreError> {
    let row = get_client(conn, id)?;
    expect_version(expected_version, row.version)?;
    let before = row.to_client();
    let action = if ch.secret_hash.is_some() {
        "integration_client.secret_rotated"
    } else {
        "integration_client.updated"
    };
    diesel::update(
        integration_clients::table
            .find(id)
            .filter(integration_clients::version.eq(row.version)),
    )
    .set((
        integration_clients::name.eq(ch.name.unwrap_or(row.name.clone())),
        integration_clients::scopes.eq(ch
            .scopes
            .map(|s| join_scopes(&s))
            .unwrap_or(row.scopes.clone())),
        integration_clients::disabled.eq(ch.disabled.unwrap_or(row.disabled)),
        integration_clients::secret_hash.eq(ch.secret_hash.unwrap_or(row.secret_hash.clone())),
        integration_clients::version.eq(row.version + 1),
        integration_clients::updated_at.eq(Utc::now().naive_utc()),
    ))
    .execute(conn)?;
    let after = get_client(conn, id)?.to_client();
    record_change(
        conn,
        actor,
        Change {
            action,
            entity_type: "integration_client",
            entity_id: id,
            partner_id: after.partner_id.as_deref(),
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

pub fn list_clients(
    conn: &mut DbConnection,
    page: &PageRequest,
) -> Result<Vec<ClientRow>, StoreError> {
    let q = crate::paged!(integration_clients, page);
    Ok(q.load::<ClientRow>(conn)?)
}

/// Deletes refresh tokens expired for more than a day (kept that long so a late replay is still
/// recognised as reuse rather than as an unknown token).
pub fn purge_expired_refresh_tokens(conn: &mut DbConnection) -> Result<usize, StoreError> {
    let cutoff = Utc::now().naive_utc() - Duration::days(1);
    Ok(
        diesel::delete(refresh_tokens::table.filter(refresh_tokens::expires_at.lt(cutoff)))
            .execute(conn)?,
    )
}

/// How a token's principal stands now, read on every request.
pub enum Standing {
    /// Disabled, its rights changed, or (users) its sign-in ended by logout or a new password.
    Revoked,
    /// Still as issued; for a partner principal, what its partner's status leaves it and the
    /// ids of the partner's own people (for its views).
    Current {
        partner: Option<(PartnerAccess, crate::views::PartnerViewer)>,
    },
}

/// Whether a token's bearer may still act as the token says: the user or client exists, is not
/// disabled, and holds the role, partner and scopes the token was issued with. Checked on every
/// request, so disabling an account or changing its rights takes effect at once, not when its
/// tokens expire: one statement for the account, and for a partner principal one for its
/// partner's status and one for its people.
pub fn standing(conn: &mut DbConnection, p: &Principal) -> Result<Standing, StoreError> {
    let as_issued = match p.kind {
        // One statement: the account as it is now and whether its sign-in (the access token's
        // refresh-token family) is still open. Logging out, a detected refresh-token replay or
        // a new password ends the sign-in, and its tokens with it.
        PrincipalKind::User => {
            let Some(sid) = &p.session_id else {
                return Ok(Standing::Revoked);
            };
            let signed_in = diesel::dsl::exists(
                refresh_tokens::table
                    .filter(refresh_tokens::family_id.eq(sid))
                    .filter(refresh_tokens::user_id.eq(&p.id))
                    .filter(refresh_tokens::revoked_at.is_null()),
            );
            users::table
                .find(&p.id)
                .select((users::disabled, users::role, users::partner_id, signed_in))
                .first::<(bool, String, Option<String>, bool)>(conn)
                .optional()?
                .is_some_and(|(disabled, role, partner, signed_in)| {
                    !disabled
                        && signed_in
                        && p.role.is_some_and(|r| r.as_str() == role)
                        && partner == p.partner_id
                })
        }
        PrincipalKind::Client => integration_clients::table
            .find(&p.id)
            .select((
                integration_clients::disabled,
                integration_clients::scopes,
                integration_clients::partner_id,
            ))
            .first::<(bool, String, Option<String>)>(conn)
            .optional()?
            .is_some_and(|(disabled, scopes, partner)| {
                let held = parse_scopes("scopes", &scopes).unwrap_or_default();
                !disabled && partner == p.partner_id && p.scopes.iter().all(|s| held.contains(s))
            }),
    };
    if !as_issued {
        return Ok(Standing::Revoked);
    }
    let Some(partner_id) = &p.partner_id else {
        return Ok(Standing::Current { partner: None });
    };
    let access = partner_access_of(conn, partner_id)?;
    Ok(Standing::Current {
        partner: Some((access, partner_viewer(conn, partner_id)?)),
    })
}

/// A partner's view of what it reads: the partner and its own people (users and clients), whose
/// ids and free text it may see.
pub fn partner_viewer(
    conn: &mut DbConnection,
    partner_id: &str,
) -> Result<crate::views::PartnerViewer, StoreError> {
    // Two statements: diesel's multi-backend connection cannot build a UNION.
    let mut own_people: std::collections::HashSet<String> = users::table
        .filter(users::partner_id.eq(partner_id))
        .select(users::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    own_people.extend(
        integration_clients::table
            .filter(integration_clients::partner_id.eq(partner_id))
            .select(integration_clients::id)
            .load::<String>(conn)?,
    );
    Ok(crate::views::PartnerViewer {
        partner_id: partner_id.to_string(),
        own_people,
    })
}

/// What the partner's status (and whether it is archived) leaves its people able to do.
pub fn partner_access_of(
    conn: &mut DbConnection,
    partner_id: &str,
) -> Result<PartnerAccess, StoreError> {
    use crate::db::schema::partners;
    let row = partners::table
        .find(partner_id)
        .select((partners::status, partners::archived_at.is_not_null()))
        .first::<(String, bool)>(conn)
        .optional()?;
    Ok(match row {
        Some((status, archived)) => crate::auth::model::partner_access(&status, archived),
        None => PartnerAccess::Nothing,
    })
}
