DROP TABLE document_number_years;
DROP SEQUENCE document_number_po, document_number_so, document_number_des, document_number_gr,
    document_number_agr, document_number_spec, document_number_ins, document_number_nc,
    document_number_ret, document_number_clm, document_number_promo;
