//! PEPPOL BIS documents as another representation of the order exchange: posted as XML, placed
//! through the JSON API's own checks, kept byte for byte. Written against the repository's own
//! fixtures (`tests/fixtures/ubl`).

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::helpers::*;

/// The repository's own T01: Harbour Hotels (0088:5690000000015) orders linen from Nordic
/// Linen Mill (0192:987654325), two lines, 1657.50 EUR.
fn t01() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ubl/order-t01.xml"
    ))
    .expect("the T01 fixture")
}

/// A T01 as prm reads it: the JSON body and the parties' endpoints.
fn read_t01(xml: &str) -> (serde_json::Value, String, String) {
    let order: prm::ubl::model::syntax::Order = quick_xml::de::from_str(xml).expect("a T01");
    let read = prm::ubl::model::order::read_order(&order).expect("no breach");
    let id = |p: prm::participants::ParticipantId| format!("{}:{}", p.scheme, p.id);
    (read.body, id(read.buyer_endpoint), id(read.seller_endpoint))
}

/// The repository's own T76: the mill answers HL-4711, line 1 accepted, line 2 changed.
fn t76() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ubl/order-response-t76.xml"
    ))
    .expect("the T76 fixture")
}

/// A T76 as prm reads it.
fn read_t76(xml: &str) -> prm::ubl::model::response::ReadResponse {
    let response: prm::ubl::model::syntax::OrderResponse =
        quick_xml::de::from_str(xml).expect("a T76");
    prm::ubl::model::response::read_response(&response).expect("no breach")
}

const MILL: (&str, &str) = ("0192", "987654325");
const HOTELS: (&str, &str) = ("0088", "5690000000015");

/// Sets our company's endpoint.
async fn we_are(app: &TestApp, admin: &str, endpoint: (&str, &str)) {
    app.put(
        "/api/v1/company",
        admin,
        json!({"legal_name": "Us", "country": "NO",
               "endpoint": {"scheme": endpoint.0, "id": endpoint.1}}),
    )
    .await
    .expect(200);
}

/// A partner with this endpoint.
async fn partner_at(
    app: &TestApp,
    admin: &str,
    name: &str,
    role: &str,
    at: (&str, &str),
) -> String {
    let id = app.partner(name, &[role]).await;
    app.patch(
        &format!("/api/v1/partners/{id}"),
        admin,
        json!({"endpoint": {"scheme": at.0, "id": at.1}, "country": "SE"}),
    )
    .await
    .expect(200);
    id
}

/// The two catalogue products the fixture names: the towel by our SKU (the seller's item id)
/// and the pillow cases by GTIN only.
async fn linen(app: &TestApp, admin: &str) -> (String, String) {
    let product = |sku: &str, gtin: &str, unit: &str| {
        json!({"sku": sku, "gtin": gtin, "name": sku, "category": "linen",
               "brand_type": "national", "base_unit": unit})
    };
    let towel = app
        .post(
            "/api/v1/products",
            admin,
            product("NLM-BT-70", "4006381333931", "H87"),
        )
        .await
        .expect(201)
        .id();
    let cases = app
        .post(
            "/api/v1/products",
            admin,
            product("NLM-PC-10", "8722700575887", "XBX"),
        )
        .await
        .expect(201)
        .id();
    (towel, cases)
}

#[actix_web::test]
async fn a_customers_t01_order_becomes_a_sales_order_kept_byte_for_byte() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    we_are(&app, &admin, MILL).await;
    let hotels = partner_at(&app, &admin, "Harbour Hotels", "key_account", HOTELS).await;
    let (towel, cases) = linen(&app, &admin).await;
    let customer = app.user("partner_user", Some(&hotels)).await;
    let xml = t01();

    let placed = app
        .post_xml("/api/v1/orders", &customer, &xml)
        .await
        .expect(201);
    let order = &placed.body;
    let id = placed.id();
    assert_eq!(
        placed.header("location").as_deref(),
        Some(format!("/api/v1/orders/{id}").as_str())
    );
    assert_eq!(order["direction"], "sales");
    assert_eq!(order["counterparty_id"], hotels);
    assert_eq!(order["status"], "submitted");
    assert_eq!(order["buyer_order_number"], "HL-4711");
    assert_eq!(order["profile"], "ordering");
    assert_eq!(order["currency"], "EUR");
    assert_eq!(order["total_minor"], 165750);
    assert_eq!(order["buyer_reference"], "CC-LINEN");
    assert_eq!(order["delivery_location"]["id"]["id"], "05690000000015");
    assert_eq!(order["requested_delivery_period"]["end_date"], "2026-12-16");
    let lines = order["lines"].as_array().unwrap();
    assert_eq!(lines[0]["product_id"], towel, "matched by our SKU");
    assert_eq!(lines[0]["line_amount_minor"], 108000);
    assert_eq!(lines[0]["note"], "White only");
    assert_eq!(lines[1]["product_id"], cases, "matched by GTIN-14");
    assert_eq!(lines[1]["unit"], "XBX");

    // Read back as a T01, it carries every BIS term prm holds as it came in.
    let written = app
        .call(
            actix_web::http::Method::GET,
            &format!("/api/v1/orders/{id}"),
            Some(&customer),
            None,
            &[("Accept", "application/xml")],
        )
        .await
        .expect(200);
    assert!(written
        .header("content-type")
        .is_some_and(|c| c.starts_with("application/xml")));
    assert_eq!(read_t01(&written.text), read_t01(&xml), "{}", written.text);

    // Sent again (an access point retrying): the same order, not a second one.
    let again = app
        .post_xml("/api/v1/orders", &customer, &xml)
        .await
        .expect(200);
    assert_eq!(again.id(), id);
    // The same number with other content is a conflict.
    let other = xml.replace("White only", "Blue only");
    app.post_xml("/api/v1/orders", &customer, &other)
        .await
        .expect_problem(409, "duplicate", Some("buyer_order_number"));

    // The document is kept as it came, once.
    let kept = app
        .get(
            &format!("/api/v1/orders/{id}/received-documents"),
            &customer,
        )
        .await
        .expect(200);
    let items = kept.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", kept.text);
    let sha = hex::encode(Sha256::digest(xml.as_bytes()));
    assert_eq!(items[0]["sha256"], sha);
    assert_eq!(items[0]["transaction"], "T01");
    assert_eq!(items[0]["document_number"], "HL-4711");
    assert_eq!(items[0]["size_bytes"], xml.len());
    assert_eq!(items[0]["created"], format!("/api/v1/orders/{id}"));
    let doc = items[0]["id"].as_str().unwrap();
    let original = app
        .get(
            &format!("/api/v1/orders/{id}/received-documents/{doc}"),
            &customer,
        )
        .await
        .expect(200);
    assert_eq!(original.text, xml);
    assert_eq!(
        original.header("content-type").as_deref(),
        Some("application/xml")
    );
    assert!(original
        .header("repr-digest")
        .is_some_and(|d| d.starts_with("sha-256=:") && d.ends_with(':')));
    // Another partner sees neither the order nor its documents.
    let stranger = app.partner("Stranger Hotels", &["key_account"]).await;
    let stranger = app.user("partner_user", Some(&stranger)).await;
    app.get(
        &format!("/api/v1/orders/{id}/received-documents"),
        &stranger,
    )
    .await
    .expect_problem(404, "not_found", None);
    app.get(
        &format!("/api/v1/orders/{id}/received-documents/{doc}"),
        &stranger,
    )
    .await
    .expect_problem(404, "not_found", None);
}

#[actix_web::test]
async fn our_erps_t01_order_becomes_a_purchase_order_with_free_text_lines() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    // Here we are the hotels, buying from the mill; nothing in our catalogue matches.
    we_are(&app, &admin, HOTELS).await;
    let mill = partner_at(&app, &admin, "Nordic Linen Mill", "manufacturer", MILL).await;
    let erp = app
        .client_token(&["orders:read", "orders:write"], None)
        .await;
    let placed = app
        .post_xml("/api/v1/orders", &erp, &t01())
        .await
        .expect(201);
    assert_eq!(placed.body["direction"], "purchase");
    assert_eq!(placed.body["counterparty_id"], mill);
    let lines = placed.body["lines"].as_array().unwrap();
    assert!(lines[0]["product_id"].is_null());
    assert_eq!(lines[0]["item"]["name"], "Bath towel");
    assert_eq!(lines[0]["item"]["sellers_item_id"], "NLM-BT-70");
    assert_eq!(lines[1]["item"]["standard_item_id"]["id"], "08722700575887");
    assert_eq!(placed.body["total_minor"], 165750);
    // An order with a partner that has no endpoint cannot be written as a PEPPOL document.
    let plain = app.partner("No Endpoint Mill", &["manufacturer"]).await;
    let order = app
        .post(
            "/api/v1/orders",
            &admin,
            json!({"direction": "purchase", "counterparty_id": plain, "currency": "EUR",
                   "lines": [{"item": {"name": "Sheets"}, "unit": "H87", "quantity": "4", "unit_price_minor": 1000}]}),
        )
        .await
        .expect(201)
        .id();
    app.call(
        actix_web::http::Method::GET,
        &format!("/api/v1/orders/{order}"),
        Some(&admin),
        None,
        &[("Accept", "application/xml")],
    )
    .await
    .expect_problem(409, "reference_missing", Some("partner.endpoint"));
    // JSON stays the default, and the answer to anyone who prefers it.
    let json_first = app
        .call(
            actix_web::http::Method::GET,
            &format!("/api/v1/orders/{order}"),
            Some(&admin),
            None,
            &[("Accept", "application/json, application/xml;q=0.5")],
        )
        .await
        .expect(200);
    assert_eq!(json_first.body["id"], order);
}

#[actix_web::test]
async fn a_document_not_for_us_or_from_a_stranger_is_refused_naming_the_endpoint() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    // No company endpoint yet.
    let seller = "/Order/cac:SellerSupplierParty/cac:Party/cbc:EndpointID";
    let buyer = "/Order/cac:BuyerCustomerParty/cac:Party/cbc:EndpointID";
    let r = app
        .post_xml("/api/v1/orders", &admin, &t01())
        .await
        .expect_problem(422, "validation_failed", Some(seller));
    assert!(r.text.contains("PUT /api/v1/company"), "{}", r.text);
    // Addressed to someone else.
    we_are(&app, &admin, ("0088", "7300010000001")).await;
    app.post_xml("/api/v1/orders", &admin, &t01())
        .await
        .expect_problem(422, "validation_failed", Some(seller));
    // Ours, from a buyer we do not know.
    we_are(&app, &admin, MILL).await;
    let r = app
        .post_xml("/api/v1/orders", &admin, &t01())
        .await
        .expect_problem(422, "validation_failed", Some(buyer));
    assert!(r.text.contains("0088:5690000000015"), "{}", r.text);
    // Known, but another partner's user cannot place the customer's order.
    let hotels = partner_at(&app, &admin, "Harbour Hotels", "key_account", HOTELS).await;
    let other = app.partner("Other Hotels", &["key_account"]).await;
    let other = app.user("partner_user", Some(&other)).await;
    let r = app.post_xml("/api/v1/orders", &other, &t01()).await;
    assert_eq!(r.status.as_u16(), 403, "{}", r.text);
    let own = app.user("partner_user", Some(&hotels)).await;
    app.post_xml("/api/v1/orders", &own, &t01())
        .await
        .expect(201);
}

#[actix_web::test]
async fn bad_xml_is_a_clear_4xx_and_a_broken_rule_carries_its_peppol_id() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    we_are(&app, &admin, MILL).await;
    partner_at(&app, &admin, "Harbour Hotels", "key_account", HOTELS).await;
    let xml = t01();
    let malformed = |r: Resp| r.expect_problem(400, "malformed_xml", Some("body"));
    malformed(
        app.post_xml("/api/v1/orders", &admin, "<Order><cbc:ID>")
            .await,
    );
    malformed(
        app.post_xml("/api/v1/orders", &admin, "not xml at all")
            .await,
    );
    let doctype = xml.replacen(
        "<Order ",
        "<!DOCTYPE Order [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Order ",
        1,
    );
    let r = malformed(app.post_xml("/api/v1/orders", &admin, &doctype).await);
    assert!(r.text.contains("DOCTYPE"), "{}", r.text);
    let wrong_root = xml.replace(
        "urn:oasis:names:specification:ubl:schema:xsd:Order-2",
        "urn:example:not-ubl",
    );
    malformed(app.post_xml("/api/v1/orders", &admin, &wrong_root).await);
    let mut deep =
        String::from("<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\">");
    deep.push_str(&"<a>".repeat(100));
    deep.push_str(&"</a>".repeat(100));
    deep.push_str("</Order>");
    malformed(app.post_xml("/api/v1/orders", &admin, &deep).await);
    let latin1 = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Order>\xe5</Order>";
    let r = app
        .send(
            actix_web::test::TestRequest::post()
                .uri("/api/v1/orders")
                .insert_header(("Authorization", format!("Bearer {admin}")))
                .insert_header(("Content-Type", "application/xml"))
                .set_payload(latin1.to_vec()),
        )
        .await;
    malformed(r);
    // Another media type than JSON or XML.
    let r = app
        .send(
            actix_web::test::TestRequest::post()
                .uri("/api/v1/orders")
                .insert_header(("Authorization", format!("Bearer {admin}")))
                .insert_header(("Content-Type", "text/plain"))
                .set_payload(xml.clone()),
        )
        .await;
    r.expect_problem(415, "unsupported_media_type", None);
    // A line amount that is not quantity × price: PEPPOL-T01-R024, with the element's path.
    let wrong = xml.replace(
        "<cbc:LineExtensionAmount currencyID=\"EUR\">1080.00",
        "<cbc:LineExtensionAmount currencyID=\"EUR\">1080.01",
    );
    let r = app
        .post_xml("/api/v1/orders", &admin, &wrong)
        .await
        .expect_problem(
            422,
            "validation_failed",
            Some("/Order/cac:OrderLine[1]/cac:LineItem/cbc:LineExtensionAmount"),
        );
    let rules: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["rule"].as_str())
        .collect();
    assert!(rules.contains(&"PEPPOL-T01-R024"), "{}", r.text);
    // Nothing of a refused document was kept.
    let listed = app.get("/api/v1/orders", &admin).await.expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn a_suppliers_t76_answers_our_purchase_order_and_reads_back_the_same() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    we_are(&app, &admin, HOTELS).await;
    let mill = partner_at(&app, &admin, "Nordic Linen Mill", "manufacturer", MILL).await;
    let placed = app
        .post_xml("/api/v1/orders", &admin, &t01())
        .await
        .expect(201);
    let id = placed.id();
    let supplier = app.user("partner_user", Some(&mill)).await;
    let xml = t76();
    let path = format!("/api/v1/orders/{id}/response");

    // Seeded errors first: each refused with its rule and path, nothing written.
    let wrong_order = xml.replace("<cbc:ID>HL-4711</cbc:ID>", "<cbc:ID>HL-9999</cbc:ID>");
    app.post_xml(&path, &supplier, &wrong_order)
        .await
        .expect_problem(
            422,
            "validation_failed",
            Some("/OrderResponse/cac:OrderReference/cbc:ID"),
        );
    let bad_code = xml.replace(
        "<cbc:OrderResponseCode>CA</cbc:OrderResponseCode>",
        "<cbc:OrderResponseCode>XX</cbc:OrderResponseCode>",
    );
    let r = app
        .post_xml(&path, &supplier, &bad_code)
        .await
        .expect_problem(
            422,
            "validation_failed",
            Some("/OrderResponse/cbc:OrderResponseCode"),
        );
    assert!(r.text.contains("PEPPOL-T76-CODELIST"), "{}", r.text);
    let no_reference = xml.replace("<cbc:LineID>2</cbc:LineID>", "");
    app.post_xml(&path, &supplier, &no_reference)
        .await
        .expect_problem(
            422,
            "validation_failed",
            Some("/OrderResponse/cac:OrderLine[2]/cac:OrderLineReference/cbc:LineID"),
        );
    let order_xml = t01();
    app.post_xml(&path, &supplier, &order_xml)
        .await
        .expect_problem(400, "malformed_xml", Some("body"));
    // The buyer is not the one to answer.
    app.post_xml(&path, &admin, &xml).await.expect(403);

    let answered = app.post_xml(&path, &supplier, &xml).await.expect(200);
    assert_eq!(
        answered.body["status"], "accepted_with_changes",
        "{}",
        answered.text
    );
    let lines = answered.body["lines"].as_array().unwrap();
    assert_eq!(lines[0]["status"], "accepted");
    assert_eq!(lines[1]["status"], "changed");
    assert_eq!(lines[1]["confirmed_quantity"], "12");
    assert_eq!(lines[1]["unit_price_minor"], 3900);
    let stored = app
        .get(&format!("/api/v1/orders/{id}/responses/1"), &admin)
        .await
        .expect(200);
    assert_eq!(stored.body["response_number"], "NLM-R-88");
    assert_eq!(stored.body["note"], "Pillow cases short this month");
    assert_eq!(stored.body["lines"][1]["note"], "Only 12 boxes in stock");

    // Read back as a T76: the same code, note, order reference and lines.
    let written = app
        .call(
            actix_web::http::Method::GET,
            &format!("/api/v1/orders/{id}/responses/1"),
            Some(&admin),
            None,
            &[("Accept", "application/xml")],
        )
        .await
        .expect(200);
    assert_eq!(read_t76(&written.text), read_t76(&xml), "{}", written.text);

    // Both documents are kept: the order and the response, each beside what it created.
    let kept = app
        .get(
            &format!("/api/v1/orders/{id}/received-documents"),
            &supplier,
        )
        .await
        .expect(200);
    let transactions: Vec<&str> = kept.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["transaction"].as_str().unwrap())
        .collect();
    assert_eq!(transactions, ["T01", "T76"]);
    assert_eq!(
        kept.body["items"][1]["created"],
        format!("/api/v1/orders/{id}/responses/1")
    );
}

/// The OpenPEPPOL poacc-upgrade-3 examples, read from `PRM_PEPPOL_DIR` or `../shared` (never
/// copied). Absent, the test says so and passes, unless `PRM_PEPPOL_EXAMPLES=required` (CI
/// sets it when it finds them).
fn peppol_example(folder: &str, file: &str) -> Option<String> {
    let root = std::env::var("PRM_PEPPOL_DIR").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/peppol/poacc-upgrade-3"
        )
        .into()
    });
    let path = std::path::Path::new(&root)
        .join("rules/examples")
        .join(folder)
        .join(file);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            assert!(
                std::env::var("PRM_PEPPOL_EXAMPLES").as_deref() != Ok("required"),
                "{}: {e}",
                path.display()
            );
            println!("skipped: {} is absent ({e})", path.display());
            None
        }
    }
}

/// Where the poacc-upgrade-3 folder is: `PRM_PEPPOL_DIR`, else beside the repository.
fn peppol_dir() -> std::path::PathBuf {
    std::env::var("PRM_PEPPOL_DIR")
        .unwrap_or_else(|_| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/peppol/poacc-upgrade-3"
            )
            .into()
        })
        .into()
}

/// Names `endpoint` as the `EndpointID` of the party in `role`. The examples are not
/// consistent about who is who (UC2's order and UC1's response name one endpoint for both
/// parties; the responses name the orders' parties the other way round), so each is read
/// between the same two parties: the hospital buying, the supplier selling.
fn set_endpoint(xml: &str, role: &str, endpoint: &str) -> String {
    let party = xml.find(&format!("<cac:{role}>")).expect("the party");
    let start = party + xml[party..].find("<cbc:EndpointID").expect("its endpoint");
    let end =
        start + xml[start..].find("</cbc:EndpointID>").expect("closed") + "</cbc:EndpointID>".len();
    format!("{}{endpoint}{}", &xml[..start], &xml[end..])
}

#[actix_web::test]
async fn the_peppol_example_orders_and_responses_go_in_and_come_out_alike() {
    const HOSPITAL: &str = r#"<cbc:EndpointID schemeID="0088">7300010000001</cbc:EndpointID>"#;
    const SUPPLIER: &str = r#"<cbc:EndpointID schemeID="0192">987654325</cbc:EndpointID>"#;
    for uc in ["UC1", "UC2"] {
        let Some(order) = peppol_example("Order use cases", &format!("{uc}_Order.xml")) else {
            return;
        };
        let Some(response) = peppol_example(
            "Order-response use cases",
            &format!("{uc}_Order_response.xml"),
        ) else {
            return;
        };
        let order = set_endpoint(&order, "BuyerCustomerParty", HOSPITAL);
        let order = set_endpoint(&order, "SellerSupplierParty", SUPPLIER);
        let response = set_endpoint(&response, "BuyerCustomerParty", HOSPITAL);
        let response = set_endpoint(&response, "SellerSupplierParty", SUPPLIER);
        // The order as the hospital's ERP hands it to us: a purchase order, once.
        let app = spawn().await;
        let admin = app.admin_token().await;
        we_are(&app, &admin, ("0088", "7300010000001")).await;
        let supplier = partner_at(
            &app,
            &admin,
            "The Supplier AB",
            "manufacturer",
            ("0192", "987654325"),
        )
        .await;
        let placed = app
            .post_xml("/api/v1/orders", &admin, &order)
            .await
            .expect(201);
        let id = placed.id();
        assert_eq!(placed.body["direction"], "purchase", "{uc}");
        let again = app
            .post_xml("/api/v1/orders", &admin, &order)
            .await
            .expect(200);
        assert_eq!(again.id(), id, "{uc}");
        let written = app
            .call(
                actix_web::http::Method::GET,
                &format!("/api/v1/orders/{id}"),
                Some(&admin),
                None,
                &[("Accept", "application/xml")],
            )
            .await
            .expect(200);
        assert_eq!(
            read_t01(&written.text),
            read_t01(&order),
            "{uc}: {}",
            written.text
        );
        // The supplier's response to it, read back as it came on the terms prm holds.
        let supplier = app.user("partner_user", Some(&supplier)).await;
        app.post_xml(
            &format!("/api/v1/orders/{id}/response"),
            &supplier,
            &response,
        )
        .await
        .expect(200);
        let written = app
            .call(
                actix_web::http::Method::GET,
                &format!("/api/v1/orders/{id}/responses/1"),
                Some(&admin),
                None,
                &[("Accept", "application/xml")],
            )
            .await
            .expect(200);
        assert_eq!(
            read_t76(&written.text),
            read_t76(&response),
            "{uc}: {}",
            written.text
        );
    }
}

#[actix_web::test]
async fn a_despatch_advice_reads_as_a_t16_that_keeps_the_bis_term_list() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    we_are(&app, &admin, MILL).await;
    let hotels = partner_at(&app, &admin, "Harbour Hotels", "key_account", HOTELS).await;
    linen(&app, &admin).await;
    let customer = app.user("partner_user", Some(&hotels)).await;
    let id = app
        .post_xml("/api/v1/orders", &customer, &t01())
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/orders/{id}/response"),
        &admin,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect(200);
    let advice = app
        .post(
            &format!("/api/v1/orders/{id}/despatch-advices"),
            &admin,
            json!({"despatch_date": "2026-12-10", "expected_delivery_date": "2026-12-14",
                   "carrier": "Nordic Freight", "tracking_number": "NF-123456",
                   "lines": [
                       {"line_number": 1, "quantity": "100", "outstanding_quantity": "20",
                        "outstanding_reason": "Back-ordered until week 52"},
                       {"line_number": 2, "quantity": "15"}]}),
        )
        .await
        .expect(201);
    let advice_id = advice.id();
    let written = app
        .call(
            actix_web::http::Method::GET,
            &format!("/api/v1/orders/{id}/despatch-advices/{advice_id}"),
            Some(&customer),
            None,
            &[("Accept", "application/xml")],
        )
        .await
        .expect(200);
    let xml = &written.text;
    for term in [
        "<cbc:CustomizationID>urn:fdc:peppol.eu:poacc:trns:despatch_advice:3</cbc:CustomizationID>",
        "<cbc:ProfileID>urn:fdc:peppol.eu:poacc:bis:despatch_advice:3</cbc:ProfileID>",
        r#"<cbc:DeliveredQuantity unitCode="H87">100</cbc:DeliveredQuantity>"#,
        r#"<cbc:OutstandingQuantity unitCode="H87">20</cbc:OutstandingQuantity>"#,
        "<cbc:OutstandingReason>Back-ordered until week 52</cbc:OutstandingReason>",
        "<cbc:TrackingID>NF-123456</cbc:TrackingID>",
        "<cbc:ID>HL-4711</cbc:ID>",
    ] {
        assert!(xml.contains(term), "{term} in {xml}");
    }
    despatch_goes_in_on_the_buyers_side(xml).await;
    // Against the BIS T16 term list and code lists, where they are.
    let dir = peppol_dir();
    if dir
        .join("structure/syntax/ubl-despatch-advice.xml")
        .exists()
    {
        let breaches = crate::bis_terms::breaches(&dir, "ubl-despatch-advice.xml", xml);
        assert!(breaches.is_empty(), "{breaches:#?}\n{xml}");
        // And the check sees a breach when there is one.
        let broken = xml
            .replace("<cbc:TrackingID>", "<cbc:Tracking>")
            .replace("</cbc:TrackingID>", "</cbc:Tracking>");
        assert!(!crate::bis_terms::breaches(&dir, "ubl-despatch-advice.xml", &broken).is_empty());
        let bad_unit = xml.replace(r#"unitCode="H87""#, r#"unitCode="QQQ""#);
        let found = crate::bis_terms::breaches(&dir, "ubl-despatch-advice.xml", &bad_unit);
        assert!(
            found.iter().any(|b| b.contains("QQQ is not in UNECERec20")),
            "{found:?}"
        );
    } else {
        assert!(
            std::env::var("PRM_PEPPOL_EXAMPLES").as_deref() != Ok("required"),
            "the T16 term list is absent at {}",
            dir.display()
        );
        println!("skipped the term list check: {} is absent", dir.display());
    }
}

/// The T16 the mill wrote, posted by the mill to the hotels' purchase order in the hotels' own
/// prm: a despatch advice with the same lines, kept as it came, written back the same.
async fn despatch_goes_in_on_the_buyers_side(t16: &str) {
    let read = |xml: &str| {
        let advice: prm::ubl::model::syntax::DespatchAdvice =
            quick_xml::de::from_str(xml).expect("a T16");
        prm::ubl::model::despatch::read_despatch(&advice).expect("no breach")
    };
    let app = spawn().await;
    let admin = app.admin_token().await;
    we_are(&app, &admin, HOTELS).await;
    let mill = partner_at(&app, &admin, "Nordic Linen Mill", "manufacturer", MILL).await;
    let id = app
        .post_xml("/api/v1/orders", &admin, &t01())
        .await
        .expect(201)
        .id();
    let supplier = app.user("partner_user", Some(&mill)).await;
    let path = format!("/api/v1/orders/{id}/despatch-advices");
    app.post(
        &format!("/api/v1/orders/{id}/response"),
        &supplier,
        json!({"response_code": "accepted"}),
    )
    .await
    .expect(200);
    // Another order's number, or another supplier's endpoint, is refused by path.
    let other = t16.replace("<cbc:ID>HL-4711</cbc:ID>", "<cbc:ID>HL-1</cbc:ID>");
    app.post_xml(&path, &supplier, &other).await.expect_problem(
        422,
        "validation_failed",
        Some("/DespatchAdvice/cac:OrderReference/cbc:ID"),
    );
    let stranger = t16.replace(
        r#"<cbc:EndpointID schemeID="0192">987654325</cbc:EndpointID>"#,
        r#"<cbc:EndpointID schemeID="0192">810418052</cbc:EndpointID>"#,
    );
    app.post_xml(&path, &supplier, &stranger)
        .await
        .expect_problem(
            422,
            "validation_failed",
            Some("/DespatchAdvice/cac:DespatchSupplierParty/cac:Party/cbc:EndpointID"),
        );
    let created = app.post_xml(&path, &supplier, t16).await.expect(201);
    assert_eq!(created.body["carrier"], "Nordic Freight");
    assert_eq!(created.body["tracking_number"], "NF-123456");
    assert_eq!(created.body["lines"][0]["quantity"], "100");
    assert_eq!(created.body["lines"][0]["outstanding_quantity"], "20");
    let advice = created.id();
    let order = app
        .get(&format!("/api/v1/orders/{id}"), &admin)
        .await
        .expect(200);
    assert_eq!(
        order.body["lines"][0]["despatched_quantity"], "100",
        "{}",
        order.text
    );
    let kept = app
        .get(&format!("/api/v1/orders/{id}/received-documents"), &admin)
        .await
        .expect(200);
    assert_eq!(kept.body["items"][1]["transaction"], "T16");
    assert_eq!(
        kept.body["items"][1]["created"],
        format!("/api/v1/orders/{id}/despatch-advices/{advice}")
    );
    let written = app
        .call(
            actix_web::http::Method::GET,
            &format!("/api/v1/orders/{id}/despatch-advices/{advice}"),
            Some(&admin),
            None,
            &[("Accept", "application/xml")],
        )
        .await
        .expect(200);
    let (again, original) = (read(&written.text), read(t16));
    assert_eq!(again.body, original.body, "{}", written.text);
    assert_eq!(
        (again.buyer_endpoint, again.seller_endpoint),
        (original.buyer_endpoint, original.seller_endpoint)
    );
}
