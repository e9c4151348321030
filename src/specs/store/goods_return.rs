//! Returns.

use super::*;

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
pub(crate) fn version_in_force(
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
        .map_err(|e| e.missing_as_invalid("product_id", "no such product"))?;
    let in_force = version_in_force(conn, &d.product_id, d.returned_on)?;
    let supplier_id = match (&in_force, d.supplier_id) {
        (Some(v), given) => supplier_of_return(given, &approved_supplier_ids(conn, &v.spec_id)?)?,
        (None, s) => {
            if let Some(s) = &s {
                crate::partners::store::referenced_partner(conn, "supplier_id", s)?;
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
