DROP TABLE received_documents;
