-- Plan actions across plans are listed soonest due first and paged by (due date, plan, number).
CREATE INDEX plan_actions_list_idx ON plan_actions (due_date, plan_id, number);

-- Staff record what a partner sent by e-mail, phone or EDI: the audit entry and the event name
-- the partner it was recorded for and the channel, beside the staff member who recorded it.
ALTER TABLE audit_log ADD COLUMN recorded_for_partner_id TEXT;
ALTER TABLE audit_log ADD COLUMN recorded_via TEXT;
ALTER TABLE events ADD COLUMN recorded_for_partner_id TEXT;
ALTER TABLE events ADD COLUMN recorded_via TEXT;
