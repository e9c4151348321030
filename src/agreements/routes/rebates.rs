//! Rebates of an agreement: the statement (JSON or CSV) and settlements.

use super::*;

impl CsvRow for RebateEntry {
    // Internal notes and who booked the entry stay out of the export a partner may read.
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "agreement_number",
        "agreement_id",
        "partner_id",
        "kind",
        "year_start",
        "year_end",
        "invoice_id",
        "agreement_version",
        "currency",
        "matched_value_minor",
        "earned_minor",
        "amount_minor",
        "created_at",
    ];
}

/// Get an agreement's rebates
///
/// Each agreement year with entries (matched invoiced value of the lines the agreement priced,
/// what the scale gives on it, accrued, settled and still open) and the entries, oldest first:
/// an `accrual` for each matched invoice that changed what the year earned, a `settlement` for
/// each payment. Staff and host systems see both; a partner its own agreements' settlements.
/// `Accept: text/csv` answers the entries as CSV.
#[utoipa::path(
    tag = "Agreements",
    params(("id" = String, Path, description = "Agreement id")),
    responses(
        (status = 200, description = "The rebate statement", content(
            (RebateStatement = "application/json"),
            (String = "text/csv", example = json!("id,agreement_number,agreement_id,partner_id,kind,year_start,year_end,invoice_id,agreement_version,currency,matched_value_minor,earned_minor,amount_minor,created_at\n0193a1b2-0000-7000-8000-0000000000f1,AGR-2026-000001,0193a1b2-0000-7000-8000-0000000000a9,0193a1b2-0000-7000-8000-0000000000c1,settlement,2027-01-01,2027-12-31,,1,EUR,12000000,120000,120000,2027-07-01T09:00:00Z\n"))
        )),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A client without `agreements:read`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement, or not yours", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/agreements/{id}/rebates")]
pub async fn get_agreement_rebates(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let access = policy::read_agreements(&principal)?;
    let id = path_id(&id, "id")?;
    let statement = state
        .db
        .read_heavy(move |conn| store::rebate_statement(conn, &access, &id))
        .await?;
    if wants_csv(&req) {
        return csv_response("rebates", statement.entries);
    }
    Ok(HttpResponse::Ok().json(statement))
}

/// A settlement of the agreement year a day falls in.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"as_of": "2027-06-30", "notes": "Half-year settlement"}))]
pub struct RebateSettlementRequest {
    /// A day in the agreement year to settle; today when absent. A year may be settled more
    /// than once (mid-year, then at year end): each pays what is earned less what was paid.
    pub as_of: Option<NaiveDate>,
    /// Internal.
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
}

/// Settle a rebate year
///
/// Pays what the agreement year has earned on its matched invoices so far, less what earlier
/// settlements of the year paid, so a mid-year settlement is deducted at year end (negative
/// when the year earned less than was paid: owed back). By staff within the agreement's remit
/// (buyers purchase agreements, account managers sales agreements, admins) or host systems
/// with `agreements:write`. Reaches the partner's change feed as `rebate.settled`.
#[utoipa::path(
    tag = "Agreements",
    request_body = RebateSettlementRequest,
    params(("id" = String, Path, description = "Agreement id"), ("Idempotency-Key" = Option<String>, Header, description = "Replays the first answer for the same key and body")),
    responses(
        (status = 201, description = "Settled", body = RebateEntry, headers(("Location" = String))),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not staff within the agreement's remit, or a client without `agreements:write`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such agreement", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`nothing_to_settle`: what the year earned is settled already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`as_of` not covered by an approved version with a rebate scale, or notes too long", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/agreements/{id}/rebate-settlements")]
pub async fn settle_agreement_rebate(
    state: web::Data<AppState>,
    principal: Principal,
    req: HttpRequest,
    key: IdempotencyKey,
    id: web::Path<String>,
    body: ValidJson<RebateSettlementRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = path_id(&id, "id")?;
    let direction = direction_of(&state, &id).await?;
    policy::propose_agreement(&principal, direction == Direction::Purchase)?;
    let mut e = vec![];
    let notes = Note::check_optional("notes", body.value.notes, &mut e);
    Refusal::check(e)?;
    let day = body.value.as_of.unwrap_or_else(crate::clock::today);
    let actor = Actor::from(&principal);
    idempotency::execute(
        &state.db,
        &principal.id,
        key,
        &req,
        &body.body_hash,
        move |conn| {
            let entry = store::settle_rebate(conn, &actor, &id, day, notes)?;
            let location = format!("/api/v1/agreements/{}/rebates", entry.agreement_id);
            Written::created_link(&entry, location)
        },
    )
    .await
}
