DROP INDEX orders_issue_date_idx;
DROP INDEX invoices_issue_date_idx;
DROP INDEX goods_receipts_received_date_idx;
DROP INDEX despatch_advices_despatch_date_idx;
DROP TABLE wallet_estimates;
DROP TABLE sell_out_lines;
DROP TABLE sell_out_reports;
DROP INDEX partners_segment_idx;
ALTER TABLE partners DROP COLUMN segment;
