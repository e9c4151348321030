//! Inspections.

use super::*;

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
    check_approved_supplier(is_approved_supplier(conn, spec_id, &d.supplier_id)?)?;
    let v = version_for(conn, spec_id, d.version_number)?;
    check_inspectable(v.number, v.status())?;
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
