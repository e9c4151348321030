-- Relationship management: scorecard weights, the versioned tier ladder, four-eyes tier changes
-- (the partner's tier history), and key-account development plans with their actions.

-- A partner's documents of one direction, for its scorecard and tier evaluation: without these,
-- SQLite's planner picks the direction index and reads every partner's orders and invoices.
CREATE INDEX orders_partner_direction_idx ON orders (counterparty_id, direction, issue_date);
CREATE INDEX invoices_partner_direction_idx ON invoices (counterparty_id, direction, issue_date);

-- One row: how much each scorecard indicator counts, in whole percent summing to 100.
CREATE TABLE scorecard_weights (
    id INTEGER PRIMARY KEY,
    on_time_delivery INTEGER NOT NULL,
    fill_rate INTEGER NOT NULL,
    quality INTEGER NOT NULL,
    responsiveness INTEGER NOT NULL,
    invoice_accuracy INTEGER NOT NULL,
    version BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO scorecard_weights VALUES (1, 30, 25, 20, 15, 10, 1, 'system', '2026-12-02 00:00:00');

-- Every version of the ladder is kept: benefits in force on a past date come from the version
-- in force then. `tiers` is the JSON ladder, lowest tier first.
CREATE TABLE tier_ladders (
    version BIGINT PRIMARY KEY,
    currency TEXT NOT NULL,
    tiers TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO tier_ladders VALUES (1, 'EUR', '[
 {"code":"vendor","criteria":{},"benefits":{"payment_terms_days":30,"discount_bp":0,"service_level":"standard"}},
 {"code":"preferred_supplier","criteria":{"min_score":60,"min_tenure_years":1},"benefits":{"payment_terms_days":45,"discount_bp":100,"service_level":"priority"}},
 {"code":"partner","criteria":{"min_share_bp":3000,"min_score":75,"min_tenure_years":2},"benefits":{"payment_terms_days":60,"discount_bp":200,"service_level":"key account team"}},
 {"code":"strategic_partner","criteria":{"min_share_bp":5000,"min_score":85,"min_tenure_years":5},"benefits":{"payment_terms_days":90,"discount_bp":300,"service_level":"joint planning"}}
]', 'system', '2000-01-01 00:00:00');

CREATE TABLE tier_changes (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    from_tier TEXT,
    to_tier TEXT NOT NULL,
    reason TEXT NOT NULL,
    effective_from DATE NOT NULL,
    status TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    decision_note TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tier_changes_partner_idx ON tier_changes (partner_id, status, effective_from);

CREATE TABLE development_plans (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    title TEXT NOT NULL,
    goals TEXT NOT NULL,
    target_tier TEXT,
    target_share_bp INTEGER,
    status TEXT NOT NULL,
    owner_id TEXT,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX development_plans_partner_idx ON development_plans (partner_id, id);
CREATE INDEX development_plans_updated_at_idx ON development_plans (updated_at);

CREATE TABLE plan_actions (
    plan_id TEXT NOT NULL REFERENCES development_plans (id),
    number INTEGER NOT NULL,
    description TEXT NOT NULL,
    owner_id TEXT NOT NULL,
    due_date DATE NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (plan_id, number)
);
CREATE INDEX plan_actions_due_idx ON plan_actions (status, due_date);
CREATE INDEX plan_actions_owner_idx ON plan_actions (owner_id, status, due_date);
