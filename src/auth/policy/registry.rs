//! Partners and products.

use super::*;

pub(crate) fn bound_access(p: &Principal) -> Result<Access, Refusal> {
    match &p.partner_id {
        Some(id) => Ok(Access::Partner(id.clone())),
        None if p.role.is_some_and(Role::is_partner_role) => Err(Refusal::wrong_party()),
        None => Ok(Access::All),
    }
}

pub(crate) fn require_scope(p: &Principal, scope: Scope) -> Result<(), Refusal> {
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

/// Webhook subscriptions push the change feed, so whoever may read a feed may subscribe to it:
/// an admin (the host's events, and every subscription), a partner admin (its organisation's
/// events and subscriptions), and integration clients with `events:read` (host-bound: the
/// host's; partner-bound: their partner's).
pub fn manage_webhooks(p: &Principal) -> Result<Access, Refusal> {
    match (p.kind, p.role) {
        (PrincipalKind::Client, _) => require_scope(p, Scope::EventsRead)?,
        (PrincipalKind::User, Some(Role::Admin | Role::PartnerAdmin)) => {}
        _ => {
            return Err(Refusal::WrongParty(
                "webhook subscriptions are managed by an admin, a partner admin or an integration client with `events:read`".into(),
            ))
        }
    }
    bound_access(p)
}
