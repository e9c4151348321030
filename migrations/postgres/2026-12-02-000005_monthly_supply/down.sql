DROP INDEX monthly_supply_month_idx;
DROP TABLE monthly_supply;
