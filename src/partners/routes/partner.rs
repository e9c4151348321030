//! Partners.

use super::*;
use crate::participants::{ParticipantId, PostalAddress};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Dewhirst Group", "legal_name": "Dewhirst Group Ltd", "roles": ["manufacturer"], "status": "active",
    "gln": "5012345000015", "country": "GB", "relationship_since": "1925-03-01",
    "endpoint": {"scheme": "0088", "id": "5012345000015"},
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
    #[schema(value_type = Option<crate::values::TaxId>)]
    pub tax_id: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(value_type = Option<crate::values::Country>)]
    pub country: Option<String>,
    #[serde(default)]
    pub erp_references: Vec<ErpReference>,
    /// Where the partner's system takes PEPPOL documents (an EAS scheme); unique.
    pub endpoint: Option<ParticipantId>,
    /// Party identifiers (ISO/IEC 6523 schemes), at most 10.
    #[serde(default)]
    pub party_ids: Vec<ParticipantId>,
    /// Legal registration (an ISO/IEC 6523 scheme).
    pub legal_id: Option<ParticipantId>,
    pub address: Option<PostalAddress>,
    pub relationship_since: Option<NaiveDate>,
    /// A staff user.
    pub account_owner_id: Option<String>,
    /// Portfolio segment, e.g. `top_10`, `second_line`; stored lower-case.
    #[schema(value_type = Option<crate::values::Segment>)]
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
    #[schema(value_type = Option<crate::values::TaxId>)]
    pub tax_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Country>)]
    pub country: Option<Option<String>>,
    pub erp_references: Option<Vec<ErpReference>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<ParticipantId>)]
    pub endpoint: Option<Option<ParticipantId>>,
    pub party_ids: Option<Vec<ParticipantId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<ParticipantId>)]
    pub legal_id: Option<Option<ParticipantId>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<PostalAddress>)]
    pub address: Option<Option<PostalAddress>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub relationship_since: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub account_owner_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Segment>)]
    pub segment: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<Option<String>>,
}

impl PartnerPatch {
    pub(crate) fn apply(self, current: &PartnerFields) -> PartnerFields {
        let c = current.clone();
        PartnerFields {
            name: self.name.unwrap_or(c.name),
            legal_name: self.legal_name.unwrap_or(c.legal_name),
            roles: self.roles.map(|r| flags_of(&r)).unwrap_or(c.roles),
            status: self.status.unwrap_or(c.status),
            gln: self.gln.unwrap_or(c.gln),
            tax_id: self.tax_id.unwrap_or(c.tax_id),
            country: self.country.unwrap_or(c.country),
            erp_references: self.erp_references.unwrap_or(c.erp_references),
            identity: PartyIdentity {
                endpoint: self.endpoint.unwrap_or(c.identity.endpoint),
                party_ids: self.party_ids.unwrap_or(c.identity.party_ids),
                legal_id: self.legal_id.unwrap_or(c.identity.legal_id),
                address: self.address.unwrap_or(c.identity.address),
            },
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
        PartnerFields {
            name: b.name,
            legal_name: b.legal_name,
            roles,
            status: b.status.unwrap_or(PartnerStatus::Prospect),
            gln: b.gln,
            tax_id: b.tax_id,
            country: b.country,
            erp_references: b.erp_references,
            identity: PartyIdentity {
                endpoint: b.endpoint,
                party_ids: b.party_ids,
                legal_id: b.legal_id,
                address: b.address,
            },
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
    #[param(value_type = Option<crate::values::SearchText>)]
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
    let filter = PartnerFilter {
        role: q.role,
        status: q.status,
        q: crate::http::extract::search_query("q", q.q)?,
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
        .read_heavy(move |conn| store::list_partners(conn, &access, filter, &page))
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
            let row = store::get_partner(conn, &access, &id)?;
            policy::manage_partner(&principal, row.roles())?;
            if_match.check(row.version)?;
            let current = row.to_fields();
            let next = validate_draft(patch.apply(&current), today()).map_err(Refusal::Invalid)?;
            // The change may not give the partner roles the caller may not manage.
            policy::manage_partner(&principal, next.roles)?;
            check_status_change(current.status, next.status)?;
            Ok::<_, ApiError>(store::save_partner(conn, &actor, &access, &row, next)?)
        })
        .await?;
    Ok(with_etag(&partner, partner.version))
}

pub(crate) async fn set_archived(
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
        let row = store::get_partner(conn, &access, &id)?;
        policy::manage_partner(&principal, row.roles())?;
        if_match.check(row.version)?;
        let partner = store::set_archived(conn, &actor, &access, &row, archive)?;
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
pub(crate) fn tenure_cutoff(today: NaiveDate, years: u32) -> Result<NaiveDate, ApiError> {
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
    policy::read_partners(&principal)?.internal_only("the supplier base is internal")?;
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
