-- A line names its item as the document did: a snapshot (name, description, seller's, buyer's
-- and standard item ids, properties, classifications as JSON), a note, and its allowances and
-- charges with their reasons (JSON; allowance_minor and charge_minor stay their sums). A line
-- need not be a catalogue product: free-text lines and items we do not know have none.
-- SQLite cannot drop a NOT NULL in place: the table is rebuilt (nothing refers to it).
CREATE TABLE order_lines_new (
    order_id TEXT NOT NULL REFERENCES orders (id),
    line_number INTEGER NOT NULL,
    product_id TEXT REFERENCES products (id),
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
    delivery_period_start DATE,
    delivery_period_end DATE,
    item_name TEXT NOT NULL,
    item TEXT,
    note TEXT,
    allowance_charges TEXT,
    PRIMARY KEY (order_id, line_number)
);
INSERT INTO order_lines_new
SELECT l.order_id, l.line_number, l.product_id, l.status, l.quantity_milli, l.unit,
       l.unit_price_minor, l.price_base_milli, l.allowance_minor, l.charge_minor,
       l.line_amount_minor, l.requested_delivery_date, l.specification_ref, l.confirmed_milli,
       l.delivery_schedule, l.despatched_milli, l.closed_short_milli, l.received_milli,
       l.rejected_milli, l.short_milli, l.oversupply_milli, l.invoiced_milli,
       l.delivery_period_start, l.delivery_period_end,
       (SELECT p.name FROM products p WHERE p.id = l.product_id), NULL, NULL, NULL
FROM order_lines l;
DROP TABLE order_lines;
ALTER TABLE order_lines_new RENAME TO order_lines;
CREATE INDEX order_lines_product_idx ON order_lines (product_id);
