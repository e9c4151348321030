DROP INDEX partners_endpoint_idx;
ALTER TABLE partners DROP COLUMN address;
ALTER TABLE partners DROP COLUMN legal_id;
ALTER TABLE partners DROP COLUMN legal_id_scheme;
ALTER TABLE partners DROP COLUMN party_ids;
ALTER TABLE partners DROP COLUMN endpoint_id;
ALTER TABLE partners DROP COLUMN endpoint_scheme;
DROP TABLE company;
