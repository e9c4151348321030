-- Rebates of agreements: an accrual for each matched invoice that changed what the agreement
-- year has earned, and settlements that pay what is earned net of earlier settlements.
CREATE TABLE rebate_entries (
    id TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    partner_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    year_start DATE NOT NULL,
    year_end DATE NOT NULL,
    invoice_id TEXT,
    agreement_version INTEGER NOT NULL,
    currency TEXT NOT NULL,
    matched_value_minor BIGINT NOT NULL,
    earned_minor BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    notes TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX rebate_entries_agreement_idx ON rebate_entries (agreement_id, year_start, id);
