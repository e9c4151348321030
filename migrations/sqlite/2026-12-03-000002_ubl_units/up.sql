-- Units as PEPPOL takes them: the full UN/ECE Rec 20 list with X-prefixed Rec 21 package codes.
-- The codes written before are not valid there (Rec 20 deleted its package codes in favour of
-- Rec 21; PCE is EANCOM's own piece) and move to their replacements:
--   PCE -> H87 (piece), CS -> XCS (case), PK -> XPK (package), BX -> XBX (box),
--   CT -> XCT (carton), PF -> XPX (pallet), RO -> XRO (roll).
-- Audit entries and events keep what they recorded at the time.
UPDATE products SET base_unit = CASE base_unit WHEN 'PCE' THEN 'H87' WHEN 'CS' THEN 'XCS' WHEN 'PK' THEN 'XPK' WHEN 'BX' THEN 'XBX' WHEN 'CT' THEN 'XCT' WHEN 'PF' THEN 'XPX' WHEN 'RO' THEN 'XRO' END WHERE base_unit IN ('PCE', 'CS', 'PK', 'BX', 'CT', 'PF', 'RO');
UPDATE order_lines SET unit = CASE unit WHEN 'PCE' THEN 'H87' WHEN 'CS' THEN 'XCS' WHEN 'PK' THEN 'XPK' WHEN 'BX' THEN 'XBX' WHEN 'CT' THEN 'XCT' WHEN 'PF' THEN 'XPX' WHEN 'RO' THEN 'XRO' END WHERE unit IN ('PCE', 'CS', 'PK', 'BX', 'CT', 'PF', 'RO');
UPDATE wallet_estimates SET unit = CASE unit WHEN 'PCE' THEN 'H87' WHEN 'CS' THEN 'XCS' WHEN 'PK' THEN 'XPK' WHEN 'BX' THEN 'XBX' WHEN 'CT' THEN 'XCT' WHEN 'PF' THEN 'XPX' WHEN 'RO' THEN 'XRO' END WHERE unit IN ('PCE', 'CS', 'PK', 'BX', 'CT', 'PF', 'RO');

-- Monthly supply is keyed by unit: fold the old rows into the new key, then drop them.
INSERT INTO monthly_supply (direction, basis, partner_id, month, product_id, unit, quantity_milli)
SELECT direction, basis, partner_id, month, product_id, CASE unit WHEN 'PCE' THEN 'H87' WHEN 'CS' THEN 'XCS' WHEN 'PK' THEN 'XPK' WHEN 'BX' THEN 'XBX' WHEN 'CT' THEN 'XCT' WHEN 'PF' THEN 'XPX' WHEN 'RO' THEN 'XRO' END, quantity_milli
FROM monthly_supply WHERE unit IN ('PCE', 'CS', 'PK', 'BX', 'CT', 'PF', 'RO')
ON CONFLICT (direction, basis, partner_id, month, product_id, unit)
DO UPDATE SET quantity_milli = monthly_supply.quantity_milli + excluded.quantity_milli;
DELETE FROM monthly_supply WHERE unit IN ('PCE', 'CS', 'PK', 'BX', 'CT', 'PF', 'RO');

-- Specification requirements and inspection results carry units inside their JSON.
UPDATE spec_versions SET requirements = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(requirements, '"unit":"PCE"', '"unit":"H87"'), '"unit":"CS"', '"unit":"XCS"'), '"unit":"PK"', '"unit":"XPK"'), '"unit":"BX"', '"unit":"XBX"'), '"unit":"CT"', '"unit":"XCT"'), '"unit":"PF"', '"unit":"XPX"'), '"unit":"RO"', '"unit":"XRO"');
UPDATE inspections SET results = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(results, '"unit":"PCE"', '"unit":"H87"'), '"unit":"CS"', '"unit":"XCS"'), '"unit":"PK"', '"unit":"XPK"'), '"unit":"BX"', '"unit":"XBX"'), '"unit":"CT"', '"unit":"XCT"'), '"unit":"PF"', '"unit":"XPX"'), '"unit":"RO"', '"unit":"XRO"');
