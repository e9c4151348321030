-- Channel data: sell-out and stock reports from distributors and key accounts (≈ EDIFACT
-- SLSRPT/INVRPT), wallet estimates (a partner's total purchases in a category, the denominator
-- of share of customer), and the partner segment the portfolio views group by. Quantities are
-- integer thousandths of their unit (`*_milli`); money is integer minor units.

ALTER TABLE partners ADD COLUMN segment TEXT;
CREATE INDEX partners_segment_idx ON partners (segment, id);

CREATE TABLE sell_out_reports (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    currency TEXT NOT NULL,
    purpose TEXT NOT NULL,
    revision INTEGER NOT NULL,
    status TEXT NOT NULL,
    supersedes_id TEXT REFERENCES sell_out_reports (id),
    superseded_by_id TEXT,
    reference TEXT,
    line_count INTEGER NOT NULL,
    total_value_minor BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One current report per partner and period: a correction supersedes the one before it.
CREATE UNIQUE INDEX sell_out_reports_current_idx
    ON sell_out_reports (partner_id, period_start, period_end) WHERE status = 'current';
CREATE INDEX sell_out_reports_partner_idx ON sell_out_reports (partner_id, period_end);
CREATE INDEX sell_out_reports_period_idx ON sell_out_reports (period_end, period_start);
CREATE INDEX sell_out_reports_updated_at_idx ON sell_out_reports (updated_at);

CREATE TABLE sell_out_lines (
    report_id TEXT NOT NULL REFERENCES sell_out_reports (id),
    line_number INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    location_gln TEXT,
    units_sold_milli BIGINT NOT NULL,
    value_minor BIGINT NOT NULL,
    stock_on_hand_milli BIGINT,
    PRIMARY KEY (report_id, line_number)
);
CREATE INDEX sell_out_lines_product_idx ON sell_out_lines (product_id, report_id);

CREATE TABLE wallet_estimates (
    id TEXT PRIMARY KEY,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    category TEXT NOT NULL,
    period TEXT NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    total_milli BIGINT NOT NULL,
    unit TEXT NOT NULL,
    source TEXT NOT NULL,
    target_share_bp INTEGER,
    notes TEXT,
    entered_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (partner_id, category, period)
);
CREATE INDEX wallet_estimates_period_idx ON wallet_estimates (period_start, period_end);
CREATE INDEX wallet_estimates_category_idx ON wallet_estimates (category, id);
CREATE INDEX wallet_estimates_updated_at_idx ON wallet_estimates (updated_at);

-- The analytics read documents by date: deliveries and receipts for share of customer and
-- supplier share, invoices and orders for contribution.
CREATE INDEX despatch_advices_despatch_date_idx ON despatch_advices (despatch_date, order_id);
CREATE INDEX goods_receipts_received_date_idx ON goods_receipts (received_date, order_id);
CREATE INDEX invoices_issue_date_idx ON invoices (issue_date, counterparty_id);
CREATE INDEX orders_issue_date_idx ON orders (issue_date, counterparty_id);
