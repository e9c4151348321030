//! Webhooks against a real receiver on loopback: Standard Webhooks signatures checked here with
//! HMAC written out by hand (and with the `standardwebhooks` package in `.ci/run`), bodies as
//! `/events` answers them through the partner view, retries with backoff, feed order, the
//! delivery log, and what a subscription URL may be.

use std::time::Duration;

use actix_web::http::Method;
use base64::Engine;
use hmac::Mac;
use serde_json::{json, Value};

use crate::helpers::*;
use crate::receiver::{Answer, Received, Receiver};

const WAIT: Duration = Duration::from_secs(10);

/// Verifies a delivery as a receiver would, from the specification, not from prm's code.
pub fn verify(secret: &str, r: &Received) -> bool {
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let signed = format!(
        "{}.{}.{}",
        r.header("webhook-id"),
        r.header("webhook-timestamp"),
        String::from_utf8_lossy(&r.body)
    );
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(signed.as_bytes());
    let expected = format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    );
    r.header("webhook-signature")
        .split(' ')
        .any(|s| s == expected)
}

async fn subscribe(app: &TestApp, token: &str, url: &str, types: Value) -> Value {
    app.post(
        "/api/v1/webhook-subscriptions",
        token,
        json!({"url": url, "event_types": types}),
    )
    .await
    .expect(201)
    .body
}

fn start_dispatcher(app: &TestApp) {
    actix_web::rt::spawn(prm::webhook_dispatcher(app.service.clone()));
}

/// The deliveries' event `seq`s, each once (a receiver deduplicates by `webhook-id`).
fn seqs(got: &[Received]) -> Vec<i64> {
    let mut seen = std::collections::HashSet::new();
    got.iter()
        .filter(|r| seen.insert(r.header("webhook-id").to_string()))
        .filter_map(|r| r.json()["seq"].as_i64())
        .collect()
}

#[actix_web::test]
async fn deliveries_are_signed_events_as_the_feed_answers_them() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let rx = Receiver::start();
    let sub = subscribe(&app, &admin, &rx.url, json!(["partner.*"])).await;
    let secret = sub["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(sub["event_types"], json!(["partner.*"]));
    // The secret is shown once.
    let read = app
        .get(
            &format!(
                "/api/v1/webhook-subscriptions/{}",
                sub["id"].as_str().unwrap()
            ),
            &admin,
        )
        .await
        .expect(200);
    assert!(read.body.get("secret").is_none(), "{}", read.text);

    start_dispatcher(&app);
    let p = app.partner("Dewhirst", &["manufacturer"]).await;
    // Not a partner event: not sent.
    app.client_token(&["orders:read"], None).await;
    let got = rx.wait_for(WAIT, |g| !g.is_empty()).await;
    assert_eq!(got.len(), 1, "only partner events were asked for");
    let r = &got[0];
    assert!(verify(&secret, r), "signature: {:?}", r.headers);
    assert_eq!(r.header("content-type"), "application/json");
    let age =
        chrono::Utc::now().timestamp() - r.header("webhook-timestamp").parse::<i64>().unwrap();
    assert!((0..60).contains(&age));
    let events = app
        .get("/api/v1/events?entity_type=partner", &admin)
        .await
        .expect(200);
    assert_eq!(
        r.json(),
        events.body["items"][0],
        "the body is the event as /events has it"
    );
    assert_eq!(r.json()["entity_id"], json!(p));

    let log = settled_log(&app, &admin, sub["id"].as_str().unwrap()).await;
    let d = &log.body["items"][0];
    assert_eq!(d["id"].as_str(), Some(r.header("webhook-id")));
    assert_eq!(d["status"], "delivered");
    assert_eq!(d["attempts"], 1);
    assert_eq!(d["last_status_code"], 200);
    assert_eq!(d["event_type"], "partner.created");
}

/// A subscription's delivery log once none of its deliveries is pending. The receiver has a
/// request before the sender has recorded its answer, so a log read the moment a request
/// arrives may still say `pending`; this reads it until it has settled (or `WAIT` runs out).
async fn settled_log(app: &TestApp, token: &str, subscription: &str) -> Resp {
    let settled_by = std::time::Instant::now() + WAIT;
    loop {
        let log = app
            .get(
                &format!("/api/v1/webhook-subscriptions/{subscription}/deliveries"),
                token,
            )
            .await
            .expect(200);
        let items = log.body["items"].as_array().unwrap();
        if items.iter().all(|d| d["status"] != "pending") || std::time::Instant::now() >= settled_by
        {
            return log;
        }
        actix_web::rt::time::sleep(Duration::from_millis(20)).await;
    }
}

#[actix_web::test]
async fn failures_are_retried_with_backoff_in_feed_order_then_given_up_and_retried_by_hand() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let rx = Receiver::start();
    let sub = subscribe(&app, &admin, &rx.url, json!(["partner.created"])).await;
    let id = sub["id"].as_str().unwrap().to_string();
    // The first event meets a 500, a hang-up and a timeout before it goes through.
    rx.then(&[
        Answer::Status(500),
        Answer::Hangup,
        Answer::Slow(Duration::from_secs(3)),
    ]);
    for i in 0..5 {
        app.partner(&format!("Supplier {i}"), &["manufacturer"])
            .await;
    }
    start_dispatcher(&app);
    // 500 → retry after 0.3 s → hang-up → retry after 0.6 s → timeout (2 s) → given up.
    let got = rx.wait_for(WAIT, |g| g.len() >= 7).await;
    assert_eq!(got.len(), 7, "3 attempts at the first, 1 at each other");
    let order = seqs(&got);
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(order, sorted, "feed order");
    assert_eq!(got[0].header("webhook-id"), got[2].header("webhook-id"));

    let log = settled_log(&app, &admin, &id).await;
    let first = &log.body["items"][0];
    assert_eq!(first["status"], "failed", "{first}");
    assert_eq!(first["attempts"], 3);
    assert!(
        first["last_error"].as_str().unwrap().contains("timed out"),
        "{first}"
    );
    assert!(log.body["items"].as_array().unwrap()[1..]
        .iter()
        .all(|d| d["status"] == "delivered"));
    let failed = app
        .get(
            &format!("/api/v1/webhook-subscriptions/{id}/deliveries?status=failed"),
            &admin,
        )
        .await
        .expect(200);
    assert_eq!(failed.body["items"].as_array().unwrap().len(), 1);

    // Retried by hand: sent again with the same id, and delivered.
    let delivery = first["id"].as_str().unwrap();
    let retry = format!("/api/v1/webhook-subscriptions/{id}/deliveries/{delivery}/retry");
    app.post(&retry, &admin, json!({})).await.expect(202);
    let got = rx.wait_for(WAIT, |g| g.len() >= 8).await;
    assert_eq!(got[7].header("webhook-id"), delivery);
    let log = settled_log(&app, &admin, &id).await;
    let items = log.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    assert!(
        items.iter().all(|d| d["status"] == "delivered"),
        "{}",
        log.text
    );
    // A pending delivery is not retried; nor one of another subscription.
    let other = subscribe(&app, &admin, &rx.url, json!(["*"])).await;
    app.post(
        &format!(
            "/api/v1/webhook-subscriptions/{}/deliveries/{delivery}/retry",
            other["id"].as_str().unwrap()
        ),
        &admin,
        json!({}),
    )
    .await
    .expect_problem(404, "not_found", None);
}

#[actix_web::test]
async fn a_partners_subscription_gets_its_own_events_through_its_partner_view() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let mine = app.partner("Suning", &["distributor"]).await;
    let theirs = app.partner("Gome", &["distributor"]).await;
    let partner_admin = app.user("partner_admin", Some(&mine)).await;
    let other_admin = app.user("partner_admin", Some(&theirs)).await;
    let rx = Receiver::start();
    let sub = subscribe(&app, &partner_admin, &rx.url, json!(["*"])).await;
    assert_eq!(sub["partner_id"], json!(mine));
    let secret = sub["secret"].as_str().unwrap().to_string();
    start_dispatcher(&app);

    // Our note on the partner and on the other partner: neither note reaches it.
    app.patch(
        &format!("/api/v1/partners/{mine}"),
        &admin,
        json!({"notes": "squeeze them"}),
    )
    .await
    .expect(200);
    app.patch(
        &format!("/api/v1/partners/{theirs}"),
        &admin,
        json!({"notes": "x"}),
    )
    .await
    .expect(200);
    // Its own subscription's creation is its event too; of the partner updates, only its own.
    let partner_events = |g: &[Received]| -> Vec<Received> {
        g.iter()
            .filter(|r| r.json()["entity_type"] == "partner")
            .cloned()
            .collect()
    };
    rx.wait_for(WAIT, |g| !partner_events(g).is_empty()).await;
    actix_web::rt::time::sleep(Duration::from_millis(500)).await;
    let all = rx.received();
    assert_eq!(all[0].json()["type"], "webhook_subscription.created");
    let got = partner_events(&all);
    assert_eq!(got.len(), 1, "only its own partner's event");
    let body = got[0].json();
    assert!(verify(&secret, &got[0]));
    assert_eq!(body["entity_id"], json!(mine));
    assert!(body["data"].get("notes").is_none(), "{body}");
    assert!(body.get("actor_id").is_none(), "a staff user's id: {body}");
    let feed = app
        .get("/api/v1/events?entity_type=partner", &partner_admin)
        .await
        .expect(200);
    let last = feed.body["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(body, last, "exactly what its /events shows");

    // Another partner neither sees nor touches it.
    let path = format!(
        "/api/v1/webhook-subscriptions/{}",
        sub["id"].as_str().unwrap()
    );
    app.get(&path, &other_admin)
        .await
        .expect_problem(404, "not_found", None);
    app.call(Method::DELETE, &path, Some(&other_admin), None, &[])
        .await
        .expect_problem(404, "not_found", None);
    let list = app
        .get("/api/v1/webhook-subscriptions", &other_admin)
        .await
        .expect(200);
    assert_eq!(list.body["items"], json!([]));
    // Staff see it; a partner user (not an admin) may not manage subscriptions.
    app.get(&path, &admin).await.expect(200);
    let user = app.user("partner_user", Some(&mine)).await;
    app.get("/api/v1/webhook-subscriptions", &user)
        .await
        .expect_problem(403, "forbidden", None);

    // The relationship ends: the subscription is disabled, and says why. First let everything
    // its feed holds so far arrive (the partner user just created is its event too).
    let feed = app.get("/api/v1/events", &partner_admin).await.expect(200);
    let newest = feed.body["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    rx.wait_for(WAIT, |g| g.iter().any(|r| r.json() == newest))
        .await;
    let before = rx.received().len();
    app.patch(
        &format!("/api/v1/partners/{mine}"),
        &admin,
        json!({"status": "terminated"}),
    )
    .await
    .expect(200);
    let start = std::time::Instant::now();
    let read = loop {
        let r = app.get(&path, &admin).await.expect(200);
        if r.body["enabled"] == false || start.elapsed() > WAIT {
            break r;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        read.body["disabled_reason"], "owner_access_ended",
        "{}",
        read.text
    );
    assert_eq!(rx.received().len(), before, "nothing after the end");
}

#[actix_web::test]
async fn pings_rotation_and_disabling() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let erp = app.client_token(&["events:read"], None).await;
    let rx = Receiver::start();
    let sub = subscribe(&app, &erp, &rx.url, json!(["order.*"])).await;
    assert_eq!(sub["owner_kind"], "client");
    let id = sub["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/webhook-subscriptions/{id}");
    start_dispatcher(&app);

    let ping = app
        .post(&format!("{path}/test"), &erp, json!({}))
        .await
        .expect(202);
    assert_eq!(ping.body["event_type"], "ping");
    let got = rx.wait_for(WAIT, |g| !g.is_empty()).await;
    assert_eq!(got[0].json()["type"], "ping");
    assert_eq!(got[0].json()["data"]["subscription_id"], json!(id));
    assert!(verify(sub["secret"].as_str().unwrap(), &got[0]));

    // Rotation with an overlap: both secrets sign; without one, only the new.
    let rotated = app
        .post(
            &format!("{path}/rotate-secret"),
            &erp,
            json!({"overlap_seconds": 3600}),
        )
        .await
        .expect(200);
    let new_secret = rotated.body["secret"].as_str().unwrap().to_string();
    assert!(rotated.body["previous_secret_expires_at"].is_string());
    app.post(&format!("{path}/test"), &erp, json!({}))
        .await
        .expect(202);
    let got = rx.wait_for(WAIT, |g| g.len() >= 2).await;
    assert_eq!(got[1].header("webhook-signature").split(' ').count(), 2);
    assert!(verify(&new_secret, &got[1]) && verify(sub["secret"].as_str().unwrap(), &got[1]));
    let again = app
        .post(
            &format!("{path}/rotate-secret"),
            &erp,
            json!({"overlap_seconds": 0}),
        )
        .await
        .expect(200);
    app.post(&format!("{path}/test"), &erp, json!({}))
        .await
        .expect(202);
    let got = rx.wait_for(WAIT, |g| g.len() >= 3).await;
    assert!(verify(again.body["secret"].as_str().unwrap(), &got[2]));
    assert!(!verify(&new_secret, &got[2]));
    app.post(
        &format!("{path}/rotate-secret"),
        &erp,
        json!({"overlap_seconds": 9_999_999}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("overlap_seconds"));

    // A failed ping is tried once.
    rx.then(&[Answer::Status(503)]);
    let p = app
        .post(&format!("{path}/test"), &erp, json!({}))
        .await
        .expect(202);
    let log = format!("{path}/deliveries?status=failed");
    let start = std::time::Instant::now();
    loop {
        let r = app.get(&log, &erp).await.expect(200);
        if !r.body["items"].as_array().unwrap().is_empty() || start.elapsed() > WAIT {
            assert_eq!(r.body["items"][0]["id"], p.body["id"]);
            assert_eq!(r.body["items"][0]["attempts"], 1);
            assert_eq!(r.body["items"][0]["last_status_code"], 503);
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }

    // The dispatcher's figures are on /metrics.
    let metrics = app
        .call(Method::GET, "/metrics", None, None, &[])
        .await
        .expect(200);
    for name in [
        "webhook_attempts_total{outcome=\"delivered\"} 3",
        "webhook_attempts_total{outcome=\"failed\"} 1",
        "webhook_deliveries_pending",
        "webhook_oldest_pending_seconds",
    ] {
        assert!(metrics.text.contains(name), "{name} in {}", metrics.text);
    }

    // Disabled: nothing is queued for it, and it cannot be pinged.
    let v = app.get(&path, &erp).await.expect(200);
    let etag = v.header("etag").unwrap();
    app.call(
        Method::PATCH,
        &path,
        Some(&erp),
        Some(json!({"enabled": false})),
        &[("If-Match", &etag)],
    )
    .await
    .expect(200);
    app.call(
        Method::PATCH,
        &path,
        Some(&erp),
        Some(json!({"enabled": true})),
        &[("If-Match", &etag)],
    )
    .await
    .expect_problem(412, "version_mismatch", None);
    app.post(&format!("{path}/test"), &erp, json!({}))
        .await
        .expect_problem(409, "illegal_transition", None);
    let events = app
        .get("/api/v1/events?entity_type=webhook_subscription", &admin)
        .await
        .expect(200);
    let types: Vec<&str> = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "webhook_subscription.created",
            "webhook_subscription.secret_rotated",
            "webhook_subscription.secret_rotated",
            "webhook_subscription.updated"
        ]
    );
    assert!(!events.text.contains("whsec_"), "no secret in the feed");

    // Housekeeping drops finished deliveries past their retention, not before.
    let purge = |hours: i64| {
        let db = app.db.clone();
        async move {
            let before = chrono::Utc::now().naive_utc() + chrono::Duration::hours(hours);
            db.write(move |conn| prm::webhooks::store::queue::purge_finished(conn, before))
                .await
                .map_err(|e: prm::db::StoreError| e.to_string())
                .unwrap()
        }
    };
    assert_eq!(purge(-24).await, 0);
    assert_eq!(purge(1).await, 4, "three pings delivered, one failed");
    let log = app
        .get(&format!("{path}/deliveries"), &erp)
        .await
        .expect(200);
    assert_eq!(log.body["items"], json!([]));
    app.call(Method::DELETE, &path, Some(&erp), None, &[])
        .await
        .expect(204);
    app.get(&path, &erp)
        .await
        .expect_problem(404, "not_found", None);
}

#[actix_web::test]
async fn subscription_urls_and_event_types_are_checked_by_name() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let long = format!("https://erp.example.com/{}", "a".repeat(2100));
    for url in [
        "erp.example.com/hooks",
        "ftp://erp.example.com/hooks",
        long.as_str(),
        "https://10.0.0.8/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://localhost/hooks",
        "http://[::1]:9000/hooks",
        "https://[fd00:ec2::254]/",
        "https://user:pw@erp.example.com/",
    ] {
        app.post("/api/v1/webhook-subscriptions", &admin, json!({"url": url}))
            .await
            .expect_problem(422, "validation_failed", Some("url"));
    }
    let r = app
        .post(
            "/api/v1/webhook-subscriptions",
            &admin,
            json!({"url": "https://erp.example.com/h", "event_types": ["order.created", "order.craeted", "ordr.*"]}),
        )
        .await
        .expect_problem(422, "validation_failed", None);
    assert_eq!(r.fields(), ["event_types[1]", "event_types[2]"]);
    assert!(
        r.text.contains("order.submitted"),
        "lists the valid ones: {}",
        r.text
    );
    app.post(
        "/api/v1/webhook-subscriptions",
        &admin,
        json!({"url": "https://erp.example.com/h", "event_types": []}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("event_types"));
    app.post(
        "/api/v1/webhook-subscriptions",
        &admin,
        json!({"url": "https://erp.example.com/h", "secret": "x"}),
    )
    .await
    .expect_problem(422, "validation_failed", Some("secret"));
    // A public https endpoint is fine (it is not called on save).
    let ok = app
        .post(
            "/api/v1/webhook-subscriptions",
            &admin,
            json!({"url": "https://93.184.215.14/h"}),
        )
        .await
        .expect(201);
    assert_eq!(ok.body["event_types"], json!(["*"]));
    // Analysts and clients without events:read may not subscribe.
    let analyst = app.user("analyst", None).await;
    app.get("/api/v1/webhook-subscriptions", &analyst)
        .await
        .expect_problem(403, "forbidden", None);
    let erp = app.client_token(&["orders:read"], None).await;
    app.post(
        "/api/v1/webhook-subscriptions",
        &erp,
        json!({"url": "https://erp.example.com/h"}),
    )
    .await
    .expect_problem(403, "forbidden", None);
    app.get("/api/v1/webhook-subscriptions/not-a-uuid", &admin)
        .await
        .expect_problem(400, "invalid_id", None);
    let sub = ok.body["id"].as_str().unwrap();
    app.get(
        &format!("/api/v1/webhook-subscriptions/{sub}/deliveries?status=lost"),
        &admin,
    )
    .await
    .expect_problem(400, "invalid_query", Some("status"));
}

#[actix_web::test]
async fn huge_and_trickling_answers_cost_a_bounded_time_and_nothing_else() {
    let app = spawn().await;
    let admin = app.admin_token().await;
    let rx = Receiver::start();
    let sub = subscribe(&app, &admin, &rx.url, json!(["partner.created"])).await;
    rx.then(&[Answer::Huge, Answer::Trickle]);
    start_dispatcher(&app);
    app.partner("A", &["manufacturer"]).await;
    app.partner("B", &["manufacturer"]).await;
    app.partner("C", &["manufacturer"]).await;
    let got = rx.wait_for(WAIT, |g| g.len() >= 3).await;
    assert_eq!(seqs(&got).len(), 3);
    // The service answers meanwhile.
    app.get("/api/v1/partners", &admin).await.expect(200);
    let log = settled_log(&app, &admin, sub["id"].as_str().unwrap()).await;
    let items = log.body["items"].as_array().unwrap();
    assert!(
        items.iter().all(|d| d["status"] == "delivered"),
        "{}",
        log.text
    );
    let excerpt = items[0]["last_response_excerpt"].as_str().unwrap();
    assert_eq!(excerpt.len(), 1024, "only a kilobyte of 30 MB was kept");
}
