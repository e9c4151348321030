//! Promotion rows.

use super::*;
use crate::lifecycle::Lifecycle;

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

pub(crate) fn approval(by: &Option<String>, at: &Option<NaiveDateTime>) -> Option<Approval> {
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

    pub(crate) fn segment(&self) -> Option<TargetSegment> {
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
            allowed_actions: status.allowed_actions().to_vec(),
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

    pub(crate) fn basis(&self, products: Vec<String>) -> MeasureBasis {
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

    pub(crate) fn draft(&self, product_ids: Vec<String>) -> PromotionDraft {
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
pub(crate) type PartyIs = diesel::dsl::Or<
    diesel::dsl::Eq<promotions::channel_partner_id, String>,
    diesel::dsl::Eq<promotions::sponsor_id, String>,
>;

pub(crate) fn party_is(own: &str) -> PartyIs {
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

pub(crate) fn product_ids_of(conn: &mut DbConnection, id: &str) -> Result<Vec<String>, StoreError> {
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
pub(crate) struct Parties<'a> {
    pub(crate) channel: &'a str,
    pub(crate) sponsor: Option<&'a str>,
}

/// The audit entry and the event of a change to a promotion or one of its claims: the channel
/// partner's feed through the event's partner, the sponsor's through its second partner.
pub(crate) fn record_for<T: serde::Serialize>(
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

pub(crate) fn record(
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
