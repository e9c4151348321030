//! The demo speaks to the application as any client does, through every route's checks,
//! audit entries and events, in process: no port, no network.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::Method;
use actix_web::test::{self, TestRequest};
use serde_json::Value;

/// A caller of the in-process application.
pub struct Client<S> {
    app: S,
}

/// One signed-in principal's bearer token.
#[derive(Clone)]
pub struct Token(pub String);

impl<S, B> Client<S>
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: actix_web::body::MessageBody,
{
    pub fn new(app: S) -> Self {
        Client { app }
    }

    /// Calls the API and answers the JSON body; anything but success stops the demo, naming
    /// the step (a demo that does not load is a defect, not a partial world).
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&Token>,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut req = TestRequest::default().method(method.clone()).uri(path);
        if let Some(t) = token {
            req = req.insert_header(("Authorization", format!("Bearer {}", t.0)));
        }
        if let Some(b) = body {
            req = req.set_json(b);
        }
        let res = test::try_call_service(&self.app, req.to_request())
            .await
            .map_err(|e| anyhow::anyhow!("{method} {path}: {e}"))?;
        let status = res.status();
        let bytes = test::read_body(res).await;
        if !status.is_success() {
            anyhow::bail!(
                "{method} {path} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            );
        }
        Ok(serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    pub async fn post(&self, path: &str, token: &Token, body: Value) -> anyhow::Result<Value> {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn get(&self, path: &str, token: &Token) -> anyhow::Result<Value> {
        self.call(Method::GET, path, Some(token), None).await
    }

    /// A person's token, from `/auth/login`.
    pub async fn sign_in(&self, email: &str, password: &str) -> anyhow::Result<Token> {
        let body = serde_json::json!({"email": email, "password": password});
        let answer = self
            .call(Method::POST, "/api/v1/auth/login", None, Some(body))
            .await?;
        token_of(&answer)
    }

    /// An integration client's token, from the client-credentials grant.
    pub async fn client_token(&self, id: &str, secret: &str) -> anyhow::Result<Token> {
        let body = serde_json::json!({"grant_type": "client_credentials", "client_id": id, "client_secret": secret});
        let answer = self
            .call(Method::POST, "/api/v1/auth/token", None, Some(body))
            .await?;
        token_of(&answer)
    }
}

fn token_of(answer: &Value) -> anyhow::Result<Token> {
    answer["access_token"]
        .as_str()
        .map(|t| Token(t.to_string()))
        .ok_or_else(|| anyhow::anyhow!("no access_token in {answer}"))
}

/// The `id` of a created record.
pub fn id(v: &Value) -> anyhow::Result<String> {
    v["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("no id in {v}"))
}
