//! What the XML routes need beyond the order store: the partner an endpoint names, and the
//! received documents, kept byte for byte with their SHA-256 in the transaction that created
//! what they carried.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::received::ReceivedDocument;
use crate::access::Access;
use crate::clock::now;
use crate::db::schema::{partners, received_documents};
use crate::db::{DbConnection, StoreError};
use crate::participants::ParticipantId;
use crate::refusal::Refusal;

/// The partner whose endpoint this is, if any.
pub fn partner_by_endpoint(
    conn: &mut DbConnection,
    endpoint: &ParticipantId,
) -> Result<Option<String>, StoreError> {
    Ok(partners::table
        .filter(partners::endpoint_scheme.eq(&endpoint.scheme))
        .filter(partners::endpoint_id.eq(&endpoint.id))
        .select(partners::id)
        .first::<String>(conn)
        .optional()?)
}

/// A document as received, to keep.
pub struct NewReceived<'a> {
    pub order_id: &'a str,
    pub transaction: &'a str,
    pub document_number: &'a str,
    pub created_path: &'a str,
    pub sha256: &'a str,
    pub body: &'a [u8],
    pub received_by: &'a str,
}

/// Keeps a received document; call it inside the transaction that writes what it created.
pub fn keep_received(conn: &mut DbConnection, d: NewReceived) -> Result<String, StoreError> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(received_documents::table)
        .values((
            received_documents::id.eq(&id),
            received_documents::order_id.eq(d.order_id),
            received_documents::transaction_id.eq(d.transaction),
            received_documents::document_number.eq(d.document_number),
            received_documents::created_path.eq(d.created_path),
            received_documents::sha256.eq(d.sha256),
            received_documents::body.eq(d.body),
            received_documents::received_by.eq(d.received_by),
            received_documents::received_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(id)
}

type Listed = (
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    String,
    NaiveDateTime,
);

fn to_document(r: Listed) -> ReceivedDocument {
    let (id, transaction, document_number, created, sha256, size, received_by, at) = r;
    ReceivedDocument {
        id,
        transaction,
        document_number,
        created,
        sha256,
        size_bytes: size.unwrap_or(0),
        received_by,
        received_at: at.and_utc(),
    }
}

/// The documents received for an order the caller may read, oldest first.
pub fn list_received(
    conn: &mut DbConnection,
    access: &Access,
    order_id: &str,
) -> Result<Vec<ReceivedDocument>, StoreError> {
    crate::orders::store::get_order_row(conn, access, order_id)?;
    let rows: Vec<Listed> = received_documents::table
        .filter(received_documents::order_id.eq(order_id))
        .order((received_documents::received_at, received_documents::id))
        .select((
            received_documents::id,
            received_documents::transaction_id,
            received_documents::document_number,
            received_documents::created_path,
            received_documents::sha256,
            diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>>(
                "CAST(LENGTH(body) AS BIGINT)",
            ),
            received_documents::received_by,
            received_documents::received_at,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(to_document).collect())
}

/// One received document's bytes, of an order the caller may read.
pub fn received_body(
    conn: &mut DbConnection,
    access: &Access,
    order_id: &str,
    id: &str,
) -> Result<(String, Vec<u8>), StoreError> {
    crate::orders::store::get_order_row(conn, access, order_id)?;
    received_documents::table
        .filter(received_documents::order_id.eq(order_id))
        .filter(received_documents::id.eq(id))
        .select((received_documents::sha256, received_documents::body))
        .first::<(String, Vec<u8>)>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("received document").into())
}
