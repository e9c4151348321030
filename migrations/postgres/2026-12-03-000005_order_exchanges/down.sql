DROP TABLE order_changes;
DROP TABLE order_responses;
