//! Promotions.

use super::*;

/// Reading co-funded promotions, their performance, claims and settlement: staff and host
/// clients see every one; a partner's users and ERP see those it sponsors or runs.
pub fn read_promotions(p: &Principal) -> Result<Access, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::PromotionsRead)?;
    }
    bound_access(p)
}

/// The two sides of a co-funded promotion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromotionSide {
    /// The manufacturer that funds it (or the host company, for its own brand).
    Sponsor,
    /// The distributor or key account that runs it.
    Channel,
}

/// Staff who plan promotions for the host company: admins and account managers, and host ERPs.
pub(crate) fn host_promoter(p: &Principal) -> Result<(), Refusal> {
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::Client, _, None) => Ok(()),
        (PrincipalKind::User, Some(Role::Admin | Role::AccountManager), None) => Ok(()),
        _ => Err(Refusal::WrongParty(
            "only account managers, admins and host systems plan promotions".into(),
        )),
    }
}

/// The side a partner principal belongs to on a promotion, if any.
pub(crate) fn own_side(
    p: &Principal,
    sponsor_id: Option<&str>,
    channel_id: &str,
) -> Option<PromotionSide> {
    let own = p.partner_id.as_deref()?;
    if own == channel_id {
        Some(PromotionSide::Channel)
    } else if Some(own) == sponsor_id {
        Some(PromotionSide::Sponsor)
    } else {
        None
    }
}

/// Drafting, changing, proposing and cancelling a promotion: either party's users and ERPs, or
/// the host's promotion staff (who also broker promotions between two partners).
pub fn plan_promotion(
    p: &Principal,
    sponsor_id: Option<&str>,
    channel_id: &str,
) -> Result<(), Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::PromotionsWrite)?;
    }
    if p.partner_id.is_some() {
        return own_side(p, sponsor_id, channel_id)
            .map(|_| ())
            .ok_or_else(|| {
                Refusal::WrongParty("your organisation is not a party to this promotion".into())
            });
    }
    host_promoter(p)
}

/// The side a principal approves for: a partner's people for their organisation; the host's
/// promotion staff only when the host company itself sponsors.
pub fn promotion_side(
    p: &Principal,
    sponsor_id: Option<&str>,
    channel_id: &str,
) -> Result<PromotionSide, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::PromotionsWrite)?;
    }
    if p.partner_id.is_some() {
        return own_side(p, sponsor_id, channel_id).ok_or_else(|| {
            Refusal::WrongParty("your organisation is not a party to this promotion".into())
        });
    }
    host_promoter(p)?;
    match sponsor_id {
        None => Ok(PromotionSide::Sponsor),
        Some(_) => Err(Refusal::WrongParty(
            "the host company is not a party to this promotion: its sponsor and its channel partner act on it".into(),
        )),
    }
}

/// Claiming the sponsor's share: the channel partner's users and ERP, or the host's promotion
/// staff recording a claim received on paper or by EDI.
pub fn submit_claim(
    p: &Principal,
    sponsor_id: Option<&str>,
    channel_id: &str,
) -> Result<(), Refusal> {
    plan_promotion(p, sponsor_id, channel_id)?;
    match own_side(p, sponsor_id, channel_id) {
        Some(PromotionSide::Sponsor) => Err(Refusal::WrongParty(
            "claims are made by the channel partner, not the sponsor".into(),
        )),
        _ => Ok(()),
    }
}

/// Approving, rejecting and paying claims: the sponsor side only (it pays).
pub fn decide_claim(
    p: &Principal,
    sponsor_id: Option<&str>,
    channel_id: &str,
) -> Result<(), Refusal> {
    match promotion_side(p, sponsor_id, channel_id)? {
        PromotionSide::Sponsor => Ok(()),
        PromotionSide::Channel => Err(Refusal::WrongParty(
            "claims are decided and paid by the sponsor".into(),
        )),
    }
}

/// Settling an ended promotion: the sponsor, or the host's promotion staff keeping the books.
pub fn settle_promotion(
    p: &Principal,
    sponsor_id: Option<&str>,
    channel_id: &str,
) -> Result<(), Refusal> {
    plan_promotion(p, sponsor_id, channel_id)?;
    match own_side(p, sponsor_id, channel_id) {
        Some(PromotionSide::Channel) => Err(Refusal::WrongParty(
            "the sponsor settles a promotion once its claims are paid".into(),
        )),
        _ => Ok(()),
    }
}
