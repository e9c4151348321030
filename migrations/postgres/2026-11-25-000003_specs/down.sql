DROP INDEX partners_relationship_since_idx;
DROP TABLE returns;
DROP TABLE non_conformances;
DROP TABLE inspections;
DROP TABLE quotes;
DROP TABLE spec_suppliers;
DROP TABLE spec_versions;
DROP TABLE specifications;
