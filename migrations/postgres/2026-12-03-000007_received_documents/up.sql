-- Every BIS document received (a T01 Order, a T76 Order Response, a T16 Despatch Advice) kept
-- byte for byte with its SHA-256, beside the record it created: the original is the evidence
-- of what the partner sent, and holds what prm does not map (document-level allowances and
-- charges, tax totals, payment terms).
CREATE TABLE received_documents (
    id TEXT PRIMARY KEY,
    order_id TEXT NOT NULL REFERENCES orders (id),
    transaction_id TEXT NOT NULL,
    document_number TEXT NOT NULL,
    created_path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    body BYTEA NOT NULL,
    received_by TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX received_documents_by_order ON received_documents (order_id, received_at, id);
