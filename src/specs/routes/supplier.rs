//! Approved suppliers.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"partner_id": "0193a1b2-0000-7000-8000-0000000000c1"}))]
pub struct ApproveSupplierRequest {
    /// A partner with the `manufacturer` role.
    pub partner_id: String,
}

/// Approve a manufacturer for a specification
#[utoipa::path(
    tag = "Specifications",
    request_body = ApproveSupplierRequest,
    params(("id" = String, Path, description = "Specification id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Approved", body = ApprovedSupplier, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already approved", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such partner, or not a manufacturer", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/specifications/{id}/suppliers")]
pub async fn approve_supplier(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<ApproveSupplierRequest>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let mut e = vec![];
    let partner_id = body_id("partner_id", body.value.partner_id, &mut e);
    Refusal::check(e)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let s = store::approve_supplier(conn, &actor, &id, &partner_id)?;
            Written::created_link(&s, format!("/api/v1/specifications/{id}/suppliers"))
        },
    )
    .await
}

/// List the approved manufacturers of a specification
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id")),
    responses(
        (status = 200, description = "Approved suppliers by name, in one page", body = Page<ApprovedSupplier>),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such specification, or not approved for it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/specifications/{id}/suppliers")]
pub async fn list_suppliers(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_specs(&principal)?;
    let id = path_id(&id, "id")?;
    let items = state
        .db
        .read(move |conn| {
            store::get_spec_row(conn, &access, &id)?;
            let all = store::list_suppliers(conn, &id)?;
            // A supplier sees that it is approved, not who its rivals are.
            Ok::<_, ApiError>(match access.partner_id() {
                Some(own) => all
                    .into_iter()
                    .filter(|s| s.partner_id == own)
                    .collect::<Vec<_>>(),
                None => all,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Revoke a manufacturer's approval
#[utoipa::path(
    tag = "Specifications",
    params(("id" = String, Path, description = "Specification id"), ("partner_id" = String, Path, description = "Partner id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not procurement", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not an approved supplier of this specification", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/specifications/{id}/suppliers/{partner_id}")]
pub async fn revoke_supplier(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    policy::manage_specs(&principal)?;
    let id = path_id(&path.0, "id")?;
    let partner_id = path_id(&path.1, "partner_id")?;
    let actor = Actor::from(&principal);
    state
        .db
        .write(move |conn| store::revoke_supplier(conn, &actor, &id, &partner_id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
