//! Real `prm serve` processes, for what an in-process app cannot show: two instances on one
//! database, a `kill -9` in the middle of a write, the server's own timeouts.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, SECRET};

pub struct Server {
    child: Child,
    pub base: String,
    pub port: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Server {
    /// Starts `prm` on `database_url` with the test secret and admin, and waits until it is ready.
    pub fn start(database_url: &str, env: &[(&str, &str)]) -> Server {
        let port = free_port();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_prm"));
        cmd.arg("serve")
            .env("PRM_DATABASE_URL", database_url)
            .env("PRM_BIND", format!("127.0.0.1:{port}"))
            .env("PRM_JWT_SECRET", std::str::from_utf8(SECRET).unwrap())
            .env("PRM_ADMIN_EMAIL", ADMIN_EMAIL)
            .env("PRM_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("PRM_WORKERS", "2")
            .env("PRM_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("start prm");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            port,
        };
        server.wait_ready();
        server
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if ureq::get(&format!("{}/readyz", self.base)).call().is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("prm on port {} did not become ready", self.port);
    }

    /// `kill -9`: no shutdown, no flush, no rollback but the database's own.
    pub fn kill(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut log = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut log);
        }
        log
    }

    /// Calls the API: `(status, body)`; a connection that fails answers status 0.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        call(&self.base, method, path, token, body, headers)
    }

    pub fn admin_token(&self) -> String {
        let (status, body) = self.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})),
            &[],
        );
        assert_eq!(status, 200, "{body}");
        body["access_token"].as_str().unwrap().to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn call(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let mut req = ureq::request(method, &format!("{base}{path}")).timeout(Duration::from_secs(60));
    if let Some(t) = token {
        req = req.set("Authorization", &format!("Bearer {t}"));
    }
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let result = match body {
        Some(b) => req.send_json(b),
        None => req.call(),
    };
    match result {
        Ok(r) => (r.status(), r.into_json().unwrap_or(Value::Null)),
        Err(ureq::Error::Status(code, r)) => (code, r.into_json().unwrap_or(Value::Null)),
        Err(_) => (0, Value::Null),
    }
}
