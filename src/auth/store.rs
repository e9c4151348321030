//! Users, integration clients and refresh tokens.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{
    join_scopes, parse_scopes, IntegrationClient, PartnerAccess, Principal, PrincipalKind, Role,
    User,
};
use super::throttle::{self, Limits};
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::db::schema::{integration_clients, refresh_tokens, users};
use crate::db::DbConnection;
use crate::db::{PageRequest, StoreError};
use crate::refusal::{expect_version, Code, FieldError, Refusal};

#[derive(Debug, Queryable, Clone)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: String,
    pub partner_id: Option<String>,
    pub password_hash: String,
    pub disabled: bool,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl UserRow {
    pub fn role(&self) -> Role {
        // Roles are only ever written from the enum; an unknown one means a hand-edited row,
        // which is safest treated as the least privileged role.
        Role::parse(&self.role).unwrap_or(Role::PartnerUser)
    }

    pub fn to_user(&self) -> User {
        User {
            id: self.id.clone(),
            email: self.email.clone(),
            name: self.name.clone(),
            role: self.role(),
            partner_id: self.partner_id.clone(),
            disabled: self.disabled,
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub fn count_users(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(users::table.count().get_result(conn)?)
}

/// Checks that `id` names a staff user (an account owner, a follow-up owner): the error, if
/// any, is recorded against `field`.
pub fn check_staff_user(
    conn: &mut DbConnection,
    field: &str,
    id: &str,
    errors: &mut Vec<FieldError>,
) -> Result<(), StoreError> {
    let role: Option<String> = users::table
        .find(id)
        .select(users::role)
        .first(conn)
        .optional()?;
    match role.as_deref().and_then(Role::parse) {
        None => errors.push(FieldError::new(field, "no such user")),
        Some(r) if r.is_partner_role() => {
            errors.push(FieldError::new(field, "must be a staff user"))
        }
        Some(_) => {}
    }
    Ok(())
}

pub fn find_user_by_email(
    conn: &mut DbConnection,
    email: &str,
) -> Result<Option<UserRow>, StoreError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .first::<UserRow>(conn)
        .optional()?)
}

pub fn get_user(conn: &mut DbConnection, id: &str) -> Result<UserRow, StoreError> {
    users::table
        .find(id)
        .first::<UserRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("user").into())
}

fn check_partner_exists(
    conn: &mut DbConnection,
    partner_id: Option<&str>,
    errors: &mut Vec<FieldError>,
) -> Result<(), StoreError> {
    if let Some(pid) = partner_id {
        use crate::db::schema::partners;
        let found: i64 = partners::table
            .filter(partners::id.eq(pid))
            .count()
            .get_result(conn)?;
        if found == 0 {
            errors.push(FieldError::new("partner_id", "no such partner"));
        }
    }
    Ok(())
}

pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub partner_id: Option<String>,
    pub password_hash: String,
}

pub fn insert_user(
    conn: &mut DbConnection,
    actor: &Actor,
    new: NewUser,
) -> Result<User, StoreError> {
    let mut errors = vec![];
    check_partner_exists(conn, new.partner_id.as_deref(), &mut errors)?;
    Refusal::check(errors)?;
    if find_user_by_email(conn, &new.email)?.is_some() {
        return Err(Refusal::conflict_on(
            Code::Duplicate,
            "email",
            "a user with this e-mail exists",
        )
        .into());
    }
    let now = Utc::now().naive_utc();
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::email.eq(&new.email),
            users::name.eq(&new.name),
            users::role.eq(new.role.as_str()),
            users::partner_id.eq(&new.partner_id),
            users::password_hash.eq(&new.password_hash),
            users::disabled.eq(false),
            users::version.eq(1i64),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    let user = get_user(conn, &id)?.to_user();
    record_change(
        conn,
        actor,
        Change {
            action: "user.created",
            entity_type: "user",
            entity_id: &id,
            partner_id: user.partner_id.as_deref(),
            before: None,
            after: snapshot(&user),
        },
    )?;
    Ok(user)
}

#[derive(Debug, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<Role>,
    pub partner_id: Option<Option<String>>,
    pub disabled: Option<bool>,
    pub password_hash: Option<String>,
}

pub fn update_user(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    expected_version: Option<i64>,
    ch: UserChanges,
) -> Result<User, StoreError> {
    let row = get_user(conn, id)?;
    expect_version(expected_version, row.version)?;
    let before = row.to_user();
    let role = ch.role.unwrap_or(before.role);
    let partner_id = ch.partner_id.clone().unwrap_or(before.partner_id.clone());
    let mut errors = vec![];
    if let Err(e) = super::model::check_role_binding(role, partner_id.as_deref()) {
        errors.push(e);
    }
    check_partner_exists(conn, partner_id.as_deref(), &mut errors)?;
    Refusal::check(errors)?;
    let now = Utc::now().naive_utc();
    diesel::update(users::table.find(id).filter(users::version.eq(row.version)))
        .set((
            users::name.eq(ch.name.unwrap_or(row.name.clone())),
            users::role.eq(role.as_str()),
            users::partner_id.eq(&partner_id),
            users::disabled.eq(ch.disabled.unwrap_or(row.disabled)),
            users::password_hash.eq(ch.password_hash.as_deref().unwrap_or(&row.password_hash)),
            users::version.eq(row.version + 1),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    if ch.disabled == Some(true) || ch.password_hash.is_some() {
        revoke_all_for_user(conn, id)?;
    }
    let after = get_user(conn, id)?.to_user();
    record_change(
        conn,
        actor,
        Change {
            action: "user.updated",
            entity_type: "user",
            entity_id: id,
            partner_id: after.partner_id.as_deref(),
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

#[derive(Debug, Default)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub partner_id: Option<String>,
}

pub fn list_users(
    conn: &mut DbConnection,
    f: UserFilter,
    page: &PageRequest,
) -> Result<Vec<UserRow>, StoreError> {
    let mut q = crate::paged!(users, page);
    if let Some(r) = f.role {
        q = q.filter(users::role.eq(r.as_str()));
    }
    if let Some(p) = f.partner_id {
        q = q.filter(users::partner_id.eq(p));
    }
    Ok(q.load::<UserRow>(conn)?)
}

// ---- refresh tokens ---------------------------------------------------------------------

pub fn insert_refresh_token(
    conn: &mut DbConnection,
    user_id: &str,
    family_id: &str,
    token_hash: &str,
    ttl: Duration,
) -> Result<(), StoreError> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::id.eq(uuid::Uuid::now_v7().to_string()),
            refresh_tokens::family_id.eq(family_id),
            refresh_tokens::user_id.eq(user_id),
            refresh_tokens::token_hash.eq(token_hash),
            refresh_tokens::issued_at.eq(now),
            refresh_tokens::expires_at.eq(now + ttl),
        ))
        .execute(conn)?;
    Ok(())
}

/// What presenting a refresh token led to.
pub enum Rotation {
    /// The token was live and is now spent; here is its user and family for the new one.
    Rotated {
        user: Box<UserRow>,
        family_id: String,
    },
    /// Unknown, expired, revoked, or its user is disabled.
    Refused,
    /// Already spent: someone replayed it, so the whole family is now revoked.
    ReuseDetected,
}

pub fn spend_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Rotation, StoreError> {
    let now = Utc::now().naive_utc();
    let row = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select((
            refresh_tokens::id,
            refresh_tokens::family_id,
            refresh_tokens::user_id,
            refresh_tokens::expires_at,
            refresh_tokens::used_at,
            refresh_tokens::revoked_at,
        ))
        .first::<(
            String,
            String,
            String,
            NaiveDateTime,
            Option<NaiveDateTime>,
            Option<NaiveDateTime>,
        )>(conn)
        .optional()?;
    let Some((id, family_id, user_id, expires_at, used_at, revoked_at)) = row else {
        return Ok(Rotation::Refused);
    };
    if revoked_at.is_some() || expires_at <= now {
        return Ok(Rotation::Refused);
    }
    if used_at.is_some() {
        revoke_family(conn, &family_id)?;
        return Ok(Rotation::ReuseDetected);
    }
    // Spend it only if nobody spent it concurrently: the losing request sees reuse.
    let spent = diesel::update(
        refresh_tokens::table
            .find(&id)
            .filter(refresh_tokens::used_at.is_null()),
    )
    .set(refresh_tokens::used_at.eq(now))
    .execute(conn)?;
    if spent == 0 {
        revoke_family(conn, &family_id)?;
        return Ok(Rotation::ReuseDetected);
    }
    let user = get_user(conn, &user_id)?;
    if user.disabled {
        return Ok(Rotation::Refused);
    }
    if let Some(partner) = &user.partner_id {
        if partner_access_of(conn, partner)? == PartnerAccess::Nothing {
            return Ok(Rotation::Refused);
        }
    }
    Ok(Rotation::Rotated {
        user: Box::new(user),
        family_id,
    })
}

pub fn revoke_family(conn: &mut DbConnection, family_id: &str) -> Result<(), StoreError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now().naive_utc()))
    .execute(conn)?;
    Ok(())
}

/// Logout: revokes the family of the presented token, if it is one of ours.
pub fn revoke_family_of(conn: &mut DbConnection, token_hash: &str) -> Result<(), StoreError> {
    let family: Option<String> = refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(refresh_tokens::family_id)
        .first(conn)
        .optional()?;
    if let Some(f) = family {
        revoke_family(conn, &f)?;
    }
    Ok(())
}

fn revoke_all_for_user(conn: &mut DbConnection, user_id: &str) -> Result<(), StoreError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now().naive_utc()))
    .execute(conn)?;
    Ok(())
}

// ---- integration clients ----------------------------------------------------------------

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
    pub scopes: Vec<super::model::Scope>,
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
    pub scopes: Option<Vec<super::model::Scope>>,
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

/// Whether a token's bearer may still act as the token says: the user or client exists, is not
/// disabled, and holds the role, partner and scopes the token was issued with. Checked on every
/// request, so disabling an account or changing its rights takes effect at once, not when its
/// tokens expire.
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

pub fn standing(conn: &mut DbConnection, p: &Principal) -> Result<Standing, StoreError> {
    let as_issued = match p.kind {
        PrincipalKind::User => {
            let account = users::table
                .find(&p.id)
                .select((users::disabled, users::role, users::partner_id))
                .first::<(bool, String, Option<String>)>(conn)
                .optional()?
                .is_some_and(|(disabled, role, partner)| {
                    !disabled
                        && p.role.is_some_and(|r| r.as_str() == role)
                        && partner == p.partner_id
                });
            // Access tokens belong to one sign-in (its refresh-token family): logging out, a
            // detected refresh-token replay or a new password ends it, and its tokens with it.
            account
                && match &p.session_id {
                    Some(sid) => diesel::select(diesel::dsl::exists(
                        refresh_tokens::table
                            .filter(refresh_tokens::family_id.eq(sid))
                            .filter(refresh_tokens::user_id.eq(&p.id))
                            .filter(refresh_tokens::revoked_at.is_null()),
                    ))
                    .get_result::<bool>(conn)?,
                    None => false,
                }
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
    Ok(Standing::Current {
        partner: Some((
            access,
            crate::views::PartnerViewer {
                partner_id: partner_id.clone(),
                own_people,
            },
        )),
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
        Some((status, archived)) => super::model::partner_access(&status, archived),
        None => PartnerAccess::Nothing,
    })
}

// ---- sign-in throttling -----------------------------------------------------------------------

/// Counts one sign-in attempt on each of its keys, before its secret is checked, unless a key is
/// still under its delay: then `Err(seconds to wait)` and nothing is counted (see
/// [`super::throttle`]). On PostgreSQL each key is locked for the transaction, so instances
/// sharing the database count one burst as one.
pub fn count_sign_in_attempt(
    conn: &mut DbConnection,
    limits: &Limits,
    keys: &[(String, i64)],
) -> Result<Result<(), u64>, StoreError> {
    use crate::db::schema::login_failures as lf;
    if let DbConnection::Postgres(pg) = conn {
        for (key, _) in keys {
            diesel::sql_query("SELECT pg_advisory_xact_lock(7201002, hashtext($1))")
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(pg)?;
        }
    }
    let now = Utc::now().naive_utc();
    let names: Vec<&str> = keys.iter().map(|(k, _)| k.as_str()).collect();
    let rows: Vec<(String, i64, NaiveDateTime)> = lf::table
        .filter(lf::key.eq_any(&names))
        .select((lf::key, lf::failures, lf::last_failure_at))
        .load(conn)?;
    let free_of = |key: &str| keys.iter().find(|(k, _)| k == key).map_or(0, |(_, f)| *f);
    let wait = rows
        .iter()
        .filter_map(|(key, failures, last)| {
            throttle::wait(limits, *failures, free_of(key), *last, now)
        })
        .max();
    if let Some(seconds) = wait {
        return Ok(Err(seconds));
    }
    for (key, _) in keys {
        match rows.iter().find(|(k, _, _)| k == key) {
            Some((_, failures, last)) => {
                diesel::update(lf::table.find(key))
                    .set((
                        lf::failures.eq(throttle::counted(limits, *failures, *last, now)),
                        lf::last_failure_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(lf::table)
                    .values((
                        lf::key.eq(key),
                        lf::failures.eq(1i64),
                        lf::last_failure_at.eq(now),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(Ok(()))
}

/// How a counted sign-in attempt ended, for [`settle_sign_in_attempt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The secret was right: the account's and the pair's counts are cleared, and the address's
    /// count taken back by one (many people sign in from behind one NAT).
    Succeeded,
    /// The secret was never checked (every hashing slot busy): the attempt is taken back.
    NotChecked,
}

pub fn settle_sign_in_attempt(
    conn: &mut DbConnection,
    keys: &[(String, i64)],
    outcome: AttemptOutcome,
) -> Result<(), StoreError> {
    use crate::db::schema::login_failures as lf;
    let (cleared, taken_back): (Vec<&str>, Vec<&str>) = keys
        .iter()
        .map(|(k, _)| k.as_str())
        .partition(|k| outcome == AttemptOutcome::Succeeded && !k.starts_with("address:"));
    diesel::delete(lf::table.filter(lf::key.eq_any(cleared))).execute(conn)?;
    diesel::update(
        lf::table
            .filter(lf::key.eq_any(taken_back))
            .filter(lf::failures.gt(0i64)),
    )
    .set(lf::failures.eq(lf::failures - 1i64))
    .execute(conn)?;
    Ok(())
}

/// Counts one write by `principal` against `per_minute` (0: no quota): `Err(seconds)` until the
/// minute turns when it is spent. On PostgreSQL the principal's row is locked for the
/// transaction, so instances count together.
pub fn count_write(
    conn: &mut DbConnection,
    principal: &str,
    per_minute: i64,
) -> Result<Result<(), u64>, StoreError> {
    use crate::db::schema::write_quotas as wq;
    if per_minute <= 0 {
        return Ok(Ok(()));
    }
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7201003, hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(principal)
            .execute(pg)?;
    }
    let (window, left) = throttle::quota_window(Utc::now().naive_utc());
    let row: Option<(NaiveDateTime, i64)> = wq::table
        .find(principal)
        .select((wq::window_start, wq::writes))
        .first(conn)
        .optional()?;
    match row {
        Some((start, n)) if start == window && n >= per_minute => return Ok(Err(left)),
        Some((start, n)) if start == window => {
            diesel::update(wq::table.find(principal))
                .set(wq::writes.eq(n + 1))
                .execute(conn)?;
        }
        Some(_) => {
            diesel::update(wq::table.find(principal))
                .set((wq::window_start.eq(window), wq::writes.eq(1i64)))
                .execute(conn)?;
        }
        None => {
            diesel::insert_into(wq::table)
                .values((
                    wq::key.eq(principal),
                    wq::window_start.eq(window),
                    wq::writes.eq(1i64),
                ))
                .execute(conn)?;
        }
    }
    Ok(Ok(()))
}

/// Housekeeping: write counts of minutes long gone.
pub fn purge_write_quotas(conn: &mut DbConnection) -> Result<usize, StoreError> {
    use crate::db::schema::write_quotas as wq;
    let cutoff = Utc::now().naive_utc() - Duration::minutes(5);
    Ok(diesel::delete(wq::table.filter(wq::window_start.lt(cutoff))).execute(conn)?)
}

/// Housekeeping: counts whose window and delay have both passed say nothing any more.
pub fn purge_login_failures(conn: &mut DbConnection, limits: &Limits) -> Result<usize, StoreError> {
    use crate::db::schema::login_failures as lf;
    let horizon = limits.window.max(limits.max_delay);
    let cutoff = Utc::now().naive_utc() - Duration::seconds(horizon.as_secs() as i64);
    Ok(diesel::delete(lf::table.filter(lf::last_failure_at.lt(cutoff))).execute(conn)?)
}
