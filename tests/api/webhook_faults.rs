//! A dead endpoint beside a live one, and a subscription failing for days: the live one is
//! served meanwhile, and the failing one is disabled with an event saying so.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::*;
use crate::receiver::{Answer, Receiver};

#[actix_web::test]
async fn a_dead_endpoint_holds_up_no_other_and_one_failing_for_long_is_disabled() {
    let (url, guard) = fresh_database();
    let mut config = test_config(url);
    // "Days" shortened to a second, so the schedule (0.3 s, 0.6 s) outlasts it.
    config.webhooks.disable_after = Duration::from_secs(1);
    let app = spawn_with(config, Some(guard)).await;
    let admin = app.admin_token().await;
    let (dead, live) = (Receiver::start(), Receiver::start());
    dead.then(&[Answer::Slow(Duration::from_secs(3)); 20]);
    let subscribe = |url: String| {
        let (app, admin) = (&app, admin.clone());
        async move {
            app.post(
                "/api/v1/webhook-subscriptions",
                &admin,
                json!({"url": url, "event_types": ["partner.created"]}),
            )
            .await
            .expect(201)
            .body["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let dead_id = subscribe(dead.url.clone()).await;
    subscribe(live.url.clone()).await;
    actix_web::rt::spawn(prm::webhook_dispatcher(app.service.clone()));

    // While the dead endpoint times out (2 s an attempt), every event reaches the live one.
    let started = Instant::now();
    for i in 0..5 {
        app.post(
            "/api/v1/partners",
            &admin,
            json!({"name": format!("P{i}"), "roles": ["manufacturer"]}),
        )
        .await
        .expect(201);
    }
    let got = live
        .wait_for(Duration::from_secs(10), |g| g.len() >= 5)
        .await;
    assert_eq!(got.len(), 5);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the live endpoint waited for the dead one: {:?}",
        started.elapsed()
    );

    // The dead one fails for longer than allowed: disabled, said in the feed, nothing pending.
    let path = format!("/api/v1/webhook-subscriptions/{dead_id}");
    let start = Instant::now();
    let sub = loop {
        let r = app.get(&path, &admin).await.expect(200);
        if r.body["enabled"] == false || start.elapsed() > Duration::from_secs(20) {
            break r.body;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(sub["enabled"], false, "{sub}");
    assert_eq!(sub["disabled_reason"], "failing");
    assert!(sub["failing_since"].is_string());
    let events = app
        .get("/api/v1/events?entity_type=webhook_subscription", &admin)
        .await
        .expect(200);
    let disabled: Vec<_> = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "webhook_subscription.disabled")
        .collect();
    assert_eq!(disabled.len(), 1);
    assert_eq!(disabled[0]["entity_id"], json!(dead_id));
    let pending = app
        .get(&format!("{path}/deliveries?status=pending"), &admin)
        .await
        .expect(200);
    assert_eq!(pending.body["items"], json!([]));
    let cancelled = app
        .get(&format!("{path}/deliveries?status=cancelled"), &admin)
        .await
        .expect(200);
    assert!(!cancelled.body["items"].as_array().unwrap().is_empty());
}
