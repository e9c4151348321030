//! Sell-out reports.

use super::*;

#[derive(Debug, Queryable, Clone)]
pub struct ReportRow {
    pub id: String,
    pub partner_id: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub currency: String,
    pub purpose: String,
    pub revision: i32,
    pub status: String,
    pub supersedes_id: Option<String>,
    pub superseded_by_id: Option<String>,
    pub reference: Option<String>,
    pub line_count: i32,
    pub total_value_minor: i64,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ReportRow {
    pub fn to_report(&self) -> SellOutReport {
        SellOutReport {
            id: self.id.clone(),
            partner_id: self.partner_id.clone(),
            period_start: self.period_start,
            period_end: self.period_end,
            currency: self.currency.clone(),
            purpose: ReportPurpose::parse(&self.purpose).unwrap_or(ReportPurpose::Original),
            revision: self.revision,
            status: ReportStatus::parse(&self.status).unwrap_or(ReportStatus::Current),
            supersedes_id: self.supersedes_id.clone(),
            superseded_by_id: self.superseded_by_id.clone(),
            reference: self.reference.clone(),
            line_count: self.line_count,
            total_value_minor: self.total_value_minor,
            created_by: self.created_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

/// A report as received, its header checked; its lines are checked here against the catalogue.
pub struct ReportDraft {
    pub partner_id: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub currency: String,
    pub purpose: ReportPurpose,
    pub reference: Option<String>,
    pub lines: Vec<SellOutLineInput>,
}

pub fn get_report(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<ReportRow, StoreError> {
    let mut q = sell_out_reports::table
        .filter(sell_out_reports::id.eq(id))
        .into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(sell_out_reports::partner_id.eq(own.to_string()));
    }
    q.first::<ReportRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("sell-out report").into())
}

/// Reports of one partner are placed one at a time: on PostgreSQL two corrections racing for
/// the same period would otherwise both see the old report current. SQLite has one writer.
pub(crate) fn lock_partner_reports(
    conn: &mut DbConnection,
    partner_id: &str,
) -> Result<(), StoreError> {
    Ok(crate::db::locks::take(
        conn,
        crate::db::locks::Lock::PartnerReports,
        partner_id,
    )?)
}

/// The reporting partner must exist and sell on: a distributor or a key account.
pub(crate) fn check_reporting_partner(
    conn: &mut DbConnection,
    partner_id: &str,
) -> Result<(), StoreError> {
    let partner = crate::partners::store::referenced_partner(conn, "partner_id", partner_id)?;
    Ok(require_role(
        "partner_id",
        partner.roles(),
        &[PartnerRole::Distributor, PartnerRole::KeyAccount],
        "sell-out is reported by distributors and key accounts",
    )?)
}

/// Finds the products the lines name, by id and by GTIN-14, a chunk of ids at a time.
pub(crate) fn find_products(
    conn: &mut DbConnection,
    refs: &[Option<ProductRef>],
) -> Result<HashMap<ProductRef, ProductUnit>, StoreError> {
    let mut ids: Vec<String> = vec![];
    let mut gtins: Vec<String> = vec![];
    for r in refs.iter().flatten() {
        match r {
            ProductRef::Id(i) => ids.push(i.clone()),
            ProductRef::Gtin14(g) => gtins.push(g.clone()),
        }
    }
    ids.sort_unstable();
    ids.dedup();
    gtins.sort_unstable();
    gtins.dedup();
    let mut found = HashMap::new();
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let rows: Vec<(String, String)> = products::table
            .filter(products::id.eq_any(chunk))
            .select((products::id, products::base_unit))
            .load(conn)?;
        for (id, base_unit) in rows {
            found.insert(ProductRef::Id(id.clone()), ProductUnit { id, base_unit });
        }
    }
    for chunk in gtins.chunks(LOOKUP_CHUNK) {
        let rows: Vec<(String, Option<String>, String)> = products::table
            .filter(products::gtin14.eq_any(chunk))
            .select((products::id, products::gtin14, products::base_unit))
            .load(conn)?;
        for (id, gtin14, base_unit) in rows {
            if let Some(g) = gtin14 {
                found.insert(ProductRef::Gtin14(g), ProductUnit { id, base_unit });
            }
        }
    }
    Ok(found)
}

/// The partner's current reports whose period overlaps `start..=end`.
pub(crate) fn overlapping_reports(
    conn: &mut DbConnection,
    partner_id: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<CurrentReport>, StoreError> {
    let rows: Vec<(String, NaiveDate, NaiveDate, i32)> = sell_out_reports::table
        .filter(sell_out_reports::partner_id.eq(partner_id))
        .filter(sell_out_reports::status.eq(ReportStatus::Current.as_str()))
        .filter(sell_out_reports::period_start.le(end))
        .filter(sell_out_reports::period_end.ge(start))
        .select((
            sell_out_reports::id,
            sell_out_reports::period_start,
            sell_out_reports::period_end,
            sell_out_reports::revision,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, period_start, period_end, revision)| CurrentReport {
            id,
            period_start,
            period_end,
            revision,
        })
        .collect())
}

/// Checks every line, then writes the report, its lines, the superseding of the report it
/// corrects, and their audit entries and events — all or nothing, in the caller's transaction.
pub fn insert_report(
    conn: &mut DbConnection,
    actor: &Actor,
    d: ReportDraft,
) -> Result<SellOutReport, StoreError> {
    lock_partner_reports(conn, &d.partner_id)?;
    check_reporting_partner(conn, &d.partner_id)?;
    let mut errors = vec![];
    let refs = product_refs(&d.lines, &mut errors);
    let products = find_products(conn, &refs)?;
    let lines = resolve_lines(d.lines, refs, |r| products.get(r).cloned(), &mut errors);
    let total_value_minor = report_total(&lines, &mut errors);
    Refusal::check(cap_errors(errors))?;
    let overlapping = overlapping_reports(conn, &d.partner_id, d.period_start, d.period_end)?;
    let placement = place_report(&overlapping, d.period_start, d.period_end, d.purpose)
        .map_err(Refusal::from)?;
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    let (revision, supersedes_id) = match &placement {
        Placement::First => (1, None),
        Placement::Replaces(old) => {
            supersede(conn, actor, &old.id, &id)?;
            (old.revision + 1, Some(old.id.clone()))
        }
    };
    diesel::insert_into(sell_out_reports::table)
        .values((
            sell_out_reports::id.eq(&id),
            sell_out_reports::partner_id.eq(&d.partner_id),
            sell_out_reports::period_start.eq(d.period_start),
            sell_out_reports::period_end.eq(d.period_end),
            sell_out_reports::currency.eq(&d.currency),
            sell_out_reports::purpose.eq(d.purpose.as_str()),
            sell_out_reports::revision.eq(revision),
            sell_out_reports::status.eq(ReportStatus::Current.as_str()),
            sell_out_reports::supersedes_id.eq(&supersedes_id),
            sell_out_reports::reference.eq(&d.reference),
            sell_out_reports::line_count.eq(lines.len() as i32),
            sell_out_reports::total_value_minor.eq(total_value_minor),
            sell_out_reports::created_by.eq(&actor.id),
            sell_out_reports::version.eq(1i64),
            sell_out_reports::created_at.eq(t),
            sell_out_reports::updated_at.eq(t),
        ))
        .execute(conn)?;
    let rows: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                sell_out_lines::report_id.eq(&id),
                sell_out_lines::line_number.eq(i as i32 + 1),
                sell_out_lines::product_id.eq(&l.product_id),
                sell_out_lines::location_gln.eq(&l.location_gln),
                sell_out_lines::units_sold_milli.eq(l.units_sold.milli()),
                sell_out_lines::value_minor.eq(l.value_minor),
                sell_out_lines::stock_on_hand_milli.eq(l.stock_on_hand.map(Quantity::milli)),
            )
        })
        .collect();
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::insert_all!(conn, sell_out_lines::table, chunk)?;
    }
    let report = get_report(conn, &Access::All, &id)?.to_report();
    // The event carries the header, not 10,000 lines: readers fetch the lines they need.
    record_change(
        conn,
        actor,
        Change {
            action: "sell_out_report.created",
            entity_type: "sell_out_report",
            entity_id: &id,
            partner_id: Some(&report.partner_id),
            before: None,
            after: snapshot(&report),
        },
    )?;
    Ok(report)
}

/// Marks a current report superseded by the correction `by`, keeping it as history.
pub(crate) fn supersede(
    conn: &mut DbConnection,
    actor: &Actor,
    id: &str,
    by: &str,
) -> Result<(), StoreError> {
    let before = get_report(conn, &Access::All, id)?;
    diesel::update(sell_out_reports::table.find(id))
        .set((
            sell_out_reports::status.eq(ReportStatus::Superseded.as_str()),
            sell_out_reports::superseded_by_id.eq(by),
            sell_out_reports::version.eq(before.version + 1),
            sell_out_reports::updated_at.eq(now()),
        ))
        .execute(conn)?;
    let after = get_report(conn, &Access::All, id)?.to_report();
    record_change(
        conn,
        actor,
        Change {
            action: "sell_out_report.superseded",
            entity_type: "sell_out_report",
            entity_id: id,
            partner_id: Some(&after.partner_id),
            before: snapshot(&before.to_report()),
            after: snapshot(&after),
        },
    )
}

pub struct ReportFilter {
    pub partner_id: Option<String>,
    pub include_superseded: bool,
    /// Reports whose period ends on or after this day.
    pub from: Option<NaiveDate>,
    /// Reports whose period starts on or before this day.
    pub to: Option<NaiveDate>,
}

pub fn list_reports(
    conn: &mut DbConnection,
    access: &Access,
    f: ReportFilter,
    page: &PageRequest,
) -> Result<Vec<ReportRow>, StoreError> {
    let mut q = crate::paged!(sell_out_reports, page);
    if let Some(own) = access.partner_id() {
        q = q.filter(sell_out_reports::partner_id.eq(own.to_string()));
    }
    if let Some(p) = f.partner_id {
        q = q.filter(sell_out_reports::partner_id.eq(p));
    }
    if !f.include_superseded {
        q = q.filter(sell_out_reports::status.eq(ReportStatus::Current.as_str()));
    }
    if let Some(from) = f.from {
        q = q.filter(sell_out_reports::period_end.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(sell_out_reports::period_start.le(to));
    }
    Ok(q.load(conn)?)
}

/// A line with its product's GTIN-14 and base unit.
pub(crate) type LineWithProduct = (
    i32,
    String,
    Option<String>,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    String,
);

/// A page of a report's lines, after line `after`, with each product's GTIN and unit.
pub fn list_lines(
    conn: &mut DbConnection,
    access: &Access,
    report_id: &str,
    after: Option<i32>,
    limit: i64,
) -> Result<Vec<SellOutLine>, StoreError> {
    get_report(conn, access, report_id)?;
    let rows: Vec<LineWithProduct> = sell_out_lines::table
        .inner_join(products::table.on(products::id.eq(sell_out_lines::product_id)))
        .filter(sell_out_lines::report_id.eq(report_id))
        .filter(sell_out_lines::line_number.gt(after.unwrap_or(0)))
        .order(sell_out_lines::line_number.asc())
        .limit(limit + 1)
        .select((
            sell_out_lines::line_number,
            sell_out_lines::product_id,
            sell_out_lines::location_gln,
            sell_out_lines::units_sold_milli,
            sell_out_lines::value_minor,
            sell_out_lines::stock_on_hand_milli,
            products::gtin14,
            products::base_unit,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(line_number, product_id, location_gln, sold, value_minor, stock, gtin, unit)| {
                SellOutLine {
                    line_number,
                    product_id,
                    gtin,
                    location_gln,
                    units_sold: Quantity(sold),
                    unit,
                    value_minor,
                    stock_on_hand: stock.map(Quantity),
                }
            },
        )
        .collect())
}

/// A current report's period, for stock cover: which days a partner has reported.
#[derive(Debug, Clone, Queryable)]
pub struct ReportedPeriod {
    pub report_id: String,
    pub partner_id: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
}

/// One product's figures in one report.
#[derive(Debug, Clone, Queryable)]
pub struct ReportedFigure {
    pub report_id: String,
    pub product_id: String,
    pub units_sold_milli: i64,
    pub stock_on_hand_milli: Option<i64>,
}

/// The current reports ending between `from` and `to` (of one partner, if given), and their
/// lines (of one product, if given).
pub fn reported_between(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    partner_id: Option<&str>,
    product_id: Option<&str>,
) -> Result<(Vec<ReportedPeriod>, Vec<ReportedFigure>), StoreError> {
    let mut q = sell_out_reports::table
        .filter(sell_out_reports::status.eq(ReportStatus::Current.as_str()))
        .filter(sell_out_reports::period_end.ge(from))
        .filter(sell_out_reports::period_end.le(to))
        .select((
            sell_out_reports::id,
            sell_out_reports::partner_id,
            sell_out_reports::period_start,
            sell_out_reports::period_end,
        ))
        .into_boxed();
    if let Some(p) = partner_id {
        q = q.filter(sell_out_reports::partner_id.eq(p.to_string()));
    }
    let periods: Vec<ReportedPeriod> = q.load(conn)?;
    let ids: Vec<&str> = periods.iter().map(|p| p.report_id.as_str()).collect();
    let mut figures = vec![];
    for chunk in ids.chunks(LOOKUP_CHUNK) {
        let mut q = sell_out_lines::table
            .filter(sell_out_lines::report_id.eq_any(chunk))
            .select((
                sell_out_lines::report_id,
                sell_out_lines::product_id,
                sell_out_lines::units_sold_milli,
                sell_out_lines::stock_on_hand_milli,
            ))
            .into_boxed();
        if let Some(p) = product_id {
            q = q.filter(sell_out_lines::product_id.eq(p.to_string()));
        }
        figures.extend(q.load::<ReportedFigure>(conn)?);
    }
    Ok((periods, figures))
}

/// One product's line in one current sell-out report.
#[derive(Debug, Clone, Queryable)]
pub struct ReportedSaleRow {
    pub report_id: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub currency: String,
    pub product_id: String,
    pub units_sold_milli: i64,
    pub value_minor: i64,
}

/// A partner's current reports sharing days with `from..=to`, and their lines for `product_ids`
/// (promotion performance).
pub fn sales_between(
    conn: &mut DbConnection,
    partner_id: &str,
    from: NaiveDate,
    to: NaiveDate,
    product_ids: &[String],
) -> Result<Vec<ReportedSaleRow>, StoreError> {
    Ok(sell_out_lines::table
        .inner_join(sell_out_reports::table)
        .filter(sell_out_reports::partner_id.eq(partner_id))
        .filter(sell_out_reports::status.eq(ReportStatus::Current.as_str()))
        .filter(sell_out_reports::period_end.ge(from))
        .filter(sell_out_reports::period_start.le(to))
        .filter(sell_out_lines::product_id.eq_any(product_ids))
        .select((
            sell_out_reports::id,
            sell_out_reports::period_start,
            sell_out_reports::period_end,
            sell_out_reports::currency,
            sell_out_lines::product_id,
            sell_out_lines::units_sold_milli,
            sell_out_lines::value_minor,
        ))
        .load(conn)?)
}
