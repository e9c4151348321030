//! Contacts.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Li Wei", "email": "li.wei@example.cn", "phone": "+86 10 5555 0100", "job_title": "Key account director", "is_primary": true}))]
pub struct NewContactRequest {
    #[schema(value_type = crate::values::Name)]
    pub name: String,
    #[schema(value_type = Option<crate::values::EmailAddress>)]
    pub email: Option<String>,
    #[schema(value_type = Option<crate::values::Phone>)]
    pub phone: Option<String>,
    #[schema(value_type = Option<crate::values::Name>)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub is_primary: bool,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"job_title": "Head of procurement", "is_primary": true}))]
pub struct ContactPatch {
    #[schema(value_type = Option<crate::values::Name>)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::EmailAddress>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Phone>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Name>)]
    pub job_title: Option<Option<String>>,
    pub is_primary: Option<bool>,
}

/// Loads the partner for a child-resource request: 404 when the caller may not see it.
pub(crate) async fn visible_partner(
    state: &AppState,
    access: Access,
    id: String,
) -> Result<store::PartnerRow, ApiError> {
    state
        .db
        .read(move |conn| store::get_partner(conn, &access, &id))
        .await
        .map_err(ApiError::from)
}

/// Add a contact to a partner
///
/// Staff who manage the partner, or the partner's own `partner_admin`.
#[utoipa::path(
    tag = "Partners",
    request_body = NewContactRequest,
    params(("id" = String, Path, description = "Partner id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Created", body = Contact, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not maintain this partner's contacts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/contacts")]
pub async fn create_contact(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    key: IdempotencyKey,
    body: ValidJson<NewContactRequest>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let partner_id = path_id(&id, "id")?;
    let partner = visible_partner(&state, access, partner_id.clone()).await?;
    policy::manage_contacts(&principal, &partner_id, partner.roles())?;
    let b = body.value;
    let fields = validate_contact(ContactFields {
        name: b.name,
        email: b.email,
        phone: b.phone,
        job_title: b.job_title,
        is_primary: b.is_primary,
    })?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let contact = store::insert_contact(conn, &actor, &partner_id, fields)?;
            Written::created(
                &contact,
                contact.version,
                format!("/api/v1/partners/{partner_id}/contacts/{}", contact.id),
            )
        },
    )
    .await
}

/// List a partner's contacts
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id"), PageParams),
    responses(
        (status = 200, description = "A page of contacts", body = Page<Contact>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/contacts")]
pub async fn list_contacts(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let partner_id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| {
            store::get_partner(conn, &access, &partner_id)?;
            store::list_contacts(conn, &partner_id, &page)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_contact(),
    )))
}

pub(crate) fn child_ids(
    path: &(String, String),
    child: &str,
) -> Result<(String, String), ApiError> {
    Ok((path_id(&path.0, "id")?, path_id(&path.1, child)?))
}

/// Get a contact
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id"), ("contact_id" = String, Path, description = "Contact id")),
    responses(
        (status = 200, description = "The contact", body = Contact, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/contacts/{contact_id}")]
pub async fn get_contact(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let (partner_id, contact_id) = child_ids(&path, "contact_id")?;
    let contact = state
        .db
        .read(move |conn| {
            store::get_partner(conn, &access, &partner_id)?;
            Ok::<_, ApiError>(store::get_contact(conn, &partner_id, &contact_id)?.to_contact())
        })
        .await?;
    Ok(with_etag(&contact, contact.version))
}

/// Update a contact
#[utoipa::path(
    tag = "Partners",
    request_body = ContactPatch,
    params(("id" = String, Path, description = "Partner id"), ("contact_id" = String, Path, description = "Contact id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 200, description = "Updated", body = Contact, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not maintain this partner's contacts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/partners/{id}/contacts/{contact_id}")]
pub async fn update_contact(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<ContactPatch>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let (partner_id, contact_id) = child_ids(&path, "contact_id")?;
    let partner = visible_partner(&state, access, partner_id.clone()).await?;
    policy::manage_contacts(&principal, &partner_id, partner.roles())?;
    let p = body.value;
    let actor = Actor::from(&principal);
    let contact = state
        .db
        .write(move |conn| {
            let row = store::get_contact(conn, &partner_id, &contact_id)?;
            if_match.check(row.version)?;
            let c = row.to_fields();
            let next = validate_contact(ContactFields {
                name: p.name.unwrap_or(c.name),
                email: p.email.unwrap_or(c.email),
                phone: p.phone.unwrap_or(c.phone),
                job_title: p.job_title.unwrap_or(c.job_title),
                is_primary: p.is_primary.unwrap_or(c.is_primary),
            })?;
            Ok::<_, ApiError>(store::save_contact(conn, &actor, &row, next)?)
        })
        .await?;
    Ok(with_etag(&contact, contact.version))
}

/// Delete a contact
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id"), ("contact_id" = String, Path, description = "Contact id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not maintain this partner's contacts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such contact, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/partners/{id}/contacts/{contact_id}")]
pub async fn delete_contact(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let (partner_id, contact_id) = child_ids(&path, "contact_id")?;
    let partner = visible_partner(&state, access, partner_id.clone()).await?;
    policy::manage_contacts(&principal, &partner_id, partner.roles())?;
    let actor = Actor::from(&principal);
    state
        .db
        .write(move |conn| {
            store::delete_contact(conn, &actor, &partner_id, &contact_id, if_match.expected())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
