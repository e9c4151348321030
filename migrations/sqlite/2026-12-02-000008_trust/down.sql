DROP INDEX integration_clients_partner_idx;
ALTER TABLE products DROP COLUMN search_text;
ALTER TABLE partners DROP COLUMN search_text;
DROP TABLE write_quotas;
DROP TABLE login_failures;
