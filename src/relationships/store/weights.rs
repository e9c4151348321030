//! Weights.

use super::*;

pub fn get_weights(conn: &mut DbConnection) -> Result<ScorecardWeights, StoreError> {
    let (a, b, c, d, e, version, updated_by, updated_at): (
        i32,
        i32,
        i32,
        i32,
        i32,
        i64,
        String,
        NaiveDateTime,
    ) = scorecard_weights::table
        .find(1)
        .select((
            scorecard_weights::on_time_delivery,
            scorecard_weights::fill_rate,
            scorecard_weights::quality,
            scorecard_weights::responsiveness,
            scorecard_weights::invoice_accuracy,
            scorecard_weights::version,
            scorecard_weights::updated_by,
            scorecard_weights::updated_at,
        ))
        .first(conn)?;
    Ok(ScorecardWeights {
        weights: Weights {
            on_time_delivery: a,
            fill_rate: b,
            quality: c,
            responsiveness: d,
            invoice_accuracy: e,
        },
        version,
        updated_by,
        updated_at: updated_at.and_utc(),
    })
}

pub fn put_weights(
    conn: &mut DbConnection,
    actor: &Actor,
    w: Weights,
    expected_version: Option<i64>,
) -> Result<ScorecardWeights, StoreError> {
    let before = get_weights(conn)?;
    expect_version(expected_version, before.version)?;
    let n = diesel::update(
        scorecard_weights::table
            .find(1)
            .filter(scorecard_weights::version.eq(before.version)),
    )
    .set((
        scorecard_weights::on_time_delivery.eq(w.on_time_delivery),
        scorecard_weights::fill_rate.eq(w.fill_rate),
        scorecard_weights::quality.eq(w.quality),
        scorecard_weights::responsiveness.eq(w.responsiveness),
        scorecard_weights::invoice_accuracy.eq(w.invoice_accuracy),
        scorecard_weights::version.eq(before.version + 1),
        scorecard_weights::updated_by.eq(&actor.id),
        scorecard_weights::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        let current = get_weights(conn)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    let after = get_weights(conn)?;
    audit(
        conn,
        actor,
        ("scorecard_weights.updated", "scorecard_weights", "1"),
        snapshot(&before),
        snapshot(&after),
    )?;
    Ok(after)
}
