DROP TABLE plan_actions;
DROP TABLE development_plans;
DROP TABLE tier_changes;
DROP TABLE tier_ladders;
DROP TABLE scorecard_weights;
DROP INDEX invoices_partner_direction_idx;
DROP INDEX orders_partner_direction_idx;
