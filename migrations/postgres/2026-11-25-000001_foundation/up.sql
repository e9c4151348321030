-- Foundation: identity, partner registry, audit log, change feed, idempotency keys.
CREATE TABLE partners (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    legal_name TEXT,
    is_manufacturer BOOLEAN NOT NULL DEFAULT FALSE,
    is_distributor BOOLEAN NOT NULL DEFAULT FALSE,
    is_key_account BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL,
    gln TEXT UNIQUE,
    tax_id TEXT,
    country TEXT,
    erp_references TEXT NOT NULL DEFAULT '[]',
    relationship_since DATE,
    account_owner_id TEXT,
    notes TEXT,
    archived_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX partners_updated_at_idx ON partners (updated_at);
CREATE INDEX partners_status_idx ON partners (status, id);
CREATE INDEX partners_name_lower_idx ON partners (lower(name));
CREATE INDEX partners_manufacturer_idx ON partners (is_manufacturer, id);
CREATE INDEX partners_distributor_idx ON partners (is_distributor, id);
CREATE INDEX partners_key_account_idx ON partners (is_key_account, id);
CREATE INDEX partners_archived_idx ON partners (archived_at, id);
CREATE INDEX partners_tax_id_idx ON partners (tax_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    partner_id TEXT REFERENCES partners (id),
    password_hash TEXT NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX users_partner_idx ON users (partner_id);
CREATE INDEX users_updated_at_idx ON users (updated_at);
CREATE INDEX users_role_idx ON users (role, id);

ALTER TABLE partners ADD CONSTRAINT partners_account_owner_fk
    FOREIGN KEY (account_owner_id) REFERENCES users (id);

CREATE TABLE integration_clients (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    scopes TEXT NOT NULL,
    partner_id TEXT REFERENCES partners (id),
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX integration_clients_updated_at_idx ON integration_clients (updated_at);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    issued_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_expires_idx ON refresh_tokens (expires_at);

CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    job_title TEXT,
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contacts_partner_idx ON contacts (partner_id, id);
CREATE INDEX contacts_updated_at_idx ON contacts (updated_at);

CREATE TABLE interactions (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    notes TEXT,
    occurred_at TIMESTAMP NOT NULL,
    due_date DATE,
    status TEXT NOT NULL,
    owner_id TEXT REFERENCES users (id),
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX interactions_partner_idx ON interactions (partner_id, id);
CREATE INDEX interactions_status_due_idx ON interactions (partner_id, status, due_date);
CREATE INDEX interactions_kind_idx ON interactions (partner_id, kind);
CREATE INDEX interactions_updated_at_idx ON interactions (updated_at);

CREATE TABLE events (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    occurred_at TIMESTAMP NOT NULL,
    event_type TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    partner_id TEXT,
    actor_id TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX events_partner_seq_idx ON events (partner_id, seq);
CREATE INDEX events_occurred_at_idx ON events (occurred_at);
CREATE INDEX events_entity_type_idx ON events (entity_type, seq);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    partner_id TEXT,
    before TEXT,
    after TEXT,
    request_id TEXT
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE TABLE idempotency_keys (
    principal_id TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    etag TEXT,
    location TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (principal_id, key)
);
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
