ALTER TABLE orders DROP COLUMN supplier_override;
