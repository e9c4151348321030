-- Plan actions across plans are listed soonest due first and paged by (due date, plan, number).
CREATE INDEX plan_actions_list_idx ON plan_actions (due_date, plan_id, number);
