-- The event feed's inbox (see the PostgreSQL migration). SQLite has one writer, which numbers
-- its events as it writes them; the table stays empty there and exists so that both databases
-- have the schema `src/db/schema.rs` describes.
CREATE TABLE event_inbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    event_type TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    partner_id TEXT,
    other_partner_id TEXT,
    actor_id TEXT NOT NULL,
    data TEXT NOT NULL,
    recorded_for_partner_id TEXT,
    recorded_via TEXT
);
