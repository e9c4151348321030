DROP INDEX plan_actions_list_idx;
