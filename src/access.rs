//! The part of the registry a principal may see, which every store query that serves a partner
//! is scoped by. Decided in `auth::policy`; a leaf here so that any store, the audit log and
//! the change feed included, can take it without depending on `auth`.

/// What part of the registry a principal may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Staff and host-bound integration clients: every partner.
    All,
    /// Partner users and partner-bound clients: records where this partner is a party.
    Partner(String),
}

impl Access {
    pub fn partner_id(&self) -> Option<&str> {
        match self {
            Access::All => None,
            Access::Partner(id) => Some(id),
        }
    }

    /// Figures about our whole partner base (return rates, supplier tenure) are internal: a
    /// partner principal is refused (403) with `why`.
    pub fn internal_only(&self, why: &str) -> Result<(), crate::refusal::Refusal> {
        match self {
            Access::All => Ok(()),
            Access::Partner(_) => Err(crate::refusal::Refusal::WrongParty(why.to_string())),
        }
    }

    pub fn allows_partner(&self, partner_id: &str) -> bool {
        match self {
            Access::All => true,
            Access::Partner(own) => own == partner_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_figures_are_refused_to_partners() {
        assert!(Access::All.internal_only("internal").is_ok());
        let refused = Access::Partner("p".into()).internal_only("internal");
        assert_eq!(
            refused,
            Err(crate::refusal::Refusal::WrongParty("internal".into()))
        );
    }
}
