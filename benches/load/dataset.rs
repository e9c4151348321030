//! The deterministic dataset, grown in steps: a catalogue of 200 products in 10 categories, and
//! per 2,000 lines of data one key account with 2,000 order lines of history (100 orders of 20
//! lines over 2024–2025, written by `history`), 2,000 sell-out lines (eight quarterly reports of
//! 250 lines, posted through the API as a partner's ERP would) and wallet estimates for two
//! categories and both years. Partners grow with the data, so one partner-year holds the same
//! volume at every scale: what grows is everything the queries must *not* read.

use std::time::Duration;

use serde_json::{json, Value};

use crate::history::{self, Customer};

pub const PRODUCTS: usize = 200;
pub const CATEGORIES: usize = 10;
pub const LINES_PER_PARTNER: usize = 2_000;

/// A blocking client for setting up: plain requests, one at a time.
pub struct Setup {
    agent: ureq::Agent,
    pub base: String,
}

impl Setup {
    pub fn new(base: &str) -> Setup {
        Setup {
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(300))
                .build(),
            base: base.to_string(),
        }
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Value {
        let mut req = self.agent.request(method, &format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.set("authorization", &format!("Bearer {t}"));
        }
        let res = match body {
            Some(b) => req.send_json(b.clone()),
            None => req.call(),
        };
        match res {
            Ok(r) => r.into_json().unwrap_or(Value::Null),
            Err(ureq::Error::Status(s, r)) => {
                panic!(
                    "{method} {path}: {s} {}",
                    r.into_string().unwrap_or_default()
                )
            }
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }

    pub fn post(&self, path: &str, token: &str, body: Value) -> Value {
        self.call("POST", path, Some(token), Some(&body))
    }

    /// A user created by the admin with `role` (of `partner` when given), signed in: its token.
    pub fn person(&self, admin: &str, email: &str, role: &str, partner: Option<&str>) -> String {
        let password = "bench person password";
        self.post(
            "/api/v1/users",
            admin,
            json!({"email": email, "name": role, "role": role, "partner_id": partner, "password": password}),
        );
        self.login(email, password)
    }

    pub fn login(&self, email: &str, password: &str) -> String {
        let r = self.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"email": email, "password": password})),
        );
        r["access_token"]
            .as_str()
            .expect("access token")
            .to_string()
    }
}

/// A GLN from a company prefix and a location number, with its GS1 check digit.
pub fn gln(location: usize) -> String {
    let body = format!("690123{location:06}");
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    format!(
        "{body}{}",
        prm::standards::gs1_expected_check_digit(&digits)
    )
}

pub struct Dataset {
    pub admin: String,
    pub admin_id: String,
    /// (id, unit) of every product.
    pub catalogue: Vec<(String, String)>,
    /// The key accounts with history, in creation order.
    pub customers: Vec<String>,
    /// The promotion measured at every scale, once made.
    pub promotion: Option<String>,
}

impl Dataset {
    pub fn new(s: &Setup, admin: String) -> Dataset {
        let admin_id = s.call("GET", "/api/v1/me", Some(&admin), None)["id"]
            .as_str()
            .expect("my id")
            .to_string();
        let catalogue = (0..PRODUCTS)
            .map(|p| {
                let r = s.post(
                    "/api/v1/products",
                    &admin,
                    json!({"sku": format!("BENCH-{p:04}"), "name": format!("Bench product {p}"),
                        "category": format!("category-{:02}", p % CATEGORIES),
                        "brand_type": if p % 3 == 0 { "own" } else { "national" }, "base_unit": "EA"}),
                );
                (r["id"].as_str().unwrap().to_string(), "EA".to_string())
            })
            .collect();
        Dataset {
            admin,
            admin_id,
            catalogue,
            customers: vec![],
            promotion: None,
        }
    }

    /// Adds key accounts until the data holds `lines` order lines and as many sell-out lines.
    pub fn grow_to(&mut self, s: &Setup, db: &prm::db::Db, lines: usize) {
        let wanted = (lines / LINES_PER_PARTNER).max(1);
        let first = self.customers.len();
        for k in first..wanted {
            let id = self.add_customer(s, k);
            self.customers.push(id);
        }
        let new: Vec<Customer> = self.customers[first..]
            .iter()
            .enumerate()
            .map(|(i, id)| Customer {
                id,
                index: first + i,
                orders: LINES_PER_PARTNER / history::LINES_PER_ORDER,
            })
            .collect();
        history::write(db, &self.admin_id, &self.catalogue, &new);
    }

    fn add_customer(&self, s: &Setup, k: usize) -> String {
        let admin = &self.admin;
        let p = s.post(
            "/api/v1/partners",
            admin,
            json!({"name": format!("Key account {k:05}"), "roles": ["key_account", "distributor"],
                "status": "active", "segment": if k.is_multiple_of(4) { "first_line" } else { "second_line" }}),
        );
        let id = p["id"].as_str().unwrap().to_string();
        for year in [2024, 2025] {
            for c in [k % CATEGORIES, (k + 3) % CATEGORIES] {
                // Wallets from about 1.2 to 12 times what the history supplies: shares spread
                // from under 10% to over 80%, some below the growth threshold.
                let total = 4_000 * (1 + (k * 7 + c) % 10);
                let source = ["reported", "estimated", "survey"][k % 3];
                s.post(
                    "/api/v1/wallet-estimates",
                    admin,
                    json!({"partner_id": id, "category": format!("category-{c:02}"), "period": year.to_string(),
                        "total_quantity": total.to_string(), "unit": "EA",
                        "source": source, "target_share_bp": 4000}),
                );
            }
        }
        let reports = 8;
        let per_report = LINES_PER_PARTNER / reports;
        for q in 0..reports {
            let (year, quarter) = (2024 + q / 4, q % 4);
            let start = format!("{year}-{:02}-01", quarter * 3 + 1);
            let end = ["03-31", "06-30", "09-30", "12-31"][quarter];
            let lines: Vec<Value> = (0..per_report)
                .map(|l| {
                    let product = &self.catalogue[(k * 11 + l) % PRODUCTS].0;
                    let units = (k * 13 + q * 7 + l * 3) % 400 + 1;
                    json!({"product_id": product, "location_gln": gln(k * 2 + l / PRODUCTS),
                        "units_sold": units.to_string(), "value_minor": units * 1_999,
                        "stock_on_hand": ((units * 3 + l) % 900).to_string()})
                })
                .collect();
            s.post(
                "/api/v1/sell-out-reports",
                admin,
                json!({"partner_id": id, "period_start": start, "period_end": format!("{year}-{end}"),
                    "currency": "CNY", "reference": format!("BENCH-{k}-{q}"), "lines": lines}),
            );
        }
        id
    }
}
