DELETE FROM order_lines WHERE product_id IS NULL;
ALTER TABLE order_lines DROP COLUMN allowance_charges;
ALTER TABLE order_lines DROP COLUMN note;
ALTER TABLE order_lines DROP COLUMN item;
ALTER TABLE order_lines DROP COLUMN item_name;
ALTER TABLE order_lines ALTER COLUMN product_id SET NOT NULL;
