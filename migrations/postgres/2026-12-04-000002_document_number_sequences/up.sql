-- Document numbers without a lock held to commit (PostgreSQL). Every series but invoices takes
-- its numbers from a sequence of its own: unique and increasing, and a document whose write
-- fails after taking one leaves it unused. A year's numbers count from the sequence's value
-- when that year's first number was taken. Invoices keep their gap-free counter in
-- document_sequences (tax law wants an unbroken series), numbered one at a time.
CREATE TABLE document_number_years (
    prefix TEXT NOT NULL,
    year INTEGER NOT NULL,
    base BIGINT NOT NULL,
    PRIMARY KEY (prefix, year)
);
CREATE SEQUENCE document_number_po;
CREATE SEQUENCE document_number_so;
CREATE SEQUENCE document_number_des;
CREATE SEQUENCE document_number_gr;
CREATE SEQUENCE document_number_agr;
CREATE SEQUENCE document_number_spec;
CREATE SEQUENCE document_number_ins;
CREATE SEQUENCE document_number_nc;
CREATE SEQUENCE document_number_ret;
CREATE SEQUENCE document_number_clm;
CREATE SEQUENCE document_number_promo;
-- Series numbered already go on from their latest year's last number.
INSERT INTO document_number_years (prefix, year, base)
SELECT prefix, max(year), 0 FROM document_sequences WHERE prefix <> 'INV' GROUP BY prefix;
SELECT setval('document_number_' || lower(s.prefix), s.last_value, true)
FROM document_sequences s
WHERE s.prefix <> 'INV' AND s.last_value > 0
  AND s.year = (SELECT max(year) FROM document_sequences t WHERE t.prefix = s.prefix);
