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

mod agreements;
mod documents;
mod promotions;
mod registry;
mod relationships;

pub use agreements::*;
pub use documents::*;
pub use promotions::*;
pub use registry::*;
pub use relationships::*;

#[cfg(test)]
mod tests;
