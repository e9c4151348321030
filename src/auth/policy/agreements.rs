//! Agreements: who reads them, proposes them and approves them.

use super::*;

/// Reading agreements: staff and host systems all of them; a partner's people and ERP (with
/// `agreements:read`) their own organisation's approved ones.
pub fn read_agreements(p: &Principal) -> Result<Access, Refusal> {
    if p.kind == PrincipalKind::Client {
        require_scope(p, Scope::AgreementsRead)?;
    }
    bound_access(p)
}

/// The staff whose remit an agreement falls in: buyers purchase agreements, account managers
/// sales agreements, admins both; host systems with `agreements:write`.
fn within_remit(p: &Principal, is_purchase: bool) -> Result<(), Refusal> {
    let allowed = match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::Client, _, None) => return require_scope(p, Scope::AgreementsWrite),
        (PrincipalKind::User, Some(Role::Admin), None) => true,
        (PrincipalKind::User, Some(Role::Buyer), None) => is_purchase,
        (PrincipalKind::User, Some(Role::AccountManager), None) => !is_purchase,
        _ => false,
    };
    if allowed {
        return Ok(());
    }
    Err(Refusal::WrongParty(
        "agreements are made by staff within their remit: buyers purchase agreements, account managers sales agreements, admins both".into(),
    ))
}

/// Proposing an agreement or a new version of one.
pub fn propose_agreement(p: &Principal, is_purchase: bool) -> Result<(), Refusal> {
    within_remit(p, is_purchase)
}

/// Approving or rejecting a version: the same remit, and a person (four eyes need a second
/// person, not a system).
pub fn decide_agreement(p: &Principal, is_purchase: bool) -> Result<(), Refusal> {
    within_remit(p, is_purchase)?;
    if p.kind != PrincipalKind::User {
        return Err(Refusal::Denied(
            Code::FourEyesNeedsAPerson,
            "an agreement version is approved or rejected by a person, not by an integration client"
                .into(),
        ));
    }
    Ok(())
}

/// Approving a buyer's override of a specification's approved-supplier list on a purchase
/// order: a second buyer (or an admin), and a person.
pub fn approve_supplier_override(p: &Principal) -> Result<(), Refusal> {
    match (p.kind, p.role, p.partner_id.as_deref()) {
        (PrincipalKind::User, Some(Role::Buyer | Role::Admin), None) => Ok(()),
        (PrincipalKind::Client, _, None) => Err(Refusal::Denied(
            Code::FourEyesNeedsAPerson,
            "a supplier override is approved by a person, not by an integration client".into(),
        )),
        _ => Err(Refusal::WrongParty(
            "a supplier override is approved by a second buyer or an admin".into(),
        )),
    }
}
