//! Document numbers.

use super::*;

/// The next human number for a document, `PREFIX-YYYY-000123`, gap-free per prefix and year.
///
/// Each series and year is one row, and taking a number updates it: the row's lock, held to
/// commit, makes writers of the same series take turns while other series go on (a despatch
/// advice does not wait for an order being placed), and a transaction that rolls back gives its
/// number back. A series' first number of a year creates the row first; of two first writers
/// one inserts and the other's insert does nothing, so neither fails.
pub fn next_number(conn: &mut DbConnection, prefix: &str) -> Result<String, StoreError> {
    let year = Utc::now().year();
    let next = match take_number(conn, prefix, year)? {
        Some(n) => n,
        None => {
            open_series(conn, prefix, year)?;
            take_number(conn, prefix, year)?.ok_or_else(|| {
                StoreError::Failed(format!("number series {prefix} {year} missing"))
            })?
        }
    };
    Ok(format!("{prefix}-{year}-{next:06}"))
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
