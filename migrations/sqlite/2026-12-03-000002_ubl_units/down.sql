-- Back to the codes written before the full list. H87 and the X codes written since cannot be
-- told apart from migrated ones and go back too.
UPDATE products SET base_unit = CASE base_unit WHEN 'H87' THEN 'PCE' WHEN 'XCS' THEN 'CS' WHEN 'XPK' THEN 'PK' WHEN 'XBX' THEN 'BX' WHEN 'XCT' THEN 'CT' WHEN 'XPX' THEN 'PF' WHEN 'XRO' THEN 'RO' END WHERE base_unit IN ('H87', 'XCS', 'XPK', 'XBX', 'XCT', 'XPX', 'XRO');
UPDATE order_lines SET unit = CASE unit WHEN 'H87' THEN 'PCE' WHEN 'XCS' THEN 'CS' WHEN 'XPK' THEN 'PK' WHEN 'XBX' THEN 'BX' WHEN 'XCT' THEN 'CT' WHEN 'XPX' THEN 'PF' WHEN 'XRO' THEN 'RO' END WHERE unit IN ('H87', 'XCS', 'XPK', 'XBX', 'XCT', 'XPX', 'XRO');
UPDATE wallet_estimates SET unit = CASE unit WHEN 'H87' THEN 'PCE' WHEN 'XCS' THEN 'CS' WHEN 'XPK' THEN 'PK' WHEN 'XBX' THEN 'BX' WHEN 'XCT' THEN 'CT' WHEN 'XPX' THEN 'PF' WHEN 'XRO' THEN 'RO' END WHERE unit IN ('H87', 'XCS', 'XPK', 'XBX', 'XCT', 'XPX', 'XRO');

-- Monthly supply is keyed by unit: fold the old rows into the new key, then drop them.
INSERT INTO monthly_supply (direction, basis, partner_id, month, product_id, unit, quantity_milli)
SELECT direction, basis, partner_id, month, product_id, CASE unit WHEN 'H87' THEN 'PCE' WHEN 'XCS' THEN 'CS' WHEN 'XPK' THEN 'PK' WHEN 'XBX' THEN 'BX' WHEN 'XCT' THEN 'CT' WHEN 'XPX' THEN 'PF' WHEN 'XRO' THEN 'RO' END, quantity_milli
FROM monthly_supply WHERE unit IN ('H87', 'XCS', 'XPK', 'XBX', 'XCT', 'XPX', 'XRO')
ON CONFLICT (direction, basis, partner_id, month, product_id, unit)
DO UPDATE SET quantity_milli = monthly_supply.quantity_milli + excluded.quantity_milli;
DELETE FROM monthly_supply WHERE unit IN ('H87', 'XCS', 'XPK', 'XBX', 'XCT', 'XPX', 'XRO');

-- Specification requirements and inspection results carry units inside their JSON.
UPDATE spec_versions SET requirements = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(requirements, '"unit":"H87"', '"unit":"PCE"'), '"unit":"XCS"', '"unit":"CS"'), '"unit":"XPK"', '"unit":"PK"'), '"unit":"XBX"', '"unit":"BX"'), '"unit":"XCT"', '"unit":"CT"'), '"unit":"XPX"', '"unit":"PF"'), '"unit":"XRO"', '"unit":"RO"');
UPDATE inspections SET results = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(results, '"unit":"H87"', '"unit":"PCE"'), '"unit":"XCS"', '"unit":"CS"'), '"unit":"XPK"', '"unit":"PK"'), '"unit":"XBX"', '"unit":"BX"'), '"unit":"XCT"', '"unit":"CT"'), '"unit":"XPX"', '"unit":"PF"'), '"unit":"XRO"', '"unit":"RO"');
