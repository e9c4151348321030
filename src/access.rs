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

    pub fn allows_partner(&self, partner_id: &str) -> bool {
        match self {
            Access::All => true,
            Access::Partner(own) => own == partner_id,
        }
    }
}
