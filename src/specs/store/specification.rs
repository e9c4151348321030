//! Specifications and versions.

use super::*;
use crate::lifecycle::Lifecycle;

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
    /// The version's terms, for an edit to start from.
    pub fn to_draft(&self) -> VersionDraft {
        VersionDraft {
            currency: self.currency.clone(),
            target_retail_price_minor: self.target_retail_price_minor,
            target_margin_bp: self.target_margin_bp,
            requirements: self.requirements(),
            notes: self.notes.clone(),
        }
    }

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
            allowed_actions: self.status().allowed_actions().to_vec(),
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

pub(crate) fn to_spec(row: SpecRow, versions: &[VersionRow], access: &Access) -> Specification {
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

pub(crate) fn load_versions(
    conn: &mut DbConnection,
    spec_id: &str,
) -> Result<Vec<VersionRow>, StoreError> {
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
        .map_err(|e| e.missing_as_invalid("product_id", "no such product"))?;
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

pub(crate) fn insert_version(
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
    check_no_version_in_progress(versions.iter().map(|v| (v.number, v.status())))?;
    let number = versions.last().map(|v| v.number + 1).unwrap_or(1);
    touch_spec(conn, spec_id)?;
    insert_version(conn, actor, spec_id, number, d)
}

pub(crate) fn touch_spec(conn: &mut DbConnection, spec_id: &str) -> Result<(), StoreError> {
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

/// Edits (to the checked draft `edit`), issues, approves or withdraws the version `row` as it
/// was read; approving supersedes the approved one.
pub fn change_version(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &VersionRow,
    action: VersionAction,
    edit: Option<VersionDraft>,
) -> Result<SpecVersion, StoreError> {
    let (spec_id, number) = (row.spec_id.as_str(), row.number);
    let next = next_version_status(row.status(), action)?;
    let before = row.to_version();
    let t = now();
    let mut new = row.clone();
    new.status = next.as_str().into();
    new.version += 1;
    new.updated_at = t;
    match action {
        VersionAction::Edit => {
            let d = edit.unwrap_or_else(|| row.to_draft());
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

pub(crate) fn supersede_approved(
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
