//! Refresh tokens.

use super::*;

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

pub(crate) fn revoke_all_for_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<(), StoreError> {
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(user_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(Utc::now().naive_utc()))
    .execute(conn)?;
    Ok(())
}
