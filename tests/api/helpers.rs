//! Test harness: every test gets the real application (`prm::build_app`) on a fresh, migrated
//! database — a temporary SQLite file, or, when `PRM_TEST_DATABASE_URL` points at PostgreSQL, a
//! schema of its own in that database, dropped afterwards.

use actix_http::Request;
use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use futures_util::future::LocalBoxFuture;
use prm::config::Config;
use prm::db::Db;
use serde_json::{json, Value};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "admin password for tests";
pub const PASSWORD: &str = "a long enough password";
pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";

/// Keeps the test's database alive for the test and removes it after.
pub enum DbGuard {
    Sqlite(
        #[expect(
            dead_code,
            reason = "held only so the directory lives as long as the test"
        )]
        tempfile::TempDir,
    ),
    Postgres {
        url: String,
        schema: String,
    },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { url, schema } = self {
            if let Ok(mut c) = diesel::PgConnection::establish(url) {
                let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }
    }
}

pub fn test_config(database_url: String) -> Config {
    Config {
        database_url,
        bind: "127.0.0.1:0".into(),
        jwt_secret: SECRET.to_vec(),
        jwt_previous_secrets: vec![],
        access_ttl_seconds: 900,
        refresh_ttl_seconds: 3600,
        max_body_bytes: 64 * 1024,
        max_batch_bytes: 4 * 1024 * 1024,
        growth_threshold_bp: 3000,
        cors_origins: vec!["https://portal.example.com".into()],
        trusted_proxies: Default::default(),
        request_timeout_seconds: 10,
        idle_timeout_seconds: 30,
        login_limits: Default::default(),
        // The suite writes far faster than anyone would; the quota has tests of its own.
        write_quotas: prm::auth::throttle::WriteQuotas {
            partner_per_minute: 100_000,
            host_per_minute: 100_000,
        },
        db_pool_size: 4,
        workers: Some(1),
        webhooks: test_webhook_settings(),
        read_replica: None,
    }
}

/// Webhooks to a receiver on 127.0.0.1 over plain http, retried after 0.3 s and 0.6 s, then
/// failed: quick enough for tests to watch. Other loopback names and private ranges stay
/// refused, so the outbound rules can be tested too.
pub fn test_webhook_settings() -> prm::webhooks::model::WebhookSettings {
    use prm::webhooks::model::{OutboundRules, RetrySchedule, WebhookSettings};
    use std::time::Duration;
    WebhookSettings {
        outbound: OutboundRules {
            allow_http: true,
            allowed_hosts: vec!["127.0.0.1".into()],
        },
        retry: RetrySchedule(vec![Duration::from_millis(300), Duration::from_millis(600)]),
        timeout: Duration::from_secs(2),
        lease: Duration::from_secs(6),
        poll: Duration::from_millis(50),
        ..WebhookSettings::default()
    }
}

/// A fresh database URL for one test.
pub fn fresh_database() -> (String, DbGuard) {
    match std::env::var("PRM_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(base) => {
            let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
            let mut c =
                diesel::PgConnection::establish(&base).expect("connect to PRM_TEST_DATABASE_URL");
            c.batch_execute(&format!("CREATE SCHEMA {schema}"))
                .expect("create test schema");
            let sep = if base.contains('?') { '&' } else { '?' };
            let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
            (url.clone(), DbGuard::Postgres { url: base, schema })
        }
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = dir.path().join("test.db").to_string_lossy().to_string();
            (url, DbGuard::Sqlite(dir))
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: actix_web::http::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// The fields a problem names, in order.
    pub fn fields(&self) -> Vec<&str> {
        self.body["errors"]
            .as_array()
            .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// Asserts the status, showing the body when it is not the expected one.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts a problem+json answer with this status and code, naming `field` if given.
    #[track_caller]
    pub fn expect_problem(self, status: u16, code: &str, field: Option<&str>) -> Resp {
        let r = self.expect(status);
        assert_eq!(
            r.header("content-type").as_deref(),
            Some("application/problem+json"),
            "{}",
            r.text
        );
        assert_eq!(r.body["code"], code, "{}", r.text);
        assert_eq!(r.body["status"], status, "{}", r.text);
        assert!(
            r.body["title"].is_string()
                && r.body["detail"].is_string()
                && r.body["type"].is_string()
        );
        if let Some(f) = field {
            let fields: Vec<&str> = r.body["errors"]
                .as_array()
                .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
                .unwrap_or_default();
            assert!(fields.contains(&f), "expected field {f} in {}", r.text);
        }
        r
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().expect("id in body").to_string()
    }
}

/// The application under test, behind one boxed call, so helpers take `&TestApp` without
/// repeating the service's type bounds.
type Call = Box<dyn Fn(Request) -> LocalBoxFuture<'static, ServiceResponse<BoxBody>>>;

pub struct TestApp {
    call: Call,
    pub db: Db,
    /// The process-wide parts, for starting the webhook dispatcher in a test.
    pub service: prm::Service,
    _guard: Option<DbGuard>,
}

pub async fn spawn() -> TestApp {
    let (url, guard) = fresh_database();
    spawn_with(test_config(url), Some(guard)).await
}

/// The application with this configuration, on its database (migrated, with the test admin);
/// several may share one database, as instances of a deployment do.
pub async fn spawn_with(config: Config, guard: Option<DbGuard>) -> TestApp {
    let db = Db::connect(&config.database_url, config.db_pool_size).expect("open test database");
    db.migrate().expect("migrate test database");
    prm::auth::bootstrap_admin(&db, Some(ADMIN_EMAIL.into()), Some(ADMIN_PASSWORD.into()))
        .expect("bootstrap admin");
    let service = prm::Service::new(db.clone(), &config);
    let svc = std::rc::Rc::new(test::init_service(prm::build_app(service.clone())).await);
    let call: Call = Box::new(move |req| {
        let svc = svc.clone();
        Box::pin(async move { test::call_service(&*svc, req).await.map_into_boxed_body() })
    });
    TestApp {
        call,
        db,
        service,
        _guard: guard,
    }
}

impl TestApp {
    pub async fn send(&self, req: test::TestRequest) -> Resp {
        let res = (self.call)(req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = test::read_body(res).await;
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = test::TestRequest::default().method(method).uri(path);
        if let Some(t) = token {
            req = req.insert_header(("Authorization", format!("Bearer {t}")));
        }
        for (k, v) in headers {
            req = req.insert_header((*k, *v));
        }
        if let Some(b) = body {
            req = req.set_json(b);
        }
        self.send(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None, &[]).await
    }

    /// Posts an XML document (a PEPPOL BIS Order, Order Response or Despatch Advice).
    pub async fn post_xml(&self, path: &str, token: &str, xml: &str) -> Resp {
        self.send(
            test::TestRequest::post()
                .uri(path)
                .insert_header(("Authorization", format!("Bearer {token}")))
                .insert_header(("Content-Type", "application/xml"))
                .set_payload(xml.to_string()),
        )
        .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(token), Some(body), &[])
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body), &[])
            .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PATCH, path, Some(token), Some(body), &[])
            .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Resp {
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
            &[],
        )
        .await
    }

    pub async fn admin_token(&self) -> String {
        let r = self.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.expect(200);
        r.body["access_token"].as_str().unwrap().to_string()
    }

    /// Creates a user with `role` (bound to `partner_id` for partner roles) and signs them in.
    pub async fn user(&self, role: &str, partner_id: Option<&str>) -> String {
        let admin = self.admin_token().await;
        let email = format!("{role}-{}@example.com", uuid::Uuid::now_v7().simple());
        self.post("/api/v1/users", &admin, json!({"email": email, "name": role, "role": role, "partner_id": partner_id, "password": PASSWORD}))
            .await
            .expect(201);
        let r = self.login(&email, PASSWORD).await.expect(200);
        r.body["access_token"].as_str().unwrap().to_string()
    }

    /// Registers an integration client with `scopes` (bound to `partner_id` if given) and
    /// answers an access token from the client-credentials grant.
    pub async fn client_token(&self, scopes: &[&str], partner_id: Option<&str>) -> String {
        let admin = self.admin_token().await;
        let name = format!("ERP {}", uuid::Uuid::now_v7().simple());
        let c = self
            .post(
                "/api/v1/integration-clients",
                &admin,
                json!({"name": name, "scopes": scopes, "partner_id": partner_id}),
            )
            .await
            .expect(201);
        let grant = json!({"grant_type": "client_credentials", "client_id": c.body["id"], "client_secret": c.body["client_secret"]});
        let r = self
            .call(Method::POST, "/api/v1/auth/token", None, Some(grant), &[])
            .await
            .expect(200);
        r.body["access_token"].as_str().unwrap().to_string()
    }

    /// Registers a partner as admin.
    pub async fn partner(&self, name: &str, roles: &[&str]) -> String {
        let admin = self.admin_token().await;
        self.post(
            "/api/v1/partners",
            &admin,
            json!({"name": name, "roles": roles, "status": "active"}),
        )
        .await
        .expect(201)
        .id()
    }
}
