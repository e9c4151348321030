//! Quotes.

use super::*;

#[derive(Debug, Queryable, Clone)]
pub struct QuoteRow {
    pub id: String,
    pub spec_id: String,
    pub version_number: i32,
    pub supplier_id: String,
    pub currency: String,
    pub unit_cost_minor: i64,
    pub target_cost_minor: i64,
    pub valid_until: Option<NaiveDate>,
    pub lead_time_days: Option<i32>,
    pub note: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl QuoteRow {
    pub fn to_quote(&self) -> Quote {
        let (gap, gap_bp) = gap_to_target(self.unit_cost_minor, self.target_cost_minor);
        Quote {
            id: self.id.clone(),
            spec_id: self.spec_id.clone(),
            version_number: self.version_number,
            supplier_id: self.supplier_id.clone(),
            currency: self.currency.clone(),
            unit_cost_minor: self.unit_cost_minor,
            target_cost_minor: self.target_cost_minor,
            gap_minor: gap,
            gap_bp,
            within_target: gap <= 0,
            valid_until: self.valid_until,
            lead_time_days: self.lead_time_days,
            note: self.note.clone(),
            created_by: self.created_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub struct QuoteDraft {
    pub supplier_id: String,
    pub version_number: Option<i32>,
    pub currency: String,
    pub unit_cost_minor: i64,
    pub valid_until: Option<NaiveDate>,
    pub lead_time_days: Option<i32>,
    pub note: Option<String>,
}

/// The version a quote or inspection is for: the one named, else the current one.
pub(crate) fn version_for(
    conn: &mut DbConnection,
    spec_id: &str,
    number: Option<i32>,
) -> Result<VersionRow, StoreError> {
    match number {
        Some(n) => Ok(spec_versions::table
            .find((spec_id, n))
            .first::<VersionRow>(conn)
            .optional()?
            .ok_or_else(|| {
                Refusal::invalid(
                    "version_number",
                    format!("the specification has no version {n}"),
                )
            })?),
        None => Ok(current_version(conn, spec_id)?.ok_or_else(|| {
            Refusal::invalid("version_number", "no version is issued or approved yet")
        })?),
    }
}

pub fn insert_quote(
    conn: &mut DbConnection,
    actor: &Actor,
    spec_id: &str,
    d: QuoteDraft,
) -> Result<Quote, StoreError> {
    check_approved_supplier(is_approved_supplier(conn, spec_id, &d.supplier_id)?)?;
    let v = version_for(conn, spec_id, d.version_number)?;
    check_quote(v.number, v.status(), &v.currency, &d.currency)?;
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(quotes::table)
        .values((
            quotes::id.eq(&id),
            quotes::spec_id.eq(spec_id),
            quotes::version_number.eq(v.number),
            quotes::supplier_id.eq(&d.supplier_id),
            quotes::currency.eq(&d.currency),
            quotes::unit_cost_minor.eq(d.unit_cost_minor),
            quotes::target_cost_minor.eq(v.target_cost_minor),
            quotes::valid_until.eq(d.valid_until),
            quotes::lead_time_days.eq(d.lead_time_days),
            quotes::note.eq(&d.note),
            quotes::created_by.eq(&actor.id),
            quotes::version.eq(1i64),
            quotes::created_at.eq(t),
            quotes::updated_at.eq(t),
        ))
        .execute(conn)?;
    let quote = quotes::table.find(&id).first::<QuoteRow>(conn)?.to_quote();
    record_change(
        conn,
        actor,
        Change {
            action: "quote.submitted",
            entity_type: "quote",
            entity_id: &id,
            partner_id: Some(&d.supplier_id),
            before: None,
            after: snapshot(&quote),
        },
    )?;
    Ok(quote)
}

/// Quotes side by side, cheapest first, `limit + 1` of them for `Page::from_rows`. The cursor
/// is the last quote's id; its cost is looked up so the next page starts right after it in
/// (cost, id) order.
pub fn list_quotes(
    conn: &mut DbConnection,
    access: &Access,
    spec_id: &str,
    version_number: Option<i32>,
    page: &PageRequest,
) -> Result<Vec<QuoteRow>, StoreError> {
    get_spec_row(conn, access, spec_id)?;
    let mut q = quotes::table
        .filter(quotes::spec_id.eq(spec_id))
        .order((quotes::unit_cost_minor.asc(), quotes::id.asc()))
        .limit(page.limit + 1)
        .into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(quotes::supplier_id.eq(own.to_string()));
    }
    if let Some(n) = version_number {
        q = q.filter(quotes::version_number.eq(n));
    }
    if let Some(t) = page.updated_since {
        q = q.filter(quotes::updated_at.ge(t));
    }
    if let Some(after) = &page.after_id {
        let cost = quotes::table
            .find(after)
            .select(quotes::unit_cost_minor)
            .first::<i64>(conn)
            .optional()?
            .ok_or(Refusal::ForeignCursor)?;
        q = q.filter(
            quotes::unit_cost_minor.gt(cost).or(quotes::unit_cost_minor
                .eq(cost)
                .and(quotes::id.gt(after.clone()))),
        );
    }
    Ok(q.load::<QuoteRow>(conn)?)
}
