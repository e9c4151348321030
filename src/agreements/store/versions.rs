//! Proposing agreements and new versions, and the second staff member's decision.

use super::*;

/// A new agreement as checked by the routes: the partner plays the direction's role.
pub struct NewAgreement {
    pub partner_id: String,
    pub direction: Direction,
    pub notes: Option<String>,
    pub terms: AgreementTerms,
    pub version_notes: Option<String>,
}

/// Every product the lines name exists.
fn check_products(conn: &mut DbConnection, t: &AgreementTerms) -> Result<(), StoreError> {
    let ids: Vec<String> = t.lines.iter().map(|l| l.product_id.clone()).collect();
    let found = crate::catalogue::store::products_by_id(conn, &ids)?;
    let e = t
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !found.contains_key(&l.product_id))
        .map(|(i, _)| {
            crate::refusal::FieldError::new(format!("lines[{i}].product_id"), "no such product")
        })
        .collect();
    Ok(Refusal::check(e)?)
}

/// 409 when another agreement with the partner, in the same direction, prices one of the
/// products over a day these terms cover. Counted: the other agreements' proposed and approved
/// versions (a superseded one gave way to its successor; a rejected one never held).
fn check_no_overlap(
    conn: &mut DbConnection,
    own_id: &str,
    partner_id: &str,
    direction: Direction,
    t: &AgreementTerms,
) -> Result<(), StoreError> {
    let others: Vec<(String, String, i32, NaiveDate, Option<NaiveDate>)> =
        agreement_versions::table
            .inner_join(agreements::table)
            .filter(agreements::partner_id.eq(partner_id))
            .filter(agreements::direction.eq(direction.as_str()))
            .filter(agreements::id.ne(own_id))
            .filter(agreement_versions::status.eq_any([
                AgreementStatus::Proposed.as_str(),
                AgreementStatus::Approved.as_str(),
            ]))
            .select((
                agreements::id,
                agreements::number,
                agreement_versions::version_number,
                agreement_versions::valid_from,
                agreement_versions::valid_to,
            ))
            .load(conn)?;
    let overlapping: Vec<_> = others
        .into_iter()
        .filter(|o| periods_overlap((o.3, o.4), (t.valid_from, t.valid_to)))
        .collect();
    if overlapping.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = overlapping.iter().map(|o| o.0.as_str()).collect();
    let lines = lines_of(conn, &ids)?;
    for o in &overlapping {
        let Some(theirs) = lines.get(&(o.0.clone(), o.2)) else {
            continue;
        };
        for (i, l) in t.lines.iter().enumerate() {
            if theirs.iter().any(|x| x.product_id == l.product_id) {
                return Err(overlap(&o.1, &o.0, &format!("lines[{i}].product_id")).into());
            }
        }
    }
    Ok(())
}

fn insert_version(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    number: i32,
    t: &AgreementTerms,
    notes: Option<&str>,
) -> Result<(), StoreError> {
    diesel::insert_into(agreement_versions::table)
        .values((
            agreement_versions::agreement_id.eq(id),
            agreement_versions::version_number.eq(number),
            agreement_versions::status.eq(AgreementStatus::Proposed.as_str()),
            agreement_versions::currency.eq(&t.currency),
            agreement_versions::valid_from.eq(t.valid_from),
            agreement_versions::valid_to.eq(t.valid_to),
            agreement_versions::payment_terms_days.eq(t.payment_terms_days),
            agreement_versions::incoterms.eq(t.incoterms.map(Incoterm::as_str)),
            agreement_versions::incoterms_place.eq(&t.incoterms_place),
            agreement_versions::rebate.eq(t
                .rebate
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| StoreError::Failed(e.to_string()))?),
            agreement_versions::notes.eq(notes),
            agreement_versions::proposed_by.eq(&actor.id),
            agreement_versions::proposed_at.eq(now()),
        ))
        .execute(conn)?;
    for (i, l) in t.lines.iter().enumerate() {
        diesel::insert_into(agreement_lines::table)
            .values((
                agreement_lines::agreement_id.eq(id),
                agreement_lines::version_number.eq(number),
                agreement_lines::line_number.eq(i as i32 + 1),
                agreement_lines::product_id.eq(&l.product_id),
                agreement_lines::unit_price_minor.eq(l.unit_price_minor),
                agreement_lines::price_base_milli.eq(l.price_base_quantity.milli()),
                agreement_lines::minimum_order_milli.eq(l.minimum_order_quantity.milli()),
                agreement_lines::quantity_breaks.eq((!l.quantity_breaks.is_empty())
                    .then(|| serde_json::to_string(&l.quantity_breaks).ok())
                    .flatten()),
                agreement_lines::committed_milli.eq(l.committed_quantity.map(Quantity::milli)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The audit entry and event of a change to an agreement. Proposals and rejections are
/// internal; an approval reaches the partner's change feed (through its partner view).
fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: Option<&Agreement>,
    after: &Agreement,
    to_partner: bool,
) -> Result<(), StoreError> {
    record_change(
        conn,
        actor,
        Change {
            action,
            entity_type: "agreement",
            entity_id: &after.id,
            partner_id: to_partner.then_some(after.partner_id.as_str()),
            before: before.and_then(snapshot),
            after: snapshot(after),
        },
    )
}

/// Proposes a new agreement: version 1, awaiting a second staff member's approval.
pub fn propose_agreement(
    conn: &mut DbConnection,
    actor: &Actor,
    a: NewAgreement,
) -> Result<Agreement, StoreError> {
    check_products(conn, &a.terms)?;
    let id = uuid::Uuid::now_v7().to_string();
    check_no_overlap(conn, &id, &a.partner_id, a.direction, &a.terms)?;
    let number = crate::orders::store::next_number(conn, "AGR")?;
    let t = now();
    diesel::insert_into(agreements::table)
        .values((
            agreements::id.eq(&id),
            agreements::number.eq(&number),
            agreements::partner_id.eq(&a.partner_id),
            agreements::direction.eq(a.direction.as_str()),
            agreements::status.eq(AgreementStatus::Proposed.as_str()),
            agreements::latest_version.eq(1),
            agreements::notes.eq(&a.notes),
            agreements::created_by.eq(&actor.id),
            agreements::version.eq(1i64),
            agreements::created_at.eq(t),
            agreements::updated_at.eq(t),
        ))
        .execute(conn)?;
    insert_version(conn, actor, &id, 1, &a.terms, a.version_notes.as_deref())?;
    let after = get_agreement(conn, &Access::All, &id)?;
    record(conn, actor, "agreement.proposed", None, &after, false)?;
    Ok(after)
}

/// Moves the agreement row on (412 when someone else did first).
fn bump(
    conn: &mut DbConnection,
    row: &AgreementRow,
    status: AgreementStatus,
    latest: i32,
) -> Result<(), StoreError> {
    let n = diesel::update(
        agreements::table
            .find(&row.id)
            .filter(agreements::version.eq(row.version)),
    )
    .set((
        agreements::status.eq(status.as_str()),
        agreements::latest_version.eq(latest),
        agreements::version.eq(row.version + 1),
        agreements::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if n == 0 {
        let current = get_row(conn, &Access::All, &row.id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    Ok(())
}

/// Proposes the next version of an agreement (its terms in full), while none awaits a
/// decision (409 `version_in_progress`).
pub fn propose_version(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    terms: AgreementTerms,
    notes: Option<String>,
    expected_version: Option<i64>,
) -> Result<Agreement, StoreError> {
    let row = get_row(conn, &Access::All, id)?;
    expect_version(expected_version, row.version)?;
    let before = get_agreement(conn, &Access::All, id)?;
    if before.status == AgreementStatus::Proposed {
        return Err(Refusal::Conflict {
            code: Code::VersionInProgress,
            detail: format!(
                "version {} awaits a decision: approve or reject it first",
                before.current.version_number
            ),
            errors: vec![],
            allowed: None,
        }
        .into());
    }
    check_products(conn, &terms)?;
    check_no_overlap(conn, id, &row.partner_id, row.direction(), &terms)?;
    let number = row.latest_version + 1;
    insert_version(conn, actor, id, number, &terms, notes.as_deref())?;
    bump(conn, &row, AgreementStatus::Proposed, number)?;
    let after = get_agreement(conn, &Access::All, id)?;
    record(
        conn,
        actor,
        "agreement.proposed",
        Some(&before),
        &after,
        false,
    )?;
    Ok(after)
}

/// Approves or rejects the version awaiting a decision, by someone other than who proposed it.
/// An approval supersedes the earlier approved versions (they still price the days only they
/// cover) and is checked for overlaps again: another agreement may have been approved since.
pub fn decide_version(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    approve: bool,
    notes: Option<String>,
    expected_version: Option<i64>,
) -> Result<Agreement, StoreError> {
    let row = get_row(conn, &Access::All, id)?;
    expect_version(expected_version, row.version)?;
    let before = get_agreement(conn, &Access::All, id)?;
    check_decision(before.status, &before.current.proposed_by, &actor.id)?;
    let number = before.current.version_number;
    if approve {
        check_no_overlap(
            conn,
            id,
            &row.partner_id,
            row.direction(),
            &before.current.terms(),
        )?;
        diesel::update(
            agreement_versions::table
                .filter(agreement_versions::agreement_id.eq(id))
                .filter(agreement_versions::status.eq(AgreementStatus::Approved.as_str())),
        )
        .set(agreement_versions::status.eq(AgreementStatus::Superseded.as_str()))
        .execute(conn)?;
    }
    let status = if approve {
        AgreementStatus::Approved
    } else {
        AgreementStatus::Rejected
    };
    diesel::update(agreement_versions::table.find((id, number)))
        .set((
            agreement_versions::status.eq(status.as_str()),
            agreement_versions::decided_by.eq(Some(&actor.id)),
            agreement_versions::decided_at.eq(Some(now())),
            agreement_versions::decision_notes.eq(&notes),
        ))
        .execute(conn)?;
    bump(conn, &row, status, number)?;
    let after = get_agreement(conn, &Access::All, id)?;
    let action = if approve {
        "agreement.approved"
    } else {
        "agreement.rejected"
    };
    record(conn, actor, action, Some(&before), &after, approve)?;
    Ok(after)
}
