//! Rebates: accruals as matched invoices come in, settlements that net out earlier ones.

use super::*;
use crate::db::schema::rebate_entries;

#[derive(Debug, Clone, Queryable)]
struct EntryRow {
    id: String,
    agreement_id: String,
    partner_id: String,
    kind: String,
    year_start: NaiveDate,
    year_end: NaiveDate,
    invoice_id: Option<String>,
    agreement_version: i32,
    currency: String,
    matched_value_minor: i64,
    earned_minor: i64,
    amount_minor: i64,
    notes: Option<String>,
    created_by: String,
    created_at: NaiveDateTime,
}

impl EntryRow {
    fn into_entry(self, number: &str) -> RebateEntry {
        RebateEntry {
            kind: RebateEntryKind::parse(&self.kind).unwrap_or(RebateEntryKind::Accrual),
            id: self.id,
            agreement_id: self.agreement_id,
            agreement_number: number.to_string(),
            partner_id: self.partner_id,
            year_start: self.year_start,
            year_end: self.year_end,
            invoice_id: self.invoice_id,
            agreement_version: self.agreement_version,
            currency: self.currency,
            matched_value_minor: self.matched_value_minor,
            earned_minor: self.earned_minor,
            amount_minor: self.amount_minor,
            notes: self.notes,
            created_by: self.created_by,
            created_at: self.created_at.and_utc(),
        }
    }
}

/// The rebate terms for a day: the approved (or superseded) version covering it, if it has a
/// scale, and the day the agreement's years count from (its earliest approved version's
/// `valid_from`, so a new version mid-year does not move the year).
struct RebateTerms {
    version: i32,
    currency: String,
    scale: RebateScale,
    year: (NaiveDate, NaiveDate),
}

/// (version, currency, valid from, valid to, rebate scale as JSON).
type RebateVersion = (i32, String, NaiveDate, Option<NaiveDate>, Option<String>);

fn rebate_terms(
    conn: &mut DbConnection,
    id: &str,
    day: NaiveDate,
) -> Result<Option<RebateTerms>, StoreError> {
    let versions: Vec<RebateVersion> = agreement_versions::table
        .filter(agreement_versions::agreement_id.eq(id))
        .filter(agreement_versions::status.eq_any([
            AgreementStatus::Approved.as_str(),
            AgreementStatus::Superseded.as_str(),
        ]))
        .order(agreement_versions::version_number.desc())
        .select((
            agreement_versions::version_number,
            agreement_versions::currency,
            agreement_versions::valid_from,
            agreement_versions::valid_to,
            agreement_versions::rebate,
        ))
        .load(conn)?;
    let Some(anchor) = versions.iter().map(|v| v.2).min() else {
        return Ok(None);
    };
    let Some(v) = versions.into_iter().find(|v| covers(v.2, v.3, day)) else {
        return Ok(None);
    };
    let Some(scale) =
        v.4.and_then(|r| serde_json::from_str::<RebateScale>(&r).ok())
    else {
        return Ok(None);
    };
    Ok(Some(RebateTerms {
        version: v.0,
        currency: v.1,
        scale,
        year: agreement_year(anchor, day),
    }))
}

/// The sum of the year's entries of a kind.
fn booked(
    conn: &mut DbConnection,
    id: &str,
    year_start: NaiveDate,
    kind: RebateEntryKind,
) -> Result<i64, StoreError> {
    let amounts: Vec<i64> = rebate_entries::table
        .filter(rebate_entries::agreement_id.eq(id))
        .filter(rebate_entries::year_start.eq(year_start))
        .filter(rebate_entries::kind.eq(kind.as_str()))
        .select(rebate_entries::amount_minor)
        .load(conn)?;
    Ok(amounts.into_iter().sum())
}

/// An entry as it is about to be written.
struct NewEntry<'a> {
    row: &'a AgreementRow,
    terms: &'a RebateTerms,
    kind: RebateEntryKind,
    invoice_id: Option<&'a str>,
    value: i64,
    earned: i64,
    amount: i64,
    notes: Option<String>,
}

/// Writes an entry with its audit entry and event: an accrual is internal, a settlement
/// reaches the partner's change feed.
fn write_entry(
    conn: &mut DbConnection,
    actor: &Actor,
    e: NewEntry<'_>,
) -> Result<RebateEntry, StoreError> {
    let entry = RebateEntry {
        id: uuid::Uuid::now_v7().to_string(),
        agreement_id: e.row.id.clone(),
        agreement_number: e.row.number.clone(),
        partner_id: e.row.partner_id.clone(),
        kind: e.kind,
        year_start: e.terms.year.0,
        year_end: e.terms.year.1,
        invoice_id: e.invoice_id.map(str::to_string),
        agreement_version: e.terms.version,
        currency: e.terms.currency.clone(),
        matched_value_minor: e.value,
        earned_minor: e.earned,
        amount_minor: e.amount,
        notes: e.notes,
        created_by: actor.id.clone(),
        created_at: now().and_utc(),
    };
    diesel::insert_into(rebate_entries::table)
        .values((
            rebate_entries::id.eq(&entry.id),
            rebate_entries::agreement_id.eq(&entry.agreement_id),
            rebate_entries::partner_id.eq(&entry.partner_id),
            rebate_entries::kind.eq(entry.kind.as_str()),
            rebate_entries::year_start.eq(entry.year_start),
            rebate_entries::year_end.eq(entry.year_end),
            rebate_entries::invoice_id.eq(&entry.invoice_id),
            rebate_entries::agreement_version.eq(entry.agreement_version),
            rebate_entries::currency.eq(&entry.currency),
            rebate_entries::matched_value_minor.eq(entry.matched_value_minor),
            rebate_entries::earned_minor.eq(entry.earned_minor),
            rebate_entries::amount_minor.eq(entry.amount_minor),
            rebate_entries::notes.eq(&entry.notes),
            rebate_entries::created_by.eq(&entry.created_by),
            rebate_entries::created_at.eq(entry.created_at.naive_utc()),
        ))
        .execute(conn)?;
    let (action, to_partner) = match entry.kind {
        RebateEntryKind::Accrual => ("rebate.accrued", false),
        RebateEntryKind::Settlement => ("rebate.settled", true),
    };
    record_change(
        conn,
        actor,
        Change {
            action,
            entity_type: "rebate",
            entity_id: &entry.id,
            partner_id: to_partner.then_some(entry.partner_id.as_str()),
            before: None,
            after: snapshot(&entry),
        },
    )?;
    Ok(entry)
}

/// Inside the transaction that registered a matched invoice: for each agreement that priced
/// one of its lines and has a rebate scale in force on the invoice date, books the difference
/// the invoice makes to what the agreement year has earned (nothing when it makes none, e.g.
/// below the first threshold).
pub fn accrue_rebates(
    conn: &mut DbConnection,
    actor: &Actor,
    invoice_id: &str,
    order_id: &str,
    line_numbers: &[i32],
    issue_date: NaiveDate,
) -> Result<Vec<RebateEntry>, StoreError> {
    use crate::db::schema::order_lines;
    // The lines by their key, the unpriced ones dropped here: with `agreement_id IS NOT NULL`
    // in the statement PostgreSQL's cached (generic) plan walked every agreement-priced line of
    // every order through the agreement index instead (6 ms at 11,000 priced lines, growing).
    let mut ids: Vec<String> = order_lines::table
        .filter(order_lines::order_id.eq(order_id))
        .filter(order_lines::line_number.eq_any(line_numbers))
        .select(order_lines::agreement_id)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    ids.sort();
    ids.dedup();
    let mut out = vec![];
    for id in ids {
        let Some(terms) = rebate_terms(conn, &id, issue_date)? else {
            continue;
        };
        hold_agreement(conn, &id)?;
        let row = get_row(conn, &Access::All, &id)?;
        let (from, to) = terms.year;
        let value = crate::orders::store::agreement_invoiced_value(conn, &id, from, to)?;
        let earned = rebate_earned(&terms.scale, value);
        let amount = accrual_due(earned, booked(conn, &id, from, RebateEntryKind::Accrual)?);
        if amount == 0 {
            continue;
        }
        out.push(write_entry(
            conn,
            actor,
            NewEntry {
                row: &row,
                terms: &terms,
                kind: RebateEntryKind::Accrual,
                invoice_id: Some(invoice_id),
                value,
                earned,
                amount,
                notes: None,
            },
        )?);
    }
    Ok(out)
}

/// Settles the agreement year `day` falls in: pays what the year has earned on its matched
/// invoices so far less what earlier settlements of the year paid, so a mid-year settlement
/// is deducted at year end. 409 `nothing_to_settle` when that is nothing; 422 naming `as_of`
/// when no version with a rebate scale covers the day.
pub fn settle_rebate(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    day: NaiveDate,
    notes: Option<String>,
) -> Result<RebateEntry, StoreError> {
    hold_agreement(conn, id)?;
    let row = get_row(conn, &Access::All, id)?;
    let terms = rebate_terms(conn, id, day)?.ok_or_else(|| {
        Refusal::invalid(
            "as_of",
            "no approved version of the agreement with a rebate scale covers this day",
        )
    })?;
    let (from, to) = terms.year;
    let value = crate::orders::store::agreement_invoiced_value(conn, id, from, to)?;
    let earned = rebate_earned(&terms.scale, value);
    let amount = settlement_due(earned, booked(conn, id, from, RebateEntryKind::Settlement)?);
    if amount == 0 {
        return Err(Refusal::conflict(
            Code::NothingToSettle,
            format!("the year from {from} has earned {earned}, all of it settled already"),
        )
        .into());
    }
    write_entry(
        conn,
        actor,
        NewEntry {
            row: &row,
            terms: &terms,
            kind: RebateEntryKind::Settlement,
            invoice_id: None,
            value,
            earned,
            amount,
            notes,
        },
    )
}

/// The agreement's rebate statement as `access` may see it: a partner its own agreements'
/// settlements (accruals are our books). Each year with entries is measured again now.
pub fn rebate_statement(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<RebateStatement, StoreError> {
    let agreement = get_agreement(conn, access, id)?;
    let rows: Vec<EntryRow> = rebate_entries::table
        .filter(rebate_entries::agreement_id.eq(id))
        .order((rebate_entries::year_start, rebate_entries::id))
        .load(conn)?;
    let mut years: Vec<RebateYear> = vec![];
    for r in &rows {
        if years.iter().any(|y| y.year_start == r.year_start) {
            continue;
        }
        let value =
            crate::orders::store::agreement_invoiced_value(conn, id, r.year_start, r.year_end)?;
        let scale = rebate_terms(
            conn,
            id,
            r.year_start.max(r.year_end.min(crate::clock::today())),
        )?
        .map(|t| t.scale);
        let earned = scale.map_or(0, |s| rebate_earned(&s, value));
        let sum = |kind: RebateEntryKind| -> i64 {
            rows.iter()
                .filter(|x| x.year_start == r.year_start && x.kind == kind.as_str())
                .map(|x| x.amount_minor)
                .sum()
        };
        let settled = sum(RebateEntryKind::Settlement);
        years.push(RebateYear {
            year_start: r.year_start,
            year_end: r.year_end,
            matched_value_minor: value,
            earned_minor: earned,
            accrued_minor: sum(RebateEntryKind::Accrual),
            settled_minor: settled,
            open_minor: settlement_due(earned, settled),
        });
    }
    let internal = access.partner_id().is_none();
    let entries = rows
        .into_iter()
        .filter(|r| internal || r.kind == RebateEntryKind::Settlement.as_str())
        .map(|r| r.into_entry(&agreement.number))
        .collect();
    Ok(RebateStatement {
        agreement_id: agreement.id,
        agreement_number: agreement.number,
        currency: agreement.current.currency,
        years,
        entries,
    })
}
