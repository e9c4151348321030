-- Our own company as documents name it: one row, empty (version 0) until an admin sets it.
CREATE TABLE company (
    id TEXT PRIMARY KEY CHECK (id = 'host'),
    legal_name TEXT,
    trading_name TEXT,
    country TEXT,
    address TEXT,
    vat_id TEXT,
    endpoint_scheme TEXT,
    endpoint_id TEXT,
    party_ids TEXT NOT NULL DEFAULT '[]',
    legal_id_scheme TEXT,
    legal_id TEXT,
    contact TEXT,
    version BIGINT NOT NULL,
    updated_by TEXT,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO company (id, version, updated_at) VALUES ('host', 0, CURRENT_TIMESTAMP);

-- Partners as PEPPOL participants: where their documents are delivered (endpoint, unique: an
-- inbound document finds its partner by it), who they are (party and legal identifiers) and
-- their postal address (JSON, as the company's).
ALTER TABLE partners ADD COLUMN endpoint_scheme TEXT;
ALTER TABLE partners ADD COLUMN endpoint_id TEXT;
ALTER TABLE partners ADD COLUMN party_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE partners ADD COLUMN legal_id_scheme TEXT;
ALTER TABLE partners ADD COLUMN legal_id TEXT;
ALTER TABLE partners ADD COLUMN address TEXT;
CREATE UNIQUE INDEX partners_endpoint_idx ON partners (endpoint_scheme, endpoint_id);
