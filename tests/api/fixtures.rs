//! Builders for what many tests need before they can say what they are about: an order taken to
//! a stage by the parties who would take each step.

use serde_json::{json, Value};

use crate::helpers::TestApp;

/// How far an order is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Created as the order body says (`"submit": true` or a draft).
    Placed,
    /// Accepted by the seller as ordered.
    Accepted,
    /// Despatched in full (unless the despatch lines are given).
    Despatched,
    /// Received in full against that despatch (unless the receipt lines are given).
    Received,
}

/// An order and the documents that took it to its stage.
pub struct WalkedOrder {
    pub id: String,
    pub despatch_id: Option<String>,
}

/// An order walked through its life: the buyer side places and receives, the seller side
/// responds and despatches (for a purchase order the buyer is our staff and the seller the
/// supplier; for a sales order, the other way round).
pub struct OrderWalk<'a> {
    app: &'a TestApp,
    buyer: &'a str,
    seller: &'a str,
    order: Value,
    response: Value,
    despatch: Value,
    receipt: Value,
}

impl<'a> OrderWalk<'a> {
    /// `order` is the create body as a client would send it.
    pub fn new(app: &'a TestApp, buyer: &'a str, seller: &'a str, order: Value) -> Self {
        OrderWalk {
            app,
            buyer,
            seller,
            order,
            response: json!({"response_code": "accepted"}),
            despatch: json!({}),
            receipt: json!({}),
        }
    }

    /// Fields for the order response besides `"response_code": "accepted"` (`issue_date`).
    pub fn response(mut self, fields: Value) -> Self {
        if let (Some(r), Some(f)) = (self.response.as_object_mut(), fields.as_object()) {
            r.extend(f.clone());
        }
        self
    }

    /// Fields for the despatch advice (`despatch_date`, or `lines` instead of all in full).
    pub fn despatch(mut self, fields: Value) -> Self {
        self.despatch = fields;
        self
    }

    /// Fields for the goods receipt (`received_date`, or `lines` instead of all in full).
    pub fn receipt(mut self, fields: Value) -> Self {
        self.receipt = fields;
        self
    }

    /// Every line of the order in full, as `quantity_field` says it.
    fn in_full(&self, quantity_field: &str) -> Value {
        let lines = self.order["lines"].as_array().cloned().unwrap_or_default();
        Value::Array(
            lines
                .iter()
                .enumerate()
                .map(|(i, l)| json!({"line_number": i + 1, quantity_field: l["quantity"]}))
                .collect(),
        )
    }

    /// Takes the order to `stage`, failing the test at the first step that is refused.
    pub async fn to(self, stage: Stage) -> WalkedOrder {
        let app = self.app;
        let id = app
            .post("/api/v1/orders", self.buyer, self.order.clone())
            .await
            .expect(201)
            .id();
        let path = format!("/api/v1/orders/{id}");
        let mut despatch_id = None;
        if stage >= Stage::Accepted {
            app.post(
                &format!("{path}/response"),
                self.seller,
                self.response.clone(),
            )
            .await
            .expect(200);
        }
        if stage >= Stage::Despatched {
            let body = with_default_lines(self.despatch.clone(), self.in_full("quantity"));
            let d = app
                .post(&format!("{path}/despatch-advices"), self.seller, body)
                .await
                .expect(201)
                .id();
            despatch_id = Some(d);
        }
        if stage >= Stage::Received {
            let mut body =
                with_default_lines(self.receipt.clone(), self.in_full("received_quantity"));
            body["despatch_advice_id"] = json!(despatch_id);
            app.post(&format!("{path}/receipts"), self.buyer, body)
                .await
                .expect(201);
        }
        WalkedOrder { id, despatch_id }
    }
}

fn with_default_lines(mut fields: Value, lines: Value) -> Value {
    if fields.get("lines").is_none() {
        fields["lines"] = lines;
    }
    fields
}
