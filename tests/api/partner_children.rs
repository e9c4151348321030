//! Contacts and interactions under a partner.

use actix_web::http::Method;
use serde_json::json;

use crate::helpers::*;

#[actix_web::test]
async fn partner_admins_keep_their_own_contacts() {
    let app = spawn().await;
    let a = app.partner("COFCO", &["manufacturer"]).await;
    let b = app.partner("Other", &["manufacturer"]).await;
    let a_admin = app.user("partner_admin", Some(&a)).await;
    let a_user = app.user("partner_user", Some(&a)).await;
    let url = format!("/api/v1/partners/{a}/contacts");
    let c = app
        .post(&url, &a_admin, json!({"name": "Li Wei", "email": "Li.Wei@Example.cn", "phone": "+86 10 5555 0100", "is_primary": true}))
        .await
        .expect(201);
    assert_eq!(c.body["email"], "li.wei@example.cn");
    app.post(&url, &a_user, json!({"name": "X"}))
        .await
        .expect_problem(403, "forbidden", None);
    app.get(&url, &a_user).await.expect(200);
    // The other partner's contacts: not found, for reads and writes.
    let b_url = format!("/api/v1/partners/{b}/contacts");
    app.get(&b_url, &a_admin)
        .await
        .expect_problem(404, "not_found", None);
    app.post(&b_url, &a_admin, json!({"name": "X"}))
        .await
        .expect_problem(404, "not_found", None);
    let admin = app.admin_token().await;
    let b_contact = app
        .post(&b_url, &admin, json!({"name": "B person"}))
        .await
        .expect(201)
        .id();
    // Mixing partner ids in the path does not reach B's contact either.
    app.get(
        &format!("/api/v1/partners/{a}/contacts/{b_contact}"),
        &a_admin,
    )
    .await
    .expect_problem(404, "not_found", None);
    app.get(
        &format!("/api/v1/partners/{b}/contacts/{b_contact}"),
        &a_admin,
    )
    .await
    .expect_problem(404, "not_found", None);

    app.post(&url, &a_admin, json!({"name": "Bad", "email": "nope"}))
        .await
        .expect_problem(422, "validation_failed", Some("email"));
    app.post(&url, &a_admin, json!({"name": "Bad", "phone": "call me"}))
        .await
        .expect_problem(422, "validation_failed", Some("phone"));
    app.post(&url, &a_admin, json!({"email": "x@example.com"}))
        .await
        .expect_problem(422, "validation_failed", Some("name"));
}

#[actix_web::test]
async fn one_primary_contact_at_a_time() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let p = app.partner("Suning", &["key_account"]).await;
    let url = format!("/api/v1/partners/{p}/contacts");
    let first = app
        .post(&url, &admin, json!({"name": "One", "is_primary": true}))
        .await
        .expect(201)
        .id();
    let second = app
        .post(&url, &admin, json!({"name": "Two", "is_primary": true}))
        .await
        .expect(201)
        .id();
    let one = app.get(&format!("{url}/{first}"), &admin).await.expect(200);
    assert_eq!(one.body["is_primary"], false);
    assert_eq!(one.body["version"], 2);
    let two = app
        .get(&format!("{url}/{second}"), &admin)
        .await
        .expect(200);
    assert_eq!(two.body["is_primary"], true);
    let r = app
        .patch(
            &format!("{url}/{first}"),
            &admin,
            json!({"is_primary": true, "job_title": "Buyer"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["job_title"], "Buyer");
    assert_eq!(
        app.get(&format!("{url}/{second}"), &admin).await.body["is_primary"],
        false
    );
    app.call(
        Method::DELETE,
        &format!("{url}/{second}"),
        Some(&admin),
        None,
        &[("If-Match", "\"1\"")],
    )
    .await
    .expect_problem(412, "version_mismatch", None);
    app.call(
        Method::DELETE,
        &format!("{url}/{second}"),
        Some(&admin),
        None,
        &[],
    )
    .await
    .expect(204);
    app.get(&format!("{url}/{second}"), &admin)
        .await
        .expect_problem(404, "not_found", None);
    let list = app.get(&url, &admin).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let audit = app
        .get(
            &format!("/api/v1/audit-log?entity_type=contact&entity_id={second}"),
            &admin,
        )
        .await
        .expect(200);
    let actions: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["contact.created", "contact.updated", "contact.deleted"]
    );
}

#[actix_web::test]
async fn partners_raise_complaints_and_staff_follow_up() {
    let app = spawn().await;
    let p = app.partner("Dick's", &["key_account"]).await;
    let other = app.partner("Other", &["key_account"]).await;
    let pu = app.user("partner_user", Some(&p)).await;
    let url = format!("/api/v1/partners/{p}/interactions");
    let complaint = app
        .post(
            &url,
            &pu,
            json!({"kind": "complaint", "subject": "Cans dented on delivery"}),
        )
        .await
        .expect(201);
    assert_eq!(complaint.body["status"], "open");
    assert_eq!(complaint.body["overdue"], false);
    let cid = complaint.id();
    app.post(&url, &pu, json!({"kind": "visit", "subject": "Let's meet"}))
        .await
        .expect_problem(403, "forbidden", None);
    app.post(
        &format!("/api/v1/partners/{other}/interactions"),
        &pu,
        json!({"kind": "complaint", "subject": "x"}),
    )
    .await
    .expect_problem(404, "not_found", None);
    app.patch(&format!("{url}/{cid}"), &pu, json!({"status": "closed"}))
        .await
        .expect_problem(403, "forbidden", None);

    let am = app.user("account_manager", None).await;
    app.post(
        &url,
        &am,
        json!({"kind": "visit", "subject": "Quarterly review", "due_date": "2035-01-01"}),
    )
    .await
    .expect(201);
    app.post(&url, &am, json!({"kind": "lunch", "subject": "x"}))
        .await
        .expect_problem(422, "validation_failed", Some("kind"));
    app.post(&url, &am, json!({"kind": "call", "subject": ""}))
        .await
        .expect_problem(422, "validation_failed", Some("subject"));
    app.post(
        &url,
        &am,
        json!({"kind": "call", "subject": "x", "due_date": "tomorrow"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("due_date"));
    // The due date is ours to set: one long past makes the complaint overdue.
    app.patch(
        &format!("{url}/{cid}"),
        &am,
        json!({"due_date": "2020-01-01"}),
    )
    .await
    .expect(200);
    let overdue = app
        .get(&format!("{url}?overdue=true"), &am)
        .await
        .expect(200);
    assert_eq!(overdue.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(overdue.body["items"][0]["id"], cid.as_str());
    let r = app
        .patch(
            &format!("{url}/{cid}"),
            &am,
            json!({"status": "closed", "notes": "Credit note issued"}),
        )
        .await
        .expect(200);
    assert_eq!(r.body["overdue"], false);
    assert_eq!(
        app.get(&format!("{url}?overdue=true"), &am).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        app.get(&format!("{url}?kind=complaint&status=closed"), &pu)
            .await
            .body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A buyer does not look after key accounts.
    let buyer = app.user("buyer", None).await;
    app.post(&url, &buyer, json!({"kind": "call", "subject": "x"}))
        .await
        .expect_problem(403, "forbidden", None);
}
