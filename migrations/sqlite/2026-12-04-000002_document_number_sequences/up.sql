-- PostgreSQL's document number sequences have no SQLite twin: SQLite has one writer, and every
-- series keeps its gap-free counter in document_sequences.
SELECT 1;
