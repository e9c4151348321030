-- The terms an order was placed under (JSON): its payment terms and where they came from (an
-- agreement, or the customer's tier on the issue date with the ladder version), and the tier
-- discount applied to its lines.
ALTER TABLE orders ADD COLUMN terms TEXT;
