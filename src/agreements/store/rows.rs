//! Reading agreements: rows to documents, the partner's view of versions, lists.

use super::*;

#[derive(Debug, Clone, Queryable)]
pub struct AgreementRow {
    pub id: String,
    pub number: String,
    pub partner_id: String,
    pub direction: String,
    pub status: String,
    pub latest_version: i32,
    pub notes: Option<String>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl AgreementRow {
    pub fn direction(&self) -> Direction {
        Direction::parse(&self.direction).unwrap_or(Direction::Purchase)
    }
}

#[derive(Debug, Clone, Queryable)]
pub(crate) struct VersionRow {
    agreement_id: String,
    version_number: i32,
    status: String,
    currency: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    payment_terms_days: Option<i32>,
    incoterms: Option<String>,
    incoterms_place: Option<String>,
    rebate: Option<String>,
    notes: Option<String>,
    proposed_by: String,
    proposed_at: NaiveDateTime,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decision_notes: Option<String>,
}

impl VersionRow {
    fn status(&self) -> AgreementStatus {
        AgreementStatus::parse(&self.status).unwrap_or(AgreementStatus::Proposed)
    }

    fn summary(&self) -> AgreementVersionSummary {
        AgreementVersionSummary {
            version_number: self.version_number,
            status: self.status(),
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            proposed_at: self.proposed_at.and_utc(),
            decided_at: self.decided_at.map(|t| t.and_utc()),
        }
    }

    fn into_version(self, number: &str, lines: Vec<AgreementLine>) -> AgreementVersion {
        AgreementVersion {
            status: self.status(),
            agreement_id: self.agreement_id,
            number: number.to_string(),
            version_number: self.version_number,
            currency: self.currency,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            payment_terms_days: self.payment_terms_days,
            incoterms: self.incoterms.as_deref().and_then(Incoterm::parse),
            incoterms_place: self.incoterms_place,
            rebate: self.rebate.and_then(|r| serde_json::from_str(&r).ok()),
            lines,
            notes: self.notes,
            proposed_by: self.proposed_by,
            proposed_at: self.proposed_at.and_utc(),
            decided_by: self.decided_by,
            decided_at: self.decided_at.map(|t| t.and_utc()),
            decision_notes: self.decision_notes,
        }
    }
}

type LineRow = (
    String,
    i32,
    i32,
    String,
    i64,
    i64,
    i64,
    Option<String>,
    Option<i64>,
);

fn to_line(r: LineRow) -> AgreementLine {
    AgreementLine {
        line_number: r.2,
        product_id: r.3,
        unit_price_minor: r.4,
        price_base_quantity: Quantity(r.5),
        minimum_order_quantity: Quantity(r.6),
        quantity_breaks: r
            .7
            .and_then(|b| serde_json::from_str(&b).ok())
            .unwrap_or_default(),
        committed_quantity: r.8.map(Quantity),
    }
}

/// The lines of the versions named, by (agreement, version).
pub(crate) fn lines_of(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<HashMap<(String, i32), Vec<AgreementLine>>, StoreError> {
    let rows: Vec<LineRow> = agreement_lines::table
        .filter(agreement_lines::agreement_id.eq_any(ids))
        .order((
            agreement_lines::agreement_id,
            agreement_lines::version_number,
            agreement_lines::line_number,
        ))
        .load(conn)?;
    let mut out: HashMap<(String, i32), Vec<AgreementLine>> = HashMap::new();
    for r in rows {
        out.entry((r.0.clone(), r.1)).or_default().push(to_line(r));
    }
    Ok(out)
}

/// As [`lines_of`], only the lines pricing `product_ids` (what an order needs).
pub(crate) fn lines_for_products(
    conn: &mut DbConnection,
    ids: &[&str],
    product_ids: &[String],
) -> Result<HashMap<(String, i32), Vec<AgreementLine>>, StoreError> {
    let rows: Vec<LineRow> = agreement_lines::table
        .filter(agreement_lines::agreement_id.eq_any(ids))
        .filter(agreement_lines::product_id.eq_any(product_ids))
        .load(conn)?;
    let mut out: HashMap<(String, i32), Vec<AgreementLine>> = HashMap::new();
    for r in rows {
        out.entry((r.0.clone(), r.1)).or_default().push(to_line(r));
    }
    Ok(out)
}

pub(crate) fn versions_of(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<Vec<VersionRow>, StoreError> {
    Ok(agreement_versions::table
        .filter(agreement_versions::agreement_id.eq_any(ids))
        .order((
            agreement_versions::agreement_id,
            agreement_versions::version_number,
        ))
        .load(conn)?)
}

/// Assembles agreements as `access` may see them: staff every version, the latest as
/// `current`; a partner only approved versions (proposals and rejections are internal), the
/// latest approved as `current`, and nothing of an agreement never approved.
fn assemble(
    conn: &mut DbConnection,
    access: &Access,
    rows: Vec<AgreementRow>,
) -> Result<Vec<Agreement>, StoreError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut versions: HashMap<String, Vec<VersionRow>> = HashMap::new();
    for v in versions_of(conn, &ids)? {
        let visible = access.partner_id().is_none() || v.status().was_approved();
        if visible {
            versions.entry(v.agreement_id.clone()).or_default().push(v);
        }
    }
    let mut lines = lines_of(conn, &ids)?;
    let mut out = vec![];
    for r in rows {
        let Some(vs) = versions.remove(&r.id) else {
            continue;
        };
        let summaries = vs.iter().map(VersionRow::summary).collect();
        let Some(latest) = vs.into_iter().next_back() else {
            continue;
        };
        let own = lines
            .remove(&(r.id.clone(), latest.version_number))
            .unwrap_or_default();
        let current = latest.into_version(&r.number, own);
        out.push(Agreement {
            direction: r.direction(),
            status: current.status,
            current,
            versions: summaries,
            call_offs: vec![],
            id: r.id,
            number: r.number,
            partner_id: r.partner_id,
            notes: r.notes,
            created_by: r.created_by,
            version: r.version,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
        });
    }
    Ok(out)
}

pub fn get_row(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<AgreementRow, StoreError> {
    let mut q = agreements::table.filter(agreements::id.eq(id)).into_boxed();
    if let Some(p) = access.partner_id() {
        q = q.filter(agreements::partner_id.eq(p.to_string()));
    }
    q.first::<AgreementRow>(conn)
        .optional()?
        .ok_or_else(|| Refusal::NotFound("agreement").into())
}

pub fn get_agreement(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<Agreement, StoreError> {
    let row = get_row(conn, access, id)?;
    assemble(conn, access, vec![row])?
        .pop()
        .ok_or_else(|| Refusal::NotFound("agreement").into())
}

/// One version, as `access` may see it.
pub fn get_version(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
    number: i32,
) -> Result<AgreementVersion, StoreError> {
    let row = get_row(conn, access, id)?;
    let v = agreement_versions::table
        .find((id, number))
        .first::<VersionRow>(conn)
        .optional()?
        .filter(|v| access.partner_id().is_none() || v.status().was_approved())
        .ok_or(Refusal::NotFound("agreement version"))?;
    let lines = lines_of(conn, &[id])?
        .remove(&(id.to_string(), number))
        .unwrap_or_default();
    Ok(v.into_version(&row.number, lines))
}

#[derive(Debug, Default, Clone)]
pub struct AgreementFilter {
    pub partner_id: Option<String>,
    pub direction: Option<Direction>,
    pub status: Option<AgreementStatus>,
}

/// A page of agreements, a partner's own only.
pub fn list_agreements(
    conn: &mut DbConnection,
    access: &Access,
    f: &AgreementFilter,
    page: &PageRequest,
) -> Result<Vec<Agreement>, StoreError> {
    let mut q = crate::paged!(agreements, page);
    if let Some(p) = access.partner_id() {
        q = q.filter(agreements::partner_id.eq(p.to_string()));
    }
    if let Some(p) = &f.partner_id {
        q = q.filter(agreements::partner_id.eq(p.clone()));
    }
    if let Some(d) = f.direction {
        q = q.filter(agreements::direction.eq(d.as_str()));
    }
    if let Some(s) = f.status {
        q = q.filter(agreements::status.eq(s.as_str()));
    }
    let rows: Vec<AgreementRow> = q.load(conn)?;
    assemble(conn, access, rows)
}
