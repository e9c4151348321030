//! Wallet estimates.

use super::*;

#[derive(Debug, Queryable, Clone)]
pub struct EstimateRow {
    pub id: String,
    pub partner_id: String,
    pub category: String,
    pub period: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub total_milli: i64,
    pub unit: String,
    pub source: String,
    pub target_share_bp: Option<i32>,
    pub notes: Option<String>,
    pub entered_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl EstimateRow {
    pub fn to_estimate(&self) -> WalletEstimate {
        let period = Period::parse(&self.period)
            .unwrap_or_else(|_| Period::containing(self.period_start, Granularity::Year));
        WalletEstimate {
            id: self.id.clone(),
            partner_id: self.partner_id.clone(),
            category: self.category.clone(),
            period,
            granularity: period.granularity,
            period_start: self.period_start,
            period_end: self.period_end,
            total_quantity: Quantity(self.total_milli),
            unit: self.unit.clone(),
            source: EstimateSource::parse(&self.source).unwrap_or(EstimateSource::Estimated),
            target_share_bp: self.target_share_bp,
            notes: self.notes.clone(),
            entered_by: self.entered_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }

    pub(crate) fn to_fields(&self) -> EstimateFields {
        let e = self.to_estimate();
        EstimateFields {
            partner_id: e.partner_id,
            category: e.category,
            period: e.period,
            total: e.total_quantity,
            unit: e.unit,
            source: e.source,
            target_share_bp: e.target_share_bp,
            notes: e.notes,
        }
    }
}

pub fn get_estimate(conn: &mut DbConnection, id: &str) -> Result<EstimateRow, StoreError> {
    wallet_estimates::table
        .find(id)
        .first::<EstimateRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("wallet estimate").into())
}

/// Share of customer is ours ÷ a customer's total: the partner must buy from us.
pub(crate) fn check_customer(conn: &mut DbConnection, partner_id: &str) -> Result<(), StoreError> {
    let partner = crate::partners::store::referenced_partner(conn, "partner_id", partner_id)?;
    Ok(require_role(
        "partner_id",
        partner.roles(),
        &[PartnerRole::Distributor, PartnerRole::KeyAccount],
        "wallet estimates are kept for customers: distributors and key accounts",
    )?)
}

/// What we supplied the partner in the category and unit over the period, by the larger of the
/// two bases (a delivery not yet booked as received still counts against the estimate).
pub fn supplied_in(
    conn: &mut DbConnection,
    partner_id: &str,
    category: &str,
    unit: &str,
    period: Period,
) -> Result<Quantity, StoreError> {
    let scope = VolumeScope {
        partner_id: Some(partner_id.to_string()),
        category: Some(category.to_string()),
    };
    let mut best = Quantity::ZERO;
    for basis in [VolumeBasis::Received, VolumeBasis::Despatched] {
        let sum: Quantity = monthly_volumes(
            conn,
            Direction::Sales,
            basis,
            period.start(),
            period.end(),
            &scope,
        )?
        .into_iter()
        .filter(|v| v.unit == unit)
        .map(|v| Quantity(v.milli))
        .sum();
        best = best.max(sum);
    }
    Ok(best)
}

pub(crate) fn written(
    conn: &mut DbConnection,
    id: &str,
) -> Result<WalletEstimateWritten, StoreError> {
    let estimate = get_estimate(conn, id)?.to_estimate();
    let supplied = supplied_in(
        conn,
        &estimate.partner_id,
        &estimate.category,
        &estimate.unit,
        estimate.period,
    )?;
    let warnings = supplied_beyond_wallet(
        estimate.total_quantity,
        supplied,
        &estimate.unit,
        estimate.period,
    )
    .into_iter()
    .collect();
    Ok(WalletEstimateWritten { estimate, warnings })
}

pub fn insert_estimate(
    conn: &mut DbConnection,
    actor: &Actor,
    d: EstimateDraft,
) -> Result<WalletEstimateWritten, StoreError> {
    check_customer(conn, &d.partner_id)?;
    let label = d.period.to_string();
    let existing = wallet_estimates::table
        .filter(wallet_estimates::partner_id.eq(&d.partner_id))
        .filter(wallet_estimates::category.eq(&d.category))
        .filter(wallet_estimates::period.eq(&label))
        .select(wallet_estimates::id)
        .first::<String>(conn)
        .optional()?;
    if let Some(other) = existing {
        return Err(Refusal::conflict_on(
            Code::EstimateExists,
            "period",
            format!(
                "wallet estimate {other} already covers this partner, category and period; PATCH it instead"
            ),
        ).into());
    }
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(wallet_estimates::table)
        .values((
            wallet_estimates::id.eq(&id),
            wallet_estimates::partner_id.eq(&d.partner_id),
            wallet_estimates::category.eq(&d.category),
            wallet_estimates::period.eq(&label),
            wallet_estimates::period_start.eq(d.period.start()),
            wallet_estimates::period_end.eq(d.period.end()),
            wallet_estimates::total_milli.eq(d.total.milli()),
            wallet_estimates::unit.eq(d.unit.as_str()),
            wallet_estimates::source.eq(d.source.as_str()),
            wallet_estimates::target_share_bp.eq(d.target_share_bp),
            wallet_estimates::notes.eq(&d.notes),
            wallet_estimates::entered_by.eq(&actor.id),
            wallet_estimates::version.eq(1i64),
            wallet_estimates::created_at.eq(t),
            wallet_estimates::updated_at.eq(t),
        ))
        .execute(conn)?;
    let w = written(conn, &id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "wallet_estimate.created",
            entity_type: "wallet_estimate",
            entity_id: &id,
            // Internal: no partner, so the estimate never reaches the partner's change feed.
            partner_id: None,
            before: None,
            after: snapshot(&w.estimate),
        },
    )?;
    Ok(w)
}

/// Writes an estimate's checked figures `f` over the `row` as it was read (the partner,
/// category and period it is for stay; a concurrent write in between answers 412).
pub fn save_estimate(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &EstimateRow,
    f: EstimateDraft,
) -> Result<WalletEstimateWritten, StoreError> {
    let id = row.id.as_str();
    let updated = diesel::update(
        wallet_estimates::table
            .find(id)
            .filter(wallet_estimates::version.eq(row.version)),
    )
    .set((
        wallet_estimates::total_milli.eq(f.total.milli()),
        wallet_estimates::unit.eq(f.unit.as_str()),
        wallet_estimates::source.eq(f.source.as_str()),
        wallet_estimates::target_share_bp.eq(f.target_share_bp),
        wallet_estimates::notes.eq(&f.notes),
        wallet_estimates::entered_by.eq(&actor.id),
        wallet_estimates::version.eq(row.version + 1),
        wallet_estimates::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if updated == 0 {
        let current = get_estimate(conn, id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    let w = written(conn, id)?;
    record_change(
        conn,
        actor,
        Change {
            action: "wallet_estimate.updated",
            entity_type: "wallet_estimate",
            entity_id: id,
            partner_id: None,
            before: snapshot(&row.to_estimate()),
            after: snapshot(&w.estimate),
        },
    )?;
    Ok(w)
}

#[derive(Debug, Default)]
pub struct EstimateFilter {
    pub partner_id: Option<String>,
    pub category: Option<String>,
    pub granularity: Option<Granularity>,
    /// Estimates whose period ends on or after this day.
    pub from: Option<NaiveDate>,
    /// Estimates whose period starts on or before this day.
    pub to: Option<NaiveDate>,
}

pub fn list_estimates(
    conn: &mut DbConnection,
    f: EstimateFilter,
    page: &PageRequest,
) -> Result<Vec<EstimateRow>, StoreError> {
    let mut q = crate::paged!(wallet_estimates, page);
    if let Some(p) = f.partner_id {
        q = q.filter(wallet_estimates::partner_id.eq(p));
    }
    if let Some(c) = f.category {
        q = q.filter(wallet_estimates::category.eq(c));
    }
    if let Some(from) = f.from {
        q = q.filter(wallet_estimates::period_end.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(wallet_estimates::period_start.le(to));
    }
    // The grain is in the label: `2026`, `2026-Q1`, `2026-03`.
    match f.granularity {
        Some(Granularity::Year) => q = q.filter(wallet_estimates::period.not_like("%-%")),
        Some(Granularity::Quarter) => q = q.filter(wallet_estimates::period.like("%-Q%")),
        Some(Granularity::Month) => {
            q = q
                .filter(wallet_estimates::period.like("%-%"))
                .filter(wallet_estimates::period.not_like("%-Q%"))
        }
        None => {}
    }
    Ok(q.load(conn)?)
}

/// Every estimate for periods exactly `from..=to` of one grain, for the analytics.
pub fn estimates_within(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    partner_id: Option<&str>,
    category: Option<&str>,
) -> Result<Vec<WalletEstimate>, StoreError> {
    let mut q = wallet_estimates::table
        .filter(wallet_estimates::period_start.ge(from))
        .filter(wallet_estimates::period_end.le(to))
        .into_boxed();
    if let Some(p) = partner_id {
        q = q.filter(wallet_estimates::partner_id.eq(p.to_string()));
    }
    if let Some(c) = category {
        q = q.filter(wallet_estimates::category.eq(c.to_string()));
    }
    Ok(q.load::<EstimateRow>(conn)?
        .iter()
        .map(EstimateRow::to_estimate)
        .collect())
}
