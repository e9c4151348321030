-- The event feed's inbox. A write puts its events here, unnumbered, in its own transaction and
-- without waiting for any other writer; right after it commits, the feed's sequencer (one
-- transaction at a time, under the EventFeed advisory lock) moves every committed inbox row
-- into `events`, numbered on from the highest number so far, in the order they were written.
-- So numbers still become visible in order and without gaps, while writers no longer take turns
-- through their commits. `position` only orders the rows; its gaps mean nothing.
CREATE TABLE event_inbox (
    position BIGSERIAL PRIMARY KEY,
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
