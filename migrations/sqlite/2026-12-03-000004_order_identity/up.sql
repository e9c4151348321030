-- An order as the buyer identifies it: its own order number (PEPPOL Order/ID), unique per buyer
-- (the customer on a sales order; us, across purchase orders), the natural idempotency key of a
-- re-sent document, with the digest of what it carried to tell a re-send from a clash.
ALTER TABLE orders ADD COLUMN buyer_order_number TEXT;
ALTER TABLE orders ADD COLUMN content_digest TEXT;
CREATE UNIQUE INDEX orders_sales_buyer_number_idx ON orders (counterparty_id, buyer_order_number)
    WHERE direction = 'sales';
CREATE UNIQUE INDEX orders_purchase_buyer_number_idx ON orders (buyer_order_number)
    WHERE direction = 'purchase';
-- The PEPPOL process the buyer follows (order_only, ordering, advanced_ordering).
ALTER TABLE orders ADD COLUMN profile TEXT NOT NULL DEFAULT 'advanced_ordering';
-- Requested delivery as a period, and the location as an identifier, a name and an address
-- (JSON), not only a 13-digit GLN.
ALTER TABLE orders ADD COLUMN delivery_period_start DATE;
ALTER TABLE orders ADD COLUMN delivery_period_end DATE;
ALTER TABLE orders ADD COLUMN delivery_location TEXT;
UPDATE orders SET delivery_location = '{"id":{"scheme":"0088","id":"' || delivery_gln || '"},"name":null,"address":null}'
    WHERE delivery_gln IS NOT NULL;
ALTER TABLE order_lines ADD COLUMN delivery_period_start DATE;
ALTER TABLE order_lines ADD COLUMN delivery_period_end DATE;
