DROP INDEX order_lines_deviation_idx;
DROP INDEX order_lines_agreement_idx;
ALTER TABLE order_lines DROP COLUMN price_deviation;
ALTER TABLE order_lines DROP COLUMN agreed;
ALTER TABLE order_lines DROP COLUMN call_off;
ALTER TABLE order_lines DROP COLUMN agreement_id;
DROP TABLE agreement_lines;
DROP TABLE agreement_versions;
DROP TABLE agreements;
