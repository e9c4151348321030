//! `/products`.

use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::store::{self, ProductFilter};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::extract::{double_option, search_query};
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, IfMatch, Page, PageParams, Problem, ValidJson, ValidQuery,
};
use crate::refusal::Refusal;
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "sku": "INS-AER-600", "gtin": "6901234567892", "name": "Insect killer aerosol 600 ml",
    "category": "insecticides", "brand_type": "national", "base_unit": "EA"
}))]
pub struct NewProductRequest {
    #[schema(value_type = crate::values::ProductCode)]
    pub sku: String,
    /// GTIN-8/12/13/14 with a valid GS1 check digit.
    #[schema(value_type = Option<crate::values::Gtin>)]
    pub gtin: Option<String>,
    #[schema(value_type = crate::values::Name)]
    pub name: String,
    /// Stored lower-case; analytics group by it.
    #[schema(value_type = crate::values::ProductCode)]
    pub category: String,
    pub brand_type: BrandType,
    /// UN/ECE Rec 20 unit code, e.g. `EA`, `KGM`, `LTR`, `CS`.
    #[schema(value_type = crate::values::UnitCode)]
    pub base_unit: String,
    #[schema(value_type = Option<crate::values::Note>)]
    pub description: Option<String>,
    /// Defaults to `active`.
    pub status: Option<ProductStatus>,
}

/// A partial update (merge patch): absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "discontinued"}))]
pub struct ProductPatch {
    #[schema(value_type = Option<crate::values::ProductCode>)]
    pub sku: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Gtin>)]
    pub gtin: Option<Option<String>>,
    #[schema(value_type = Option<crate::values::Name>)]
    pub name: Option<String>,
    #[schema(value_type = Option<crate::values::ProductCode>)]
    pub category: Option<String>,
    pub brand_type: Option<BrandType>,
    #[schema(value_type = Option<crate::values::UnitCode>)]
    pub base_unit: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Note>)]
    pub description: Option<Option<String>>,
    pub status: Option<ProductStatus>,
}

/// Add a product to the catalogue
///
/// Admins, buyers, account managers and host ERPs (`products:write`).
#[utoipa::path(
    tag = "Catalogue",
    request_body = NewProductRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body; 422 for another body")),
    responses(
        (status = 201, description = "Created", body = Product, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not maintain the catalogue", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "SKU or GTIN already in the catalogue", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (GTIN check digit, unknown unit code, …)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/products")]
pub async fn create_product(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewProductRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_products(&principal)?;
    let b = body.value;
    let draft = validate_product(ProductFields {
        sku: b.sku,
        gtin: b.gtin,
        name: b.name,
        category: b.category,
        brand_type: b.brand_type,
        base_unit: b.base_unit,
        description: b.description,
        status: b.status.unwrap_or(ProductStatus::Active),
    })
    .map_err(Refusal::Invalid)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let p = store::insert_product(conn, &actor, draft)?;
            Written::created(&p, p.version, format!("/api/v1/products/{}", p.id))
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    #[param(value_type = Option<crate::values::SearchText>)]
    pub category: Option<String>,
    pub brand_type: Option<BrandType>,
    pub status: Option<ProductStatus>,
    /// Case-insensitive text in the name, or an exact SKU or GTIN.
    #[param(value_type = Option<crate::values::SearchText>)]
    pub q: Option<String>,
}

/// List products
#[utoipa::path(
    tag = "Catalogue",
    params(PageParams, ProductQuery),
    responses(
        (status = 200, description = "A page of products", body = Page<Product>),
        (status = 400, description = "Bad query parameter (names it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `products:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/products")]
pub async fn list_products(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<ProductQuery>,
) -> Result<HttpResponse, ApiError> {
    policy::read_products(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    let filter = ProductFilter {
        category: search_query("category", q.category)?,
        brand_type: q.brand_type,
        status: q.status,
        q: search_query("q", q.q)?,
    };
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| store::list_products(conn, filter, &page))
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_product(),
    )))
}

/// Get a product
#[utoipa::path(
    tag = "Catalogue",
    params(("id" = String, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = Product, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `products:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/products/{id}")]
pub async fn get_product(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    policy::read_products(&principal)?;
    let id = path_id(&id, "id")?;
    let p = state
        .db
        .read(move |conn| Ok::<_, ApiError>(store::get_product(conn, &id)?.to_product()))
        .await?;
    Ok(with_etag(&p, p.version))
}

/// Update a product
///
/// Partial update with `If-Match`. Discontinue a product with `{"status": "discontinued"}`:
/// existing orders keep it, new order lines refuse it.
#[utoipa::path(
    tag = "Catalogue",
    request_body = ProductPatch,
    params(("id" = String, Path, description = "Product id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 200, description = "Updated", body = Product, headers(("ETag" = String))),
        (status = 400, description = "Malformed id, JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not maintain the catalogue", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such product", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "SKU or GTIN already in the catalogue", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/products/{id}")]
pub async fn update_product(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<ProductPatch>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_products(&principal)?;
    let id = path_id(&id, "id")?;
    let p = body.value;
    let actor = Actor::from(&principal);
    let product = state
        .db
        .write(move |conn| {
            let row = store::get_product(conn, &id)?;
            if_match.check(row.version)?;
            let c = row.to_fields();
            let next = validate_product(ProductFields {
                sku: p.sku.unwrap_or(c.sku),
                gtin: p.gtin.unwrap_or(c.gtin),
                name: p.name.unwrap_or(c.name),
                category: p.category.unwrap_or(c.category),
                brand_type: p.brand_type.unwrap_or(c.brand_type),
                base_unit: p.base_unit.unwrap_or(c.base_unit),
                description: p.description.unwrap_or(c.description),
                status: p.status.unwrap_or(c.status),
            })
            .map_err(Refusal::Invalid)?;
            Ok::<_, ApiError>(store::save_product(conn, &actor, &row, next)?)
        })
        .await?;
    Ok(with_etag(&product, product.version))
}
