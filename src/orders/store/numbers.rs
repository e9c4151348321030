//! Document numbers.

use super::*;

/// The next human number for a document, `PREFIX-YYYY-000123`, gap-free per prefix and year.
/// On PostgreSQL an advisory lock makes concurrent writers take turns (there is no portable
/// upsert in diesel's multi-backend connection); SQLite has one writer already.
pub fn next_number(conn: &mut DbConnection, prefix: &str) -> Result<String, StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7201002)").execute(pg)?;
    }
    let year = Utc::now().year();
    // Take the next number in one statement; only a series' first number of a year inserts.
    let taken: Option<i64> = diesel::update(document_sequences::table.find((prefix, year)))
        .set(document_sequences::last_value.eq(document_sequences::last_value + 1))
        .returning(document_sequences::last_value)
        .get_result(conn)
        .optional()?;
    let next = match taken {
        Some(n) => n,
        None => {
            diesel::insert_into(document_sequences::table)
                .values((
                    document_sequences::prefix.eq(prefix),
                    document_sequences::year.eq(year),
                    document_sequences::last_value.eq(1i64),
                ))
                .execute(conn)?;
            1
        }
    };
    Ok(format!("{prefix}-{year}-{next:06}"))
}
