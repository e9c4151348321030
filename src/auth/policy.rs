//! Who may do what, in one place. Handlers ask here; partner scoping is then applied by the
//! store queries with the [`Access`] this returns, so a list can never hold another partner's rows.

use super::model::{Principal, PrincipalKind, Role, Scope};
use crate::refusal::{Code, Refusal};

pub use crate::access::Access;

/// The roles a partner plays; staff write rights follow them (buyers look after
/// manufacturers, account managers after distributors and key accounts).
#[derive(Debug, Clone, Copy, Default)]
pub struct PartnerRoles {
    pub manufacturer: bool,
    pub distributor: bool,
    pub key_account: bool,
}

fn bound_access(p: &Principal) -> Result<Access, Refusal> {
    match &p.partner_id {
        Some(id) => Ok(Access::Partner(id.clone())),
        None if p.role.is_some_and(Role::is_partner_role) => Err(Refusal::wrong_party()),
        None => Ok(Access::All),
    }
}

fn require_scope(p: &Principal, scope: Scope) -> Result<(), Refusal> {
    if p.scopes.iter().any(|s| s.grants(scope)) {
        Ok(())
    } else {
        Err(Refusal::WrongParty(format!(
            "this client lacks the `{}` scope",
            scope.as_str()
        )))
    }
}

/// Reading partners, their contacts and interactions.
pub fn read_partners(p: &Principal) -> Result<Access, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::PartnersRead)?;
    }
    bound_access(p)
}

/// Creating, changing or archiving a partner record itself (staff and host ERPs only).
pub fn manage_partner(p: &Principal, roles: PartnerRoles) -> Result<(), Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::PartnersWrite)?;
        return match p.partner_id {
            None => Ok(()),
            Some(_) => Err(Refusal::wrong_party()),
        };
    }
    let allowed = match p.role {
        Some(Role::Admin) => true,
        Some(Role::Buyer) => roles.manufacturer,
        Some(Role::AccountManager) => roles.distributor || roles.key_account,
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(Refusal::WrongParty(
            "your role may not manage this partner: buyers manage manufacturers, account managers distributors and key accounts".into(),
        ))
    }
}

/// Maintaining a partner's contacts: the staff who manage the partner, or the partner's own
/// administrator (and its ERP) for its own people.
pub fn manage_contacts(
    p: &Principal,
    partner_id: &str,
    roles: PartnerRoles,
) -> Result<(), Refusal> {
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::Client, _, Some(own)) if own == partner_id => {
            require_scope(p, Scope::PartnersWrite)
        }
        (PrincipalKind::User, Some(Role::PartnerAdmin), Some(own)) if own == partner_id => Ok(()),
        (_, _, Some(_)) => Err(Refusal::wrong_party()),
        _ => manage_partner(p, roles),
    }
}

/// Logging an interaction. Partner people may raise complaints about their own relationship
/// (a portal's "tell us what went wrong"); everything else is staff work.
pub fn log_interaction(
    p: &Principal,
    partner_id: &str,
    roles: PartnerRoles,
    is_complaint: bool,
) -> Result<(), Refusal> {
    match (p.kind, p.partner_id.as_deref()) {
        (PrincipalKind::Client, Some(own)) if own == partner_id && is_complaint => {
            require_scope(p, Scope::PartnersWrite)
        }
        (PrincipalKind::User, Some(own)) if own == partner_id && is_complaint => Ok(()),
        (_, Some(_)) => Err(Refusal::WrongParty(
            "partner users may only raise complaints".into(),
        )),
        _ => manage_partner(p, roles),
    }
}

/// Updating an interaction (closing it, rescheduling it): staff only.
pub fn update_interaction(p: &Principal, roles: PartnerRoles) -> Result<(), Refusal> {
    if p.partner_id.is_some() {
        return Err(Refusal::wrong_party());
    }
    manage_partner(p, roles)
}

pub fn admin_only(p: &Principal) -> Result<(), Refusal> {
    if p.kind == PrincipalKind::User && p.role == Some(Role::Admin) {
        Ok(())
    } else {
        Err(Refusal::WrongParty("only an admin may do this".into()))
    }
}

pub fn read_audit_log(p: &Principal) -> Result<(), Refusal> {
    match (p.kind, p.role) {
        (PrincipalKind::User, Some(Role::Admin | Role::Analyst)) => Ok(()),
        _ => Err(Refusal::WrongParty(
            "only admins and analysts may read the audit log".into(),
        )),
    }
}

pub fn read_events(p: &Principal) -> Result<Access, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::EventsRead)?;
    }
    bound_access(p)
}

/// Reading the catalogue: everyone signed in (partners order from it); clients need
/// `products:read`.
pub fn read_products(p: &Principal) -> Result<(), Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::ProductsRead)?;
    }
    Ok(())
}

/// Maintaining the catalogue: admins, buyers and account managers, and host ERPs.
pub fn manage_products(p: &Principal) -> Result<(), Refusal> {
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::Client, _, None) => require_scope(p, Scope::ProductsWrite),
        (PrincipalKind::User, Some(Role::Admin | Role::Buyer | Role::AccountManager), None) => {
            Ok(())
        }
        _ => Err(Refusal::WrongParty(
            "only admins, buyers, account managers and host ERPs maintain the catalogue".into(),
        )),
    }
}

/// Reading orders and the documents under them.
pub fn read_orders(p: &Principal) -> Result<Access, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::OrdersRead)?;
    }
    bound_access(p)
}

/// The two parties to an order: the host company and the counterparty partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Host,
    Counterparty,
}

/// Which party a principal may act for on an order with this counterparty. Staff act for the
/// host within their remit (buyers purchase orders, account managers sales orders, admins both);
/// a partner's users and ERP act for their own organisation when it is the counterparty.
pub fn order_party(
    p: &Principal,
    is_purchase: bool,
    counterparty_id: &str,
) -> Result<Party, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::OrdersWrite)?;
    }
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (_, _, Some(own)) if own == counterparty_id => Ok(Party::Counterparty),
        (_, _, Some(_)) => Err(Refusal::wrong_party()),
        (PrincipalKind::Client, _, None) => Ok(Party::Host),
        (PrincipalKind::User, Some(Role::Admin), None) => Ok(Party::Host),
        (PrincipalKind::User, Some(Role::Buyer), None) if is_purchase => Ok(Party::Host),
        (PrincipalKind::User, Some(Role::AccountManager), None) if !is_purchase => Ok(Party::Host),
        _ => Err(Refusal::WrongParty(
            "your role may not act on this order: buyers handle purchase orders, account managers sales orders".into(),
        )),
    }
}

/// Reading specifications and quality records. Partner principals get `Access::Partner`: the
/// store shows them the specifications they are approved for and their own quality records.
pub fn read_specs(p: &Principal) -> Result<Access, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::SpecsRead)?;
    }
    bound_access(p)
}

/// Writing specifications, approving suppliers, inspecting, verifying and closing
/// non-conformances: procurement and QA (admins, buyers, host ERPs).
pub fn manage_specs(p: &Principal) -> Result<(), Refusal> {
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::Client, _, None) => require_scope(p, Scope::SpecsWrite),
        (PrincipalKind::User, Some(Role::Admin | Role::Buyer), None) => Ok(()),
        _ => Err(Refusal::WrongParty(
            "only admins, buyers and host ERPs manage specifications and quality".into(),
        )),
    }
}

/// Acting as a supplier (quoting, proposing corrective action): a partner's own users and ERP
/// act for it; procurement staff may record it on a supplier's behalf. Answers the partner the
/// principal is bound to, if any.
pub fn act_as_supplier(p: &Principal) -> Result<Option<String>, Refusal> {
    match (p.kind, &p.partner_id) {
        (PrincipalKind::Client, Some(own)) => {
            require_scope(p, Scope::SpecsWrite)?;
            Ok(Some(own.clone()))
        }
        (PrincipalKind::User, Some(own)) => Ok(Some(own.clone())),
        _ => manage_specs(p).map(|_| None),
    }
}

/// Recording customer returns: the staff who face customers (admins, buyers, account managers)
/// and host ERPs (the till or web shop).
pub fn record_returns(p: &Principal) -> Result<(), Refusal> {
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::Client, _, None) => require_scope(p, Scope::SpecsWrite),
        (PrincipalKind::User, Some(Role::Admin | Role::Buyer | Role::AccountManager), None) => {
            Ok(())
        }
        _ => Err(Refusal::WrongParty(
            "only staff and host ERPs record customer returns".into(),
        )),
    }
}

/// Reading sell-out and stock reports: staff see all; a partner's users and ERP see their own.
pub fn read_sell_out(p: &Principal) -> Result<Access, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::ChannelRead)?;
    }
    bound_access(p)
}

/// Sending a sell-out report for `partner_id`: the partner's own users and ERP, or account
/// managers, admins and host ERPs on its behalf.
pub fn report_sell_out(p: &Principal, partner_id: &str) -> Result<(), Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::ChannelWrite)?;
    }
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (_, _, Some(own)) if own == partner_id => Ok(()),
        (_, _, Some(_)) => Err(Refusal::WrongParty(
            "you report sell-out for your own organisation only".into(),
        )),
        (PrincipalKind::Client, _, None) => Ok(()),
        (PrincipalKind::User, Some(Role::Admin | Role::AccountManager), None) => Ok(()),
        _ => Err(Refusal::WrongParty(
            "only account managers, admins, host ERPs and the partner itself report sell-out"
                .into(),
        )),
    }
}

/// Wallet estimates and the figures built on them are internal: staff and host-bound clients
/// with `channel:read` read them; partners never see what we think they buy elsewhere.
pub fn read_wallet_estimates(p: &Principal) -> Result<(), Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::ChannelRead)?;
    }
    internal_only(p, "wallet estimates are internal")
}

/// Entering and correcting wallet estimates: account managers, admins and host-bound clients
/// with `channel:write`.
pub fn manage_wallet_estimates(p: &Principal) -> Result<(), Refusal> {
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::Client, _, None) => require_scope(p, Scope::ChannelWrite),
        (PrincipalKind::User, Some(Role::Admin | Role::AccountManager), None) => Ok(()),
        _ => Err(Refusal::WrongParty(
            "only account managers, admins and host systems keep wallet estimates".into(),
        )),
    }
}

/// Reading analytics: staff and host clients with `analytics:read` see every partner; partner
/// principals get their own — which only the stock-cover view accepts.
pub fn read_analytics(p: &Principal) -> Result<Access, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::AnalyticsRead)?;
    }
    bound_access(p)
}

/// Share of customer, supplier share and contribution rankings: staff and host systems only.
pub fn read_internal_analytics(p: &Principal) -> Result<(), Refusal> {
    read_analytics(p)?;
    internal_only(
        p,
        "share, concentration and contribution figures are internal",
    )
}

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
fn host_promoter(p: &Principal) -> Result<(), Refusal> {
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::Client, _, None) => Ok(()),
        (PrincipalKind::User, Some(Role::Admin | Role::AccountManager), None) => Ok(()),
        _ => Err(Refusal::WrongParty(
            "only account managers, admins and host systems plan promotions".into(),
        )),
    }
}

/// The side a partner principal belongs to on a promotion, if any.
fn own_side(p: &Principal, sponsor_id: Option<&str>, channel_id: &str) -> Option<PromotionSide> {
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

/// Reading a partner's scorecard, tier and benefits: staff and host clients see every partner;
/// a partner's users and ERP their own.
pub fn read_scorecards(p: &Principal) -> Result<Access, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::RelationshipsRead)?;
    }
    bound_access(p)
}

/// The relationship's internals — the ladder's criteria, evaluations, tier changes and their
/// reasons, development plans: staff and host clients only.
pub fn read_relationships(p: &Principal) -> Result<(), Refusal> {
    read_scorecards(p)?;
    internal_only(p, "tier evaluations, tier changes and plans are internal")
}

/// Proposing and deciding tier changes and keeping development plans: admins, account
/// managers and buyers (each looks after some partners), and host clients.
pub fn manage_relationships(p: &Principal) -> Result<(), Refusal> {
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::Client, _, None) => require_scope(p, Scope::RelationshipsWrite),
        (PrincipalKind::User, Some(Role::Admin | Role::AccountManager | Role::Buyer), None) => {
            Ok(())
        }
        _ => Err(Refusal::WrongParty(
            "only admins, account managers, buyers and host systems manage relationships".into(),
        )),
    }
}

/// Proposing a tier change for a partner: relationship staff within the remit they have over
/// the partner record itself (buyers manufacturers, account managers distributors and key
/// accounts, admins all), or a host system.
pub fn propose_tier_change(p: &Principal, roles: PartnerRoles) -> Result<(), Refusal> {
    manage_relationships(p)?;
    match p.kind {
        PrincipalKind::Client => Ok(()),
        PrincipalKind::User => manage_partner(p, roles),
    }
}

/// Approving or rejecting one: the same remit, and a person: the second pair of eyes of a
/// four-eyes decision cannot be a system.
pub fn decide_tier_change(p: &Principal, roles: PartnerRoles) -> Result<(), Refusal> {
    manage_relationships(p)?;
    if p.kind != PrincipalKind::User {
        return Err(Refusal::Denied(
            Code::FourEyesNeedsAPerson,
            "a tier change is approved or rejected by a person, not by an integration client"
                .into(),
        ));
    }
    manage_partner(p, roles)
}

fn internal_only(p: &Principal, why: &str) -> Result<(), Refusal> {
    match bound_access(p)? {
        Access::All => Ok(()),
        Access::Partner(_) => Err(Refusal::WrongParty(why.into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, partner: Option<&str>) -> Principal {
        Principal {
            id: "u".into(),
            kind: PrincipalKind::User,
            role: Some(role),
            scopes: vec![],
            partner_id: partner.map(str::to_string),
            request_id: None,
            session_id: None,
        }
    }

    fn client(scopes: Vec<Scope>, partner: Option<&str>) -> Principal {
        Principal {
            id: "c".into(),
            kind: PrincipalKind::Client,
            role: None,
            scopes,
            partner_id: partner.map(str::to_string),
            request_id: None,
            session_id: None,
        }
    }

    const MANUFACTURER: PartnerRoles = PartnerRoles {
        manufacturer: true,
        distributor: false,
        key_account: false,
    };
    const DISTRIBUTOR: PartnerRoles = PartnerRoles {
        manufacturer: false,
        distributor: true,
        key_account: false,
    };

    #[test]
    fn partner_principals_see_only_their_own() {
        assert_eq!(
            read_partners(&user(Role::PartnerUser, Some("A"))).unwrap(),
            Access::Partner("A".into())
        );
        assert_eq!(
            read_partners(&user(Role::Analyst, None)).unwrap(),
            Access::All
        );
        assert!(read_partners(&user(Role::PartnerUser, None)).is_err());
        assert!(read_partners(&client(vec![Scope::EventsRead], None)).is_err());
        assert_eq!(
            read_partners(&client(vec![Scope::PartnersWrite], Some("B"))).unwrap(),
            Access::Partner("B".into())
        );
    }

    #[test]
    fn staff_write_rights_follow_partner_roles() {
        assert!(manage_partner(&user(Role::Buyer, None), MANUFACTURER).is_ok());
        assert!(manage_partner(&user(Role::Buyer, None), DISTRIBUTOR).is_err());
        assert!(manage_partner(&user(Role::AccountManager, None), DISTRIBUTOR).is_ok());
        assert!(manage_partner(&user(Role::AccountManager, None), MANUFACTURER).is_err());
        assert!(manage_partner(&user(Role::Analyst, None), MANUFACTURER).is_err());
        assert!(manage_partner(&user(Role::Admin, None), MANUFACTURER).is_ok());
        assert!(manage_partner(&user(Role::PartnerAdmin, Some("A")), MANUFACTURER).is_err());
        assert!(manage_partner(&client(vec![Scope::PartnersWrite], None), MANUFACTURER).is_ok());
        assert!(
            manage_partner(&client(vec![Scope::PartnersWrite], Some("A")), MANUFACTURER).is_err()
        );
        assert!(manage_partner(&client(vec![Scope::PartnersRead], None), MANUFACTURER).is_err());
    }

    #[test]
    fn partner_admins_keep_their_own_contacts() {
        assert!(manage_contacts(&user(Role::PartnerAdmin, Some("A")), "A", MANUFACTURER).is_ok());
        assert!(manage_contacts(&user(Role::PartnerAdmin, Some("A")), "B", MANUFACTURER).is_err());
        assert!(manage_contacts(&user(Role::PartnerUser, Some("A")), "A", MANUFACTURER).is_err());
        assert!(manage_contacts(&user(Role::Buyer, None), "A", MANUFACTURER).is_ok());
    }

    #[test]
    fn partner_people_may_only_complain() {
        assert!(
            log_interaction(&user(Role::PartnerUser, Some("A")), "A", MANUFACTURER, true).is_ok()
        );
        assert!(log_interaction(
            &user(Role::PartnerUser, Some("A")),
            "A",
            MANUFACTURER,
            false
        )
        .is_err());
        assert!(log_interaction(&user(Role::Buyer, None), "A", MANUFACTURER, false).is_ok());
        assert!(update_interaction(&user(Role::PartnerAdmin, Some("A")), MANUFACTURER).is_err());
    }

    #[test]
    fn admin_and_audit_rights() {
        assert!(admin_only(&user(Role::Admin, None)).is_ok());
        assert!(admin_only(&user(Role::Analyst, None)).is_err());
        assert!(read_audit_log(&user(Role::Analyst, None)).is_ok());
        assert!(read_audit_log(&user(Role::Buyer, None)).is_err());
        assert!(read_events(&client(vec![Scope::EventsRead], Some("A"))).is_ok());
    }

    #[test]
    fn catalogue_is_read_by_all_and_kept_by_staff() {
        assert!(read_products(&user(Role::PartnerUser, Some("A"))).is_ok());
        assert!(read_products(&client(vec![Scope::OrdersRead], None)).is_err());
        assert!(manage_products(&user(Role::Buyer, None)).is_ok());
        assert!(manage_products(&user(Role::Analyst, None)).is_err());
        assert!(manage_products(&user(Role::PartnerAdmin, Some("A"))).is_err());
        assert!(manage_products(&client(vec![Scope::ProductsWrite], None)).is_ok());
        assert!(manage_products(&client(vec![Scope::ProductsWrite], Some("A"))).is_err());
    }

    #[test]
    fn quality_work_is_split_between_staff_and_suppliers() {
        assert!(manage_specs(&user(Role::Buyer, None)).is_ok());
        assert!(manage_specs(&user(Role::AccountManager, None)).is_err());
        assert!(manage_specs(&user(Role::PartnerAdmin, Some("A"))).is_err());
        assert_eq!(
            act_as_supplier(&user(Role::PartnerUser, Some("A"))).unwrap(),
            Some("A".to_string())
        );
        assert_eq!(act_as_supplier(&user(Role::Buyer, None)).unwrap(), None);
        assert!(act_as_supplier(&user(Role::Analyst, None)).is_err());
        assert!(act_as_supplier(&client(vec![Scope::SpecsRead], Some("A"))).is_err());
        assert!(record_returns(&user(Role::AccountManager, None)).is_ok());
        assert!(record_returns(&user(Role::PartnerUser, Some("A"))).is_err());
        assert_eq!(
            read_specs(&user(Role::PartnerUser, Some("A"))).unwrap(),
            Access::Partner("A".into())
        );
    }

    #[test]
    fn channel_data_is_shared_and_estimates_are_internal() {
        let own = user(Role::PartnerUser, Some("A"));
        assert!(report_sell_out(&own, "A").is_ok());
        assert!(report_sell_out(&own, "B").is_err());
        assert!(report_sell_out(&user(Role::AccountManager, None), "A").is_ok());
        assert!(report_sell_out(&user(Role::Buyer, None), "A").is_err());
        assert!(report_sell_out(&client(vec![Scope::ChannelWrite], Some("A")), "A").is_ok());
        assert!(report_sell_out(&client(vec![Scope::ChannelRead], Some("A")), "A").is_err());
        assert_eq!(read_sell_out(&own).unwrap(), Access::Partner("A".into()));
        assert!(read_wallet_estimates(&own).is_err());
        assert!(read_wallet_estimates(&user(Role::Analyst, None)).is_ok());
        assert!(read_wallet_estimates(&client(vec![Scope::ChannelRead], Some("A"))).is_err());
        assert!(manage_wallet_estimates(&user(Role::AccountManager, None)).is_ok());
        assert!(manage_wallet_estimates(&user(Role::Analyst, None)).is_err());
        assert!(manage_wallet_estimates(&client(vec![Scope::ChannelWrite], None)).is_ok());
        assert!(read_internal_analytics(&user(Role::Buyer, None)).is_ok());
        assert!(read_internal_analytics(&own).is_err());
        assert!(read_internal_analytics(&client(vec![Scope::ChannelRead], None)).is_err());
        assert!(read_internal_analytics(&client(vec![Scope::AnalyticsRead], None)).is_ok());
        assert_eq!(read_analytics(&own).unwrap(), Access::Partner("A".into()));
    }

    #[test]
    fn promotions_are_acted_on_by_their_two_sides() {
        let maker = user(Role::PartnerUser, Some("M"));
        let shop = user(Role::PartnerUser, Some("S"));
        let stranger = user(Role::PartnerAdmin, Some("X"));
        let am = user(Role::AccountManager, None);
        // A manufacturer sponsors at a channel partner.
        assert_eq!(
            promotion_side(&maker, Some("M"), "S").unwrap(),
            PromotionSide::Sponsor
        );
        assert_eq!(
            promotion_side(&shop, Some("M"), "S").unwrap(),
            PromotionSide::Channel
        );
        assert!(promotion_side(&stranger, Some("M"), "S").is_err());
        assert!(promotion_side(&am, Some("M"), "S").is_err());
        assert!(plan_promotion(&am, Some("M"), "S").is_ok());
        assert!(plan_promotion(&user(Role::Buyer, None), Some("M"), "S").is_err());
        assert!(plan_promotion(&stranger, Some("M"), "S").is_err());
        // The host company sponsors its own brand.
        assert_eq!(
            promotion_side(&am, None, "S").unwrap(),
            PromotionSide::Sponsor
        );
        assert!(promotion_side(&user(Role::Analyst, None), None, "S").is_err());
        assert!(decide_claim(&am, None, "S").is_ok());
        assert!(decide_claim(&shop, None, "S").is_err());
        assert!(decide_claim(&maker, Some("M"), "S").is_ok());
        assert!(submit_claim(&shop, Some("M"), "S").is_ok());
        assert!(submit_claim(&maker, Some("M"), "S").is_err());
        assert!(settle_promotion(&shop, Some("M"), "S").is_err());
        assert!(settle_promotion(&maker, Some("M"), "S").is_ok());
        let erp = client(vec![Scope::PromotionsWrite], Some("S"));
        assert_eq!(
            promotion_side(&erp, Some("M"), "S").unwrap(),
            PromotionSide::Channel
        );
        assert!(promotion_side(
            &client(vec![Scope::PromotionsRead], Some("S")),
            Some("M"),
            "S"
        )
        .is_err());
        assert_eq!(read_promotions(&shop).unwrap(), Access::Partner("S".into()));
        assert!(read_promotions(&client(vec![Scope::ChannelRead], None)).is_err());
    }

    #[test]
    fn relationships_are_internal_but_a_partner_sees_its_own_card_and_tier() {
        let own = user(Role::PartnerUser, Some("A"));
        assert_eq!(read_scorecards(&own).unwrap(), Access::Partner("A".into()));
        assert!(read_relationships(&own).is_err());
        assert!(read_relationships(&user(Role::Analyst, None)).is_ok());
        assert!(read_relationships(&client(vec![Scope::RelationshipsRead], Some("A"))).is_err());
        assert!(read_relationships(&client(vec![Scope::RelationshipsWrite], None)).is_ok());
        assert!(manage_relationships(&user(Role::Buyer, None)).is_ok());
        assert!(manage_relationships(&user(Role::Analyst, None)).is_err());
        assert!(manage_relationships(&own).is_err());
        assert!(manage_relationships(&client(vec![Scope::RelationshipsRead], None)).is_err());
        let distributor = PartnerRoles {
            distributor: true,
            ..Default::default()
        };
        assert!(propose_tier_change(&user(Role::Buyer, None), distributor).is_err());
        assert!(decide_tier_change(&user(Role::Buyer, None), distributor).is_err());
        assert!(propose_tier_change(&user(Role::AccountManager, None), distributor).is_ok());
        assert!(decide_tier_change(&user(Role::AccountManager, None), distributor).is_ok());
        let host = client(vec![Scope::RelationshipsWrite], None);
        assert!(propose_tier_change(&host, distributor).is_ok());
        assert!(decide_tier_change(&host, distributor).is_err());
    }

    #[test]
    fn order_parties_follow_remit_and_organisation() {
        let purchase = true;
        assert_eq!(
            order_party(&user(Role::Buyer, None), purchase, "A").unwrap(),
            Party::Host
        );
        assert!(order_party(&user(Role::Buyer, None), !purchase, "A").is_err());
        assert_eq!(
            order_party(&user(Role::AccountManager, None), !purchase, "A").unwrap(),
            Party::Host
        );
        assert!(order_party(&user(Role::AccountManager, None), purchase, "A").is_err());
        assert!(order_party(&user(Role::Analyst, None), purchase, "A").is_err());
        assert_eq!(
            order_party(&user(Role::PartnerUser, Some("A")), purchase, "A").unwrap(),
            Party::Counterparty
        );
        assert!(order_party(&user(Role::PartnerUser, Some("B")), purchase, "A").is_err());
        assert_eq!(
            order_party(&client(vec![Scope::OrdersWrite], Some("A")), !purchase, "A").unwrap(),
            Party::Counterparty
        );
        assert!(order_party(&client(vec![Scope::OrdersRead], Some("A")), purchase, "A").is_err());
        assert_eq!(
            order_party(&client(vec![Scope::OrdersWrite], None), purchase, "A").unwrap(),
            Party::Host
        );
    }
}
