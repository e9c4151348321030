ALTER TABLE events DROP COLUMN recorded_via;
ALTER TABLE events DROP COLUMN recorded_for_partner_id;
ALTER TABLE audit_log DROP COLUMN recorded_via;
ALTER TABLE audit_log DROP COLUMN recorded_for_partner_id;
DROP INDEX plan_actions_list_idx;
