//! Relationships.

use super::*;

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

pub(crate) fn internal_only(p: &Principal, why: &str) -> Result<(), Refusal> {
    match bound_access(p)? {
        Access::All => Ok(()),
        Access::Partner(_) => Err(Refusal::WrongParty(why.into())),
    }
}
