//! What one sequential client feels: most ERP integrations call one request at a time over one
//! keep-alive connection, so their cost is each request's latency, not the service's
//! throughput. A staff buyer places 20-line purchase orders with a manufacturer whose own user
//! answers them; each workload runs on one connection with a real token.

use awc::http::Method;
use serde_json::{json, Value};

use crate::dataset::{Dataset, Setup};
use crate::driver::{scenario, Scenario};

/// The workloads' names, in the order [`SingleClient::workloads`] answers them.
pub const WORKLOADS: [&str; 5] = [
    "single client: create a 20-line purchase order",
    "single client: submit + the supplier's response (the pair)",
    "single client: read one 20-line order",
    "single client: supplier's first page of 20 orders",
    "single client: supplier's first page of 20 orders, view=summary",
];

/// The buyer, the supplier and an order to read.
pub struct SingleClient {
    buyer: String,
    supplier_user: String,
    supplier: String,
    order_id: String,
    lines: Vec<Value>,
}

impl SingleClient {
    pub fn new(s: &Setup, admin: &str, data: &Dataset) -> SingleClient {
        let supplier = s.post(
            "/api/v1/partners",
            admin,
            json!({"name": "Bench supplier", "roles": ["manufacturer"], "status": "active"}),
        )["id"]
            .as_str()
            .expect("supplier id")
            .to_string();
        let buyer = s.person(admin, "bench-po-buyer@example.com", "buyer", None);
        let supplier_user = s.person(
            admin,
            "bench-supplier@example.com",
            "partner_user",
            Some(&supplier),
        );
        let lines = (0..20)
            .map(|l| json!({"product_id": data.catalogue[l * 9].0, "quantity": (l + 1).to_string(), "unit_price_minor": 800 + l * 10}))
            .collect();
        let mut single = SingleClient {
            buyer,
            supplier_user,
            supplier,
            order_id: String::new(),
            lines,
        };
        single.order_id = s.post("/api/v1/orders", &single.buyer, single.order(true))["id"]
            .as_str()
            .expect("order id")
            .to_string();
        single
    }

    fn order(&self, submit: bool) -> Value {
        json!({"direction": "purchase", "counterparty_id": self.supplier, "currency": "CNY",
            "submit": submit, "lines": self.lines})
    }

    /// The workloads in the order they run: the supplier's list comes last, when the orders
    /// placed before it fill its first page.
    pub fn workloads(&self) -> Vec<(&'static str, Scenario)> {
        let create = {
            let (order, buyer) = (self.order(true), self.buyer.clone());
            scenario(move |api, _| {
                let (order, buyer) = (order.clone(), buyer.clone());
                async move {
                    api.send(Method::POST, "/api/v1/orders", Some(&buyer), Some(&order))
                        .await
                        .map(|_| 1)
                }
            })
        };
        let submit_and_answer = {
            let (draft, buyer) = (self.order(false), self.buyer.clone());
            let supplier = self.supplier_user.clone();
            scenario(move |api, _| {
                let (draft, buyer, supplier) = (draft.clone(), buyer.clone(), supplier.clone());
                async move {
                    let placed = api.post("/api/v1/orders", &buyer, &draft).await?;
                    let path = format!("/api/v1/orders/{}", placed["id"].as_str().unwrap_or(""));
                    api.start_clock();
                    api.send(Method::POST, &format!("{path}/submit"), Some(&buyer), None)
                        .await?;
                    let answer = json!({"response_code": "accepted"});
                    api.send(
                        Method::POST,
                        &format!("{path}/response"),
                        Some(&supplier),
                        Some(&answer),
                    )
                    .await?;
                    Ok(3)
                }
            })
        };
        let get = |path: String, token: &str| {
            let token = token.to_string();
            scenario(move |api, _| {
                let (path, token) = (path.clone(), token.clone());
                async move { api.get(&path, &token).await.map(|_| 1) }
            })
        };
        let scenarios = [
            create,
            submit_and_answer,
            get(format!("/api/v1/orders/{}", self.order_id), &self.buyer),
            get("/api/v1/orders?limit=20".into(), &self.supplier_user),
            get(
                "/api/v1/orders?limit=20&view=summary".into(),
                &self.supplier_user,
            ),
        ];
        WORKLOADS.into_iter().zip(scenarios).collect()
    }
}
