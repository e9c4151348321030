//! Specifications, their versions and suppliers, quotes, inspections, non-conformances and
//! returns. A partner principal reads only specifications it is an approved supplier of, and
//! only its own quotes, inspections, non-conformances and returns: the filters are here.

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::auth::policy::Access;
use crate::clock::{now, today};
use crate::db::schema::{
    inspections, non_conformances, partners, quotes, returns, spec_suppliers, spec_versions,
    specifications,
};
use crate::db::{with_lines, DbConnection};
use crate::db::{PageRequest, StoreError};
use crate::orders::model::Quantity;
use crate::orders::store::next_number;
use crate::refusal::{expect_version, Code, Refusal};

fn utc(t: Option<NaiveDateTime>) -> Option<chrono::DateTime<Utc>> {
    t.map(|t| t.and_utc())
}

// ---- specifications and versions ------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
pub struct SpecRow {
    pub id: String,
    pub number: String,
    pub product_id: String,
    pub title: String,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Queryable, Insertable, AsChangeset, Clone)]
#[diesel(table_name = spec_versions, treat_none_as_null = true)]
pub struct VersionRow {
    pub spec_id: String,
    pub number: i32,
    pub status: String,
    pub currency: String,
    pub target_retail_price_minor: i64,
    pub target_margin_bp: i64,
    pub target_cost_minor: i64,
    pub requirements: String,
    pub notes: Option<String>,
    pub issued_at: Option<NaiveDateTime>,
    pub approved_at: Option<NaiveDateTime>,
    pub approved_by: Option<String>,
    pub superseded_at: Option<NaiveDateTime>,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl VersionRow {
    pub fn status(&self) -> VersionStatus {
        VersionStatus::parse(&self.status).unwrap_or(VersionStatus::Draft)
    }

    pub fn requirements(&self) -> Vec<Requirement> {
        serde_json::from_str(&self.requirements).unwrap_or_default()
    }

    pub fn to_version(&self) -> SpecVersion {
        SpecVersion {
            spec_id: self.spec_id.clone(),
            number: self.number,
            status: self.status(),
            currency: self.currency.clone(),
            target_retail_price_minor: self.target_retail_price_minor,
            target_margin_bp: self.target_margin_bp,
            target_cost_minor: self.target_cost_minor,
            requirements: self.requirements(),
            notes: self.notes.clone(),
            allowed_actions: version_actions(self.status()).to_vec(),
            issued_at: utc(self.issued_at),
            approved_at: utc(self.approved_at),
            approved_by: self.approved_by.clone(),
            superseded_at: utc(self.superseded_at),
            withdrawn_at: utc(self.withdrawn_at),
            created_by: self.created_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

/// What a buyer writes in a version.
#[derive(Debug, Clone)]
pub struct VersionDraft {
    pub currency: String,
    pub target_retail_price_minor: i64,
    pub target_margin_bp: i64,
    pub requirements: Vec<Requirement>,
    pub notes: Option<String>,
}

fn to_spec(row: SpecRow, versions: &[VersionRow], access: &Access) -> Specification {
    let partner = access.partner_id().is_some();
    Specification {
        approved_version: versions
            .iter()
            .find(|v| v.status() == VersionStatus::Approved)
            .map(|v| v.number),
        versions: versions
            .iter()
            .filter(|v| !partner || visible_to_suppliers(v.status()))
            .map(|v| VersionSummary {
                number: v.number,
                status: v.status(),
            })
            .collect(),
        id: row.id,
        number: row.number,
        product_id: row.product_id,
        title: row.title,
        created_by: row.created_by,
        version: row.version,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
    }
}

/// Filters a specification query to what `access` may see: staff every specification, a
/// supplier those it is approved for.
macro_rules! visible_specs {
    ($q:expr, $access:expr) => {{
        let mut q = $q;
        if let Some(own) = $access.partner_id() {
            q = q.filter(
                specifications::id.eq_any(
                    spec_suppliers::table
                        .filter(spec_suppliers::partner_id.eq(own.to_string()))
                        .select(spec_suppliers::spec_id),
                ),
            );
        }
        q
    }};
}

/// The specification if the caller may see it: staff always, a supplier when approved for it.
pub fn get_spec_row(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<SpecRow, StoreError> {
    visible_specs!(
        specifications::table
            .filter(specifications::id.eq(id))
            .into_boxed(),
        access
    )
    .first::<SpecRow>(conn)
    .optional()?
    .ok_or(Refusal::NotFound("specification").into())
}

fn load_versions(conn: &mut DbConnection, spec_id: &str) -> Result<Vec<VersionRow>, StoreError> {
    Ok(spec_versions::table
        .filter(spec_versions::spec_id.eq(spec_id))
        .order(spec_versions::number.asc())
        .load::<VersionRow>(conn)?)
}

pub fn get_spec(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<Specification, StoreError> {
    let row = get_spec_row(conn, access, id)?;
    let versions = load_versions(conn, id)?;
    Ok(to_spec(row, &versions, access))
}

pub fn insert_spec(
    conn: &mut DbConnection,
    actor: &Actor,
    product_id: &str,
    title: &str,
    first: VersionDraft,
) -> Result<(Specification, SpecVersion), StoreError> {
    crate::catalogue::store::get_product(conn, product_id)
        .map_err(|_| Refusal::invalid("product_id", "no such product"))?;
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "SPEC")?;
    let t = now();
    diesel::insert_into(specifications::table)
        .values((
            specifications::id.eq(&id),
            specifications::number.eq(&number),
            specifications::product_id.eq(product_id),
            specifications::title.eq(title),
            specifications::created_by.eq(&actor.id),
            specifications::version.eq(1i64),
            specifications::created_at.eq(t),
            specifications::updated_at.eq(t),
        ))
        .execute(conn)?;
    let version = insert_version(conn, actor, &id, 1, first)?;
    let spec = get_spec(conn, &Access::All, &id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "specification.created",
            entity_type: "specification",
            entity_id: &id,
            partner_id: None,
            before: None,
            after: snapshot(&spec),
        },
    )?;
    Ok((spec, version))
}

fn insert_version(
    conn: &mut DbConnection,
    actor: &Actor,
    spec_id: &str,
    number: i32,
    d: VersionDraft,
) -> Result<SpecVersion, StoreError> {
    let t = now();
    let row = VersionRow {
        spec_id: spec_id.into(),
        number,
        status: VersionStatus::Draft.as_str().into(),
        target_cost_minor: target_cost(d.target_retail_price_minor, d.target_margin_bp),
        currency: d.currency,
        target_retail_price_minor: d.target_retail_price_minor,
        target_margin_bp: d.target_margin_bp,
        requirements: serde_json::to_string(&d.requirements).unwrap_or_else(|_| "[]".into()),
        notes: d.notes,
        issued_at: None,
        approved_at: None,
        approved_by: None,
        superseded_at: None,
        withdrawn_at: None,
        created_by: actor.id.clone(),
        version: 1,
        created_at: t,
        updated_at: t,
    };
    diesel::insert_into(spec_versions::table)
        .values(&row)
        .execute(conn)?;
    let v = row.to_version();
    record_change(
        conn,
        actor,
        Change {
            action: "specification.version_drafted",
            entity_type: "specification",
            entity_id: spec_id,
            partner_id: None,
            before: None,
            after: snapshot(&v),
        },
    )?;
    Ok(v)
}

/// A new draft version. One version at a time may be in the works (draft or issued).
pub fn add_version(
    conn: &mut DbConnection,
    actor: &Actor,
    spec_id: &str,
    d: VersionDraft,
) -> Result<SpecVersion, StoreError> {
    get_spec_row(conn, &Access::All, spec_id)?;
    let versions = load_versions(conn, spec_id)?;
    if let Some(open) = versions
        .iter()
        .find(|v| matches!(v.status(), VersionStatus::Draft | VersionStatus::Issued))
    {
        return Err(Refusal::conflict(
            Code::VersionInProgress,
            format!(
                "version {} is still {}: approve or withdraw it before starting another",
                open.number, open.status
            ),
        )
        .into());
    }
    let number = versions.last().map(|v| v.number + 1).unwrap_or(1);
    touch_spec(conn, spec_id)?;
    insert_version(conn, actor, spec_id, number, d)
}

fn touch_spec(conn: &mut DbConnection, spec_id: &str) -> Result<(), StoreError> {
    diesel::update(specifications::table.find(spec_id))
        .set((
            specifications::version.eq(specifications::version + 1),
            specifications::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn get_version_row(
    conn: &mut DbConnection,
    access: &Access,
    spec_id: &str,
    number: i32,
) -> Result<VersionRow, StoreError> {
    get_spec_row(conn, access, spec_id)?;
    let row = spec_versions::table
        .find((spec_id, number))
        .first::<VersionRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("specification version"))?;
    if access.partner_id().is_some() && !visible_to_suppliers(row.status()) {
        return Err(Refusal::NotFound("specification version").into());
    }
    Ok(row)
}

pub fn list_versions(
    conn: &mut DbConnection,
    access: &Access,
    spec_id: &str,
) -> Result<Vec<SpecVersion>, StoreError> {
    get_spec_row(conn, access, spec_id)?;
    Ok(load_versions(conn, spec_id)?
        .iter()
        .filter(|v| access.partner_id().is_none() || visible_to_suppliers(v.status()))
        .map(VersionRow::to_version)
        .collect())
}

/// How an edit turns the current draft into the new one (validating it).
pub type VersionEdit = Box<dyn FnOnce(VersionDraft) -> Result<VersionDraft, StoreError> + Send>;

/// Edits, issues, approves or withdraws a version; approving supersedes the approved one.
pub fn change_version(
    conn: &mut DbConnection,
    actor: &Actor,
    spec_id: &str,
    number: i32,
    expected_version: Option<i64>,
    action: VersionAction,
    edit: Option<VersionEdit>,
) -> Result<SpecVersion, StoreError> {
    let row = get_version_row(conn, &Access::All, spec_id, number)?;
    expect_version(expected_version, row.version)?;
    let next = next_version_status(row.status(), action).map_err(|allowed| {
        Refusal::not_allowed(
            "specification version",
            &row.status,
            action.as_str(),
            allowed,
        )
    })?;
    let before = row.to_version();
    let t = now();
    let mut new = row.clone();
    new.status = next.as_str().into();
    new.version += 1;
    new.updated_at = t;
    match action {
        VersionAction::Edit => {
            let current = VersionDraft {
                currency: row.currency.clone(),
                target_retail_price_minor: row.target_retail_price_minor,
                target_margin_bp: row.target_margin_bp,
                requirements: row.requirements(),
                notes: row.notes.clone(),
            };
            let d = match edit {
                Some(f) => f(current)?,
                None => current,
            };
            new.target_cost_minor = target_cost(d.target_retail_price_minor, d.target_margin_bp);
            new.currency = d.currency;
            new.target_retail_price_minor = d.target_retail_price_minor;
            new.target_margin_bp = d.target_margin_bp;
            new.requirements =
                serde_json::to_string(&d.requirements).unwrap_or_else(|_| "[]".into());
            new.notes = d.notes;
        }
        VersionAction::Issue => new.issued_at = Some(t),
        VersionAction::Approve => {
            new.approved_at = Some(t);
            new.approved_by = Some(actor.id.clone());
            supersede_approved(conn, actor, spec_id, t)?;
        }
        VersionAction::Withdraw => new.withdrawn_at = Some(t),
    }
    let updated = diesel::update(
        spec_versions::table
            .find((spec_id, number))
            .filter(spec_versions::version.eq(row.version)),
    )
    .set(&new)
    .execute(conn)?;
    if updated == 0 {
        return Err(Refusal::StaleVersion {
            current: row.version + 1,
        }
        .into());
    }
    touch_spec(conn, spec_id)?;
    let after = new.to_version();
    record_change(
        conn,
        actor,
        Change {
            action: match action {
                VersionAction::Edit => "specification.version_edited",
                VersionAction::Issue => "specification.version_issued",
                VersionAction::Approve => "specification.version_approved",
                VersionAction::Withdraw => "specification.version_withdrawn",
            },
            entity_type: "specification",
            entity_id: spec_id,
            partner_id: None,
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

fn supersede_approved(
    conn: &mut DbConnection,
    actor: &Actor,
    spec_id: &str,
    t: NaiveDateTime,
) -> Result<(), StoreError> {
    let approved = spec_versions::table
        .filter(spec_versions::spec_id.eq(spec_id))
        .filter(spec_versions::status.eq(VersionStatus::Approved.as_str()))
        .load::<VersionRow>(conn)?;
    for old in approved {
        let mut new = old.clone();
        new.status = VersionStatus::Superseded.as_str().into();
        new.superseded_at = Some(t);
        new.version += 1;
        new.updated_at = t;
        diesel::update(spec_versions::table.find((spec_id, old.number)))
            .set(&new)
            .execute(conn)?;
        record_change(
            conn,
            actor,
            Change {
                action: "specification.version_superseded",
                entity_type: "specification",
                entity_id: spec_id,
                partner_id: None,
                before: snapshot(&old.to_version()),
                after: snapshot(&new.to_version()),
            },
        )?;
    }
    Ok(())
}

/// The version new quotes and inspections default to: the approved one, else the issued one.
pub fn current_version(
    conn: &mut DbConnection,
    spec_id: &str,
) -> Result<Option<VersionRow>, StoreError> {
    let versions = load_versions(conn, spec_id)?;
    Ok(versions
        .iter()
        .find(|v| v.status() == VersionStatus::Approved)
        .or_else(|| {
            versions
                .iter()
                .find(|v| v.status() == VersionStatus::Issued)
        })
        .cloned())
}

#[derive(Debug, Default)]
pub struct SpecFilter {
    pub product_id: Option<String>,
}

pub fn list_specs(
    conn: &mut DbConnection,
    access: &Access,
    f: SpecFilter,
    page: &PageRequest,
) -> Result<Vec<Specification>, StoreError> {
    let mut q = visible_specs!(crate::paged!(specifications, page), access);
    if let Some(p) = f.product_id {
        q = q.filter(specifications::product_id.eq(p));
    }
    let rows = q.load::<SpecRow>(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let versions = spec_versions::table
        .filter(spec_versions::spec_id.eq_any(&ids))
        .order((spec_versions::spec_id.asc(), spec_versions::number.asc()))
        .load::<VersionRow>(conn)?;
    Ok(with_lines(
        rows,
        versions,
        |r| &r.id,
        |v| &v.spec_id,
        |r, mine| to_spec(r, &mine, access),
    ))
}

// ---- approved suppliers ---------------------------------------------------------------------

pub fn is_approved_supplier(
    conn: &mut DbConnection,
    spec_id: &str,
    partner_id: &str,
) -> Result<bool, StoreError> {
    let n: i64 = spec_suppliers::table
        .find((spec_id, partner_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn approved_supplier_ids(
    conn: &mut DbConnection,
    spec_id: &str,
) -> Result<Vec<String>, StoreError> {
    Ok(spec_suppliers::table
        .filter(spec_suppliers::spec_id.eq(spec_id))
        .select(spec_suppliers::partner_id)
        .load::<String>(conn)?)
}

pub fn approve_supplier(
    conn: &mut DbConnection,
    actor: &Actor,
    spec_id: &str,
    partner_id: &str,
) -> Result<ApprovedSupplier, StoreError> {
    get_spec_row(conn, &Access::All, spec_id)?;
    let partner = crate::partners::store::get_partner(conn, &Access::All, partner_id)
        .map_err(|_| Refusal::invalid("partner_id", "no such partner"))?;
    if !partner.is_manufacturer {
        return Err(Refusal::invalid(
            "partner_id",
            "only partners with the manufacturer role make products to a specification",
        )
        .into());
    }
    if is_approved_supplier(conn, spec_id, partner_id)? {
        return Err(Refusal::conflict_on(
            Code::Duplicate,
            "partner_id",
            "this manufacturer is already approved for the specification",
        )
        .into());
    }
    diesel::insert_into(spec_suppliers::table)
        .values((
            spec_suppliers::spec_id.eq(spec_id),
            spec_suppliers::partner_id.eq(partner_id),
            spec_suppliers::approved_by.eq(&actor.id),
            spec_suppliers::created_at.eq(now()),
        ))
        .execute(conn)?;
    touch_spec(conn, spec_id)?;
    let supplier = list_suppliers(conn, spec_id)?
        .into_iter()
        .find(|s| s.partner_id == partner_id)
        .ok_or(Refusal::NotFound("approved supplier"))?;
    record_change(
        conn,
        actor,
        Change {
            action: "specification.supplier_approved",
            entity_type: "specification",
            entity_id: spec_id,
            partner_id: Some(partner_id),
            before: None,
            after: snapshot(&supplier),
        },
    )?;
    Ok(supplier)
}

pub fn revoke_supplier(
    conn: &mut DbConnection,
    actor: &Actor,
    spec_id: &str,
    partner_id: &str,
) -> Result<(), StoreError> {
    get_spec_row(conn, &Access::All, spec_id)?;
    let before = list_suppliers(conn, spec_id)?
        .into_iter()
        .find(|s| s.partner_id == partner_id)
        .ok_or(Refusal::NotFound("approved supplier"))?;
    diesel::delete(spec_suppliers::table.find((spec_id, partner_id))).execute(conn)?;
    touch_spec(conn, spec_id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "specification.supplier_revoked",
            entity_type: "specification",
            entity_id: spec_id,
            partner_id: Some(partner_id),
            before: snapshot(&before),
            after: None,
        },
    )
}

pub fn list_suppliers(
    conn: &mut DbConnection,
    spec_id: &str,
) -> Result<Vec<ApprovedSupplier>, StoreError> {
    let rows = spec_suppliers::table
        .inner_join(partners::table.on(partners::id.eq(spec_suppliers::partner_id)))
        .filter(spec_suppliers::spec_id.eq(spec_id))
        .order(partners::name.asc())
        .select((
            spec_suppliers::partner_id,
            partners::name,
            partners::relationship_since,
            spec_suppliers::approved_by,
            spec_suppliers::created_at,
        ))
        .load::<(String, String, Option<NaiveDate>, String, NaiveDateTime)>(conn)?;
    let today = today();
    Ok(rows
        .into_iter()
        .map(
            |(partner_id, name, since, approved_by, at)| ApprovedSupplier {
                partner_id,
                name,
                tenure_years: since.and_then(|s| crate::partners::model::tenure_years(s, today)),
                approved_by,
                approved_at: at.and_utc(),
            },
        )
        .collect())
}

// ---- quotes ---------------------------------------------------------------------------------

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
fn version_for(
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
    if !is_approved_supplier(conn, spec_id, &d.supplier_id)? {
        return Err(Refusal::invalid(
            "supplier_id",
            "this manufacturer is not approved for the specification",
        )
        .into());
    }
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

// ---- inspections ----------------------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
pub struct InspectionRow {
    pub id: String,
    pub number: String,
    pub spec_id: String,
    pub version_number: i32,
    pub supplier_id: String,
    pub kind: String,
    pub lot_reference: Option<String>,
    pub inspected_on: NaiveDate,
    pub verdict: String,
    pub results: String,
    pub note: Option<String>,
    pub non_conformance_id: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl InspectionRow {
    pub fn to_inspection(&self) -> Inspection {
        let results: Vec<RequirementResult> =
            serde_json::from_str(&self.results).unwrap_or_default();
        Inspection {
            id: self.id.clone(),
            number: self.number.clone(),
            spec_id: self.spec_id.clone(),
            version_number: self.version_number,
            supplier_id: self.supplier_id.clone(),
            kind: InspectionKind::parse(&self.kind).unwrap_or(InspectionKind::Lot),
            lot_reference: self.lot_reference.clone(),
            inspected_on: self.inspected_on,
            verdict: Verdict::parse(&self.verdict).unwrap_or(Verdict::Fail),
            failed_critical: results
                .iter()
                .filter(|r| r.critical && !r.in_tolerance)
                .map(|r| r.code.clone())
                .collect(),
            results,
            note: self.note.clone(),
            non_conformance_id: self.non_conformance_id.clone(),
            created_by: self.created_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub struct InspectionDraft {
    pub version_number: Option<i32>,
    pub supplier_id: String,
    pub kind: InspectionKind,
    pub lot_reference: Option<String>,
    pub inspected_on: NaiveDate,
    pub measurements: Vec<Measurement>,
    pub note: Option<String>,
}

/// Records an inspection with its computed verdict; a failed one opens a non-conformance for
/// the supplier in the same transaction.
pub fn insert_inspection(
    conn: &mut DbConnection,
    actor: &Actor,
    spec_id: &str,
    d: InspectionDraft,
) -> Result<Inspection, StoreError> {
    get_spec_row(conn, &Access::All, spec_id)?;
    if !is_approved_supplier(conn, spec_id, &d.supplier_id)? {
        return Err(Refusal::invalid(
            "supplier_id",
            "this manufacturer is not approved for the specification",
        )
        .into());
    }
    let v = version_for(conn, spec_id, d.version_number)?;
    if !visible_to_suppliers(v.status()) {
        return Err(Refusal::invalid(
            "version_number",
            format!(
                "version {} is {}; inspect against an issued or approved version",
                v.number, v.status
            ),
        )
        .into());
    }
    let (verdict, results) = judge(&v.requirements(), &d.measurements).map_err(Refusal::Invalid)?;
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "INS")?;
    let t = now();
    diesel::insert_into(inspections::table)
        .values((
            inspections::id.eq(&id),
            inspections::number.eq(&number),
            inspections::spec_id.eq(spec_id),
            inspections::version_number.eq(v.number),
            inspections::supplier_id.eq(&d.supplier_id),
            inspections::kind.eq(d.kind.as_str()),
            inspections::lot_reference.eq(&d.lot_reference),
            inspections::inspected_on.eq(d.inspected_on),
            inspections::verdict.eq(verdict.as_str()),
            inspections::results
                .eq(serde_json::to_string(&results).unwrap_or_else(|_| "[]".into())),
            inspections::note.eq(&d.note),
            inspections::created_by.eq(&actor.id),
            inspections::version.eq(1i64),
            inspections::created_at.eq(t),
            inspections::updated_at.eq(t),
        ))
        .execute(conn)?;
    if verdict == Verdict::Fail {
        let failures: Vec<String> = results
            .iter()
            .filter(|r| r.critical && !r.in_tolerance)
            .map(|r| {
                let lo = r.min.map(|m| m.to_string()).unwrap_or_default();
                let hi = r.max.map(|m| m.to_string()).unwrap_or_default();
                format!("{} {} outside {lo}..{hi} {}", r.code, r.value, r.unit)
            })
            .collect();
        let nc = insert_nc(
            conn,
            actor,
            NcDraft {
                supplier_id: d.supplier_id.clone(),
                spec_id: Some(spec_id.into()),
                inspection_id: Some(id.clone()),
                description: format!("Inspection {number} failed: {}", failures.join("; ")),
                due_date: d.inspected_on + Duration::days(NC_DAYS_TO_RESPOND),
            },
        )?;
        diesel::update(inspections::table.find(&id))
            .set(inspections::non_conformance_id.eq(&nc.id))
            .execute(conn)?;
    }
    let inspection = get_inspection(conn, &Access::All, spec_id, &id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "inspection.recorded",
            entity_type: "inspection",
            entity_id: &id,
            partner_id: Some(&d.supplier_id),
            before: None,
            after: snapshot(&inspection),
        },
    )?;
    Ok(inspection)
}

pub fn get_inspection(
    conn: &mut DbConnection,
    access: &Access,
    spec_id: &str,
    id: &str,
) -> Result<Inspection, StoreError> {
    let mut q = inspections::table
        .filter(inspections::id.eq(id))
        .filter(inspections::spec_id.eq(spec_id))
        .into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(inspections::supplier_id.eq(own.to_string()));
    }
    Ok(q.first::<InspectionRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("inspection"))?
        .to_inspection())
}

#[derive(Debug, Default)]
pub struct InspectionFilter {
    pub supplier_id: Option<String>,
    pub verdict: Option<Verdict>,
}

pub fn list_inspections(
    conn: &mut DbConnection,
    access: &Access,
    spec_id: &str,
    f: InspectionFilter,
    page: &PageRequest,
) -> Result<Vec<Inspection>, StoreError> {
    get_spec_row(conn, access, spec_id)?;
    let mut q = crate::paged!(inspections, page).filter(inspections::spec_id.eq(spec_id));
    if let Some(own) = access.partner_id() {
        q = q.filter(inspections::supplier_id.eq(own.to_string()));
    }
    if let Some(s) = f.supplier_id {
        q = q.filter(inspections::supplier_id.eq(s));
    }
    if let Some(v) = f.verdict {
        q = q.filter(inspections::verdict.eq(v.as_str()));
    }
    Ok(q.load::<InspectionRow>(conn)?
        .iter()
        .map(InspectionRow::to_inspection)
        .collect())
}

// ---- non-conformances -----------------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
pub struct NcRow {
    pub id: String,
    pub number: String,
    pub supplier_id: String,
    pub spec_id: Option<String>,
    pub inspection_id: Option<String>,
    pub description: String,
    pub status: String,
    pub due_date: NaiveDate,
    pub corrective_action: Option<String>,
    pub rejection_reason: Option<String>,
    pub proposed_at: Option<NaiveDateTime>,
    pub verified_at: Option<NaiveDateTime>,
    pub verified_by: Option<String>,
    pub closed_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl NcRow {
    pub fn status(&self) -> NcStatus {
        NcStatus::parse(&self.status).unwrap_or(NcStatus::Open)
    }

    pub fn to_nc(&self, today: NaiveDate) -> NonConformance {
        let status = self.status();
        NonConformance {
            id: self.id.clone(),
            number: self.number.clone(),
            supplier_id: self.supplier_id.clone(),
            spec_id: self.spec_id.clone(),
            inspection_id: self.inspection_id.clone(),
            description: self.description.clone(),
            status,
            due_date: self.due_date,
            overdue: nc_overdue(status, self.due_date, today),
            corrective_action: self.corrective_action.clone(),
            rejection_reason: self.rejection_reason.clone(),
            allowed_actions: NcAction::ALL
                .iter()
                .copied()
                .filter(|a| next_nc_status(status, *a).is_ok())
                .collect(),
            proposed_at: utc(self.proposed_at),
            verified_at: utc(self.verified_at),
            verified_by: self.verified_by.clone(),
            closed_at: utc(self.closed_at),
            created_by: self.created_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub struct NcDraft {
    pub supplier_id: String,
    pub spec_id: Option<String>,
    pub inspection_id: Option<String>,
    pub description: String,
    pub due_date: NaiveDate,
}

pub fn insert_nc(
    conn: &mut DbConnection,
    actor: &Actor,
    d: NcDraft,
) -> Result<NonConformance, StoreError> {
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "NC")?;
    let t = now();
    diesel::insert_into(non_conformances::table)
        .values((
            non_conformances::id.eq(&id),
            non_conformances::number.eq(&number),
            non_conformances::supplier_id.eq(&d.supplier_id),
            non_conformances::spec_id.eq(&d.spec_id),
            non_conformances::inspection_id.eq(&d.inspection_id),
            non_conformances::description.eq(&d.description),
            non_conformances::status.eq(NcStatus::Open.as_str()),
            non_conformances::due_date.eq(d.due_date),
            non_conformances::created_by.eq(&actor.id),
            non_conformances::version.eq(1i64),
            non_conformances::created_at.eq(t),
            non_conformances::updated_at.eq(t),
        ))
        .execute(conn)?;
    let nc = get_nc(conn, &Access::All, &id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "non_conformance.opened",
            entity_type: "non_conformance",
            entity_id: &id,
            partner_id: Some(&d.supplier_id),
            before: None,
            after: snapshot(&nc),
        },
    )?;
    Ok(nc)
}

pub fn get_nc_row(conn: &mut DbConnection, access: &Access, id: &str) -> Result<NcRow, StoreError> {
    let mut q = non_conformances::table
        .filter(non_conformances::id.eq(id))
        .into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(non_conformances::supplier_id.eq(own.to_string()));
    }
    q.first::<NcRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("non-conformance").into())
}

pub fn get_nc(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<NonConformance, StoreError> {
    Ok(get_nc_row(conn, access, id)?.to_nc(today()))
}

/// Moves a non-conformance on: `text` is the corrective action for a proposal, the reason for
/// sending one back.
pub fn nc_transition(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    action: NcAction,
    text: Option<String>,
) -> Result<NonConformance, StoreError> {
    let row = get_nc_row(conn, access, id)?;
    expect_version(expected_version, row.version)?;
    let next = next_nc_status(row.status(), action).map_err(|allowed| {
        Refusal::not_allowed("non-conformance", &row.status, action.as_str(), allowed)
    })?;
    let t = now();
    let mut corrective_action = row.corrective_action.clone();
    let mut rejection_reason = row.rejection_reason.clone();
    let mut proposed_at = row.proposed_at;
    let mut verified_at = row.verified_at;
    let mut verified_by = row.verified_by.clone();
    let mut closed_at = row.closed_at;
    match action {
        NcAction::ProposeAction => {
            corrective_action = text;
            rejection_reason = None;
            proposed_at = Some(t);
        }
        NcAction::RejectAction => rejection_reason = text,
        NcAction::Verify => {
            verified_at = Some(t);
            verified_by = Some(actor.id.clone());
        }
        NcAction::Close => closed_at = Some(t),
    }
    let updated = diesel::update(
        non_conformances::table
            .find(id)
            .filter(non_conformances::version.eq(row.version)),
    )
    .set((
        non_conformances::status.eq(next.as_str()),
        non_conformances::corrective_action.eq(&corrective_action),
        non_conformances::rejection_reason.eq(&rejection_reason),
        non_conformances::proposed_at.eq(proposed_at),
        non_conformances::verified_at.eq(verified_at),
        non_conformances::verified_by.eq(&verified_by),
        non_conformances::closed_at.eq(closed_at),
        non_conformances::version.eq(row.version + 1),
        non_conformances::updated_at.eq(t),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(Refusal::StaleVersion {
            current: row.version + 1,
        }
        .into());
    }
    let after = get_nc(conn, &Access::All, id)?;
    record_change(
        conn,
        actor,
        Change {
            action: match action {
                NcAction::ProposeAction => "non_conformance.action_proposed",
                NcAction::RejectAction => "non_conformance.action_rejected",
                NcAction::Verify => "non_conformance.verified",
                NcAction::Close => "non_conformance.closed",
            },
            entity_type: "non_conformance",
            entity_id: id,
            partner_id: Some(&row.supplier_id),
            before: snapshot(&row.to_nc(today())),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

#[derive(Debug, Default)]
pub struct NcFilter {
    pub status: Option<NcStatus>,
    pub supplier_id: Option<String>,
    pub overdue: Option<bool>,
}

pub fn list_ncs(
    conn: &mut DbConnection,
    access: &Access,
    f: NcFilter,
    page: &PageRequest,
) -> Result<Vec<NonConformance>, StoreError> {
    let mut q = crate::paged!(non_conformances, page);
    if let Some(own) = access.partner_id() {
        q = q.filter(non_conformances::supplier_id.eq(own.to_string()));
    }
    if let Some(s) = f.status {
        q = q.filter(non_conformances::status.eq(s.as_str()));
    }
    if let Some(s) = f.supplier_id {
        q = q.filter(non_conformances::supplier_id.eq(s));
    }
    let today = today();
    match f.overdue {
        Some(true) => {
            q = q
                .filter(non_conformances::status.ne(NcStatus::Closed.as_str()))
                .filter(non_conformances::due_date.lt(today))
        }
        Some(false) => {
            q = q.filter(
                non_conformances::status
                    .eq(NcStatus::Closed.as_str())
                    .or(non_conformances::due_date.ge(today)),
            )
        }
        None => {}
    }
    Ok(q.load::<NcRow>(conn)?
        .iter()
        .map(|r| r.to_nc(today))
        .collect())
}

// ---- returns --------------------------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
pub struct ReturnRow {
    pub id: String,
    pub number: String,
    pub product_id: String,
    pub spec_id: Option<String>,
    pub spec_version_number: Option<i32>,
    pub supplier_id: Option<String>,
    pub quantity_milli: i64,
    pub reason: Option<String>,
    pub resolution: String,
    pub returned_on: NaiveDate,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ReturnRow {
    pub fn to_return(&self) -> ProductReturn {
        ProductReturn {
            id: self.id.clone(),
            number: self.number.clone(),
            product_id: self.product_id.clone(),
            spec_id: self.spec_id.clone(),
            spec_version_number: self.spec_version_number,
            supplier_id: self.supplier_id.clone(),
            quantity: Quantity(self.quantity_milli),
            reason: self.reason.clone(),
            resolution: Resolution::parse(&self.resolution).unwrap_or(Resolution::Refund),
            returned_on: self.returned_on,
            created_by: self.created_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

pub struct ReturnDraft {
    pub product_id: String,
    pub supplier_id: Option<String>,
    pub quantity: Quantity,
    pub reason: Option<String>,
    pub resolution: Resolution,
    pub returned_on: NaiveDate,
}

/// The specification version in force for a product on a day: approved by then and not yet
/// superseded (or withdrawn).
fn version_in_force(
    conn: &mut DbConnection,
    product_id: &str,
    on: NaiveDate,
) -> Result<Option<VersionRow>, StoreError> {
    let end_of_day = on
        .succ_opt()
        .unwrap_or(on)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    let specs: Vec<String> = specifications::table
        .filter(specifications::product_id.eq(product_id))
        .select(specifications::id)
        .load(conn)?;
    let versions = spec_versions::table
        .filter(spec_versions::spec_id.eq_any(&specs))
        .filter(spec_versions::approved_at.lt(end_of_day))
        .order(spec_versions::approved_at.desc())
        .load::<VersionRow>(conn)?;
    Ok(versions.into_iter().find(|v| {
        let ended = v.superseded_at.or(v.withdrawn_at);
        ended.is_none_or(|e| e >= end_of_day)
    }))
}

/// Records a return, traced to the specification version in force on the day and to the
/// supplier that made it (given, or the only approved supplier of that specification).
pub fn insert_return(
    conn: &mut DbConnection,
    actor: &Actor,
    d: ReturnDraft,
) -> Result<ProductReturn, StoreError> {
    crate::catalogue::store::get_product(conn, &d.product_id)
        .map_err(|_| Refusal::invalid("product_id", "no such product"))?;
    let in_force = version_in_force(conn, &d.product_id, d.returned_on)?;
    let supplier_id = match (&in_force, d.supplier_id) {
        (Some(v), Some(s)) => {
            if !is_approved_supplier(conn, &v.spec_id, &s)? {
                return Err(Refusal::invalid(
                    "supplier_id",
                    "this manufacturer is not approved for the product's specification",
                )
                .into());
            }
            Some(s)
        }
        (Some(v), None) => {
            let approved = approved_supplier_ids(conn, &v.spec_id)?;
            match approved.as_slice() {
                [only] => Some(only.clone()),
                [] => None,
                _ => {
                    return Err(Refusal::invalid(
                        "supplier_id",
                        "several approved suppliers make this product: say which one made the returned item",
                    ).into())
                }
            }
        }
        (None, s) => {
            if let Some(s) = &s {
                crate::partners::store::get_partner(conn, &Access::All, s)
                    .map_err(|_| Refusal::invalid("supplier_id", "no such partner"))?;
            }
            s
        }
    };
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "RET")?;
    let t = now();
    diesel::insert_into(returns::table)
        .values((
            returns::id.eq(&id),
            returns::number.eq(&number),
            returns::product_id.eq(&d.product_id),
            returns::spec_id.eq(in_force.as_ref().map(|v| v.spec_id.clone())),
            returns::spec_version_number.eq(in_force.as_ref().map(|v| v.number)),
            returns::supplier_id.eq(&supplier_id),
            returns::quantity_milli.eq(d.quantity.milli()),
            returns::reason.eq(&d.reason),
            returns::resolution.eq(d.resolution.as_str()),
            returns::returned_on.eq(d.returned_on),
            returns::created_by.eq(&actor.id),
            returns::version.eq(1i64),
            returns::created_at.eq(t),
            returns::updated_at.eq(t),
        ))
        .execute(conn)?;
    let r = get_return(conn, &Access::All, &id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "return.recorded",
            entity_type: "return",
            entity_id: &id,
            partner_id: supplier_id.as_deref(),
            before: None,
            after: snapshot(&r),
        },
    )?;
    Ok(r)
}

pub fn get_return(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<ProductReturn, StoreError> {
    let mut q = returns::table.filter(returns::id.eq(id)).into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(returns::supplier_id.eq(own.to_string()));
    }
    Ok(q.first::<ReturnRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("return"))?
        .to_return())
}

#[derive(Debug, Default)]
pub struct ReturnFilter {
    pub product_id: Option<String>,
    pub supplier_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub fn list_returns(
    conn: &mut DbConnection,
    access: &Access,
    f: ReturnFilter,
    page: &PageRequest,
) -> Result<Vec<ProductReturn>, StoreError> {
    let mut q = crate::paged!(returns, page);
    if let Some(own) = access.partner_id() {
        q = q.filter(returns::supplier_id.eq(own.to_string()));
    }
    if let Some(p) = f.product_id {
        q = q.filter(returns::product_id.eq(p));
    }
    if let Some(s) = f.supplier_id {
        q = q.filter(returns::supplier_id.eq(s));
    }
    if let Some(d) = f.from {
        q = q.filter(returns::returned_on.ge(d));
    }
    if let Some(d) = f.to {
        q = q.filter(returns::returned_on.le(d));
    }
    Ok(q.load::<ReturnRow>(conn)?
        .iter()
        .map(ReturnRow::to_return)
        .collect())
}

/// Returned quantities per (supplier, product) with the return date in `from..=to`.
pub fn returned_quantities(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(Option<String>, String, i64)>, StoreError> {
    Ok(returns::table
        .filter(returns::returned_on.ge(from))
        .filter(returns::returned_on.le(to))
        .select((
            returns::supplier_id,
            returns::product_id,
            returns::quantity_milli,
        ))
        .load(conn)?)
}

/// Of `product_ids`, those `partner_id` is an approved supplier for on some specification: the
/// own-brand products it makes for us.
pub fn products_made_by(
    conn: &mut DbConnection,
    partner_id: &str,
    product_ids: &[String],
) -> Result<Vec<String>, StoreError> {
    Ok(spec_suppliers::table
        .inner_join(specifications::table)
        .filter(spec_suppliers::partner_id.eq(partner_id))
        .filter(specifications::product_id.eq_any(product_ids))
        .select(specifications::product_id)
        .distinct()
        .load(conn)?)
}

/// A supplier's quality record over `from..=to`: inspections passed and failed, units returned
/// by customers traced to it, and its non-conformances still open today.
pub fn quality_record(
    conn: &mut DbConnection,
    supplier_id: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, i64, i64, i64), StoreError> {
    let verdicts: Vec<String> = inspections::table
        .filter(inspections::supplier_id.eq(supplier_id))
        .filter(inspections::inspected_on.ge(from))
        .filter(inspections::inspected_on.le(to))
        .select(inspections::verdict)
        .load(conn)?;
    let passed = verdicts
        .iter()
        .filter(|v| v.as_str() == Verdict::Pass.as_str())
        .count() as i64;
    let returned: Vec<i64> = returns::table
        .filter(returns::supplier_id.eq(supplier_id))
        .filter(returns::returned_on.ge(from))
        .filter(returns::returned_on.le(to))
        .select(returns::quantity_milli)
        .load(conn)?;
    let open: i64 = non_conformances::table
        .filter(non_conformances::supplier_id.eq(supplier_id))
        .filter(non_conformances::status.ne(NcStatus::Closed.as_str()))
        .count()
        .get_result(conn)?;
    Ok((
        passed,
        verdicts.len() as i64 - passed,
        returned.iter().sum(),
        open,
    ))
}
