-- Sign-in failures per key (an account, an account from one address, an address), shared by
-- every instance on this database; the delay a key is under follows from its count and the
-- time of its last failure.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL,
    last_failure_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_last_idx ON login_failures (last_failure_at);

-- Writes per principal in the current fixed window, shared by every instance.
CREATE TABLE write_quotas (
    key TEXT PRIMARY KEY NOT NULL,
    window_start TIMESTAMP NOT NULL,
    writes BIGINT NOT NULL
);
CREATE INDEX write_quotas_window_idx ON write_quotas (window_start);

-- What search compares: the name case-folded and NFC-normalised by the service (SQLite's lower()
-- folds ASCII only). Filled for existing rows by the service at start.
ALTER TABLE partners ADD COLUMN search_text TEXT;
ALTER TABLE products ADD COLUMN search_text TEXT;

-- The per-request check of a partner principal reads its partner's people (for its views).
CREATE INDEX integration_clients_partner_idx ON integration_clients (partner_id);
