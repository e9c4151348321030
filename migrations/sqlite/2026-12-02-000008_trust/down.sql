DROP TABLE write_quotas;
DROP TABLE login_failures;
