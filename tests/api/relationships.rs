//! Relationship management as procurement and key-account staff use it: a supplier's scorecard
//! built from a year of real documents and checked figure by figure; customers evaluated
//! against the tier ladder (the COFCO case: past 30% share a customer is a partner); tier
//! changes under four eyes; development plans with overdue actions.

use actix_web::http::Method;
use serde_json::{json, Value};

use crate::fixtures::{OrderWalk, Stage};
use crate::helpers::*;

async fn ok(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.post(path, token, body).await;
    assert!(r.status.is_success(), "{path}: {}", r.text);
    r.body
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// A purchase order of 100 units from the maker issued `issued`, wanted by `wanted`; accepted,
/// despatched (`sent` units on `despatched`) and received on `received` when given.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request the handler was given"
)]
async fn purchase(
    app: &TestApp,
    admin: &str,
    maker: &str,
    maker_user: &str,
    product: &str,
    (issued, wanted): (&str, &str),
    despatch: Option<(&str, &str)>,
    received: Option<&str>,
) -> String {
    let order = json!({"direction": "purchase", "counterparty_id": maker,
        "currency": "EUR", "issue_date": issued, "requested_delivery_date": wanted, "submit": true,
        "lines": [{"product_id": product, "quantity": "100", "unit_price_minor": 500}]});
    let walk = OrderWalk::new(app, admin, maker_user, order);
    let Some((sent, despatched)) = despatch else {
        return walk.to(Stage::Placed).await.id;
    };
    let mut line = json!({"line_number": 1, "quantity": sent});
    if sent != "100" {
        line["outstanding_reason"] = json!("rest later");
    }
    let walk = walk.despatch(json!({"despatch_date": despatched, "lines": [line]}));
    match received {
        Some(day) => {
            walk.receipt(json!({"received_date": day,
                "lines": [{"line_number": 1, "received_quantity": sent}]}))
                .to(Stage::Received)
                .await
                .id
        }
        None => walk.to(Stage::Despatched).await.id,
    }
}

fn requirements() -> Value {
    json!([{"code": "WALL-THK", "attribute": "Wall thickness", "target": "0.25", "min": "0.23",
        "max": "0.27", "unit": "MMT", "critical": true}])
}

#[actix_web::test]
async fn a_suppliers_scorecard_is_computed_from_its_documents() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let maker = app.partner("MC Packaging", &["manufacturer"]).await;
    let rival = app.partner("Other Cans", &["manufacturer"]).await;
    let maker_user = app.user("partner_user", Some(&maker)).await;
    let rival_user = app.user("partner_user", Some(&rival)).await;
    let can = id(&ok(
        &app,
        &admin,
        "/api/v1/products",
        json!({"sku": "CAN-600", "name": "Aerosol can",
        "category": "cans", "brand_type": "own", "base_unit": "EA"}),
    )
    .await);

    // On time, late, half delivered on time, and one still waiting for an answer.
    let a = purchase(
        &app,
        &admin,
        &maker,
        &maker_user,
        &can,
        ("2026-03-01", "2026-03-10"),
        Some(("100", "2026-03-08")),
        Some("2026-03-09"),
    )
    .await;
    let b = purchase(
        &app,
        &admin,
        &maker,
        &maker_user,
        &can,
        ("2026-03-01", "2026-03-20"),
        Some(("100", "2026-03-22")),
        Some("2026-03-25"),
    )
    .await;
    purchase(
        &app,
        &admin,
        &maker,
        &maker_user,
        &can,
        ("2026-04-01", "2026-04-10"),
        Some(("50", "2026-04-05")),
        Some("2026-04-08"),
    )
    .await;
    purchase(
        &app,
        &admin,
        &maker,
        &maker_user,
        &can,
        ("2026-05-01", "2026-05-10"),
        None,
        None,
    )
    .await;
    // One invoice matches, one asks a higher price than agreed.
    let invoice = |order: &str, price: i64| {
        json!({"order_id": order, "currency": "EUR",
        "lines": [{"line_number": 1, "quantity": "100", "unit_price_minor": price}]})
    };
    assert_eq!(
        ok(&app, &maker_user, "/api/v1/invoices", invoice(&a, 500)).await["match_status"],
        "matched"
    );
    assert_eq!(
        ok(&app, &maker_user, "/api/v1/invoices", invoice(&b, 600)).await["match_status"],
        "exception"
    );
    // Two inspections, one failed (which opens a non-conformance); two units returned.
    let spec = ok(&app, &admin, "/api/v1/specifications", json!({"product_id": can, "title": "Can",
        "version": {"currency": "EUR", "target_retail_price_minor": 999, "target_margin_bp": 4000, "requirements": requirements()}})).await;
    let spec = spec["specification"]["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/specifications/{spec}");
    ok(
        &app,
        &admin,
        &format!("{base}/suppliers"),
        json!({"partner_id": maker}),
    )
    .await;
    ok(&app, &admin, &format!("{base}/versions/1/issue"), json!({})).await;
    ok(
        &app,
        &admin,
        &format!("{base}/versions/1/approve"),
        json!({}),
    )
    .await;
    for value in ["0.25", "0.31"] {
        ok(
            &app,
            &admin,
            &format!("{base}/inspections"),
            json!({"supplier_id": maker, "kind": "lot",
            "measurements": [{"code": "WALL-THK", "value": value}]}),
        )
        .await;
    }
    ok(
        &app,
        &admin,
        "/api/v1/returns",
        json!({"product_id": can, "quantity": "2", "resolution": "refund", "supplier_id": maker}),
    )
    .await;

    let path = format!("/api/v1/partners/{maker}/scorecard?from=2026-01-01");
    let card = app.get(&path, &admin).await.expect(200).body;
    assert_eq!(card["side"], "supplier");
    // Lines: a on time, b late, c on time → 2 of 3.
    let otd = &card["on_time_delivery"];
    assert_eq!(
        (otd["on_time"].as_i64(), otd["late"].as_i64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        (otd["rate_bp"].as_i64(), otd["score"].as_i64()),
        (Some(6667), Some(67))
    );
    // 100 + 100 + 50 + 0 received of 4 × 100 ordered = 62.5% → 63.
    let fill = &card["fill_rate"];
    assert_eq!(
        (fill["ordered"].as_str(), fill["received"].as_str()),
        (Some("400"), Some("250"))
    );
    assert_eq!(
        (fill["rate_bp"].as_i64(), fill["score"].as_i64()),
        (Some(6250), Some(63))
    );
    // Inspections 1 of 2 passed; 2 returned of 250 kept (0.8%); one open non-conformance:
    // min(50%, 99.2%) = 50 points − 5 = 45.
    let q = &card["quality"];
    assert_eq!(
        (q["passed"].as_i64(), q["failed"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(q["return_rate_bp"], 80);
    assert_eq!(q["open_non_conformances"], 1);
    assert_eq!(q["score"], 45);
    // Three answered within the test (a day or less: 100), one awaiting.
    let r = &card["responsiveness"];
    assert_eq!(
        (
            r["responded"].as_i64(),
            r["awaiting"].as_i64(),
            r["score"].as_i64()
        ),
        (Some(3), Some(1), Some(100))
    );
    let inv = &card["invoice_accuracy"];
    assert_eq!(
        (
            inv["matched"].as_i64(),
            inv["exceptions"].as_i64(),
            inv["score"].as_i64()
        ),
        (Some(1), Some(1), Some(50))
    );
    // 67×30 + 63×25 + 45×20 + 100×15 + 50×10 = 6485 → 64.85 → 65.
    assert_eq!(card["score"], 65);

    // The supplier sees its own; nobody else's.
    assert_eq!(
        app.get(&path, &maker_user).await.expect(200).body["score"],
        65
    );
    app.get(&path, &rival_user)
        .await
        .expect_problem(404, "not_found", None);
    let rival_path = format!("/api/v1/partners/{rival}/scorecard");
    app.get(&rival_path, &maker_user)
        .await
        .expect_problem(404, "not_found", None);

    // Weights: only admins set them, and they must sum to 100.
    let w = app
        .get("/api/v1/scorecard-weights", &maker_user)
        .await
        .expect(200);
    assert_eq!(w.body["weights"]["on_time_delivery"], 30);
    let put = |token: String, weights: Value| {
        let app = &app;
        async move {
            app.call(
                Method::PUT,
                "/api/v1/scorecard-weights",
                Some(&token),
                Some(weights),
                &[],
            )
            .await
        }
    };
    let wrong = json!({"on_time_delivery": 40, "fill_rate": 25, "quality": 20, "responsiveness": 15, "invoice_accuracy": 10});
    put(admin.clone(), wrong)
        .await
        .expect_problem(422, "validation_failed", Some("weights"));
    let new = json!({"on_time_delivery": 40, "fill_rate": 20, "quality": 20, "responsiveness": 10, "invoice_accuracy": 10});
    let am = app.user("account_manager", None).await;
    put(am.clone(), new.clone())
        .await
        .expect_problem(403, "forbidden", None);
    assert_eq!(put(admin.clone(), new).await.expect(200).body["version"], 2);
    // 67×40 + 63×20 + 45×20 + 100×10 + 50×10 = 6340 → 63.
    assert_eq!(app.get(&path, &admin).await.expect(200).body["score"], 63);
}

/// A customer with a user, relationship since 2020, a wallet estimate of 10,000 cans for this
/// year and `delivered` cans received this year.
async fn customer(
    app: &TestApp,
    admin: &str,
    am: &str,
    name: &str,
    can: &str,
    delivered: &str,
) -> (String, String) {
    let c = id(&ok(
        app,
        admin,
        "/api/v1/partners",
        json!({"name": name, "roles": ["key_account"],
        "status": "active", "relationship_since": "2020-01-01"}),
    )
    .await);
    let user = app.user("partner_user", Some(&c)).await;
    let year = chrono::Utc::now().date_naive().format("%Y").to_string();
    ok(
        app,
        am,
        "/api/v1/wallet-estimates",
        json!({"partner_id": c, "category": "cans", "period": year,
        "total_quantity": "10000", "unit": "EA", "source": "survey"}),
    )
    .await;
    let order = json!({"direction": "sales", "counterparty_id": c, "currency": "CNY",
        "issue_date": format!("{year}-01-02"), "submit": true,
        "lines": [{"product_id": can, "quantity": delivered, "unit_price_minor": 100}]});
    OrderWalk::new(app, &user, am, order)
        .despatch(json!({"despatch_date": format!("{year}-01-03")}))
        .receipt(json!({"received_date": format!("{year}-01-04")}))
        .to(Stage::Received)
        .await;
    (c, user)
}

fn ladder() -> Value {
    json!({"currency": "CNY", "tiers": [
        {"code": "vendor", "criteria": {}, "benefits": {"payment_terms_days": 30, "discount_bp": 0, "service_level": "standard"}},
        {"code": "preferred_supplier", "criteria": {"min_tenure_years": 1}, "benefits": {"payment_terms_days": 45, "discount_bp": 100, "service_level": "priority"}},
        {"code": "partner", "criteria": {"min_share_bp": 3000, "min_tenure_years": 2}, "benefits": {"payment_terms_days": 75, "discount_bp": 250, "service_level": "key account team"}},
        {"code": "strategic_partner", "criteria": {"min_share_bp": 5000, "min_tenure_years": 5}, "benefits": {"payment_terms_days": 90, "discount_bp": 300, "service_level": "joint planning"}}
    ]})
}

#[actix_web::test]
async fn customers_are_evaluated_against_the_ladder_and_moved_under_four_eyes() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let am = app.user("account_manager", None).await;
    let can = id(&ok(
        &app,
        &admin,
        "/api/v1/products",
        json!({"sku": "CAN-600", "name": "Aerosol can",
        "category": "cans", "brand_type": "national", "base_unit": "EA"}),
    )
    .await);
    // The COFCO figures: 38% at one brand owner, 29% at another.
    let (strong, strong_user) = customer(&app, &admin, &am, "Brand A", &can, "3800").await;
    let (short, _) = customer(&app, &admin, &am, "Brand B", &can, "2900").await;

    // The ladder is versioned, admin-only, and must rise.
    let put = |token: String, body: Value| {
        let app = &app;
        async move {
            app.call(Method::PUT, "/api/v1/tiers", Some(&token), Some(body), &[])
                .await
        }
    };
    let mut falling = ladder();
    falling["tiers"][3]["criteria"]["min_share_bp"] = json!(2000);
    put(admin.clone(), falling).await.expect_problem(
        422,
        "validation_failed",
        Some("tiers[3].criteria.min_share_bp"),
    );
    put(am.clone(), ladder())
        .await
        .expect_problem(403, "forbidden", None);
    assert_eq!(
        put(admin.clone(), ladder()).await.expect(200).body["version"],
        2
    );
    let first = app.get("/api/v1/tiers?version=1", &am).await.expect(200);
    assert_eq!(first.body["currency"], "EUR");
    app.get("/api/v1/tiers", &strong_user)
        .await
        .expect_problem(403, "forbidden", None);

    let e = app
        .get(&format!("/api/v1/partners/{strong}/tier-evaluation"), &am)
        .await
        .expect(200)
        .body;
    assert_eq!(e["figures"]["share_bp"], 3800);
    assert!(e["figures"]["tenure_years"].as_i64().unwrap() >= 6);
    assert_eq!(e["current_tier"], "vendor");
    assert_eq!(e["recommended_tier"], "partner");
    let strategic = &e["tiers"][3];
    assert_eq!(strategic["met"], false);
    let e = app
        .get(&format!("/api/v1/partners/{short}/tier-evaluation"), &am)
        .await
        .expect(200)
        .body;
    assert_eq!(e["recommended_tier"], "preferred_supplier");
    let share = e["tiers"][2]["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "min_share_bp")
        .unwrap()
        .clone();
    assert_eq!(share["met"], false);
    assert_eq!(share["actual"], 2900);
    assert_eq!(share["note"], "2900 is short of 3000 by 100");
    let all = app
        .get("/api/v1/tier-evaluations", &admin)
        .await
        .expect(200)
        .body;
    let listed: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["partner_id"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&strong.as_str()) && listed.contains(&short.as_str()));
    // The partner sees its tier and benefits, not the evaluation.
    app.get(
        &format!("/api/v1/partners/{strong}/tier-evaluation"),
        &strong_user,
    )
    .await
    .expect_problem(403, "forbidden", None);
    let t = app
        .get(&format!("/api/v1/partners/{strong}/tier"), &strong_user)
        .await
        .expect(200)
        .body;
    assert_eq!(t["tier"], "vendor");
    app.get(&format!("/api/v1/partners/{short}/tier"), &strong_user)
        .await
        .expect_problem(404, "not_found", None);

    // Four eyes: the proposer cannot approve; another staff member can.
    let changes = format!("/api/v1/partners/{strong}/tier-changes");
    app.post(
        &changes,
        &am,
        json!({"to_tier": "partner", "reason": "   ", "effective_from": "2026-07-01"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("reason"));
    let c = ok(
        &app,
        &am,
        &changes,
        json!({"to_tier": "partner", "reason": "Share passed 38% (COFCO review)",
        "effective_from": "2026-07-01"}),
    )
    .await;
    assert_eq!(
        (c["status"].as_str(), c["from_tier"].as_str()),
        (Some("proposed"), Some("vendor"))
    );
    let approve = format!("{changes}/{}/approve", id(&c));
    app.post(&approve, &am, json!({}))
        .await
        .expect_problem(409, "four_eyes", None);
    app.post(&approve, &strong_user, json!({}))
        .await
        .expect_problem(403, "forbidden", None);
    let c = ok(&app, &admin, &approve, json!({"note": "Checked"})).await;
    assert_eq!(c["status"], "approved");
    app.post(&approve, &admin, json!({}))
        .await
        .expect_problem(409, "illegal_transition", None);
    // In force from its date, with the benefits of the ladder then in force (version 1 in July,
    // version 2 since today).
    let on = |day: &str| format!("/api/v1/partners/{strong}/tier?on={day}");
    assert_eq!(
        app.get(&on("2026-06-30"), &am).await.expect(200).body["tier"],
        "vendor"
    );
    let july = app
        .get(&on("2026-07-01"), &strong_user)
        .await
        .expect(200)
        .body;
    assert_eq!(
        (july["tier"].as_str(), july["ladder_version"].as_i64()),
        (Some("partner"), Some(1))
    );
    assert_eq!(july["benefits"]["payment_terms_days"], 60);
    let now = app
        .get(&format!("/api/v1/partners/{strong}/tier"), &strong_user)
        .await
        .expect(200)
        .body;
    assert_eq!(
        (
            now["ladder_version"].as_i64(),
            now["benefits"]["payment_terms_days"].as_i64()
        ),
        (Some(2), Some(75))
    );
    let e = app
        .get(&format!("/api/v1/partners/{strong}/tier-evaluation"), &am)
        .await
        .expect(200)
        .body;
    assert_eq!(
        (e["current_tier"].as_str(), e["differs"].as_bool()),
        (Some("partner"), Some(false))
    );
    // A rejected proposal stays in the history.
    let r = ok(
        &app,
        &admin,
        &changes,
        json!({"to_tier": "strategic_partner", "reason": "Ask", "effective_from": "2027-01-01"}),
    )
    .await;
    ok(
        &app,
        &am,
        &format!("{changes}/{}/reject", id(&r)),
        json!({"note": "Share under 50%"}),
    )
    .await;
    let history = app.get(&changes, &admin).await.expect(200).body;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
}

#[actix_web::test]
async fn development_plans_track_actions_and_list_the_overdue() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let account = app.partner("Brand A", &["key_account"]).await;
    let account_user = app.user("partner_user", Some(&account)).await;
    let am_email = format!("am-{}@example.com", uuid::Uuid::now_v7().simple());
    let owner = id(&ok(
        &app,
        &admin,
        "/api/v1/users",
        json!({"email": am_email, "name": "Li Na",
        "role": "account_manager", "password": PASSWORD}),
    )
    .await);
    let am = app.login(&am_email, PASSWORD).await.expect(200).body["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let plans = format!("/api/v1/partners/{account}/plans");
    let plan = |actions: Value| {
        json!({"title": "Brand A to partner", "goals": ["Share from 28% to 40%"],
        "target_tier": "partner", "target_share_bp": 4000, "status": "active", "owner_id": owner, "actions": actions})
    };

    // An action needs an owner (a staff user) and a due date.
    app.post(
        &plans,
        &am,
        plan(json!([{"description": "Review", "due_date": "2026-01-15"}])),
    )
    .await
    .expect(422);
    app.post(
        &plans,
        &am,
        plan(json!([{"description": "Review", "owner_id": owner}])),
    )
    .await
    .expect(422);
    let partner_user_id = app.get("/api/v1/me", &account_user).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.post(&plans, &am, plan(json!([{"description": "Review", "owner_id": partner_user_id, "due_date": "2026-01-15"}])))
        .await
        .expect_problem(422, "validation_failed", Some("actions[0].owner_id"));
    app.post(&plans, &account_user, plan(json!([])))
        .await
        .expect_problem(403, "forbidden", None);

    let p = ok(&app, &am, &plans, plan(json!([
        {"description": "Quarterly business review", "owner_id": owner, "due_date": "2026-01-15"},
        {"description": "Joint forecast", "owner_id": owner, "due_date": "2035-01-15"}
    ]))).await;
    assert_eq!(p["actions"][1]["number"], 2);
    assert_eq!(p["actions"][0]["status"], "open");
    let overdue = app
        .get("/api/v1/plan-actions?overdue=true", &admin)
        .await
        .expect(200)
        .body;
    let overdue = &overdue["items"];
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    assert_eq!(overdue[0]["description"], "Quarterly business review");
    assert_eq!(overdue[0]["overdue"], true);
    assert_eq!(overdue[0]["partner_id"], account.as_str());
    let mine = app
        .get(&format!("/api/v1/plan-actions?owner_id={owner}"), &admin)
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2);
    // One at a time, soonest due first: the cursor resumes after the last one seen.
    let first = app
        .get(
            &format!("/api/v1/plan-actions?owner_id={owner}&limit=1"),
            &admin,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        first["items"][0]["description"],
        "Quarterly business review"
    );
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let second = app
        .get(
            &format!("/api/v1/plan-actions?owner_id={owner}&limit=1&cursor={cursor}"),
            &admin,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(second["items"][0]["description"], "Joint forecast");
    assert!(second["next_cursor"].is_null());
    // Another list's cursor (an id list's) is refused, naming it.
    app.get(
        "/api/v1/plan-actions?cursor=djE6MDE5M2ExYjItMDAwMC03MDAwLTgwMDAtMDAwMDAwMDAwMGYx",
        &admin,
    )
    .await
    .expect_problem(400, "invalid_cursor", Some("cursor"));

    // Done: no longer overdue.
    let path = format!("{plans}/{}", id(&p));
    let mut actions = p["actions"].clone();
    actions[0]["status"] = json!("done");
    let p = app
        .patch(&path, &am, json!({"actions": actions}))
        .await
        .expect(200)
        .body;
    assert_eq!(p["version"], 2);
    let overdue = app
        .get("/api/v1/plan-actions?overdue=true", &admin)
        .await
        .expect(200)
        .body;
    assert_eq!(overdue["items"], json!([]));
    app.get(&path, &account_user)
        .await
        .expect_problem(403, "forbidden", None);
    let listed = app.get(&plans, &admin).await.expect(200).body;
    assert_eq!(listed["items"][0]["actions"].as_array().unwrap().len(), 2);
}

/// An admin's token, a manufacturer, one of its users and a product it makes.
async fn maker_with_a_can(app: &TestApp) -> (String, String, String, String) {
    let admin = app.admin_token().await;
    let maker = app.partner("MC Packaging", &["manufacturer"]).await;
    let maker_user = app.user("partner_user", Some(&maker)).await;
    let can = id(&ok(
        app,
        &admin,
        "/api/v1/products",
        json!({"sku": "CAN-600", "name": "Aerosol can",
        "category": "cans", "brand_type": "own", "base_unit": "EA"}),
    )
    .await);
    (admin, maker, maker_user, can)
}

/// Units we reject at goods receipt count against the supplier's quality, beside its
/// inspections: 60 received with 5 rejected is 55 accepted, a 91.67% acceptance rate.
#[actix_web::test]
async fn units_rejected_at_goods_receipt_count_against_the_supplier() {
    let app = spawn().await;
    let (admin, maker, maker_user, can) = maker_with_a_can(&app).await;
    let order = json!({"direction": "purchase", "counterparty_id": maker,
        "currency": "EUR", "issue_date": "2026-03-01", "requested_delivery_date": "2026-03-10",
        "submit": true, "lines": [{"product_id": can, "quantity": "60", "unit_price_minor": 500}]});
    OrderWalk::new(&app, &admin, &maker_user, order)
        .despatch(json!({"despatch_date": "2026-03-08"}))
        .receipt(json!({"received_date": "2026-03-09", "lines": [{"line_number": 1,
            "received_quantity": "60", "rejected_quantity": "5", "discrepancy_reason": "damaged"}]}))
        .to(Stage::Received)
        .await;
    let path = format!("/api/v1/partners/{maker}/scorecard?from=2026-01-01");
    let q = app.get(&path, &admin).await.expect(200).body["quality"].clone();
    assert_eq!(
        (q["accepted"].as_str(), q["rejected"].as_str()),
        (Some("55"), Some("5"))
    );
    assert_eq!(q["acceptance_rate_bp"], 9167);
    assert_eq!(q["pass_rate_bp"], Value::Null, "no inspections");
    assert_eq!(q["score"], 92);
}

/// On-time delivery is measured against the date the supplier confirmed in its order response
/// (and says how many lines were), not the date we first asked for.
#[actix_web::test]
async fn on_time_is_measured_against_the_date_the_supplier_confirmed() {
    let app = spawn().await;
    let (admin, maker, maker_user, can) = maker_with_a_can(&app).await;
    let order = ok(
        &app,
        &admin,
        "/api/v1/orders",
        json!({"direction": "purchase",
        "counterparty_id": maker, "currency": "EUR", "issue_date": "2026-03-01",
        "requested_delivery_date": "2026-03-10", "submit": true,
        "lines": [{"product_id": can, "quantity": "100", "unit_price_minor": 500}]}),
    )
    .await;
    let path = format!("/api/v1/orders/{}", id(&order));
    // Half on the 12th, half on the 20th, as the supplier confirmed.
    ok(&app, &maker_user, &format!("{path}/response"), json!({
        "response_code": "accepted_with_changes", "lines": [
            {"line_number": 1, "status": "changed", "quantity": "50", "delivery_date": "2026-03-12"},
            {"line_number": 1, "status": "changed", "quantity": "50", "delivery_date": "2026-03-20"}]}))
    .await;
    // The first half on the 12th (on time, though after the 10th asked for); the second on the
    // 22nd (late against the 20th).
    for (day, quantity, rest) in [
        ("2026-03-12", "50", Some("second delivery on the 20th")),
        ("2026-03-22", "50", None),
    ] {
        let d = ok(
            &app,
            &maker_user,
            &format!("{path}/despatch-advices"),
            json!({"despatch_date": day, "lines": [
                {"line_number": 1, "quantity": quantity, "outstanding_reason": rest}]}),
        )
        .await;
        ok(
            &app,
            &admin,
            &format!("{path}/receipts"),
            json!({
            "despatch_advice_id": id(&d), "received_date": day,
            "lines": [{"line_number": 1, "received_quantity": quantity}]}),
        )
        .await;
    }
    let card = app
        .get(
            &format!("/api/v1/partners/{maker}/scorecard?from=2026-01-01"),
            &admin,
        )
        .await
        .expect(200)
        .body;
    let otd = &card["on_time_delivery"];
    assert_eq!(
        (
            otd["on_time"].as_i64(),
            otd["late"].as_i64(),
            otd["against_confirmed_date"].as_i64()
        ),
        (Some(1), Some(1), Some(2)),
        "{otd}"
    );
}
