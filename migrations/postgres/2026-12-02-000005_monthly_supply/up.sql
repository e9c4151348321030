-- Monthly supply: what each delivery added to a partner's volume, per product and month, written
-- in the transaction of the despatch advice or goods receipt that moved it. Share of customer and
-- the wallet-estimate check read these totals instead of every document line, so one
-- partner-year costs the same at ten thousand lines stored as at ten million. Periods are whole
-- months (a year, a quarter or a month), so monthly totals answer them exactly; the product's
-- category is joined when read, so a recategorised product counts where it now belongs.
-- `basis` is `received` (received − rejected, by receipt date) or `despatched` (by despatch date).

CREATE TABLE monthly_supply (
    direction TEXT NOT NULL,
    basis TEXT NOT NULL,
    partner_id TEXT NOT NULL REFERENCES partners (id),
    month DATE NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id),
    unit TEXT NOT NULL,
    quantity_milli BIGINT NOT NULL,
    PRIMARY KEY (direction, basis, partner_id, month, product_id, unit)
);
CREATE INDEX monthly_supply_month_idx ON monthly_supply (direction, basis, month);

-- What was delivered before this table existed.
INSERT INTO monthly_supply (direction, basis, partner_id, month, product_id, unit, quantity_milli)
SELECT o.direction, 'received', o.counterparty_id, date_trunc('month', g.received_date)::date,
       l.product_id, l.unit, SUM(r.received_milli - r.rejected_milli)
FROM receipt_lines r
JOIN goods_receipts g ON g.id = r.goods_receipt_id
JOIN orders o ON o.id = g.order_id
JOIN order_lines l ON l.order_id = g.order_id AND l.line_number = r.line_number
GROUP BY o.direction, o.counterparty_id, date_trunc('month', g.received_date)::date, l.product_id, l.unit;

INSERT INTO monthly_supply (direction, basis, partner_id, month, product_id, unit, quantity_milli)
SELECT o.direction, 'despatched', o.counterparty_id, date_trunc('month', d.despatch_date)::date,
       l.product_id, l.unit, SUM(dl.delivered_milli)
FROM despatch_lines dl
JOIN despatch_advices d ON d.id = dl.despatch_advice_id
JOIN orders o ON o.id = d.order_id
JOIN order_lines l ON l.order_id = d.order_id AND l.line_number = dl.line_number
GROUP BY o.direction, o.counterparty_id, date_trunc('month', d.despatch_date)::date, l.product_id, l.unit;
