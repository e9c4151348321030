-- A buyer's override of a specification's approved-supplier list on a purchase order (JSON):
-- the reason, the lines it covers, who asked and the second buyer who approved.
ALTER TABLE orders ADD COLUMN supplier_override TEXT;
