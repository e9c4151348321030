-- Order responses and order changes as the documents they are: each kept with its own number,
-- issue date, note and lines, numbered within its order. Responses sent before this were only
-- summarised on the order (response_code, response_note) and are not made up here.
CREATE TABLE order_responses (
    order_id TEXT NOT NULL REFERENCES orders (id),
    sequence INTEGER NOT NULL,
    response_number TEXT NOT NULL,
    issue_date DATE NOT NULL,
    response_code TEXT NOT NULL,
    note TEXT,
    answers_change INTEGER NOT NULL,
    lines TEXT NOT NULL,
    recorded_via TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (order_id, sequence),
    UNIQUE (order_id, response_number)
);
CREATE TABLE order_changes (
    order_id TEXT NOT NULL REFERENCES orders (id),
    sequence INTEGER NOT NULL,
    change_number TEXT NOT NULL,
    issue_date DATE NOT NULL,
    note TEXT,
    lines TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (order_id, sequence),
    UNIQUE (order_id, change_number)
);
