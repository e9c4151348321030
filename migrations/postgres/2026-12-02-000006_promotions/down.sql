DROP INDEX events_other_partner_seq_idx;
ALTER TABLE events DROP COLUMN other_partner_id;
DROP TABLE promotion_claims;
DROP TABLE promotion_products;
DROP TABLE promotions;
