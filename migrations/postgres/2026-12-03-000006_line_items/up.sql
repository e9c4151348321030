-- A line names its item as the document did: a snapshot (name, description, seller's, buyer's
-- and standard item ids, properties, classifications as JSON), a note, and its allowances and
-- charges with their reasons (JSON; allowance_minor and charge_minor stay their sums). A line
-- need not be a catalogue product: free-text lines and items we do not know have none.
ALTER TABLE order_lines ALTER COLUMN product_id DROP NOT NULL;
ALTER TABLE order_lines ADD COLUMN item_name TEXT;
ALTER TABLE order_lines ADD COLUMN item TEXT;
ALTER TABLE order_lines ADD COLUMN note TEXT;
ALTER TABLE order_lines ADD COLUMN allowance_charges TEXT;
UPDATE order_lines SET item_name = p.name FROM products p WHERE p.id = order_lines.product_id;
ALTER TABLE order_lines ALTER COLUMN item_name SET NOT NULL;
