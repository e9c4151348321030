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

/// Checks that `id` names a staff user (an account owner, a follow-up owner, with
/// `must_sign_in` one not disabled): the error, if any, is recorded against `field`.
pub fn check_staff_user(
    conn: &mut DbConnection,
    field: &str,
    id: &str,
    must_sign_in: bool,
    errors: &mut Vec<FieldError>,
) -> Result<(), StoreError> {
    let user: Option<(String, bool)> = users::table
        .find(id)
        .select((users::role, users::disabled))
        .first(conn)
        .optional()?;
    let user = user.and_then(|(role, disabled)| Role::parse(&role).map(|r| (r, disabled)));
    if let Err(e) = crate::auth::model::check_staff_owner(field, user, must_sign_in) {
        errors.push(e);
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

mod clients;
mod sessions;
mod throttling;

pub use clients::*;
pub use sessions::*;
pub use throttling::*;
