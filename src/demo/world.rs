//! The demo's world, from the cases prm comes from: Marks & Spencer-style manufacturers of
//! long standing, COFCO-style key accounts with their share of wallet, Suning-style B2B order
//! exchange with purchase and sales orders in every status.

use chrono::{Datelike, Duration, NaiveDate};
use serde_json::{json, Value};

use super::client::{id, Client, Token};
use super::{Credentials, Person, Progress};

/// The quarter before today's: the period the shares of customer are shown for.
pub fn last_quarter(today: NaiveDate) -> (NaiveDate, NaiveDate, String) {
    let q = (today.month0() / 3) as i32; // 0..=3, this quarter
    let (year, q) = if q == 0 {
        (today.year() - 1, 3)
    } else {
        (today.year(), q - 1)
    };
    let start = NaiveDate::from_ymd_opt(year, q as u32 * 3 + 1, 1).unwrap_or(today);
    let end = NaiveDate::from_ymd_opt(
        if q == 3 { year + 1 } else { year },
        if q == 3 { 1 } else { q as u32 * 3 + 4 },
        1,
    )
    .map(|d| d - Duration::days(1))
    .unwrap_or(today);
    (start, end, format!("{year}-Q{}", q + 1))
}

/// A GS1 number (GLN, GTIN) with its check digit.
pub fn gs1(body: &str) -> String {
    let sum: u32 = body
        .chars()
        .rev()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap_or(0) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// The key accounts' wallets in edible oil last quarter and what we delivered of them:
/// 38%, 53% and 0% (the one that makes its own brand).
pub const WALLETS: [(&str, i64, &[i64]); 3] = [
    ("Wumart Stores", 10_000, &[2_000, 1_800]),
    ("Yonghui Superstores", 6_000, &[1_590, 1_590]),
    ("Lianhua Regional Markets", 8_000, &[]),
];

/// What the world needs to know as it is built.
pub struct World<'a, S> {
    pub api: &'a Client<S>,
    pub progress: &'a Progress,
    pub today: NaiveDate,
    pub admin: Token,
    pub buyer: Token,
    pub account_manager: Token,
    pub credentials: &'a mut Credentials,
}

/// The partners, by the name the script uses.
pub struct Partners {
    pub dewhirst: String,
    pub northern_foods: String,
    pub baird: String,
    pub key_accounts: Vec<String>,
    /// A sporting-goods brand and the retailer it co-funds a promotion with.
    pub summit: String,
    pub peak_sports: String,
}

pub struct Products {
    pub shirt: String,
    pub sandwich: String,
    pub knit: String,
    pub oil: String,
    pub shoe: String,
}

impl<S, B> World<'_, S>
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
    B: actix_web::body::MessageBody,
{
    pub(super) fn day(&self, days_ago: i64) -> String {
        (self.today - Duration::days(days_ago)).to_string()
    }

    async fn partner(&self, body: Value) -> anyhow::Result<String> {
        self.progress
            .step(&format!("partner {}", body["name"].as_str().unwrap_or("")));
        id(&self.api.post("/api/v1/partners", &self.admin, body).await?)
    }

    pub async fn partners(&mut self, account_manager_id: &str) -> anyhow::Result<Partners> {
        let this_year = self.today.year();
        let since = |years: i32| format!("{}-03-01", this_year - years);
        // Marks & Spencer-style manufacturers: a century, half a century, thirty years.
        let dewhirst = self.partner(json!({"name": "Dewhirst Group", "legal_name": "Dewhirst Group Ltd",
            "roles": ["manufacturer"], "status": "active", "country": "GB", "gln": gs1("501234500001"),
            "relationship_since": since(100), "tax_id": "GB123456789",
            "erp_references": [{"system": "SAP-S4", "reference": "V-100234"}]})).await?;
        let northern_foods = self.partner(json!({"name": "Northern Foods Bakery", "roles": ["manufacturer"],
            "status": "active", "country": "GB", "gln": gs1("501234500002"), "relationship_since": since(50)})).await?;
        let baird = self.partner(json!({"name": "Baird Knitwear", "roles": ["manufacturer"],
            "status": "active", "country": "GB", "gln": gs1("501234500003"), "relationship_since": since(30)})).await?;
        // COFCO-style key accounts, owned by the account manager.
        let mut key_accounts = vec![];
        for (i, (name, segment)) in [
            (WALLETS[0].0, "top_10"),
            (WALLETS[1].0, "top_10"),
            (WALLETS[2].0, "second_line"),
        ]
        .into_iter()
        .enumerate()
        {
            key_accounts.push(
                self.partner(
                    json!({"name": name, "roles": ["key_account"], "status": "active",
                "country": "CN", "gln": gs1(&format!("69012340000{i}")), "segment": segment,
                "account_owner_id": account_manager_id, "relationship_since": since(8 - i as i32),
                "notes": (i == 2).then_some("Makes its own brand of edible oil")}),
                )
                .await?,
            );
        }
        // Dick's-style: a brand and the sporting-goods retailer it promotes through.
        let summit = self
            .partner(
                json!({"name": "Summit Outdoor Brands", "roles": ["manufacturer"],
            "status": "active", "country": "US", "relationship_since": since(12)}),
            )
            .await?;
        let peak_sports = self
            .partner(
                json!({"name": "Peak Sports Retail", "roles": ["key_account", "distributor"],
            "status": "active", "country": "US", "relationship_since": since(15),
            "account_owner_id": account_manager_id}),
            )
            .await?;
        Ok(Partners {
            dewhirst,
            northern_foods,
            baird,
            key_accounts,
            summit,
            peak_sports,
        })
    }

    async fn product(&self, body: Value) -> anyhow::Result<String> {
        self.progress
            .step(&format!("product {}", body["sku"].as_str().unwrap_or("")));
        id(&self.api.post("/api/v1/products", &self.admin, body).await?)
    }

    pub async fn products(&self) -> anyhow::Result<Products> {
        Ok(Products {
            shirt: self.product(json!({"sku": "MS-SHIRT-OXF", "gtin": gs1("500000000101"), "name": "Men's Oxford shirt, non-iron",
                "category": "Menswear", "brand_type": "own", "base_unit": "EA"})).await?,
            sandwich: self.product(json!({"sku": "MS-SAND-PRAWN", "gtin": gs1("500000000102"), "name": "Prawn mayonnaise sandwich",
                "category": "Food to go", "brand_type": "own", "base_unit": "EA"})).await?,
            knit: self.product(json!({"sku": "MS-KNIT-LAMB", "gtin": gs1("500000000103"), "name": "Pure lambswool crew neck",
                "category": "Knitwear", "brand_type": "own", "base_unit": "EA"})).await?,
            oil: self.product(json!({"sku": "FT-OIL-5L", "gtin": gs1("690000000201"), "name": "Fortune soybean oil 5 L",
                "category": "Edible oil", "brand_type": "national", "base_unit": "EA"})).await?,
            shoe: self.product(json!({"sku": "SUM-RIDGE-TR", "gtin": gs1("008000000301"), "name": "Ridgeline trail running shoe",
                "category": "Footwear", "brand_type": "national", "base_unit": "PR"})).await?,
        })
    }

    /// A person with a generated password, printed at the end.
    pub async fn person(
        &mut self,
        name: &str,
        email: &str,
        role: &str,
        partner: Option<(&str, &str)>,
    ) -> anyhow::Result<Token> {
        self.progress.step(&format!("user {email}"));
        let password = crate::auth::tokens::random_secret();
        self.api
            .post(
                "/api/v1/users",
                &self.admin,
                json!({"email": email, "name": name, "role": role,
                    "partner_id": partner.map(|p| p.0), "password": password}),
            )
            .await?;
        self.credentials.people.push(Person {
            email: email.into(),
            password: password.clone(),
            role: role.into(),
            partner: partner.map(|p| p.1.to_string()),
        });
        self.api.sign_in(email, &password).await
    }

    /// A partner's ERP or EDI connection: an integration client bound to it.
    pub async fn partner_system(
        &mut self,
        name: &str,
        partner_id: &str,
        scopes: &[&str],
        printed: bool,
    ) -> anyhow::Result<Token> {
        self.progress.step(&format!("integration client {name}"));
        let c = self
            .api
            .post(
                "/api/v1/integration-clients",
                &self.admin,
                json!({"name": name, "partner_id": partner_id, "scopes": scopes}),
            )
            .await?;
        let (client_id, secret) = (
            id(&c)?,
            c["client_secret"].as_str().unwrap_or("").to_string(),
        );
        if printed {
            self.credentials
                .clients
                .push((name.into(), client_id.clone(), secret.clone()));
        }
        self.api.client_token(&client_id, &secret).await
    }

    /// Wallet estimates for last quarter and the sales orders our share comes from: each placed
    /// by the customer's system, accepted and despatched by us, received by the customer.
    pub async fn share_of_customer(
        &self,
        p: &Partners,
        oil: &str,
        customers: &[Token],
    ) -> anyhow::Result<()> {
        let (start, _, quarter) = last_quarter(self.today);
        for (i, (name, wallet, deliveries)) in WALLETS.iter().enumerate() {
            self.progress.step(&format!("wallet estimate {name}"));
            let target = [4500, 6000, 2000][i];
            self.api
                .post(
                    "/api/v1/wallet-estimates",
                    &self.account_manager,
                    json!({"partner_id": p.key_accounts[i], "category": "Edible oil", "period": quarter,
                        "total_quantity": wallet.to_string(), "unit": "EA", "source": "reported",
                        "target_share_bp": target}),
                )
                .await?;
            for (k, quantity) in deliveries.iter().enumerate() {
                let day = |d: i64| (start + Duration::days(10 + 30 * k as i64 + d)).to_string();
                let customer = &customers[i];
                self.progress.step(&format!("sales order for {name}"));
                let order = self
                    .api
                    .post(
                        "/api/v1/orders",
                        customer,
                        json!({"direction": "sales", "counterparty_id": p.key_accounts[i], "currency": "CNY",
                            "issue_date": day(0), "requested_delivery_date": day(7), "submit": true,
                            "buyer_reference": format!("{}-PO-{}", &name[..3].to_uppercase(), 4100 + k),
                            "lines": [{"product_id": oil, "quantity": quantity.to_string(), "unit_price_minor": 6_990}]}),
                    )
                    .await?;
                self.walk(
                    &order,
                    &self.account_manager,
                    customer,
                    Some((day(5), day(6))),
                )
                .await?;
            }
        }
        Ok(())
    }

    /// Takes a submitted order through acceptance, despatch in full on `dates.0` and receipt
    /// in full on `dates.1`.
    pub async fn walk(
        &self,
        order: &Value,
        seller: &Token,
        buyer: &Token,
        dates: Option<(String, String)>,
    ) -> anyhow::Result<()> {
        let path = format!("/api/v1/orders/{}", id(order)?);
        self.api
            .post(
                &format!("{path}/response"),
                seller,
                json!({"response_code": "accepted"}),
            )
            .await?;
        let Some((despatched, received)) = dates else {
            return Ok(());
        };
        let lines = in_full(order, "quantity");
        let d = self
            .api
            .post(
                &format!("{path}/despatch-advices"),
                seller,
                json!({"despatch_date": despatched, "lines": lines}),
            )
            .await?;
        self.api
            .post(
                &format!("{path}/receipts"),
                buyer,
                json!({"despatch_advice_id": id(&d)?, "received_date": received,
                    "lines": in_full(order, "received_quantity")}),
            )
            .await?;
        Ok(())
    }

    /// Suning-style B2B exchange: purchase orders in every status a buyer meets.
    pub async fn purchase_orders(
        &self,
        p: &Partners,
        items: &Products,
        dewhirst: &Token,
        northern_foods: &Token,
    ) -> anyhow::Result<()> {
        let po = |supplier: &str,
                  product: &str,
                  quantity: i64,
                  price: i64,
                  days_ago: i64,
                  submit: bool| {
            json!({"direction": "purchase", "counterparty_id": supplier, "currency": "GBP",
                "issue_date": self.day(days_ago), "requested_delivery_date": self.day(days_ago - 14),
                "submit": submit, "lines": [{"product_id": product, "quantity": quantity.to_string(), "unit_price_minor": price}]})
        };
        let place = |body: Value, what: &'static str| async move {
            self.progress.step(&format!("purchase order ({what})"));
            self.api.post("/api/v1/orders", &self.buyer, body).await
        };
        let (d, n) = (&p.dewhirst, &p.northern_foods);
        // Draft, and submitted awaiting the supplier's answer.
        place(po(d, &items.shirt, 1_200, 1_150, 2, false), "draft").await?;
        place(po(d, &items.shirt, 2_400, 1_150, 3, true), "submitted").await?;
        // Rejected by the supplier.
        let o = place(po(n, &items.sandwich, 5_000, 95, 20, true), "rejected").await?;
        self.api
            .post(
                &format!("/api/v1/orders/{}/response", id(&o)?),
                northern_foods,
                json!({"response_code": "rejected", "note": "Line at capacity until the new oven is in"}),
            )
            .await?;
        // Accepted with a later date for part of it.
        let o = place(
            po(n, &items.sandwich, 3_000, 95, 6, true),
            "accepted with changes",
        )
        .await?;
        self.api
            .post(&format!("/api/v1/orders/{}/response", id(&o)?), northern_foods, json!({
                "response_code": "accepted_with_changes", "lines": [
                    {"line_number": 1, "status": "changed", "quantity": "2000", "delivery_date": self.day(-8)},
                    {"line_number": 1, "status": "changed", "quantity": "1000", "delivery_date": self.day(-15)}]}))
            .await?;
        // Accepted, awaiting despatch.
        let o = place(po(d, &items.shirt, 800, 1_150, 9, true), "accepted").await?;
        self.walk(&o, dewhirst, &self.buyer, None).await?;
        // Partially despatched: half now, the rest later.
        let o = place(
            po(d, &items.shirt, 1_000, 1_150, 12, true),
            "partially despatched",
        )
        .await?;
        self.walk(&o, dewhirst, &self.buyer, None).await?;
        self.api
            .post(
                &format!("/api/v1/orders/{}/despatch-advices", id(&o)?),
                dewhirst,
                json!({
                "despatch_date": self.day(4), "lines": [{"line_number": 1, "quantity": "500",
                "outstanding_reason": "Second cut in production"}]}),
            )
            .await?;
        // Despatched, in transit.
        let o = place(po(d, &items.shirt, 600, 1_150, 15, true), "despatched").await?;
        self.walk(&o, dewhirst, &self.buyer, None).await?;
        self.api
            .post(&format!("/api/v1/orders/{}/despatch-advices", id(&o)?), dewhirst, json!({
                "despatch_date": self.day(2), "carrier": "DHL Freight", "lines": in_full(&o, "quantity")}))
            .await?;
        // Partially received: half despatched and received, the rest still coming.
        let o = place(
            po(n, &items.sandwich, 2_000, 95, 8, true),
            "partially received",
        )
        .await?;
        self.walk(&o, northern_foods, &self.buyer, None).await?;
        let path = format!("/api/v1/orders/{}", id(&o)?);
        let advice = self
            .api
            .post(
                &format!("{path}/despatch-advices"),
                northern_foods,
                json!({
                "despatch_date": self.day(3), "lines": [{"line_number": 1, "quantity": "1000",
                "outstanding_reason": "Second batch baked to order"}]}),
            )
            .await?;
        self.api
            .post(&format!("{path}/receipts"), &self.buyer, json!({"despatch_advice_id": id(&advice)?,
                "received_date": self.day(2), "lines": [{"line_number": 1, "received_quantity": "1000"}]}))
            .await?;
        // Received, invoiced at the agreed price and closed.
        let o = place(po(d, &items.shirt, 1_500, 1_150, 40, true), "closed").await?;
        self.walk(
            &o,
            dewhirst,
            &self.buyer,
            Some((self.day(30), self.day(28))),
        )
        .await?;
        self.invoice(&o, dewhirst, 1_500, 1_150, "DG-INV-77001")
            .await?;
        self.api
            .post(
                &format!("/api/v1/orders/{}/close", id(&o)?),
                &self.buyer,
                json!({}),
            )
            .await?;
        // Received and invoiced.
        let o = place(po(n, &items.sandwich, 4_000, 95, 35, true), "invoiced").await?;
        self.walk(
            &o,
            northern_foods,
            &self.buyer,
            Some((self.day(25), self.day(24))),
        )
        .await?;
        self.invoice(&o, northern_foods, 4_000, 95, "NFB-2219")
            .await?;
        // Received; the invoice asks more than agreed: an exception waiting for a credit note.
        let o = place(
            po(d, &items.knit, 300, 2_400, 30, true),
            "invoice exception",
        )
        .await?;
        self.walk(
            &o,
            dewhirst,
            &self.buyer,
            Some((self.day(20), self.day(18))),
        )
        .await?;
        self.invoice(&o, dewhirst, 300, 2_650, "DG-INV-77042")
            .await?;
        // Cancelled before anything was sent.
        let o = place(po(d, &items.knit, 200, 2_400, 10, true), "cancelled").await?;
        self.api
            .post(
                &format!("/api/v1/orders/{}/cancel", id(&o)?),
                &self.buyer,
                json!({"reason": "Range dropped for the season"}),
            )
            .await?;
        Ok(())
    }

    async fn invoice(
        &self,
        order: &Value,
        seller: &Token,
        quantity: i64,
        price: i64,
        number: &str,
    ) -> anyhow::Result<Value> {
        self.progress.step(&format!("invoice {number}"));
        self.api
            .post(
                "/api/v1/invoices",
                seller,
                json!({"order_id": id(order)?, "invoice_number": number, "currency": order["currency"],
                    "lines": [{"line_number": 1, "quantity": quantity.to_string(), "unit_price_minor": price}]}),
            )
            .await
    }
}

/// Every line of an order in full, under `field`.
fn in_full(order: &Value, field: &str) -> Value {
    let lines = order["lines"].as_array().cloned().unwrap_or_default();
    Value::Array(
        lines
            .iter()
            .map(|l| json!({"line_number": l["line_number"], field: l["quantity"]}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_quarter_is_the_one_before_today_s() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            last_quarter(d("2026-12-03")),
            (d("2026-07-01"), d("2026-09-30"), "2026-Q3".into())
        );
        assert_eq!(
            last_quarter(d("2027-02-10")),
            (d("2026-10-01"), d("2026-12-31"), "2026-Q4".into())
        );
    }

    #[test]
    fn gs1_numbers_carry_their_check_digit() {
        assert_eq!(gs1("501234500001"), "5012345000015");
        assert_eq!(gs1("400638133393"), "4006381333931");
    }
}
