//! Who a promotion is between and what it promotes.

use super::*;

/// What the rules need to know about a party to a promotion.
#[derive(Debug, Clone, Copy)]
pub struct Party {
    pub roles: crate::auth::policy::PartnerRoles,
    pub status: crate::partners::model::PartnerStatus,
}

/// The parties must exist and play their parts: the channel partner (`channel`, none when
/// unknown or archived) sells on, the sponsor (its id and what is known of it) makes goods;
/// neither may be terminated, and they are two organisations.
pub fn check_parties(
    channel_id: &str,
    channel: Option<Party>,
    sponsor: Option<(&str, Option<Party>)>,
) -> Result<(), Refusal> {
    use crate::partners::model::PartnerStatus::Terminated;
    let mut e = vec![];
    match channel {
        None => e.push(FieldError::new("channel_partner_id", "no such partner")),
        Some(p) if !(p.roles.distributor || p.roles.key_account) => e.push(FieldError::new(
            "channel_partner_id",
            "a promotion runs at a distributor or a key account",
        )),
        Some(p) if p.status == Terminated => e.push(FieldError::new(
            "channel_partner_id",
            "the relationship is terminated",
        )),
        Some(_) => {}
    }
    if let Some((sponsor_id, sponsor)) = sponsor {
        match sponsor {
            None => e.push(FieldError::new("sponsor_id", "no such partner")),
            Some(p) if !p.roles.manufacturer => e.push(FieldError::new(
                "sponsor_id",
                "a promotion is sponsored by a manufacturer",
            )),
            Some(p) if p.status == Terminated => e.push(FieldError::new(
                "sponsor_id",
                "the relationship is terminated",
            )),
            Some(_) => {}
        }
        if sponsor_id == channel_id {
            e.push(FieldError::new(
                "channel_partner_id",
                "the sponsor and the channel partner are two different organisations",
            ));
        }
    }
    Refusal::check(e)
}

/// The promoted products must be in the catalogue (`active` answers whether one is, none when
/// unknown) and active, and in the sponsor's catalogue (`made`).
pub fn check_promoted_products(
    product_ids: &[String],
    active: impl Fn(&str) -> Option<bool>,
    made: &[String],
) -> Result<(), Refusal> {
    let mut e = vec![];
    for (i, id) in product_ids.iter().enumerate() {
        let field = format!("product_ids[{i}]");
        match active(id) {
            None => e.push(FieldError::new(field, "no such product")),
            Some(false) => e.push(FieldError::new(field, "the product is discontinued")),
            Some(true) if !made.contains(id) => e.push(FieldError::new(
                field,
                "not in the sponsor's catalogue: it neither supplies this product against a specification nor sells it to us",
            )),
            Some(true) => {}
        }
    }
    Refusal::check(e)
}
