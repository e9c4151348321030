//! The ladder.

use super::*;

pub(crate) type LadderRow = (i64, String, String, String, NaiveDateTime);

pub(crate) fn to_ladder(r: LadderRow) -> Result<TierLadder, StoreError> {
    let tiers: Vec<Tier> = serde_json::from_str(&r.2)
        .map_err(|e| StoreError::Failed(format!("stored tier ladder {}: {e}", r.0)))?;
    Ok(TierLadder {
        version: r.0,
        currency: r.1,
        tiers,
        created_by: r.3,
        created_at: r.4.and_utc(),
    })
}

/// Every version of the ladder, oldest first (a handful: admins change it rarely).
pub(crate) fn ladder_versions(conn: &mut DbConnection) -> Result<Vec<LadderRow>, StoreError> {
    Ok(tier_ladders::table
        .select((
            tier_ladders::version,
            tier_ladders::currency,
            tier_ladders::tiers,
            tier_ladders::created_by,
            tier_ladders::created_at,
        ))
        .order(tier_ladders::version.asc())
        .load(conn)?)
}

/// The ladder: the current version, or the one asked for.
pub fn get_ladder(conn: &mut DbConnection, version: Option<i64>) -> Result<TierLadder, StoreError> {
    let versions = ladder_versions(conn)?;
    let found = match version {
        Some(v) => versions.into_iter().find(|r| r.0 == v),
        None => versions.into_iter().last(),
    };
    to_ladder(found.ok_or(Refusal::NotFound("tier ladder version"))?)
}

/// The ladder in force on `day`: the latest version created on or before it (the first, for
/// days before any change).
pub fn ladder_on(conn: &mut DbConnection, day: NaiveDate) -> Result<TierLadder, StoreError> {
    let versions = ladder_versions(conn)?;
    let first = versions.first().cloned();
    let found = versions.into_iter().rfind(|r| r.4.date() <= day).or(first);
    to_ladder(found.ok_or(Refusal::NotFound("tier ladder version"))?)
}

/// A new version of the ladder (the old ones stay, for the benefits in force on past days).
pub fn put_ladder(
    conn: &mut DbConnection,
    actor: &Actor,
    currency: String,
    tiers: Vec<Tier>,
    expected_version: Option<i64>,
) -> Result<TierLadder, StoreError> {
    let before = get_ladder(conn, None)?;
    expect_version(expected_version, before.version)?;
    let version = before.version + 1;
    let json = serde_json::to_string(&tiers)
        .map_err(|e| StoreError::Failed(format!("serialize ladder: {e}")))?;
    diesel::insert_into(tier_ladders::table)
        .values((
            tier_ladders::version.eq(version),
            tier_ladders::currency.eq(&currency),
            tier_ladders::tiers.eq(json),
            tier_ladders::created_by.eq(&actor.id),
            tier_ladders::created_at.eq(now()),
        ))
        .execute(conn)
        .map_err(|e| match e {
            // Two admins saving at once (PostgreSQL): the second finds the version taken.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => Refusal::StaleVersion { current: version }.into(),
            other => StoreError::from(other),
        })?;
    let after = get_ladder(conn, Some(version))?;
    audit(
        conn,
        actor,
        ("tier_ladder.updated", "tier_ladder", &version.to_string()),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}
