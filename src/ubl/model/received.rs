//! A BIS document as it was received: kept byte for byte beside what it created.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A received document's record; its bytes are read at its own address.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-00000000d001", "transaction": "T01",
    "document_number": "HL-4711", "created": "/api/v1/orders/0193a1b2-0000-7000-8000-000000000a01",
    "sha256": "5d2c0f0ef5fbb7cf1b3a3a6b0f2a58e6b6ad8a4b8c45d7f0e4d3a9ac1e0b2f11", "size_bytes": 5123,
    "received_by": "0193a1b2-0000-7000-8000-0000000000c1", "received_at": "2026-12-03T09:00:00Z"
}))]
pub struct ReceivedDocument {
    pub id: String,
    /// The BIS transaction: `T01` Order, `T76` Order Response, `T16` Despatch Advice.
    pub transaction: String,
    /// The document's own `cbc:ID`.
    pub document_number: String,
    /// The address of the record it created (the order, its response, the despatch advice).
    pub created: String,
    /// SHA-256 of the bytes as received, lower-case hex.
    pub sha256: String,
    pub size_bytes: i64,
    /// The principal (user or integration client) that sent it.
    pub received_by: String,
    pub received_at: DateTime<Utc>,
}

/// What a transaction's short name is, for the record (`T01`…) from its rule prefix.
pub fn transaction_name(t: &super::bis::Transaction) -> &'static str {
    t.rules.trim_start_matches("PEPPOL-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ubl::model::bis::{T01_ORDER, T16_DESPATCH_ADVICE, T76_ORDER_RESPONSE};

    #[test]
    fn transactions_are_named_by_their_bis_number() {
        assert_eq!(transaction_name(&T01_ORDER), "T01");
        assert_eq!(transaction_name(&T76_ORDER_RESPONSE), "T76");
        assert_eq!(transaction_name(&T16_DESPATCH_ADVICE), "T16");
    }
}
