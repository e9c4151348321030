-- Webhook subscriptions and their durable outbox. A delivery row is written in the transaction
-- that appends its event (so no committed change is without its deliveries, and a rolled-back
-- one has none); dispatchers claim a subscription's queue with a lease and send it in feed
-- order.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    -- JSON array of patterns: "*", "<entity>.*" or an exact event type.
    event_types TEXT NOT NULL,
    description TEXT,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT,
    -- The partner whose events it receives (through its partner view); NULL: the host's, all.
    partner_id TEXT REFERENCES partners (id),
    -- Who owns it: a user or an integration client.
    owner_kind TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    -- Standard Webhooks secrets (HMAC keys, so kept as they are); the previous one signs too
    -- until previous_secret_until.
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until TIMESTAMP,
    -- Set by the first failure after a success; a subscription failing for days is disabled.
    failing_since TIMESTAMP,
    -- The dispatcher sending this subscription's queue now, until when.
    lease_owner TEXT,
    lease_until TIMESTAMP,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_subscriptions_by_partner ON webhook_subscriptions (partner_id, created_at, id);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    -- Its place in the subscription's queue: the event's feed position (0 for a test ping,
    -- which goes first and is tried once).
    position BIGINT NOT NULL,
    event_seq BIGINT REFERENCES events (seq),
    event_type TEXT NOT NULL,
    -- A ping's body; an event's body is read from the feed when it is sent.
    payload TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP,
    last_attempt_at TIMESTAMP,
    last_status_code INTEGER,
    last_error TEXT,
    last_response_excerpt TEXT,
    delivered_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
-- The head of each subscription's queue, and the delivery log newest first.
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (subscription_id, status, position, id);
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, created_at, id);
-- Queue depth and the oldest pending, for metrics.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (status, created_at);

-- Due dates already announced by an "…overdue" event, so each is announced once (a new due
-- date is a new announcement).
CREATE TABLE overdue_alerts (
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    due_date DATE NOT NULL,
    announced_at TIMESTAMP NOT NULL,
    PRIMARY KEY (entity_type, entity_id, due_date)
);
