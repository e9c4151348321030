//! Promotions and their claims. Every read takes the caller's [`Access`]: a partner sees the
//! promotions it sponsors or runs and nothing else. Each change writes its row, its audit entry
//! and an event that reaches both parties' change feeds, in one transaction.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_shared_change, snapshot, Actor, Change};
use crate::auth::policy::{Access, PromotionSide};
use crate::clock::now;
use crate::db::schema::{promotion_claims, promotion_products, promotions};
use crate::db::{DbConnection, LOOKUP_CHUNK};
use crate::db::{PageRequest, StoreError};
use crate::orders::model::Quantity;
use crate::orders::store::next_number;
use crate::refusal::{expect_version, Code, FieldError, Refusal};

#[derive(Debug, Queryable, Clone)]
pub struct PromotionRow {
    pub id: String,
    pub number: String,
    pub name: String,
    pub sponsor_id: Option<String>,
    pub channel_partner_id: String,
    pub mechanic: String,
    pub terms: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub segment_brand_preference: Option<String>,
    pub segment_usage: Option<String>,
    pub currency: String,
    pub budget_minor: i64,
    pub sponsor_share_bp: i32,
    pub channel_share_bp: i32,
    pub baseline_milli: i64,
    pub status: String,
    pub sponsor_approved_by: Option<String>,
    pub sponsor_approved_at: Option<NaiveDateTime>,
    pub channel_approved_by: Option<String>,
    pub channel_approved_at: Option<NaiveDateTime>,
    pub overlap_flags: String,
    pub notes: Option<String>,
    pub cancel_reason: Option<String>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub settled_at: Option<NaiveDateTime>,
    pub created_by: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

fn approval(by: &Option<String>, at: &Option<NaiveDateTime>) -> Option<Approval> {
    match (by, at) {
        (Some(by), Some(at)) => Some(Approval {
            by: by.clone(),
            at: at.and_utc(),
        }),
        _ => None,
    }
}

impl PromotionRow {
    pub fn status(&self) -> PromotionStatus {
        PromotionStatus::parse(&self.status).unwrap_or(PromotionStatus::Draft)
    }

    pub fn mechanic(&self) -> Mechanic {
        Mechanic::parse(&self.mechanic).unwrap_or(Mechanic::PriceDiscount)
    }

    pub fn terms(&self) -> Terms {
        serde_json::from_str(&self.terms).unwrap_or_default()
    }

    fn segment(&self) -> Option<TargetSegment> {
        let s = TargetSegment {
            brand_preference: self
                .segment_brand_preference
                .as_deref()
                .and_then(BrandPreference::parse),
            usage: self.segment_usage.as_deref().and_then(UsageLevel::parse),
        };
        (s != TargetSegment::default()).then_some(s)
    }

    pub fn to_promotion(&self, product_ids: Vec<String>) -> Promotion {
        let status = self.status();
        Promotion {
            id: self.id.clone(),
            number: self.number.clone(),
            name: self.name.clone(),
            sponsor_id: self.sponsor_id.clone(),
            channel_partner_id: self.channel_partner_id.clone(),
            mechanic: self.mechanic(),
            terms: self.terms(),
            product_ids,
            start_date: self.start_date,
            end_date: self.end_date,
            target_segment: self.segment(),
            currency: self.currency.clone(),
            budget_minor: self.budget_minor,
            sponsor_share_bp: self.sponsor_share_bp,
            channel_share_bp: self.channel_share_bp,
            sponsor_budget_minor: sponsor_part(self.budget_minor, self.sponsor_share_bp),
            baseline_units: Quantity(self.baseline_milli),
            status,
            approvals: Approvals {
                sponsor: approval(&self.sponsor_approved_by, &self.sponsor_approved_at),
                channel: approval(&self.channel_approved_by, &self.channel_approved_at),
            },
            overlaps: serde_json::from_str(&self.overlap_flags).unwrap_or_default(),
            allowed_actions: promotion_actions(status).to_vec(),
            notes: self.notes.clone(),
            cancel_reason: self.cancel_reason.clone(),
            cancelled_at: self.cancelled_at.map(|t| t.and_utc()),
            settled_at: self.settled_at.map(|t| t.and_utc()),
            created_by: self.created_by.clone(),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }

    fn basis(&self, products: Vec<String>) -> MeasureBasis {
        MeasureBasis {
            mechanic: self.mechanic(),
            terms: self.terms(),
            start: self.start_date,
            end: self.end_date,
            budget_minor: self.budget_minor,
            sponsor_bp: self.sponsor_share_bp,
            baseline: Quantity(self.baseline_milli),
            products,
        }
    }

    fn draft(&self, product_ids: Vec<String>) -> PromotionDraft {
        PromotionDraft {
            name: self.name.clone(),
            sponsor_id: self.sponsor_id.clone(),
            channel_partner_id: self.channel_partner_id.clone(),
            mechanic: self.mechanic(),
            terms: self.terms(),
            product_ids,
            start_date: self.start_date,
            end_date: self.end_date,
            target_segment: self.segment(),
            currency: self.currency.clone(),
            budget_minor: self.budget_minor,
            sponsor_share_bp: self.sponsor_share_bp,
            channel_share_bp: self.channel_share_bp,
            baseline: Quantity(self.baseline_milli),
            notes: self.notes.clone(),
        }
    }
}

/// The partner is the promotion's channel or its sponsor: what a partner principal sees.
type PartyIs = diesel::dsl::Or<
    diesel::dsl::Eq<promotions::channel_partner_id, String>,
    diesel::dsl::Eq<promotions::sponsor_id, String>,
>;

fn party_is(own: &str) -> PartyIs {
    promotions::channel_partner_id
        .eq(own.to_string())
        .or(promotions::sponsor_id.eq(own.to_string()))
}

/// The promotion, if `access` may see it: a partner only its own (as sponsor or channel).
pub fn get_row(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<PromotionRow, StoreError> {
    let mut q = promotions::table.filter(promotions::id.eq(id)).into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(party_is(own));
    }
    q.first::<PromotionRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("promotion").into())
}

fn product_ids_of(conn: &mut DbConnection, id: &str) -> Result<Vec<String>, StoreError> {
    Ok(promotion_products::table
        .filter(promotion_products::promotion_id.eq(id))
        .select(promotion_products::product_id)
        .order(promotion_products::product_id.asc())
        .load(conn)?)
}

pub fn get_promotion(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<Promotion, StoreError> {
    let row = get_row(conn, access, id)?;
    let products = product_ids_of(conn, id)?;
    Ok(row.to_promotion(products))
}

/// The two partners a promotion's records concern.
struct Parties<'a> {
    channel: &'a str,
    sponsor: Option<&'a str>,
}

/// The audit entry and the event of a change to a promotion or one of its claims: the channel
/// partner's feed through the event's partner, the sponsor's through its second partner.
fn record_for<T: serde::Serialize>(
    conn: &mut DbConnection,
    actor: &Actor,
    (action, entity_type, entity_id): (&str, &str, &str),
    parties: Parties<'_>,
    before: Option<&T>,
    after: &T,
) -> Result<(), StoreError> {
    record_shared_change(
        conn,
        actor,
        Change {
            action,
            entity_type,
            entity_id,
            partner_id: Some(parties.channel),
            before: before.and_then(snapshot),
            after: snapshot(after),
        },
        parties.sponsor,
    )
}

fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    before: Option<&Promotion>,
    after: &Promotion,
) -> Result<(), StoreError> {
    let parties = Parties {
        channel: &after.channel_partner_id,
        sponsor: after.sponsor_id.as_deref(),
    };
    let what = (action, "promotion", after.id.as_str());
    record_for(conn, actor, what, parties, before, after)
}

/// The parties must exist and play their parts: the sponsor makes goods, the channel sells them
/// on; neither may be terminated.
fn check_parties(conn: &mut DbConnection, d: &PromotionDraft) -> Result<(), StoreError> {
    let mut e = vec![];
    let channel = crate::partners::store::get_partner(conn, &Access::All, &d.channel_partner_id)
        .ok()
        .filter(|p| p.archived_at.is_none());
    match channel {
        None => e.push(FieldError::new("channel_partner_id", "no such partner")),
        Some(p) if !(p.roles().distributor || p.roles().key_account) => e.push(FieldError::new(
            "channel_partner_id",
            "a promotion runs at a distributor or a key account",
        )),
        Some(p) if p.status == "terminated" => e.push(FieldError::new(
            "channel_partner_id",
            "the relationship is terminated",
        )),
        Some(_) => {}
    }
    if let Some(sponsor_id) = &d.sponsor_id {
        let sponsor = crate::partners::store::get_partner(conn, &Access::All, sponsor_id)
            .ok()
            .filter(|p| p.archived_at.is_none());
        match sponsor {
            None => e.push(FieldError::new("sponsor_id", "no such partner")),
            Some(p) if !p.roles().manufacturer => e.push(FieldError::new(
                "sponsor_id",
                "a promotion is sponsored by a manufacturer",
            )),
            Some(p) if p.status == "terminated" => e.push(FieldError::new(
                "sponsor_id",
                "the relationship is terminated",
            )),
            Some(_) => {}
        }
        if sponsor_id == &d.channel_partner_id {
            e.push(FieldError::new(
                "channel_partner_id",
                "the sponsor and the channel partner are two different organisations",
            ));
        }
    }
    Ok(Refusal::check(e)?)
}

/// The products must be in the catalogue and active, and — when a manufacturer sponsors — in its
/// catalogue: own-brand products it is an approved supplier for, or products we buy from it.
fn check_products(conn: &mut DbConnection, d: &PromotionDraft) -> Result<(), StoreError> {
    let known = crate::catalogue::store::products_by_id(conn, &d.product_ids)?;
    let made: Vec<String> = match &d.sponsor_id {
        Some(sponsor) => {
            let mut m = crate::specs::store::products_made_by(conn, sponsor, &d.product_ids)?;
            m.extend(crate::orders::store::products_bought_from(
                conn,
                sponsor,
                &d.product_ids,
            )?);
            m
        }
        None => d.product_ids.clone(),
    };
    let mut e = vec![];
    for (i, id) in d.product_ids.iter().enumerate() {
        let field = format!("product_ids[{i}]");
        match known.get(id) {
            None => e.push(FieldError::new(field, "no such product")),
            Some(p) if p.status != "active" => {
                e.push(FieldError::new(field, "the product is discontinued"))
            }
            Some(_) if !made.contains(id) => e.push(FieldError::new(
                field,
                "not in the sponsor's catalogue: it neither supplies this product against a specification nor sells it to us",
            )),
            Some(_) => {}
        }
    }
    Ok(Refusal::check(e)?)
}

fn set_products(
    conn: &mut DbConnection,
    id: &str,
    product_ids: &[String],
) -> Result<(), StoreError> {
    diesel::delete(promotion_products::table.filter(promotion_products::promotion_id.eq(id)))
        .execute(conn)?;
    let rows: Vec<_> = product_ids
        .iter()
        .map(|p| {
            (
                promotion_products::promotion_id.eq(id),
                promotion_products::product_id.eq(p),
            )
        })
        .collect();
    crate::insert_all!(conn, promotion_products::table, &rows)?;
    Ok(())
}

fn terms_json(t: &Terms) -> String {
    serde_json::to_string(t).unwrap_or_else(|_| "{}".into())
}

pub fn insert_promotion(
    conn: &mut DbConnection,
    actor: &Actor,
    d: PromotionDraft,
) -> Result<Promotion, StoreError> {
    check_parties(conn, &d)?;
    check_products(conn, &d)?;
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "PROMO")?;
    let t = now();
    let segment = d.target_segment.clone().unwrap_or_default();
    diesel::insert_into(promotions::table)
        .values((
            (
                promotions::id.eq(&id),
                promotions::number.eq(&number),
                promotions::name.eq(&d.name),
                promotions::sponsor_id.eq(&d.sponsor_id),
                promotions::channel_partner_id.eq(&d.channel_partner_id),
                promotions::mechanic.eq(d.mechanic.as_str()),
                promotions::terms.eq(terms_json(&d.terms)),
                promotions::start_date.eq(d.start_date),
                promotions::end_date.eq(d.end_date),
                promotions::segment_brand_preference
                    .eq(segment.brand_preference.map(|b| b.as_str())),
                promotions::segment_usage.eq(segment.usage.map(|u| u.as_str())),
                promotions::currency.eq(&d.currency),
            ),
            (
                promotions::budget_minor.eq(d.budget_minor),
                promotions::sponsor_share_bp.eq(d.sponsor_share_bp),
                promotions::channel_share_bp.eq(d.channel_share_bp),
                promotions::baseline_milli.eq(d.baseline.milli()),
                promotions::status.eq(PromotionStatus::Draft.as_str()),
                promotions::overlap_flags.eq("[]"),
                promotions::notes.eq(&d.notes),
                promotions::created_by.eq(&actor.id),
                promotions::version.eq(1i64),
                promotions::created_at.eq(t),
                promotions::updated_at.eq(t),
            ),
        ))
        .execute(conn)?;
    set_products(conn, &id, &d.product_ids)?;
    let p = get_promotion(conn, &Access::All, &id)?;
    record(conn, actor, "promotion.created", None, &p)?;
    Ok(p)
}

fn illegal(
    row: &PromotionRow,
    action: PromotionAction,
) -> impl FnOnce(Vec<&'static str>) -> Refusal + '_ {
    move |allowed| Refusal::not_allowed("promotion", &row.status, action.as_str(), allowed)
}

/// Loads a promotion for a change: visible to the caller, at the version it read (`If-Match`),
/// brought up to date with the calendar, and in a status that allows `action`.
fn for_change(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    action: PromotionAction,
    today: NaiveDate,
) -> Result<PromotionRow, StoreError> {
    let row = get_row(conn, access, id)?;
    expect_version(expected_version, row.version)?;
    let row = follow_calendar_of(conn, actor, row, today)?;
    check_action(row.status(), action).map_err(illegal(&row, action))?;
    Ok(row)
}

/// Writes the changed columns of a promotion at `row.version + 1`; 412 if someone else got there
/// first.
macro_rules! update_promotion_row {
    ($conn:expr, $row:expr, $($set:expr),+ $(,)?) => {{
        let n = diesel::update(
            promotions::table
                .find(&$row.id)
                .filter(promotions::version.eq($row.version)),
        )
        .set(($($set),+, promotions::version.eq($row.version + 1), promotions::updated_at.eq(now())))
        .execute($conn)?;
        if n == 0 {
            let current = get_row($conn, &Access::All, &$row.id)?.version;
            return Err(Refusal::StaleVersion { current }.into());
        }
    }};
}

/// Other promotions at the same channel partner on any of the same products whose periods
/// overlap: not drafts (not yet offered) nor cancelled ones.
fn find_overlaps(
    conn: &mut DbConnection,
    row: &PromotionRow,
    product_ids: &[String],
) -> Result<Vec<Overlap>, StoreError> {
    let hits: Vec<(String, String, String, NaiveDate, NaiveDate, String)> = promotions::table
        .inner_join(promotion_products::table)
        .filter(promotions::channel_partner_id.eq(&row.channel_partner_id))
        .filter(promotions::id.ne(&row.id))
        .filter(promotions::start_date.le(row.end_date))
        .filter(promotions::end_date.ge(row.start_date))
        .filter(promotions::status.ne_all([
            PromotionStatus::Draft.as_str(),
            PromotionStatus::Cancelled.as_str(),
        ]))
        .filter(promotion_products::product_id.eq_any(product_ids))
        .select((
            promotions::id,
            promotions::number,
            promotions::status,
            promotions::start_date,
            promotions::end_date,
            promotion_products::product_id,
        ))
        .order((promotions::id.asc(), promotion_products::product_id.asc()))
        .load(conn)?;
    let mut out: Vec<Overlap> = vec![];
    for (id, number, status, start, end, product) in hits {
        match out.last_mut() {
            Some(o) if o.promotion_id == id => o.product_ids.push(product),
            _ => out.push(Overlap {
                promotion_id: id,
                number,
                status: PromotionStatus::parse(&status).unwrap_or(PromotionStatus::Proposed),
                start_date: start,
                end_date: end,
                product_ids: vec![product],
            }),
        }
    }
    Ok(out)
}

fn overlaps_json(o: &[Overlap]) -> String {
    serde_json::to_string(o).unwrap_or_else(|_| "[]".into())
}

/// Changes a draft or proposed promotion. The parties stay. A change to a proposal clears any
/// approval given (both sides approve the terms as they are) and looks for overlaps again.
pub fn update_promotion(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    today: NaiveDate,
    change: impl FnOnce(&PromotionDraft) -> Result<PromotionDraft, StoreError>,
) -> Result<Promotion, StoreError> {
    let row = for_change(
        conn,
        actor,
        access,
        id,
        expected_version,
        PromotionAction::Edit,
        today,
    )?;
    let before = row.to_promotion(product_ids_of(conn, id)?);
    let d = change(&row.draft(before.product_ids.clone()))?;
    check_products(conn, &d)?;
    let proposed = row.status() == PromotionStatus::Proposed;
    let overlaps = if proposed {
        find_overlaps(
            conn,
            &PromotionRow {
                start_date: d.start_date,
                end_date: d.end_date,
                ..row.clone()
            },
            &d.product_ids,
        )?
    } else {
        vec![]
    };
    let segment = d.target_segment.clone().unwrap_or_default();
    let none: Option<String> = None;
    let never: Option<NaiveDateTime> = None;
    update_promotion_row!(
        conn,
        row,
        (
            promotions::name.eq(&d.name),
            promotions::mechanic.eq(d.mechanic.as_str()),
            promotions::terms.eq(terms_json(&d.terms)),
            promotions::start_date.eq(d.start_date),
            promotions::end_date.eq(d.end_date),
            promotions::segment_brand_preference.eq(segment.brand_preference.map(|b| b.as_str())),
            promotions::segment_usage.eq(segment.usage.map(|u| u.as_str())),
            promotions::currency.eq(&d.currency),
            promotions::budget_minor.eq(d.budget_minor),
            promotions::sponsor_share_bp.eq(d.sponsor_share_bp),
            promotions::channel_share_bp.eq(d.channel_share_bp),
            promotions::baseline_milli.eq(d.baseline.milli()),
        ),
        (
            promotions::notes.eq(&d.notes),
            promotions::overlap_flags.eq(overlaps_json(&overlaps)),
            promotions::sponsor_approved_by.eq(&none),
            promotions::sponsor_approved_at.eq(never),
            promotions::channel_approved_by.eq(&none),
            promotions::channel_approved_at.eq(never),
        ),
    );
    if d.product_ids != before.product_ids {
        set_products(conn, id, &d.product_ids)?;
    }
    let after = get_promotion(conn, &Access::All, id)?;
    let reset = before.approvals.sponsor.is_some() || before.approvals.channel.is_some();
    let action = if reset {
        "promotion.updated_approvals_reset"
    } else {
        "promotion.updated"
    };
    record(conn, actor, action, Some(&before), &after)?;
    Ok(after)
}

/// Offers a draft to the other side for approval, flagging overlapping promotions.
pub fn propose(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    today: NaiveDate,
) -> Result<Promotion, StoreError> {
    let row = for_change(
        conn,
        actor,
        access,
        id,
        expected_version,
        PromotionAction::Propose,
        today,
    )?;
    let products = product_ids_of(conn, id)?;
    let before = row.to_promotion(products.clone());
    let overlaps = find_overlaps(conn, &row, &products)?;
    update_promotion_row!(
        conn,
        row,
        promotions::status.eq(PromotionStatus::Proposed.as_str()),
        promotions::overlap_flags.eq(overlaps_json(&overlaps)),
    );
    let after = get_promotion(conn, &Access::All, id)?;
    record(conn, actor, "promotion.proposed", Some(&before), &after)?;
    Ok(after)
}

/// Records one side's approval; with both, the promotion is approved and follows the calendar
/// from then on (at once, if its first day has come).
pub fn approve(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    side: PromotionSide,
    expected_version: Option<i64>,
    today: NaiveDate,
) -> Result<Promotion, StoreError> {
    let row = for_change(
        conn,
        actor,
        access,
        id,
        expected_version,
        PromotionAction::Approve,
        today,
    )?;
    let already = match side {
        PromotionSide::Sponsor => row.sponsor_approved_by.is_some(),
        PromotionSide::Channel => row.channel_approved_by.is_some(),
    };
    if already {
        return Err(Refusal::conflict(
            Code::AlreadyApproved,
            "your side has approved this promotion already; it waits for the other side",
        )
        .into());
    }
    let before = row.to_promotion(product_ids_of(conn, id)?);
    let both = match side {
        PromotionSide::Sponsor => row.channel_approved_by.is_some(),
        PromotionSide::Channel => row.sponsor_approved_by.is_some(),
    };
    let status = if both {
        PromotionStatus::Approved
    } else {
        PromotionStatus::Proposed
    };
    let (t, by) = (Some(now()), Some(actor.id.clone()));
    match side {
        PromotionSide::Sponsor => update_promotion_row!(
            conn,
            row,
            promotions::sponsor_approved_by.eq(&by),
            promotions::sponsor_approved_at.eq(t),
            promotions::status.eq(status.as_str()),
        ),
        PromotionSide::Channel => update_promotion_row!(
            conn,
            row,
            promotions::channel_approved_by.eq(&by),
            promotions::channel_approved_at.eq(t),
            promotions::status.eq(status.as_str()),
        ),
    }
    let after = get_promotion(conn, &Access::All, id)?;
    let action = if both {
        "promotion.approved"
    } else {
        "promotion.approval_given"
    };
    record(conn, actor, action, Some(&before), &after)?;
    if both {
        let row = get_row(conn, &Access::All, id)?;
        follow_calendar_of(conn, actor, row, today)?;
    }
    get_promotion(conn, &Access::All, id)
}

/// Cancels a promotion that has not started.
pub fn cancel(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    reason: Option<String>,
    expected_version: Option<i64>,
    today: NaiveDate,
) -> Result<Promotion, StoreError> {
    let row = for_change(
        conn,
        actor,
        access,
        id,
        expected_version,
        PromotionAction::Cancel,
        today,
    )?;
    let before = row.to_promotion(product_ids_of(conn, id)?);
    update_promotion_row!(
        conn,
        row,
        promotions::status.eq(PromotionStatus::Cancelled.as_str()),
        promotions::cancel_reason.eq(&reason),
        promotions::cancelled_at.eq(Some(now())),
    );
    let after = get_promotion(conn, &Access::All, id)?;
    record(conn, actor, "promotion.cancelled", Some(&before), &after)?;
    Ok(after)
}

/// Closes the books on an ended promotion: every claim decided and every approved claim paid.
pub fn settle(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
    today: NaiveDate,
) -> Result<Promotion, StoreError> {
    let row = for_change(
        conn,
        actor,
        access,
        id,
        expected_version,
        PromotionAction::Settle,
        today,
    )?;
    let (ledger, _) = ledger_of(conn, id)?;
    if ledger.submitted_minor > 0 || ledger.approved_minor > 0 {
        return Err(Refusal::conflict(
            Code::ClaimsOpen,
            format!(
                "claims are still open: {} submitted awaiting a decision, {} approved awaiting payment (minor units); decide and pay them first",
                ledger.submitted_minor, ledger.approved_minor
            ),
        ).into());
    }
    let before = row.to_promotion(product_ids_of(conn, id)?);
    update_promotion_row!(
        conn,
        row,
        promotions::status.eq(PromotionStatus::Settled.as_str()),
        promotions::settled_at.eq(Some(now())),
    );
    let after = get_promotion(conn, &Access::All, id)?;
    record(conn, actor, "promotion.settled", Some(&before), &after)?;
    Ok(after)
}

/// Moves one promotion along the calendar as far as `today` allows, one event per step, and
/// answers the promotion as it then stands.
fn follow_calendar_of(
    conn: &mut DbConnection,
    actor: &Actor,
    mut row: PromotionRow,
    today: NaiveDate,
) -> Result<PromotionRow, StoreError> {
    while let Some(next) = calendar_step(row.status(), row.start_date, row.end_date, today) {
        let products = product_ids_of(conn, &row.id)?;
        let before = row.to_promotion(products);
        update_promotion_row!(conn, row, promotions::status.eq(next.as_str()));
        let after = get_promotion(conn, &Access::All, &row.id)?;
        let action = match next {
            PromotionStatus::Active => "promotion.started",
            _ => "promotion.ended",
        };
        let system = Actor {
            request_id: actor.request_id.clone(),
            ..Actor::system()
        };
        record(conn, &system, action, Some(&before), &after)?;
        row = get_row(conn, &Access::All, &row.id)?;
    }
    Ok(row)
}

/// Ids of approved promotions whose first day has come and active ones whose last day has
/// passed: a cheap read, so the background sweep writes only when there is something to do.
pub fn due_on_calendar(
    conn: &mut DbConnection,
    today: NaiveDate,
) -> Result<Vec<String>, StoreError> {
    let mut ids: Vec<String> = promotions::table
        .filter(promotions::status.eq(PromotionStatus::Approved.as_str()))
        .filter(promotions::start_date.le(today))
        .select(promotions::id)
        .load(conn)?;
    ids.extend(
        promotions::table
            .filter(promotions::status.eq(PromotionStatus::Active.as_str()))
            .filter(promotions::end_date.lt(today))
            .select(promotions::id)
            .load::<String>(conn)?,
    );
    Ok(ids)
}

/// Starts and ends the promotions the calendar says should have; answers how many moved.
pub fn follow_calendar(
    conn: &mut DbConnection,
    ids: &[String],
    today: NaiveDate,
) -> Result<usize, StoreError> {
    let mut moved = 0;
    for id in ids {
        let row = get_row(conn, &Access::All, id)?;
        if calendar_step(row.status(), row.start_date, row.end_date, today).is_some() {
            follow_calendar_of(conn, &Actor::system(), row, today)?;
            moved += 1;
        }
    }
    Ok(moved)
}

#[derive(Debug, Default)]
pub struct PromotionFilter {
    pub status: Option<PromotionStatus>,
    pub sponsor_id: Option<String>,
    pub channel_partner_id: Option<String>,
    pub product_id: Option<String>,
    /// Promotions running on this day.
    pub running_on: Option<NaiveDate>,
}

pub fn list_promotions(
    conn: &mut DbConnection,
    access: &Access,
    f: PromotionFilter,
    page: &PageRequest,
) -> Result<Vec<Promotion>, StoreError> {
    let mut q = crate::paged!(promotions, page);
    if let Some(own) = access.partner_id() {
        q = q.filter(party_is(own));
    }
    if let Some(s) = f.status {
        q = q.filter(promotions::status.eq(s.as_str()));
    }
    if let Some(s) = f.sponsor_id {
        q = q.filter(promotions::sponsor_id.eq(s));
    }
    if let Some(c) = f.channel_partner_id {
        q = q.filter(promotions::channel_partner_id.eq(c));
    }
    if let Some(p) = f.product_id {
        q = q.filter(
            promotions::id.eq_any(
                promotion_products::table
                    .filter(promotion_products::product_id.eq(p))
                    .select(promotion_products::promotion_id),
            ),
        );
    }
    if let Some(day) = f.running_on {
        q = q
            .filter(promotions::start_date.le(day))
            .filter(promotions::end_date.ge(day));
    }
    let rows: Vec<PromotionRow> = q.load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let products: Vec<(String, String)> = promotion_products::table
        .filter(promotion_products::promotion_id.eq_any(&ids))
        .order((
            promotion_products::promotion_id.asc(),
            promotion_products::product_id.asc(),
        ))
        .load(conn)?;
    Ok(crate::db::with_lines(
        rows,
        products,
        |r| r.id.as_str(),
        |(promotion, _)| promotion.as_str(),
        |r, p| r.to_promotion(p.into_iter().map(|(_, product)| product).collect()),
    ))
}

// ---- performance --------------------------------------------------------------------------------

/// Measures a promotion from its channel partner's current sell-out reports.
fn measured(
    conn: &mut DbConnection,
    row: &PromotionRow,
    products: Vec<String>,
) -> Result<Measured, StoreError> {
    let sales: Vec<ReportedSale> = crate::channel::store::sales_between(
        conn,
        &row.channel_partner_id,
        row.start_date,
        row.end_date,
        &products,
    )?
    .into_iter()
    .map(|s| ReportedSale {
        same_currency: s.currency == row.currency,
        report_id: s.report_id,
        period_start: s.period_start,
        period_end: s.period_end,
        product_id: s.product_id,
        units_milli: s.units_sold_milli,
        value_minor: s.value_minor,
    })
    .collect();
    Ok(measure(&row.basis(products), &sales))
}

pub fn performance(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
    today: NaiveDate,
) -> Result<PromotionPerformance, StoreError> {
    let row = get_row(conn, access, id)?;
    let products = product_ids_of(conn, id)?;
    let m = measured(conn, &row, products)?;
    Ok(PromotionPerformance {
        promotion_id: row.id.clone(),
        number: row.number.clone(),
        status: row.status(),
        start_date: row.start_date,
        end_date: row.end_date,
        as_of: today,
        complete: today > row.end_date,
        currency: row.currency.clone(),
        reports_counted: m.reports_counted,
        reports_prorated: m.reports_prorated,
        reports_in_other_currency: m.reports_in_other_currency,
        units_sold: m.units,
        value_minor: m.value_minor,
        baseline_units: Quantity(row.baseline_milli),
        lift_units: signed_quantity(m.lift_milli),
        lift_bp: m.lift_bp,
        beat_baseline: m.lift_milli > 0,
        budget_minor: row.budget_minor,
        cost_before_cap_minor: m.split.before_cap,
        cost_minor: m.split.cost,
        cost_capped: m.split.capped,
        sponsor_share_bp: row.sponsor_share_bp,
        sponsor_cost_minor: m.split.sponsor,
        channel_cost_minor: m.split.channel,
        incremental_value_minor: m.incremental_value_minor,
        roi_bp: m.roi_bp,
        products: m
            .by_product
            .into_iter()
            .map(|(product_id, units_sold, value_minor)| ProductPerformance {
                product_id,
                units_sold,
                value_minor,
            })
            .collect(),
    })
}

// ---- claims -------------------------------------------------------------------------------------

#[derive(Debug, Queryable, Clone)]
pub struct ClaimRow {
    pub id: String,
    pub number: String,
    pub promotion_id: String,
    pub units_milli: i64,
    pub amount_minor: i64,
    pub status: String,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub submitted_by: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub payment_reference: Option<String>,
    pub paid_by: Option<String>,
    pub paid_at: Option<NaiveDateTime>,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl ClaimRow {
    pub fn status(&self) -> ClaimStatus {
        ClaimStatus::parse(&self.status).unwrap_or(ClaimStatus::Submitted)
    }

    pub fn to_claim(&self, currency: &str) -> Claim {
        Claim {
            id: self.id.clone(),
            number: self.number.clone(),
            promotion_id: self.promotion_id.clone(),
            units: Quantity(self.units_milli),
            amount_minor: self.amount_minor,
            currency: currency.to_string(),
            status: self.status(),
            reference: self.reference.clone(),
            note: self.note.clone(),
            submitted_by: self.submitted_by.clone(),
            decided_by: self.decided_by.clone(),
            decided_at: self.decided_at.map(|t| t.and_utc()),
            rejection_reason: self.rejection_reason.clone(),
            payment_reference: self.payment_reference.clone(),
            paid_by: self.paid_by.clone(),
            paid_at: self.paid_at.map(|t| t.and_utc()),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }
}

/// The claims on each of `promotion_ids`, totalled by status, and how many there are.
fn ledgers_of(
    conn: &mut DbConnection,
    promotion_ids: &[&str],
) -> Result<HashMap<String, (ClaimLedger, i64)>, StoreError> {
    let mut out: HashMap<String, (ClaimLedger, i64)> = HashMap::new();
    for chunk in promotion_ids.chunks(LOOKUP_CHUNK) {
        for (promotion, status, units, amount) in promotion_claims::table
            .filter(promotion_claims::promotion_id.eq_any(chunk))
            .select((
                promotion_claims::promotion_id,
                promotion_claims::status,
                promotion_claims::units_milli,
                promotion_claims::amount_minor,
            ))
            .load::<(String, String, i64, i64)>(conn)?
        {
            let (ledger, count) = out.entry(promotion).or_default();
            ledger.add(
                ClaimStatus::parse(&status).unwrap_or(ClaimStatus::Submitted),
                units,
                amount,
            );
            *count += 1;
        }
    }
    Ok(out)
}

/// The claims on one promotion, totalled by status, and how many there are.
fn ledger_of(
    conn: &mut DbConnection,
    promotion_id: &str,
) -> Result<(ClaimLedger, i64), StoreError> {
    Ok(ledgers_of(conn, &[promotion_id])?
        .remove(promotion_id)
        .unwrap_or_default())
}

/// Claims on one promotion are decided one at a time: on PostgreSQL two racing claims would
/// otherwise both fit under the cap. SQLite has one writer.
fn lock_claims(conn: &mut DbConnection, promotion_id: &str) -> Result<(), StoreError> {
    if let DbConnection::Postgres(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7201004, hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(promotion_id)
            .execute(pg)?;
    }
    Ok(())
}

fn refusal(r: ClaimRefusal, currency: &str) -> Refusal {
    match r {
        ClaimRefusal::BeyondSellOut { available } => Refusal::conflict_on(
            Code::ClaimBeyondSellOut,
            "units",
            format!("sell-out in the promotion's period supports {available} more units"),
        ),
        ClaimRefusal::BeyondOpen { open } => Refusal::conflict_on(
            Code::ClaimBeyondOpenAmount,
            "amount_minor",
            format!(
                "{open} {currency} minor units are open: the sponsor's share of the budget and of the cost that sell-out supports, less earlier claims"
            ),
        ),
    }
}

pub struct ClaimDraft {
    pub units: Quantity,
    /// Absent: the sponsor's share of what the units cost.
    pub amount_minor: Option<i64>,
    pub reference: Option<String>,
    pub note: Option<String>,
}

fn record_claim(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    promotion: &PromotionRow,
    before: Option<&Claim>,
    after: &Claim,
) -> Result<(), StoreError> {
    let parties = Parties {
        channel: &promotion.channel_partner_id,
        sponsor: promotion.sponsor_id.as_deref(),
    };
    let what = (action, "promotion_claim", after.id.as_str());
    record_for(conn, actor, what, parties, before, after)
}

fn get_claim_row(
    conn: &mut DbConnection,
    promotion_id: &str,
    claim_id: &str,
) -> Result<ClaimRow, StoreError> {
    promotion_claims::table
        .filter(promotion_claims::id.eq(claim_id))
        .filter(promotion_claims::promotion_id.eq(promotion_id))
        .first::<ClaimRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("claim").into())
}

/// A claim by the channel partner for the sponsor's share of what `units` of sell-out cost.
pub fn insert_claim(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    promotion_id: &str,
    may_claim: impl FnOnce(&PromotionRow) -> Result<(), StoreError>,
    d: ClaimDraft,
    today: NaiveDate,
) -> Result<Claim, StoreError> {
    let row = get_row(conn, access, promotion_id)?;
    may_claim(&row)?;
    let row = follow_calendar_of(conn, actor, row, today)?;
    check_action(row.status(), PromotionAction::Claim)
        .map_err(illegal(&row, PromotionAction::Claim))?;
    lock_claims(conn, promotion_id)?;
    let products = product_ids_of(conn, promotion_id)?;
    let m = measured(conn, &row, products)?;
    let cap = claim_cap(row.budget_minor, row.sponsor_share_bp, m.split.sponsor);
    let amount = d.amount_minor.unwrap_or_else(|| {
        let cost = cost_for(row.mechanic(), &row.terms(), d.units).min(row.budget_minor);
        sponsor_part(cost, row.sponsor_share_bp)
    });
    if amount <= 0 {
        return Err(Refusal::invalid("amount_minor", "the claim must be for more than 0").into());
    }
    let (ledger, _) = ledger_of(conn, promotion_id)?;
    check_new_claim(d.units, amount, &ledger, m.units, cap)
        .map_err(|r| refusal(r, &row.currency))?;
    let id = uuid::Uuid::now_v7().to_string();
    let number = next_number(conn, "CLM")?;
    let t = now();
    diesel::insert_into(promotion_claims::table)
        .values((
            promotion_claims::id.eq(&id),
            promotion_claims::number.eq(&number),
            promotion_claims::promotion_id.eq(promotion_id),
            promotion_claims::units_milli.eq(d.units.milli()),
            promotion_claims::amount_minor.eq(amount),
            promotion_claims::status.eq(ClaimStatus::Submitted.as_str()),
            promotion_claims::reference.eq(&d.reference),
            promotion_claims::note.eq(&d.note),
            promotion_claims::submitted_by.eq(&actor.id),
            promotion_claims::version.eq(1i64),
            promotion_claims::created_at.eq(t),
            promotion_claims::updated_at.eq(t),
        ))
        .execute(conn)?;
    let claim = get_claim_row(conn, promotion_id, &id)?.to_claim(&row.currency);
    record_claim(conn, actor, "promotion_claim.submitted", &row, None, &claim)?;
    Ok(claim)
}

/// What the sponsor does with a claim.
pub enum ClaimDecision {
    Approve,
    Reject { reason: String },
    Pay { payment_reference: Option<String> },
}

/// Approves, rejects or pays a claim. Approval checks the claim still fits: approved and paid
/// claims never add up beyond the sponsor's share of the budget or of the cost sell-out supports.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one part of the request the handler was given"
)]
pub fn decide_claim(
    conn: &mut DbConnection,
    actor: &Actor,
    access: &Access,
    promotion_id: &str,
    claim_id: &str,
    may_decide: impl FnOnce(&PromotionRow) -> Result<(), StoreError>,
    decision: ClaimDecision,
    expected_version: Option<i64>,
) -> Result<Claim, StoreError> {
    let row = get_row(conn, access, promotion_id)?;
    may_decide(&row)?;
    lock_claims(conn, promotion_id)?;
    let claim = get_claim_row(conn, promotion_id, claim_id)?;
    expect_version(expected_version, claim.version)?;
    let (attempted, from, to) = match &decision {
        ClaimDecision::Approve => ("approve", ClaimStatus::Submitted, ClaimStatus::Approved),
        ClaimDecision::Reject { .. } => ("reject", ClaimStatus::Submitted, ClaimStatus::Rejected),
        ClaimDecision::Pay { .. } => ("pay", ClaimStatus::Approved, ClaimStatus::Paid),
    };
    if claim.status() != from {
        let allowed: &[&str] = match claim.status() {
            ClaimStatus::Submitted => &["approve", "reject"],
            ClaimStatus::Approved => &["pay"],
            _ => &[],
        };
        return Err(Refusal::not_allowed(
            "claim",
            &claim.status,
            attempted,
            allowed.iter().copied(),
        )
        .into());
    }
    if matches!(decision, ClaimDecision::Approve) {
        let products = product_ids_of(conn, promotion_id)?;
        let m = measured(conn, &row, products)?;
        let cap = claim_cap(row.budget_minor, row.sponsor_share_bp, m.split.sponsor);
        let (ledger, _) = ledger_of(conn, promotion_id)?;
        check_claim_approval(claim.amount_minor, &ledger, cap)
            .map_err(|r| refusal(r, &row.currency))?;
    }
    let before = claim.to_claim(&row.currency);
    let t = Some(now());
    let by = Some(actor.id.clone());
    let base = promotion_claims::table
        .find(claim_id)
        .filter(promotion_claims::version.eq(claim.version));
    let next = (
        promotion_claims::status.eq(to.as_str()),
        promotion_claims::version.eq(claim.version + 1),
        promotion_claims::updated_at.eq(now()),
    );
    let n = match decision {
        ClaimDecision::Approve => diesel::update(base)
            .set((
                next,
                promotion_claims::decided_by.eq(&by),
                promotion_claims::decided_at.eq(t),
            ))
            .execute(conn)?,
        ClaimDecision::Reject { reason } => diesel::update(base)
            .set((
                next,
                promotion_claims::decided_by.eq(&by),
                promotion_claims::decided_at.eq(t),
                promotion_claims::rejection_reason.eq(Some(reason)),
            ))
            .execute(conn)?,
        ClaimDecision::Pay { payment_reference } => diesel::update(base)
            .set((
                next,
                promotion_claims::paid_by.eq(&by),
                promotion_claims::paid_at.eq(t),
                promotion_claims::payment_reference.eq(payment_reference),
            ))
            .execute(conn)?,
    };
    if n == 0 {
        let current = get_claim_row(conn, promotion_id, claim_id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    let after = get_claim_row(conn, promotion_id, claim_id)?.to_claim(&row.currency);
    let action = match to {
        ClaimStatus::Approved => "promotion_claim.approved",
        ClaimStatus::Rejected => "promotion_claim.rejected",
        _ => "promotion_claim.paid",
    };
    record_claim(conn, actor, action, &row, Some(&before), &after)?;
    Ok(after)
}

pub fn get_claim(
    conn: &mut DbConnection,
    access: &Access,
    promotion_id: &str,
    claim_id: &str,
) -> Result<Claim, StoreError> {
    let row = get_row(conn, access, promotion_id)?;
    Ok(get_claim_row(conn, promotion_id, claim_id)?.to_claim(&row.currency))
}

pub fn list_claims(
    conn: &mut DbConnection,
    access: &Access,
    promotion_id: &str,
    status: Option<ClaimStatus>,
    page: &PageRequest,
) -> Result<(String, Vec<ClaimRow>), StoreError> {
    let row = get_row(conn, access, promotion_id)?;
    let mut q = crate::paged!(promotion_claims, page)
        .filter(promotion_claims::promotion_id.eq(promotion_id.to_string()));
    if let Some(s) = status {
        q = q.filter(promotion_claims::status.eq(s.as_str()));
    }
    Ok((row.currency, q.load(conn)?))
}

// ---- settlement ---------------------------------------------------------------------------------

pub fn settlement(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
) -> Result<PromotionSettlement, StoreError> {
    let row = get_row(conn, access, id)?;
    let products = product_ids_of(conn, id)?;
    let m = measured(conn, &row, products)?;
    let (ledger, claims) = ledger_of(conn, id)?;
    let sponsor_budget = sponsor_part(row.budget_minor, row.sponsor_share_bp);
    let claimable = claim_cap(row.budget_minor, row.sponsor_share_bp, m.split.sponsor);
    Ok(PromotionSettlement {
        promotion_id: row.id.clone(),
        number: row.number.clone(),
        status: row.status(),
        sponsor_id: row.sponsor_id.clone(),
        channel_partner_id: row.channel_partner_id.clone(),
        currency: row.currency.clone(),
        budget_minor: row.budget_minor,
        sponsor_budget_minor: sponsor_budget,
        supported_minor: m.split.sponsor,
        claimable_minor: claimable,
        submitted_minor: ledger.submitted_minor,
        approved_minor: ledger.approved_minor,
        paid_minor: ledger.paid_minor,
        rejected_minor: ledger.rejected_minor,
        open_minor: (claimable - ledger.live_minor()).max(0),
        claims,
    })
}

#[derive(Debug, Default)]
pub struct SettlementFilter {
    pub sponsor_id: Option<String>,
    /// Promotions ending on or after this day.
    pub from: Option<NaiveDate>,
    /// Promotions starting on or before this day.
    pub to: Option<NaiveDate>,
}

/// Per sponsor and currency: the promotions that were agreed (approved or later), their budgets
/// and where their claims stand.
pub fn sponsor_settlements(
    conn: &mut DbConnection,
    access: &Access,
    f: SettlementFilter,
) -> Result<Vec<SponsorSettlement>, StoreError> {
    let agreed = [
        PromotionStatus::Approved.as_str(),
        PromotionStatus::Active.as_str(),
        PromotionStatus::Ended.as_str(),
        PromotionStatus::Settled.as_str(),
    ];
    let mut q = promotions::table
        .filter(promotions::status.eq_any(agreed))
        .select((
            promotions::id,
            promotions::sponsor_id,
            promotions::currency,
            promotions::status,
            promotions::budget_minor,
            promotions::sponsor_share_bp,
        ))
        .into_boxed();
    if let Some(own) = access.partner_id() {
        q = q.filter(party_is(own));
    }
    if let Some(s) = f.sponsor_id {
        q = q.filter(promotions::sponsor_id.eq(s));
    }
    if let Some(from) = f.from {
        q = q.filter(promotions::end_date.ge(from));
    }
    if let Some(to) = f.to {
        q = q.filter(promotions::start_date.le(to));
    }
    let rows: Vec<(String, Option<String>, String, String, i64, i32)> = q.load(conn)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let mut ledgers = ledgers_of(conn, &ids)?;
    let mut out: std::collections::BTreeMap<(Option<String>, String), SponsorSettlement> =
        Default::default();
    for (id, sponsor, currency, status, budget, bp) in rows {
        let s = out
            .entry((sponsor.clone(), currency.clone()))
            .or_insert_with(|| SponsorSettlement {
                sponsor_id: sponsor,
                currency,
                promotions: 0,
                settled: 0,
                budget_minor: 0,
                sponsor_budget_minor: 0,
                submitted_minor: 0,
                approved_minor: 0,
                paid_minor: 0,
                rejected_minor: 0,
                outstanding_minor: 0,
            });
        let (l, _) = ledgers.remove(&id).unwrap_or_default();
        s.promotions += 1;
        s.settled += i64::from(status == PromotionStatus::Settled.as_str());
        s.budget_minor += budget;
        s.sponsor_budget_minor += sponsor_part(budget, bp);
        s.submitted_minor += l.submitted_minor;
        s.approved_minor += l.approved_minor;
        s.paid_minor += l.paid_minor;
        s.rejected_minor += l.rejected_minor;
        s.outstanding_minor += l.approved_minor;
    }
    Ok(out.into_values().collect())
}
