//! Document numbers.

use super::*;

/// Series numbered without gaps on every database: a tax authority reads an invoice series
/// and expects no number missing.
const GAP_FREE: &[&str] = &["INV"];

/// The next human number for a document, `PREFIX-YYYY-000123`, per prefix and year.
///
/// On PostgreSQL every series but the [`GAP_FREE`] ones takes its number from a sequence of its
/// own (`document_number_<prefix>`): no lock is held to commit, so documents of one series are
/// written side by side (one row lock per series, held to commit, was what order placement
/// through three instances waited on), and numbers are unique and increasing; a write that
/// fails after taking its number leaves that number unused. A gap-free series is one row, and
/// taking a number updates it: the row's lock, held to commit, makes writers of that series take
/// turns, and a transaction that rolls back gives its number back. SQLite has one writer
/// anyway: every series is gap-free there.
pub fn next_number(conn: &mut DbConnection, prefix: &str) -> Result<String, StoreError> {
    let year = Utc::now().year();
    let next = match conn {
        DbConnection::Postgres(pg) if !GAP_FREE.contains(&prefix) => sequenced(pg, prefix, year)?,
        _ => counted(conn, prefix, year)?,
    };
    Ok(format!("{prefix}-{year}-{next:06}"))
}

/// A gap-free series: the row's counter, the row created at a year's first number.
fn counted(conn: &mut DbConnection, prefix: &str, year: i32) -> Result<i64, StoreError> {
    match take_number(conn, prefix, year)? {
        Some(n) => Ok(n),
        None => {
            open_series(conn, prefix, year)?;
            take_number(conn, prefix, year)?
                .ok_or_else(|| StoreError::Failed(format!("number series {prefix} {year} missing")))
        }
    }
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// A sequenced series: the sequence's next value less the year's base, in one statement. A
/// year's first number records the base (the sequence's value then); of two first writers one
/// inserts and the other's insert waits for it and does nothing.
fn sequenced(pg: &mut diesel::PgConnection, prefix: &str, year: i32) -> Result<i64, StoreError> {
    use diesel::sql_types::{Integer, Text};
    let sequence = format!("document_number_{}", prefix.to_ascii_lowercase());
    let take = |pg: &mut diesel::PgConnection| {
        diesel::sql_query(
            "SELECT nextval($1::regclass) - base AS n FROM document_number_years \
             WHERE prefix = $2 AND year = $3",
        )
        .bind::<Text, _>(&sequence)
        .bind::<Text, _>(prefix)
        .bind::<Integer, _>(year)
        .get_result::<Taken>(pg)
        .optional()
    };
    if let Some(t) = take(pg)? {
        return Ok(t.n);
    }
    diesel::sql_query(
        "INSERT INTO document_number_years (prefix, year, base) \
         VALUES ($2, $3, COALESCE(pg_sequence_last_value($1::regclass), 0)) \
         ON CONFLICT DO NOTHING",
    )
    .bind::<Text, _>(&sequence)
    .bind::<Text, _>(prefix)
    .bind::<Integer, _>(year)
    .execute(pg)?;
    take(pg)?
        .map(|t| t.n)
        .ok_or_else(|| StoreError::Failed(format!("number series {prefix} {year} missing")))
}

/// A number no document keeps: the placeholder a document is written under when its real
/// number is taken at the end of its transaction (unique, since the id is; never committed).
pub fn provisional_number(id: &str) -> String {
    format!("~{id}")
}

/// One statement: the series' next number, or none when the series has no row for the year.
fn take_number(
    conn: &mut DbConnection,
    prefix: &str,
    year: i32,
) -> Result<Option<i64>, StoreError> {
    Ok(
        diesel::update(document_sequences::table.find((prefix, year)))
            .set(document_sequences::last_value.eq(document_sequences::last_value + 1))
            .returning(document_sequences::last_value)
            .get_result(conn)
            .optional()?,
    )
}

/// Creates a series' row for the year at zero, unless another writer did.
fn open_series(conn: &mut DbConnection, prefix: &str, year: i32) -> Result<(), StoreError> {
    let row = (
        document_sequences::prefix.eq(prefix),
        document_sequences::year.eq(year),
        document_sequences::last_value.eq(0i64),
    );
    let insert = diesel::insert_into(document_sequences::table).values(row);
    // diesel's connection over both databases has no upsert; each backend's own has.
    match conn {
        DbConnection::Postgres(pg) => insert.on_conflict_do_nothing().execute(pg)?,
        DbConnection::Sqlite(lite) => insert.on_conflict_do_nothing().execute(lite)?,
    };
    Ok(())
}
