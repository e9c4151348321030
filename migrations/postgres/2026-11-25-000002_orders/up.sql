-- Catalogue and order exchange: products, orders with lines, despatch advices, goods receipts,
-- invoices. Quantities are exact integers in thousandths of their unit (`*_milli`); money is
-- integer minor units of the document's currency.

CREATE TABLE products (
    id TEXT PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    gtin TEXT,
    gtin14 TEXT UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    brand_type TEXT NOT NULL,
    base_unit TEXT NOT NULL,
    description TEXT,
    status TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX products_category_idx ON products (category, id);
CREATE INDEX products_brand_type_idx ON products (brand_type, id);
CREATE INDEX products_updated_at_idx ON products (updated_at);

-- Human document numbers (PO-2026-000123): one counter per prefix and year.
CREATE TABLE document_sequences (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_value BIGINT NOT NULL,
    PRIMARY KEY (prefix, year)
);

CREATE TABLE orders (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    direction TEXT NOT NULL,
    order_type TEXT NOT NULL,
    counterparty_id TEXT NOT NULL REFERENCES partners (id),
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    buyer_reference TEXT,
    issue_date DATE NOT NULL,
    requested_delivery_date DATE,
    delivery_gln TEXT,
    note TEXT,
    change_sequence INTEGER NOT NULL DEFAULT 0,
    response_code TEXT,
    response_note TEXT,
    total_minor BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    submitted_at TIMESTAMP,
    responded_at TIMESTAMP,
    cancelled_at TIMESTAMP,
    cancel_reason TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX orders_counterparty_idx ON orders (counterparty_id, id);
CREATE INDEX orders_status_idx ON orders (status, id);
CREATE INDEX orders_direction_idx ON orders (direction, id);
CREATE INDEX orders_updated_at_idx ON orders (updated_at);

CREATE TABLE order_lines (
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_number INTEGER NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    status TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    unit TEXT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    price_base_milli BIGINT NOT NULL,
    allowance_minor BIGINT NOT NULL DEFAULT 0,
    charge_minor BIGINT NOT NULL DEFAULT 0,
    line_amount_minor BIGINT NOT NULL,
    requested_delivery_date DATE,
    specification_ref TEXT,
    confirmed_milli BIGINT,
    delivery_schedule TEXT,
    despatched_milli BIGINT NOT NULL DEFAULT 0,
    closed_short_milli BIGINT NOT NULL DEFAULT 0,
    received_milli BIGINT NOT NULL DEFAULT 0,
    rejected_milli BIGINT NOT NULL DEFAULT 0,
    short_milli BIGINT NOT NULL DEFAULT 0,
    oversupply_milli BIGINT NOT NULL DEFAULT 0,
    invoiced_milli BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (order_id, line_number)
);
CREATE INDEX order_lines_product_idx ON order_lines (product_id);

CREATE TABLE despatch_advices (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL REFERENCES orders (id),
    despatch_date DATE NOT NULL,
    expected_delivery_date DATE,
    carrier TEXT,
    tracking_number TEXT,
    note TEXT,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX despatch_advices_order_idx ON despatch_advices (order_id, id);
CREATE INDEX despatch_advices_updated_at_idx ON despatch_advices (updated_at);

CREATE TABLE despatch_lines (
    despatch_advice_id TEXT NOT NULL REFERENCES despatch_advices (id),
    line_number INTEGER NOT NULL,
    delivered_milli BIGINT NOT NULL,
    outstanding_milli BIGINT NOT NULL,
    closed_short_milli BIGINT NOT NULL,
    outstanding_reason TEXT,
    PRIMARY KEY (despatch_advice_id, line_number)
);

CREATE TABLE goods_receipts (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    order_id TEXT NOT NULL REFERENCES orders (id),
    despatch_advice_id TEXT NOT NULL UNIQUE REFERENCES despatch_advices (id),
    received_date DATE NOT NULL,
    note TEXT,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX goods_receipts_order_idx ON goods_receipts (order_id, id);
CREATE INDEX goods_receipts_updated_at_idx ON goods_receipts (updated_at);

CREATE TABLE receipt_lines (
    goods_receipt_id TEXT NOT NULL REFERENCES goods_receipts (id),
    line_number INTEGER NOT NULL,
    received_milli BIGINT NOT NULL,
    rejected_milli BIGINT NOT NULL,
    short_milli BIGINT NOT NULL,
    oversupply_milli BIGINT NOT NULL,
    discrepancy_reason TEXT,
    discrepancy_note TEXT,
    PRIMARY KEY (goods_receipt_id, line_number)
);

CREATE TABLE invoices (
    id TEXT PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    invoice_number TEXT NOT NULL,
    seller_key TEXT NOT NULL,
    order_id TEXT NOT NULL REFERENCES orders (id),
    counterparty_id TEXT NOT NULL REFERENCES partners (id),
    direction TEXT NOT NULL,
    currency TEXT NOT NULL,
    issue_date DATE NOT NULL,
    due_date DATE,
    total_minor BIGINT NOT NULL,
    match_status TEXT NOT NULL,
    exceptions TEXT NOT NULL,
    note TEXT,
    created_by TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (seller_key, invoice_number)
);
CREATE INDEX invoices_order_idx ON invoices (order_id, id);
CREATE INDEX invoices_counterparty_idx ON invoices (counterparty_id, id);
CREATE INDEX invoices_match_status_idx ON invoices (match_status, id);
CREATE INDEX invoices_direction_idx ON invoices (direction, id);
CREATE INDEX invoices_updated_at_idx ON invoices (updated_at);

CREATE TABLE invoice_lines (
    invoice_id TEXT NOT NULL REFERENCES invoices (id),
    line_number INTEGER NOT NULL,
    quantity_milli BIGINT NOT NULL,
    unit_price_minor BIGINT NOT NULL,
    price_base_milli BIGINT NOT NULL,
    line_amount_minor BIGINT NOT NULL,
    PRIMARY KEY (invoice_id, line_number)
);
