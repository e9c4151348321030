//! Orders, specifications and channel data.

use super::*;

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

/// The party a caller acts as on an order when it may be recording a partner's document: staff
/// within their remit (and host ERPs) who say how the partner sent it (`recorded_via`) act as
/// the counterparty, as procurement teams do with a supplier's e-mailed confirmation or a
/// customer's phoned order; a partner sends its own documents and records nothing for others.
pub fn order_party_recording(
    p: &Principal,
    is_purchase: bool,
    counterparty_id: &str,
    recorded_via: Option<crate::audit::RecordingChannel>,
) -> Result<Party, Refusal> {
    let party = order_party(p, is_purchase, counterparty_id)?;
    match (recorded_via, party) {
        (None, party) => Ok(party),
        (Some(_), Party::Host) => Ok(Party::Counterparty),
        (Some(_), Party::Counterparty) => Err(Refusal::invalid(
            "recorded_via",
            "only our own staff and systems record what a partner sent by other means; send your own documents without it",
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
