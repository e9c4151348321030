-- Terms of trade: agreements with a partner, versioned, each version approved by a second
-- staff member; the lines price products (with breaks and a minimum order quantity) and may
-- commit a quantity that call-off orders draw down.

CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    direction TEXT NOT NULL,
    -- The status of the latest version.
    status TEXT NOT NULL,
    latest_version INTEGER NOT NULL,
    notes TEXT,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX agreements_partner_idx ON agreements (partner_id, direction);
CREATE INDEX agreements_updated_at_idx ON agreements (updated_at);

CREATE TABLE agreement_versions (
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    version_number INTEGER NOT NULL,
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    payment_terms_days INTEGER,
    incoterms TEXT,
    incoterms_place TEXT,
    -- JSON {method, steps: [{threshold_minor, rate_bp}]}.
    rebate TEXT,
    notes TEXT,
    proposed_by TEXT NOT NULL,
    proposed_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP,
    decision_notes TEXT,
    PRIMARY KEY (agreement_id, version_number)
);

CREATE TABLE agreement_lines (
    agreement_id TEXT NOT NULL,
    version_number INTEGER NOT NULL,
    line_number INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    unit_price_minor BIGINT NOT NULL,
    price_base_milli BIGINT NOT NULL,
    minimum_order_milli BIGINT NOT NULL,
    -- JSON [{min_quantity, unit_price_minor}], increasing.
    quantity_breaks TEXT,
    committed_milli BIGINT,
    PRIMARY KEY (agreement_id, version_number, line_number),
    FOREIGN KEY (agreement_id, version_number) REFERENCES agreement_versions (agreement_id, version_number)
);
-- The price of a product on a day: its lines, then their versions and agreements.
CREATE INDEX agreement_lines_product_idx ON agreement_lines (product_id, agreement_id);

-- An order line priced by an agreement: the agreement; whether it calls off the agreement
-- line's commitment (what call-off balances sum, by agreement and product); `agreed` holds
-- the version, line and the price agreed for the line's quantity (JSON: what the answer and
-- invoice matching show); whether the line's own price deviates from it (staff list those).
ALTER TABLE order_lines ADD COLUMN agreement_id TEXT REFERENCES agreements (id);
ALTER TABLE order_lines ADD COLUMN call_off BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE order_lines ADD COLUMN agreed TEXT;
ALTER TABLE order_lines ADD COLUMN price_deviation BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX order_lines_agreement_idx ON order_lines (agreement_id, product_id);
CREATE INDEX order_lines_deviation_idx ON order_lines (price_deviation, order_id, line_number);
