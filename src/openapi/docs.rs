//! Swagger UI as prm serves it at `/docs`: the page names prm, authorization survives a reload,
//! the filter box and deep links are on, and signing in with "Try it out" on `/auth/login` (or
//! refreshing) authorizes the page with the token it answers. Everything else is the vendored
//! Swagger UI, served by utoipa-swagger-ui.

use std::sync::Arc;

use actix_web::{web, HttpResponse};
use utoipa_swagger_ui::{Config, SwaggerUi};

/// The title the browser tab shows.
pub const PAGE_TITLE: &str = "prm — partner relationship API";

/// Swagger UI's settings.
fn config() -> Config<'static> {
    Config::new(["/openapi.json"])
        .persist_authorization(true)
        .filter(true)
        .deep_linking(true)
        .display_request_duration(true)
        .try_it_out_enabled(true)
}

/// Called by Swagger UI with every answer "Try it out" gets: a sign-in's access token becomes
/// the page's `bearer` authorization, so nobody copies a JWT out of JSON by hand.
const SIGN_IN_INTERCEPTOR: &str = r#"responseInterceptor: function (res) {
      try {
        var path = new URL(res.url, window.location.href).pathname;
        if (res.ok && /\/api\/v1\/auth\/(login|refresh)$/.test(path)) {
          var body = res.body || JSON.parse(res.text || res.data);
          if (body && body.access_token) {
            window.ui.preauthorizeApiKey("bearer", body.access_token);
          }
        }
      } catch (e) {
        // Not a sign-in answer we can read: nothing to do.
      }
      return res;
    },
    presets: ["#;

/// One of Swagger UI's files, as the vendored copy has it.
fn vendored(file: &str) -> String {
    utoipa_swagger_ui::serve(file, Arc::new(config()))
        .ok()
        .flatten()
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .unwrap_or_default()
}

/// The page, titled for prm.
pub fn index_html() -> String {
    vendored("index.html").replace(
        "<title>Swagger UI</title>",
        &format!("<title>{PAGE_TITLE}</title>"),
    )
}

/// The start-up script: our settings and the sign-in interceptor.
pub fn initializer_js() -> String {
    vendored("swagger-initializer.js").replacen("presets: [", SIGN_IN_INTERCEPTOR, 1)
}

/// `/` and `/docs` lead to the page; the page and its script are ours, the rest vendored.
pub fn configure(cfg: &mut web::ServiceConfig, api: utoipa::openapi::OpenApi) {
    let index = index_html();
    let initializer = initializer_js();
    let page = move || {
        let index = index.clone();
        async move {
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .body(index)
        }
    };
    cfg.route("/", web::get().to(to_docs))
        .route("/docs", web::get().to(to_docs_for_good))
        .route("/docs/", web::get().to(page.clone()))
        .route("/docs/index.html", web::get().to(page))
        .route(
            "/docs/swagger-initializer.js",
            web::get().to(move || {
                let initializer = initializer.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/javascript; charset=utf-8")
                        .body(initializer)
                }
            }),
        )
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .url("/openapi.json", api)
                .config(config()),
        );
}

/// `/` leads to the documentation for now; it may serve something else one day.
async fn to_docs() -> HttpResponse {
    HttpResponse::TemporaryRedirect()
        .insert_header(("Location", "/docs/"))
        .finish()
}

async fn to_docs_for_good() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/docs/"))
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_prm_and_signs_in_from_try_it_out() {
        assert!(index_html().contains("<title>prm — partner relationship API</title>"));
        let js = initializer_js();
        assert!(js.contains("responseInterceptor"), "{js}");
        assert!(js.contains("preauthorizeApiKey(\"bearer\""));
        assert!(js.contains("\"persistAuthorization\": true"), "{js}");
        assert!(js.contains("\"filter\": true"));
        assert!(js.contains("\"deepLinking\": true"));
        assert!(js.contains("/openapi.json"));
    }
}
