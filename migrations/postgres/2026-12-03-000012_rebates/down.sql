DROP TABLE rebate_entries;
