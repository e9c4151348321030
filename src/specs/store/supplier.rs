//! Approved suppliers.

use super::*;

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

/// A specification a product is bought to, as an order line names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecificationInForce {
    pub spec_id: String,
    pub number: String,
    pub version_number: i32,
}

/// Of `product_ids`, those bought to a specification whose version in force on `day` does not
/// approve `supplier_id` as its manufacturer, with that specification. One query when none of
/// the products has a specification (the usual case).
pub fn specifications_not_approving(
    conn: &mut DbConnection,
    supplier_id: &str,
    product_ids: &[String],
    day: NaiveDate,
) -> Result<std::collections::HashMap<String, SpecificationInForce>, StoreError> {
    let mut out = std::collections::HashMap::new();
    if product_ids.is_empty() {
        return Ok(out);
    }
    let specs: Vec<(String, String, String)> = specifications::table
        .filter(specifications::product_id.eq_any(product_ids))
        .select((
            specifications::id,
            specifications::number,
            specifications::product_id,
        ))
        .load(conn)?;
    let products: std::collections::BTreeSet<&String> = specs.iter().map(|s| &s.2).collect();
    for product in products {
        let Some(v) = version_in_force(conn, product, day)? else {
            continue;
        };
        if is_approved_supplier(conn, &v.spec_id, supplier_id)? {
            continue;
        }
        let number = specs
            .iter()
            .find(|s| s.0 == v.spec_id)
            .map(|s| s.1.clone())
            .unwrap_or_default();
        out.insert(
            product.clone(),
            SpecificationInForce {
                spec_id: v.spec_id,
                number,
                version_number: v.number,
            },
        );
    }
    Ok(out)
}

pub(crate) fn approved_supplier_ids(
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
    let partner = crate::partners::store::referenced_partner(conn, "partner_id", partner_id)?;
    require_role(
        "partner_id",
        partner.roles(),
        &[PartnerRole::Manufacturer],
        "only partners with the manufacturer role make products to a specification",
    )?;
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
