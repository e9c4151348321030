-- Co-funded promotions: a sponsoring manufacturer (or the host company, when `sponsor_id` is
-- null) and a channel partner agree a promotion on some products for a period, with a budget
-- and a funding split; both sides approve it; performance is measured from the channel's
-- sell-out; the channel claims the sponsor's share. Money is integer minor units, quantities
-- integer thousandths (`*_milli`), shares basis points.

CREATE TABLE promotions (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sponsor_id TEXT REFERENCES partners (id),
    channel_partner_id TEXT NOT NULL REFERENCES partners (id),
    mechanic TEXT NOT NULL,
    -- The discount terms as JSON: which fields are set depends on the mechanic.
    terms TEXT NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    segment_brand_preference TEXT,
    segment_usage TEXT,
    currency TEXT NOT NULL,
    budget_minor BIGINT NOT NULL,
    sponsor_share_bp INTEGER NOT NULL,
    channel_share_bp INTEGER NOT NULL,
    baseline_milli BIGINT NOT NULL,
    status TEXT NOT NULL,
    sponsor_approved_by TEXT,
    sponsor_approved_at TIMESTAMP,
    channel_approved_by TEXT,
    channel_approved_at TIMESTAMP,
    -- Other promotions on the same products at the same channel in an overlapping period,
    -- found at proposal (JSON array).
    overlap_flags TEXT NOT NULL DEFAULT '[]',
    notes TEXT,
    cancel_reason TEXT,
    cancelled_at TIMESTAMP,
    settled_at TIMESTAMP,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX promotions_channel_idx ON promotions (channel_partner_id, start_date);
CREATE INDEX promotions_sponsor_idx ON promotions (sponsor_id, start_date);
CREATE INDEX promotions_status_start_idx ON promotions (status, start_date);
CREATE INDEX promotions_status_end_idx ON promotions (status, end_date);
CREATE INDEX promotions_period_idx ON promotions (start_date, end_date);
CREATE INDEX promotions_updated_at_idx ON promotions (updated_at);

CREATE TABLE promotion_products (
    promotion_id TEXT NOT NULL REFERENCES promotions (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    PRIMARY KEY (promotion_id, product_id)
);
CREATE INDEX promotion_products_product_idx ON promotion_products (product_id, promotion_id);

CREATE TABLE promotion_claims (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    promotion_id TEXT NOT NULL REFERENCES promotions (id),
    units_milli BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    status TEXT NOT NULL,
    reference TEXT,
    note TEXT,
    submitted_by TEXT NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    rejection_reason TEXT,
    payment_reference TEXT,
    paid_by TEXT,
    paid_at TIMESTAMP,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX promotion_claims_promotion_idx ON promotion_claims (promotion_id, id);

-- A promotion's events reach both parties' change feeds: the channel partner's through
-- `partner_id`, the sponsor's through this second column.
ALTER TABLE events ADD COLUMN other_partner_id TEXT;
CREATE INDEX events_other_partner_seq_idx ON events (other_partner_id, seq);
