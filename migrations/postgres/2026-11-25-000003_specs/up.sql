-- Specification buying and quality. Requirements and inspection results are documents kept as
-- JSON text (read and written whole); money is integer minor units, rates basis points,
-- quantities integer thousandths.

CREATE TABLE specifications (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    product_id TEXT NOT NULL REFERENCES products (id),
    title TEXT NOT NULL,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX specifications_product_idx ON specifications (product_id, id);
CREATE INDEX specifications_updated_at_idx ON specifications (updated_at);

CREATE TABLE spec_versions (
    spec_id TEXT NOT NULL REFERENCES specifications (id),
    number INTEGER NOT NULL,
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    target_retail_price_minor BIGINT NOT NULL,
    target_margin_bp BIGINT NOT NULL,
    target_cost_minor BIGINT NOT NULL,
    requirements TEXT NOT NULL,
    notes TEXT,
    issued_at TIMESTAMP,
    approved_at TIMESTAMP,
    approved_by TEXT,
    superseded_at TIMESTAMP,
    withdrawn_at TIMESTAMP,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (spec_id, number)
);
CREATE INDEX spec_versions_status_idx ON spec_versions (spec_id, status);

CREATE TABLE spec_suppliers (
    spec_id TEXT NOT NULL REFERENCES specifications (id),
    partner_id TEXT NOT NULL REFERENCES partners (id),
    approved_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (spec_id, partner_id)
);
CREATE INDEX spec_suppliers_partner_idx ON spec_suppliers (partner_id, spec_id);

CREATE TABLE quotes (
    id TEXT PRIMARY KEY,
    spec_id TEXT NOT NULL REFERENCES specifications (id),
    version_number INTEGER NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES partners (id),
    currency TEXT NOT NULL,
    unit_cost_minor BIGINT NOT NULL,
    target_cost_minor BIGINT NOT NULL,
    valid_until DATE,
    lead_time_days INTEGER,
    note TEXT,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX quotes_spec_cost_idx ON quotes (spec_id, unit_cost_minor, id);
CREATE INDEX quotes_supplier_idx ON quotes (supplier_id, id);

CREATE TABLE inspections (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    spec_id TEXT NOT NULL REFERENCES specifications (id),
    version_number INTEGER NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES partners (id),
    kind TEXT NOT NULL,
    lot_reference TEXT,
    inspected_on DATE NOT NULL,
    verdict TEXT NOT NULL,
    results TEXT NOT NULL,
    note TEXT,
    non_conformance_id TEXT,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX inspections_spec_idx ON inspections (spec_id, id);
CREATE INDEX inspections_supplier_idx ON inspections (supplier_id, id);
CREATE INDEX inspections_verdict_idx ON inspections (verdict, id);
CREATE INDEX inspections_updated_at_idx ON inspections (updated_at);

CREATE TABLE non_conformances (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    supplier_id TEXT NOT NULL REFERENCES partners (id),
    spec_id TEXT REFERENCES specifications (id),
    inspection_id TEXT REFERENCES inspections (id),
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    due_date DATE NOT NULL,
    corrective_action TEXT,
    rejection_reason TEXT,
    proposed_at TIMESTAMP,
    verified_at TIMESTAMP,
    verified_by TEXT,
    closed_at TIMESTAMP,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX non_conformances_supplier_idx ON non_conformances (supplier_id, id);
CREATE INDEX non_conformances_status_due_idx ON non_conformances (status, due_date);
CREATE INDEX non_conformances_updated_at_idx ON non_conformances (updated_at);

CREATE TABLE returns (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    product_id TEXT NOT NULL REFERENCES products (id),
    spec_id TEXT REFERENCES specifications (id),
    spec_version_number INTEGER,
    supplier_id TEXT REFERENCES partners (id),
    quantity_milli BIGINT NOT NULL,
    reason TEXT,
    resolution TEXT NOT NULL,
    returned_on DATE NOT NULL,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX returns_product_idx ON returns (product_id, returned_on);
CREATE INDEX returns_supplier_idx ON returns (supplier_id, returned_on);
CREATE INDEX returns_updated_at_idx ON returns (updated_at);

-- Supplier tenure cohorts filter on it.
CREATE INDEX partners_relationship_since_idx ON partners (relationship_since);
