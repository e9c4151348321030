//! Specification buying and quality, walked as M&S would: a spec drafted, suppliers approved and
//! quoting against target cost, QA inspections passing and failing, a non-conformance put right,
//! a return traced back to the supplier that made the item.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::fixtures::{OrderWalk, Stage};
use crate::helpers::*;

fn requirements() -> Value {
    json!([
        {"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23", "max": "0.27", "unit": "MMT", "critical": true},
        {"code": "GLOSS", "attribute": "Print gloss", "min": "80", "unit": "P1"}
    ])
}

fn spec_body(product: &str) -> Value {
    json!({"product_id": product, "title": "Own-label insect killer 600 ml",
           "version": {"currency": "GBP", "target_retail_price_minor": 999, "target_margin_bp": 4000, "requirements": requirements()}})
}

async fn partner_since(
    app: &TestApp,
    admin: &str,
    name: &str,
    roles: &[&str],
    since: &str,
) -> String {
    app.post(
        "/api/v1/partners",
        admin,
        json!({"name": name, "roles": roles, "status": "active", "relationship_since": since}),
    )
    .await
    .expect(201)
    .id()
}

#[actix_web::test]
async fn a_product_goes_from_spec_to_shelf_and_back() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let buyer = app.user("buyer", None).await;
    let dewhirst = partner_since(&app, &admin, "Dewhirst", &["manufacturer"], "1925-03-01").await;
    let younger = partner_since(&app, &admin, "Canmakers", &["manufacturer"], "1990-06-01").await;
    let outsider = partner_since(&app, &admin, "Outsider", &["manufacturer"], "2020-01-01").await;
    let distributor = app.partner("Wholesale Ltd", &["distributor"]).await;
    let a = app.user("partner_user", Some(&dewhirst)).await;
    let b = app.user("partner_admin", Some(&younger)).await;
    let c = app.user("partner_user", Some(&outsider)).await;
    let product = app
        .post("/api/v1/products", &admin, json!({"sku": "OWN-INS-600", "name": "Insect killer", "category": "insecticides", "brand_type": "own", "base_unit": "EA"}))
        .await
        .expect(201)
        .id();
    let year = chrono::Utc::now().format("%Y").to_string();

    // The buyer writes the standard first; cost follows from the price the customer accepts.
    let created = app
        .post("/api/v1/specifications", &buyer, spec_body(&product))
        .await
        .expect(201);
    let spec = created.body["specification"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        created.body["specification"]["number"],
        format!("SPEC-{year}-000001")
    );
    assert_eq!(created.body["version"]["status"], "draft");
    assert_eq!(created.body["version"]["target_cost_minor"], 599);
    let base = format!("/api/v1/specifications/{spec}");
    let v1 = format!("{base}/versions/1");
    let r = app
        .call(
            Method::PATCH,
            &v1,
            Some(&buyer),
            Some(json!({"target_retail_price_minor": 1099})),
            &[("If-Match", "\"1\"")],
        )
        .await
        .expect(200);
    assert_eq!(r.body["target_cost_minor"], 659);
    app.patch(&v1, &buyer, json!({"target_margin_bp": 10001}))
        .await
        .expect_problem(422, "validation_failed", Some("target_margin_bp"));

    // Approved manufacturers only.
    for s in [&dewhirst, &younger] {
        app.post(
            &format!("{base}/suppliers"),
            &buyer,
            json!({"partner_id": s}),
        )
        .await
        .expect(201);
    }
    app.post(
        &format!("{base}/suppliers"),
        &buyer,
        json!({"partner_id": distributor}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("partner_id"));
    app.post(
        &format!("{base}/suppliers"),
        &buyer,
        json!({"partner_id": dewhirst}),
    )
    .await
    .expect_problem(409, "duplicate", Some("partner_id"));
    let mine = app.get(&format!("{base}/suppliers"), &a).await.expect(200);
    assert_eq!(
        mine.body["items"].as_array().unwrap().len(),
        1,
        "a supplier does not see its rivals"
    );
    let all = app
        .get(&format!("{base}/suppliers"), &buyer)
        .await
        .expect(200);
    assert_eq!(all.body["items"][0]["name"], "Canmakers");
    assert!(all.body["items"][1]["tenure_years"].as_u64().unwrap() >= 101);

    // Suppliers see the spec but not its draft; an unapproved one sees nothing at all.
    let seen = app.get(&base, &a).await.expect(200);
    assert_eq!(seen.body["versions"], json!([]));
    app.get(&v1, &a)
        .await
        .expect_problem(404, "not_found", None);
    app.get(&base, &c)
        .await
        .expect_problem(404, "not_found", None);
    let none = app.get("/api/v1/specifications", &c).await.expect(200);
    assert_eq!(none.body["items"].as_array().unwrap().len(), 0);
    app.post(
        &format!("{base}/quotes"),
        &a,
        json!({"unit_cost_minor": 700, "currency": "GBP"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("version_number"));

    // Issued: no more edits; quotes come in against target cost.
    app.call(
        Method::POST,
        &format!("{v1}/issue"),
        Some(&buyer),
        None,
        &[],
    )
    .await
    .expect(200);
    let frozen = app
        .patch(&v1, &buyer, json!({"notes": "late change"}))
        .await
        .expect_problem(409, "illegal_transition", None);
    assert_eq!(frozen.body["current_status"], "issued");
    let qa = app
        .post(
            &format!("{base}/quotes"),
            &a,
            json!({"unit_cost_minor": 700, "currency": "GBP", "lead_time_days": 42}),
        )
        .await
        .expect(201);
    assert_eq!(
        (
            qa.body["gap_minor"].as_i64(),
            qa.body["within_target"].as_bool()
        ),
        (Some(41), Some(false))
    );
    let qb = app
        .post(
            &format!("{base}/quotes"),
            &b,
            json!({"unit_cost_minor": 650, "currency": "GBP"}),
        )
        .await
        .expect(201);
    assert_eq!(qb.body["within_target"], true);
    app.post(
        &format!("{base}/quotes"),
        &a,
        json!({"unit_cost_minor": 600, "currency": "EUR"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("currency"));
    app.post(
        &format!("{base}/quotes"),
        &c,
        json!({"unit_cost_minor": 500, "currency": "GBP"}),
    )
    .await
    .expect_problem(404, "not_found", None);
    app.post(
        &format!("{base}/quotes"),
        &buyer,
        json!({"unit_cost_minor": 500, "currency": "GBP"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("supplier_id"));
    app.post(
        &format!("{base}/quotes"),
        &buyer,
        json!({"unit_cost_minor": 500, "currency": "GBP", "supplier_id": outsider}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("supplier_id"));
    let side_by_side = app
        .get(&format!("{base}/quotes?limit=1"), &buyer)
        .await
        .expect(200);
    assert_eq!(side_by_side.body["items"][0]["unit_cost_minor"], 650);
    let cursor = side_by_side.body["next_cursor"].as_str().unwrap();
    let next = app
        .get(&format!("{base}/quotes?limit=1&cursor={cursor}"), &buyer)
        .await
        .expect(200);
    assert_eq!(next.body["items"][0]["unit_cost_minor"], 700);
    assert!(next.body["next_cursor"].is_null());
    let own = app.get(&format!("{base}/quotes"), &a).await.expect(200);
    assert_eq!(own.body["items"].as_array().unwrap().len(), 1);

    app.call(
        Method::POST,
        &format!("{v1}/approve"),
        Some(&buyer),
        None,
        &[],
    )
    .await
    .expect(200);
    let s = app.get(&base, &a).await.expect(200);
    assert_eq!(s.body["approved_version"], 1);

    // QA: one lot passes (a non-critical deviation noted), one fails on a critical requirement.
    let ins = format!("{base}/inspections");
    let pass = app
        .post(&ins, &buyer, json!({"supplier_id": younger, "kind": "sample", "measurements": [{"code": "WALL-THK", "value": "0.25"}, {"code": "GLOSS", "value": 70}]}))
        .await
        .expect(201);
    assert_eq!(pass.body["verdict"], "pass");
    assert_eq!(pass.body["results"][1]["in_tolerance"], false);
    assert!(pass.body["non_conformance_id"].is_null());
    let fail = app
        .post(&ins, &buyer, json!({"supplier_id": dewhirst, "kind": "lot", "lot_reference": "L-47", "measurements": [{"code": "WALL-THK", "value": "0.29"}]}))
        .await
        .expect(201);
    assert_eq!(fail.body["verdict"], "fail");
    assert_eq!(fail.body["failed_critical"], json!(["WALL-THK"]));
    let nc = fail.body["non_conformance_id"]
        .as_str()
        .unwrap()
        .to_string();
    app.post(&ins, &buyer, json!({"supplier_id": dewhirst, "kind": "lot", "measurements": [{"code": "WALL-THK", "value": "0.25"}, {"code": "COLOUR", "value": "1"}]}))
        .await
        .expect_problem(422, "validation_failed", Some("measurements[1].code"));
    app.post(&ins, &buyer, json!({"supplier_id": dewhirst, "kind": "lot", "measurements": [{"code": "GLOSS", "value": "90"}]}))
        .await
        .expect_problem(422, "validation_failed", Some("measurements"));
    app.post(&ins, &a, json!({"supplier_id": dewhirst, "kind": "lot", "measurements": [{"code": "WALL-THK", "value": "0.25"}]}))
        .await
        .expect_problem(403, "forbidden", None);
    let theirs = app.get(&ins, &a).await.expect(200);
    assert_eq!(
        theirs.body["items"].as_array().unwrap().len(),
        1,
        "a supplier sees its own inspections"
    );
    let failed = app
        .get(&format!("{ins}?verdict=fail"), &buyer)
        .await
        .expect(200);
    assert_eq!(failed.body["items"].as_array().unwrap().len(), 1);

    // The non-conformance: the supplier proposes, QA sends it back, then verifies and closes.
    let ncp = format!("/api/v1/non-conformances/{nc}");
    let n = app.get(&ncp, &a).await.expect(200);
    assert_eq!(n.body["status"], "open");
    assert!(n.body["description"]
        .as_str()
        .unwrap()
        .contains("WALL-THK 0.29 outside 0.23..0.27"));
    app.get(&ncp, &b)
        .await
        .expect_problem(404, "not_found", None);
    app.post(&format!("{ncp}/propose-action"), &a, json!({}))
        .await
        .expect_problem(422, "validation_failed", Some("text"));
    app.post(
        &format!("{ncp}/propose-action"),
        &a,
        json!({"text": "New die"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("{ncp}/reject-action"),
        &buyer,
        json!({"text": "Measure every lot too"}),
    )
    .await
    .expect(200);
    let again = app
        .post(
            &format!("{ncp}/propose-action"),
            &a,
            json!({"text": "New die; every lot measured"}),
        )
        .await
        .expect(200);
    assert!(again.body["rejection_reason"].is_null());
    app.post(&format!("{ncp}/close"), &buyer, json!({}))
        .await
        .expect_problem(409, "illegal_transition", None);
    app.post(&format!("{ncp}/verify"), &a, json!({}))
        .await
        .expect_problem(403, "forbidden", None);
    app.post(&format!("{ncp}/verify"), &buyer, json!({}))
        .await
        .expect(200);
    let closed = app
        .post(&format!("{ncp}/close"), &buyer, json!({}))
        .await
        .expect(200);
    assert_eq!(closed.body["status"], "closed");
    assert_eq!(closed.body["allowed_actions"], json!([]));
    let late = app
        .post("/api/v1/non-conformances", &buyer, json!({"supplier_id": younger, "spec_id": spec, "description": "Valves sticking", "due_date": "2026-01-01"}))
        .await
        .expect(201);
    let overdue = app
        .get("/api/v1/non-conformances?overdue=true", &buyer)
        .await
        .expect(200);
    let ids: Vec<&str> = overdue.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![late.id().as_str()]);
    assert_eq!(overdue.body["items"][0]["overdue"], true);

    // A redesign: version 2 supersedes version 1 on approval; the history stays readable.
    let mut v2body = spec_body(&product)["version"].clone();
    v2body["target_retail_price_minor"] = json!(1199);
    app.post(&format!("{base}/versions"), &buyer, v2body.clone())
        .await
        .expect(201);
    app.post(&format!("{base}/versions"), &buyer, v2body)
        .await
        .expect_problem(409, "version_in_progress", None);
    app.call(
        Method::POST,
        &format!("{base}/versions/2/issue"),
        Some(&buyer),
        None,
        &[],
    )
    .await
    .expect(200);
    app.call(
        Method::POST,
        &format!("{base}/versions/2/approve"),
        Some(&buyer),
        None,
        &[],
    )
    .await
    .expect(200);
    let history = app.get(&format!("{base}/versions"), &a).await.expect(200);
    let statuses: Vec<&str> = history.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["superseded", "approved"]);

    // Goods from Dewhirst come in on a purchase order, and one comes back.
    let order = json!({"direction": "purchase", "counterparty_id": dewhirst, "currency": "GBP", "submit": true,
        "lines": [{"product_id": product, "quantity": "100", "unit_price_minor": 650, "specification_ref": format!("{spec}/2")}]});
    OrderWalk::new(&app, &buyer, &a, order)
        .to(Stage::Received)
        .await;
    let cs = app.user("account_manager", None).await;
    app.post(
        "/api/v1/returns",
        &cs,
        json!({"product_id": product, "quantity": "1", "resolution": "refund"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("supplier_id"));
    app.post("/api/v1/returns", &cs, json!({"product_id": product, "quantity": "1", "resolution": "refund", "supplier_id": outsider}))
        .await
        .expect_problem(422, "validation_failed", Some("supplier_id"));
    let ret = app
        .post("/api/v1/returns", &cs, json!({"product_id": product, "quantity": "1", "resolution": "exchange", "supplier_id": dewhirst}))
        .await
        .expect(201);
    assert_eq!(ret.body["spec_id"], spec.as_str());
    assert_eq!(ret.body["spec_version_number"], 2);
    assert!(ret.body["reason"].is_null());
    let theirs = app.get("/api/v1/returns", &a).await.expect(200);
    assert_eq!(theirs.body["items"].as_array().unwrap().len(), 1);
    let not_theirs = app.get("/api/v1/returns", &b).await.expect(200);
    assert_eq!(not_theirs.body["items"].as_array().unwrap().len(), 0);
    app.post(
        "/api/v1/returns",
        &a,
        json!({"product_id": product, "quantity": "1", "resolution": "refund"}),
    )
    .await
    .expect_problem(403, "forbidden", None);

    let today = chrono::Utc::now().date_naive();
    let period = format!("from={}&to={}", today - chrono::Duration::days(30), today);
    let rates = app
        .get(&format!("/api/v1/return-rates?{period}"), &buyer)
        .await
        .expect(200);
    let top = &rates.body["items"][0];
    assert_eq!(top["key"], dewhirst.as_str());
    assert_eq!(
        (
            top["returned_quantity"].as_str(),
            top["supplied_quantity"].as_str()
        ),
        (Some("1"), Some("100"))
    );
    assert_eq!(top["return_rate_bp"], 100);
    let by_product = app
        .get(&format!("/api/v1/return-rates?{period}&by=product"), &buyer)
        .await
        .expect(200);
    assert_eq!(by_product.body["items"][0]["key"], product.as_str());
    app.get(&format!("/api/v1/return-rates?{period}"), &a)
        .await
        .expect_problem(403, "forbidden", None);
    app.get("/api/v1/return-rates?from=2026-02-01&to=2026-01-01", &buyer)
        .await
        .expect_problem(422, "validation_failed", Some("to"));
    app.get("/api/v1/return-rates", &buyer)
        .await
        .expect_problem(400, "invalid_query", None);

    // Tenure cohorts, as the case counts them.
    let tenure = app.get("/api/v1/supplier-tenure", &buyer).await.expect(200);
    let counts: Vec<u64> = tenure.body["cohorts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["manufacturers"].as_u64().unwrap())
        .collect();
    assert_eq!(counts, vec![1, 1, 2]);
    let old = app
        .get(
            "/api/v1/partners?role=manufacturer&min_tenure_years=100",
            &buyer,
        )
        .await
        .expect(200);
    assert_eq!(old.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(old.body["items"][0]["name"], "Dewhirst");
    app.get("/api/v1/supplier-tenure", &a)
        .await
        .expect_problem(403, "forbidden", None);
    app.get("/api/v1/supplier-tenure?thresholds=abc", &buyer)
        .await
        .expect_problem(400, "invalid_query", Some("thresholds"));

    // Everything above left its trail in the change feed.
    let feed = app
        .get("/api/v1/events?limit=500", &admin)
        .await
        .expect(200);
    let types: Vec<&str> = feed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    for t in [
        "specification.created",
        "specification.version_approved",
        "specification.version_superseded",
        "quote.submitted",
        "inspection.recorded",
        "non_conformance.opened",
        "non_conformance.closed",
        "return.recorded",
    ] {
        assert!(types.contains(&t), "{t} missing");
    }
}

#[actix_web::test]
async fn bad_specifications_are_refused_whole() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let buyer = app.user("buyer", None).await;
    let product = app
        .post("/api/v1/products", &admin, json!({"sku": "P", "name": "P", "category": "c", "brand_type": "own", "base_unit": "EA"}))
        .await
        .expect(201)
        .id();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut b = spec_body(&product);
        f(&mut b);
        b
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            with(&|b| b["version"]["requirements"][0]["min"] = json!("0.3")),
            "version.requirements[0].min",
        ),
        (
            with(&|b| b["version"]["requirements"][0]["target"] = json!("0.5")),
            "version.requirements[0].target",
        ),
        (
            with(&|b| b["version"]["requirements"][1]["code"] = json!("WALL-THK")),
            "version.requirements[1].code",
        ),
        (
            with(&|b| b["version"]["requirements"][1]["unit"] = json!("furlong")),
            "version.requirements[1].unit",
        ),
        (
            with(&|b| b["version"]["requirements"][1]["min"] = json!("1.1234567")),
            "version.requirements[1].min",
        ),
        (
            with(&|b| b["version"]["requirements"] = json!([])),
            "version.requirements",
        ),
        (
            with(&|b| b["version"]["target_margin_bp"] = json!(10001)),
            "version.target_margin_bp",
        ),
        (
            with(&|b| b["version"]["target_margin_bp"] = json!(-1)),
            "version.target_margin_bp",
        ),
        (
            with(&|b| b["version"]["target_retail_price_minor"] = json!(-5)),
            "version.target_retail_price_minor",
        ),
        (
            with(&|b| b["version"]["currency"] = json!("GBX")),
            "version.currency",
        ),
        (
            with(&|b| b["product_id"] = json!("0193a1b2-0000-7000-8000-000000000099")),
            "product_id",
        ),
        (with(&|b| b["title"] = json!(" ")), "title"),
    ];
    for (body, field) in cases {
        app.post("/api/v1/specifications", &buyer, body)
            .await
            .expect_problem(422, "validation_failed", Some(field));
    }
    let analyst = app.user("analyst", None).await;
    app.post("/api/v1/specifications", &analyst, spec_body(&product))
        .await
        .expect_problem(403, "forbidden", None);
    let none = app.get("/api/v1/specifications", &buyer).await.expect(200);
    assert_eq!(none.body["items"].as_array().unwrap().len(), 0);
    let feed = app
        .get("/api/v1/events?entity_type=specification", &admin)
        .await
        .expect(200);
    assert_eq!(feed.body["items"].as_array().unwrap().len(), 0);
    app.get("/api/v1/specifications/x/versions/1", &buyer)
        .await
        .expect_problem(400, "invalid_id", Some("id"));
    app.get(
        &format!("/api/v1/specifications/{product}/versions/zero"),
        &buyer,
    )
    .await
    .expect_problem(400, "invalid_id", Some("number"));
}

/// The request examples Swagger UI pre-fills work once real ids are put in their place.
#[actix_web::test]
async fn documented_spec_examples_work_with_real_ids() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let doc: Value = serde_json::from_str(&prm::openapi::document_json()).unwrap();
    let example = |name: &str| doc["components"]["schemas"][name]["example"].clone();
    let supplier = app.partner("Maker", &["manufacturer"]).await;
    let product = app
        .post("/api/v1/products", &admin, json!({"sku": "P", "name": "P", "category": "c", "brand_type": "own", "base_unit": "EA"}))
        .await
        .expect(201)
        .id();
    let mut s = example("NewSpecificationRequest");
    s["product_id"] = json!(product);
    let spec = app
        .post("/api/v1/specifications", &admin, s)
        .await
        .expect(201);
    let base = format!(
        "/api/v1/specifications/{}",
        spec.body["specification"]["id"].as_str().unwrap()
    );
    app.patch(
        &format!("{base}/versions/1"),
        &admin,
        example("VersionPatch"),
    )
    .await
    .expect(200);
    let mut a = example("ApproveSupplierRequest");
    a["partner_id"] = json!(supplier);
    app.post(&format!("{base}/suppliers"), &admin, a)
        .await
        .expect(201);
    app.call(
        Method::POST,
        &format!("{base}/versions/1/issue"),
        Some(&admin),
        None,
        &[],
    )
    .await
    .expect(200);
    let mut q = example("NewQuoteRequest");
    q["supplier_id"] = json!(supplier);
    app.post(&format!("{base}/quotes"), &admin, q)
        .await
        .expect(201);
    let mut i = example("NewInspectionRequest");
    i["supplier_id"] = json!(supplier);
    app.post(&format!("{base}/inspections"), &admin, i)
        .await
        .expect(201);
    let mut n = example("NewNonConformanceRequest");
    n["supplier_id"] = json!(supplier);
    let nc = app
        .post("/api/v1/non-conformances", &admin, n)
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/non-conformances/{}/propose-action", nc.id()),
        &admin,
        example("NonConformanceStep"),
    )
    .await
    .expect(200);
    app.call(
        Method::POST,
        &format!("{base}/versions/1/approve"),
        Some(&admin),
        None,
        &[],
    )
    .await
    .expect(200);
    app.post(
        &format!("{base}/versions"),
        &admin,
        example("VersionRequest"),
    )
    .await
    .expect(201);
    let mut r = example("NewReturnRequest");
    r["product_id"] = json!(product);
    let ret = app.post("/api/v1/returns", &admin, r).await.expect(201);
    assert_eq!(
        ret.body["supplier_id"],
        supplier.as_str(),
        "the only approved supplier is traced"
    );
}
