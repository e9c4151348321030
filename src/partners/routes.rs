//! `/partners` with contacts and interactions.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::model::{validate_contact, validate_interaction, ContactFields, InteractionFields};
use super::store::{self, InteractionFilter, PartnerFilter};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy::{self, Access};
use crate::clock::today;
use crate::http::extract::double_option;
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, FieldError, IfMatch, Page, PageParams, Problem, ValidJson,
    ValidQuery,
};
use crate::refusal::{Code, Refusal};
use crate::AppState;

// ---- partners ------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Dewhirst Group", "legal_name": "Dewhirst Group Ltd", "roles": ["manufacturer"], "status": "active",
    "gln": "5012345000015", "country": "GB", "relationship_since": "1925-03-01",
    "erp_references": [{"system": "SAP-S4", "reference": "V-100234"}]
}))]
pub struct NewPartnerRequest {
    #[schema(value_type = crate::values::Name)]
    pub name: String,
    #[schema(value_type = Option<crate::values::Name>)]
    pub legal_name: Option<String>,
    /// At least one of `manufacturer`, `distributor`, `key_account`.
    pub roles: Vec<PartnerRole>,
    /// Defaults to `prospect`.
    pub status: Option<PartnerStatus>,
    /// 13-digit GS1 GLN with a valid check digit.
    #[schema(value_type = Option<crate::values::Gln>)]
    pub gln: Option<String>,
    pub tax_id: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(value_type = Option<crate::values::Country>)]
    pub country: Option<String>,
    #[serde(default)]
    pub erp_references: Vec<ErpReference>,
    pub relationship_since: Option<NaiveDate>,
    /// A staff user.
    pub account_owner_id: Option<String>,
    /// Portfolio segment, e.g. `top_10`, `second_line`; stored lower-case.
    pub segment: Option<String>,
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
}

/// A partial update (JSON merge patch semantics): absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "suspended", "notes": "Quality hold pending audit"}))]
pub struct PartnerPatch {
    #[schema(value_type = Option<crate::values::Name>)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Name>)]
    pub legal_name: Option<Option<String>>,
    pub roles: Option<Vec<PartnerRole>>,
    /// `prospect → active | terminated`, `active → suspended | terminated`,
    /// `suspended → active | terminated`; `terminated` is final (409 names the allowed ones).
    pub status: Option<PartnerStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Gln>)]
    pub gln: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub tax_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Country>)]
    pub country: Option<Option<String>>,
    pub erp_references: Option<Vec<ErpReference>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub relationship_since: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub account_owner_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub segment: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<Option<String>>,
}

impl PartnerPatch {
    fn apply(self, current: &PartnerDraft) -> PartnerDraft {
        let c = current.clone();
        PartnerDraft {
            name: self.name.unwrap_or(c.name),
            legal_name: self.legal_name.unwrap_or(c.legal_name),
            roles: self.roles.map(|r| flags_of(&r)).unwrap_or(c.roles),
            status: self.status.unwrap_or(c.status),
            gln: self.gln.unwrap_or(c.gln),
            tax_id: self.tax_id.unwrap_or(c.tax_id),
            country: self.country.unwrap_or(c.country),
            erp_references: self.erp_references.unwrap_or(c.erp_references),
            relationship_since: self.relationship_since.unwrap_or(c.relationship_since),
            account_owner_id: self.account_owner_id.unwrap_or(c.account_owner_id),
            segment: self.segment.unwrap_or(c.segment),
            notes: self.notes.unwrap_or(c.notes),
        }
    }
}

/// Register a partner
///
/// Buyers register manufacturers, account managers distributors and key accounts; admins and
/// host ERPs (`partners:write`) anything.
#[utoipa::path(
    tag = "Partners",
    request_body = NewPartnerRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body; 422 for another body")),
    responses(
        (status = 201, description = "Created", body = Partner, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not register this kind of partner", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "GLN already registered", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or Idempotency-Key reused with another body", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners")]
pub async fn create_partner(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    body: ValidJson<NewPartnerRequest>,
) -> Result<HttpResponse, ApiError> {
    let b = body.value;
    let roles = flags_of(&b.roles);
    policy::manage_partner(&principal, roles)?;
    let draft = validate_draft(
        PartnerDraft {
            name: b.name,
            legal_name: b.legal_name,
            roles,
            status: b.status.unwrap_or(PartnerStatus::Prospect),
            gln: b.gln,
            tax_id: b.tax_id,
            country: b.country,
            erp_references: b.erp_references,
            relationship_since: b.relationship_since,
            account_owner_id: b.account_owner_id,
            segment: b.segment,
            notes: b.notes,
        },
        today(),
    )
    .map_err(Refusal::Invalid)?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let partner = store::insert_partner(conn, &actor, draft)?;
            Written::created(
                &partner,
                partner.version,
                format!("/api/v1/partners/{}", partner.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnerQuery {
    /// Only partners playing this role.
    pub role: Option<PartnerRole>,
    pub status: Option<PartnerStatus>,
    /// Case-insensitive text in the name or legal name, or an exact GLN or tax id.
    pub q: Option<String>,
    /// Include archived partners (default false).
    pub include_archived: Option<bool>,
    /// Only partners we have dealt with for at least this many years (by `relationship_since`).
    pub min_tenure_years: Option<u32>,
    /// Only partners in this portfolio segment (case-insensitive).
    pub segment: Option<String>,
}

/// List partners
///
/// Staff see every partner; partner users and partner-bound clients see only their own.
#[utoipa::path(
    tag = "Partners",
    params(PageParams, PartnerQuery),
    responses(
        (status = 200, description = "A page of partners", body = Page<Partner>),
        (status = 400, description = "Bad query parameter (names it)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Client lacks `partners:read`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners")]
pub async fn list_partners(
    state: web::Data<AppState>,
    principal: Principal,
    page: ValidQuery<PageParams>,
    query: ValidQuery<PartnerQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let page = page.0.validate()?;
    let q = query.0;
    if q.q.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(ApiError::bad_field(
            Code::InvalidQuery,
            "q",
            "must be at most 200 characters",
        ));
    }
    let filter = PartnerFilter {
        role: q.role,
        status: q.status,
        q: q.q.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()),
        include_archived: q.include_archived.unwrap_or(false),
        relationship_since_by: q
            .min_tenure_years
            .map(|years| tenure_cutoff(today(), years))
            .transpose()?,
        segment: q.segment.map(|s| s.trim().to_lowercase()),
    };
    let limit = page.limit;
    let rows = state
        .db
        .read(move |conn| store::list_partners(conn, &access, filter, &page))
        .await?;
    let today = today();
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_partner(today),
    )))
}

/// Get a partner
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id")),
    responses(
        (status = 200, description = "The partner", body = Partner, headers(("ETag" = String))),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}")]
pub async fn get_partner(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let id = path_id(&id, "id")?;
    let partner = state
        .db
        .read(move |conn| {
            Ok::<_, ApiError>(store::get_partner(conn, &access, &id)?.to_partner(today()))
        })
        .await?;
    Ok(with_etag(&partner, partner.version))
}

/// Update a partner
///
/// Partial update. Send `If-Match` with the ETag you read: a stale one is 412 and nothing is
/// written. Status changes follow the partner lifecycle.
#[utoipa::path(
    tag = "Partners",
    request_body = PartnerPatch,
    params(("id" = String, Path, description = "Partner id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 200, description = "Updated", body = Partner, headers(("ETag" = String))),
        (status = 400, description = "Malformed id, JSON or If-Match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage this partner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Status transition not allowed, or GLN taken", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/partners/{id}")]
pub async fn update_partner(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidJson<PartnerPatch>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let id = path_id(&id, "id")?;
    let patch = body.value;
    let actor = Actor::from(&principal);
    let partner = state
        .db
        .write(move |conn| {
            store::update_partner(
                conn,
                &actor,
                &access,
                &id,
                if_match.expected(),
                |roles| Ok(policy::manage_partner(&principal, roles)?),
                |current| {
                    Ok(validate_draft(patch.apply(current), today()).map_err(Refusal::Invalid)?)
                },
            )
        })
        .await?;
    Ok(with_etag(&partner, partner.version))
}

async fn set_archived(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
    archive: bool,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let id = path_id(&id, "id")?;
    let actor = Actor::from(&principal);
    let caller = principal.id.clone();
    idempotency::execute(&state.db, &caller, key, &req, "", move |conn| {
        let partner = store::set_archived(
            conn,
            &actor,
            &access,
            &id,
            if_match.expected(),
            |roles| Ok(policy::manage_partner(&principal, roles)?),
            archive,
        )?;
        Written::ok(&partner, Some(partner.version))
    })
    .await
}

/// Archive a partner
///
/// Hides the partner from lists (unless `include_archived=true`) while keeping its record,
/// history and documents. Archiving an archived partner changes nothing.
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Archived", body = Partner, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage this partner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/archive")]
pub async fn archive_partner(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    set_archived(state, principal, req, key, id, if_match, true).await
}

/// Restore an archived partner
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key")),
    responses(
        (status = 200, description = "Restored", body = Partner, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Role may not manage this partner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/restore")]
pub async fn restore_partner(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    set_archived(state, principal, req, key, id, if_match, false).await
}

/// The latest `relationship_since` that still gives `years` of tenure today.
fn tenure_cutoff(today: NaiveDate, years: u32) -> Result<NaiveDate, ApiError> {
    if years > 500 {
        return Err(ApiError::bad_field(
            Code::InvalidQuery,
            "min_tenure_years",
            "must be at most 500",
        ));
    }
    today
        .checked_sub_months(chrono::Months::new(12 * years))
        .ok_or_else(|| ApiError::bad_field(Code::InvalidQuery, "min_tenure_years", "out of range"))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenureQuery {
    /// Cohort thresholds in years, comma-separated (default `100,50,30`).
    pub thresholds: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TenureCohort {
    /// At least this many years.
    pub min_years: u32,
    pub manufacturers: u64,
}

#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({"as_of": "2026-11-25", "cohorts": [
    {"min_years": 100, "manufacturers": 1}, {"min_years": 50, "manufacturers": 62}, {"min_years": 30, "manufacturers": 104}
]}))]
pub struct SupplierTenure {
    pub as_of: NaiveDate,
    pub cohorts: Vec<TenureCohort>,
}

/// Supplier tenure cohorts
///
/// How many manufacturers we have dealt with for over 100, 50 and 30 years (or the thresholds
/// given), archived ones left out. List a cohort with
/// `GET /partners?role=manufacturer&min_tenure_years=50`. Staff only.
#[utoipa::path(
    tag = "Partners",
    params(TenureQuery),
    responses(
        (status = 200, description = "Manufacturers per tenure cohort", body = SupplierTenure),
        (status = 400, description = "Bad thresholds", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Partners do not see the supplier base", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/supplier-tenure")]
pub async fn supplier_tenure(
    state: web::Data<AppState>,
    principal: Principal,
    query: ValidQuery<TenureQuery>,
) -> Result<HttpResponse, ApiError> {
    if policy::read_partners(&principal)? != Access::All {
        return Err(Refusal::WrongParty("the supplier base is internal".into()).into());
    }
    let bad = || {
        ApiError::bad_field(
            Code::InvalidQuery,
            "thresholds",
            "comma-separated whole years, 1 to 10 of them, each at most 500",
        )
    };
    let mut thresholds: Vec<u32> = match query.0.thresholds {
        None => vec![100, 50, 30],
        Some(t) => t
            .split(',')
            .map(|x| x.trim().parse::<u32>().ok().filter(|y| *y <= 500))
            .collect::<Option<Vec<_>>>()
            .filter(|v| (1..=10).contains(&v.len()))
            .ok_or_else(bad)?,
    };
    thresholds.sort_unstable_by(|a, b| b.cmp(a));
    thresholds.dedup();
    let since = state.db.read(store::manufacturer_relationships).await?;
    let today = today();
    let tenures: Vec<u32> = since
        .into_iter()
        .filter_map(|s| tenure_years(s, today))
        .collect();
    Ok(HttpResponse::Ok().json(SupplierTenure {
        as_of: today,
        cohorts: thresholds
            .into_iter()
            .map(|min_years| TenureCohort {
                min_years,
                manufacturers: tenures.iter().filter(|t| **t >= min_years).count() as u64,
            })
            .collect(),
    }))
}

// ---- contacts ------------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Li Wei", "email": "li.wei@example.cn", "phone": "+86 10 5555 0100", "job_title": "Key account director", "is_primary": true}))]
pub struct NewContactRequest {
    #[schema(value_type = crate::values::Name)]
    pub name: String,
    pub email: Option<String>,
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
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Name>)]
    pub job_title: Option<Option<String>>,
    pub is_primary: Option<bool>,
}

/// Loads the partner for a child-resource request: 404 when the caller may not see it.
async fn visible_partner(
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

fn child_ids(path: &(String, String), child: &str) -> Result<(String, String), ApiError> {
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
            store::update_contact(
                conn,
                &actor,
                &partner_id,
                &contact_id,
                if_match.expected(),
                |c| {
                    Ok(validate_contact(ContactFields {
                        name: p.name.unwrap_or(c.name),
                        email: p.email.unwrap_or(c.email),
                        phone: p.phone.unwrap_or(c.phone),
                        job_title: p.job_title.unwrap_or(c.job_title),
                        is_primary: p.is_primary.unwrap_or(c.is_primary),
                    })?)
                },
            )
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

// ---- interactions ----------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "complaint", "subject": "Cans dented on delivery", "notes": "Lot 2026-44, 3 pallets", "occurred_at": "2026-11-20T10:00:00Z", "due_date": "2026-11-27"}))]
pub struct NewInteractionRequest {
    pub kind: InteractionKind,
    #[schema(value_type = crate::values::Name)]
    pub subject: String,
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
    /// Defaults to now.
    pub occurred_at: Option<DateTime<Utc>>,
    pub due_date: Option<NaiveDate>,
    /// A staff user responsible for the follow-up.
    pub owner_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"status": "closed", "notes": "Credit note issued for 3 pallets"}))]
pub struct InteractionPatch {
    #[schema(value_type = Option<crate::values::Name>)]
    pub subject: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<Option<String>>,
    pub occurred_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub due_date: Option<Option<NaiveDate>>,
    pub status: Option<InteractionStatus>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub owner_id: Option<Option<String>>,
}

/// Log an interaction with a partner
///
/// Staff who manage the partner log visits, calls, meetings and e-mails; partner users (and
/// partner-bound clients with `partners:write`) may raise complaints about their own relationship.
#[utoipa::path(
    tag = "Partners",
    request_body = NewInteractionRequest,
    params(("id" = String, Path, description = "Partner id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Logged", body = Interaction, headers(("ETag" = String), ("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "May not log this interaction", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/partners/{id}/interactions")]
pub async fn create_interaction(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
    key: IdempotencyKey,
    body: ValidJson<NewInteractionRequest>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let partner_id = path_id(&id, "id")?;
    let partner = visible_partner(&state, access, partner_id.clone()).await?;
    let b = body.value;
    policy::log_interaction(
        &principal,
        &partner_id,
        partner.roles(),
        b.kind == InteractionKind::Complaint,
    )?;
    // Who follows a complaint up, when it happened and when it is due are ours to set: a
    // partner raising one says what went wrong, and it is logged as of now.
    if principal.partner_id.is_some() {
        let staff_fields = [
            ("owner_id", b.owner_id.is_some()),
            ("occurred_at", b.occurred_at.is_some()),
            ("due_date", b.due_date.is_some()),
        ];
        Refusal::check(
            staff_fields
                .iter()
                .filter(|(_, sent)| *sent)
                .map(|(f, _)| FieldError::new(*f, "is set by our staff, not by the partner"))
                .collect(),
        )?;
    }
    let fields = validate_interaction(InteractionFields {
        kind: b.kind,
        subject: b.subject,
        notes: b.notes,
        occurred_at: b.occurred_at.unwrap_or_else(Utc::now).naive_utc(),
        due_date: b.due_date,
        status: InteractionStatus::Open,
        owner_id: b.owner_id,
    })?;
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let i = store::insert_interaction(conn, &actor, &partner_id, fields)?;
            Written::created(
                &i,
                i.version,
                format!("/api/v1/partners/{partner_id}/interactions/{}", i.id),
            )
        },
    )
    .await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InteractionQuery {
    pub kind: Option<InteractionKind>,
    pub status: Option<InteractionStatus>,
    /// `true`: only open ones past their due date; `false`: only the others.
    pub overdue: Option<bool>,
}

/// List a partner's interactions
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id"), PageParams, InteractionQuery),
    responses(
        (status = 200, description = "A page of interactions", body = Page<Interaction>),
        (status = 400, description = "Bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such partner, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/interactions")]
pub async fn list_interactions(
    state: web::Data<AppState>,
    principal: Principal,
    id: web::Path<String>,
    page: ValidQuery<PageParams>,
    query: ValidQuery<InteractionQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let partner_id = path_id(&id, "id")?;
    let page = page.0.validate()?;
    let limit = page.limit;
    let q = query.0;
    let filter = InteractionFilter {
        kind: q.kind,
        status: q.status,
        overdue: q.overdue,
    };
    let rows = state
        .db
        .read(move |conn| {
            store::get_partner(conn, &access, &partner_id)?;
            store::list_interactions(conn, &partner_id, filter, &page)
        })
        .await?;
    let today = today();
    Ok(HttpResponse::Ok().json(Page::from_rows(
        rows,
        limit,
        |r| r.id.as_str(),
        |r| r.to_interaction(today),
    )))
}

/// Get an interaction
#[utoipa::path(
    tag = "Partners",
    params(("id" = String, Path, description = "Partner id"), ("interaction_id" = String, Path, description = "Interaction id")),
    responses(
        (status = 200, description = "The interaction", body = Interaction, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such interaction, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/partners/{id}/interactions/{interaction_id}")]
pub async fn get_interaction(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let (partner_id, interaction_id) = child_ids(&path, "interaction_id")?;
    let i = state
        .db
        .read(move |conn| {
            store::get_partner(conn, &access, &partner_id)?;
            Ok::<_, ApiError>(
                store::get_interaction(conn, &partner_id, &interaction_id)?.to_interaction(today()),
            )
        })
        .await?;
    Ok(with_etag(&i, i.version))
}

/// Update an interaction
///
/// Staff only: close it when the follow-up is done, reschedule it, or hand it to another owner.
#[utoipa::path(
    tag = "Partners",
    request_body = InteractionPatch,
    params(("id" = String, Path, description = "Partner id"), ("interaction_id" = String, Path, description = "Interaction id"), ("If-Match" = Option<String>, Header, description = "ETag of the version you read; 412 when stale")),
    responses(
        (status = 200, description = "Updated", body = Interaction, headers(("ETag" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff managing this partner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such interaction, or not yours", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/partners/{id}/interactions/{interaction_id}")]
pub async fn update_interaction(
    state: web::Data<AppState>,
    principal: Principal,
    path: web::Path<(String, String)>,
    if_match: IfMatch,
    body: ValidJson<InteractionPatch>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_partners(&principal)?;
    let (partner_id, interaction_id) = child_ids(&path, "interaction_id")?;
    let partner = visible_partner(&state, access, partner_id.clone()).await?;
    policy::update_interaction(&principal, partner.roles())?;
    let p = body.value;
    let actor = Actor::from(&principal);
    let i = state
        .db
        .write(move |conn| {
            store::update_interaction(
                conn,
                &actor,
                &partner_id,
                &interaction_id,
                if_match.expected(),
                |c| {
                    Ok(validate_interaction(InteractionFields {
                        kind: c.kind,
                        subject: p.subject.unwrap_or(c.subject),
                        notes: p.notes.unwrap_or(c.notes),
                        occurred_at: p
                            .occurred_at
                            .map(|t| t.naive_utc())
                            .unwrap_or(c.occurred_at),
                        due_date: p.due_date.unwrap_or(c.due_date),
                        status: p.status.unwrap_or(c.status),
                        owner_id: p.owner_id.unwrap_or(c.owner_id),
                    })?)
                },
            )
        })
        .await?;
    Ok(with_etag(&i, i.version))
}
