-- Periodic jobs (promotion calendar, overdue alerts, housekeeping): when each last ran and on
-- which instance. With several instances on one database, the instance that finds a job due
-- (under the job's lock) runs it and moves its time on; the others find it done.
CREATE TABLE periodic_jobs (
    name TEXT PRIMARY KEY,
    last_run_at TIMESTAMP NOT NULL,
    run_by TEXT NOT NULL
);
