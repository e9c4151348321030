//! Who is calling and what they may be: roles, scopes, principals, and the rules on credentials.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::refusal::FieldError;

/// A user's role. Staff roles see the whole registry; partner roles are bound to one partner
/// organisation and see only records where it is a party.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including users and integration clients.
    Admin,
    /// Procurement: suppliers (manufacturers), specifications, purchase orders, QA.
    Buyer,
    /// Distributors and key accounts, sales orders, promotions, share estimates.
    AccountManager,
    /// Reads everything, writes nothing.
    Analyst,
    /// A partner organisation's administrator.
    PartnerAdmin,
    /// A partner organisation's user.
    PartnerUser,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Buyer,
        Role::AccountManager,
        Role::Analyst,
        Role::PartnerAdmin,
        Role::PartnerUser,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Buyer => "buyer",
            Role::AccountManager => "account_manager",
            Role::Analyst => "analyst",
            Role::PartnerAdmin => "partner_admin",
            Role::PartnerUser => "partner_user",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_partner_role(self) -> bool {
        matches!(self, Role::PartnerAdmin | Role::PartnerUser)
    }
}

/// What an integration client may do. A `write` scope includes the matching `read`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Scope {
    #[serde(rename = "partners:read")]
    PartnersRead,
    #[serde(rename = "partners:write")]
    PartnersWrite,
    #[serde(rename = "events:read")]
    EventsRead,
    #[serde(rename = "products:read")]
    ProductsRead,
    #[serde(rename = "products:write")]
    ProductsWrite,
    /// Orders and the documents under them: responses, despatch advices, receipts, invoices.
    #[serde(rename = "orders:read")]
    OrdersRead,
    #[serde(rename = "orders:write")]
    OrdersWrite,
    /// Specifications and quality: versions, suppliers, quotes, inspections,
    /// non-conformances, returns.
    #[serde(rename = "specs:read")]
    SpecsRead,
    #[serde(rename = "specs:write")]
    SpecsWrite,
    /// Sell-out and stock reports (a partner's ERP sends its own); wallet estimates (host only).
    #[serde(rename = "channel:read")]
    ChannelRead,
    #[serde(rename = "channel:write")]
    ChannelWrite,
    /// Share of customer, supplier share, ABC, stock cover (host-bound clients; partner-bound
    /// ones see only their own stock cover).
    #[serde(rename = "analytics:read")]
    AnalyticsRead,
    /// Co-funded promotions, their performance, claims and settlement (a partner-bound client
    /// sees the promotions its partner sponsors or runs).
    #[serde(rename = "promotions:read")]
    PromotionsRead,
    #[serde(rename = "promotions:write")]
    PromotionsWrite,
    /// Scorecards, tiers and their evaluation, tier changes, development plans (a
    /// partner-bound client sees only its partner's scorecard and tier).
    #[serde(rename = "relationships:read")]
    RelationshipsRead,
    #[serde(rename = "relationships:write")]
    RelationshipsWrite,
    /// Agreements: contract prices, call-off commitments, payment terms, rebates (a
    /// partner-bound client reads its partner's approved agreements).
    #[serde(rename = "agreements:read")]
    AgreementsRead,
    #[serde(rename = "agreements:write")]
    AgreementsWrite,
}

impl Scope {
    pub const ALL: [Scope; 18] = [
        Scope::PartnersRead,
        Scope::PartnersWrite,
        Scope::EventsRead,
        Scope::ProductsRead,
        Scope::ProductsWrite,
        Scope::OrdersRead,
        Scope::OrdersWrite,
        Scope::SpecsRead,
        Scope::SpecsWrite,
        Scope::ChannelRead,
        Scope::ChannelWrite,
        Scope::AnalyticsRead,
        Scope::PromotionsRead,
        Scope::PromotionsWrite,
        Scope::RelationshipsRead,
        Scope::RelationshipsWrite,
        Scope::AgreementsRead,
        Scope::AgreementsWrite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::PartnersRead => "partners:read",
            Scope::PartnersWrite => "partners:write",
            Scope::EventsRead => "events:read",
            Scope::ProductsRead => "products:read",
            Scope::ProductsWrite => "products:write",
            Scope::OrdersRead => "orders:read",
            Scope::OrdersWrite => "orders:write",
            Scope::SpecsRead => "specs:read",
            Scope::SpecsWrite => "specs:write",
            Scope::ChannelRead => "channel:read",
            Scope::ChannelWrite => "channel:write",
            Scope::AnalyticsRead => "analytics:read",
            Scope::PromotionsRead => "promotions:read",
            Scope::PromotionsWrite => "promotions:write",
            Scope::RelationshipsRead => "relationships:read",
            Scope::RelationshipsWrite => "relationships:write",
            Scope::AgreementsRead => "agreements:read",
            Scope::AgreementsWrite => "agreements:write",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// True when holding `self` grants `needed`.
    pub fn grants(self, needed: Scope) -> bool {
        self == needed
            || matches!(
                (self, needed),
                (Scope::PartnersWrite, Scope::PartnersRead)
                    | (Scope::ProductsWrite, Scope::ProductsRead)
                    | (Scope::OrdersWrite, Scope::OrdersRead)
                    | (Scope::SpecsWrite, Scope::SpecsRead)
                    | (Scope::ChannelWrite, Scope::ChannelRead)
                    | (Scope::PromotionsWrite, Scope::PromotionsRead)
                    | (Scope::RelationshipsWrite, Scope::RelationshipsRead)
                    | (Scope::AgreementsWrite, Scope::AgreementsRead)
            )
    }
}

/// Space-separated scope list, as OAuth 2 writes it.
pub fn parse_scopes(field: &str, raw: &str) -> Result<Vec<Scope>, FieldError> {
    let mut out = Vec::new();
    for word in raw.split_whitespace() {
        let scope = Scope::parse(word).ok_or_else(|| {
            FieldError::new(
                field,
                format!(
                    "unknown scope `{word}`; known: {}",
                    Scope::ALL.map(Scope::as_str).join(", ")
                ),
            )
        })?;
        if !out.contains(&scope) {
            out.push(scope);
        }
    }
    Ok(out)
}

pub fn join_scopes(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    User,
    Client,
}

/// The authenticated caller of one request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub id: String,
    pub kind: PrincipalKind,
    /// Users have a role; integration clients have scopes instead.
    pub role: Option<Role>,
    pub scopes: Vec<Scope>,
    /// The partner organisation this principal is bound to, if any.
    pub partner_id: Option<String>,
    pub request_id: Option<String>,
    /// The sign-in (refresh-token family) a user's access token belongs to.
    pub session_id: Option<String>,
}

/// What a partner's status leaves its people (its users and its ERP's clients) able to do.
/// A prospect is being onboarded and an active partner trades: both work as their roles allow.
/// A suspended partner may still read (orders in flight, its scorecard) but changes nothing.
/// A terminated or archived partner's people can do nothing at all, not even sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerAccess {
    Full,
    ReadOnly,
    Nothing,
}

pub fn partner_access(status: &str, archived: bool) -> PartnerAccess {
    match (status, archived) {
        (_, true) | ("terminated", _) => PartnerAccess::Nothing,
        ("suspended", _) => PartnerAccess::ReadOnly,
        ("prospect" | "active", _) => PartnerAccess::Full,
        // A status this build does not know: the safe answer.
        _ => PartnerAccess::Nothing,
    }
}

/// Passwords (NIST SP 800-63B §5.1.1.2): at least 12 characters and at most 256 (hashing cost
/// stays bounded); not blank; not one of the passwords attackers try first ([`COMMON`], or one
/// character over and over); and not merely the account's own words — with its e-mail, the
/// e-mail's name part and the person's name (`context`) taken out, at least 8 characters must
/// be left. Composition rules are not imposed: length carries strength.
pub fn check_password(field: &str, password: &str, context: &[&str]) -> Result<(), FieldError> {
    let n = password.chars().count();
    if password.trim().is_empty() {
        return Err(FieldError::new(field, "must not be blank"));
    }
    if n < 12 {
        return Err(FieldError::new(field, "must be at least 12 characters"));
    }
    if n > 256 {
        return Err(FieldError::new(field, "must be at most 256 characters"));
    }
    let lower = password.to_lowercase();
    let first = lower.chars().next();
    if COMMON.contains(&lower.as_str()) || lower.chars().all(|c| Some(c) == first) {
        return Err(FieldError::new(
            field,
            "is one of the passwords tried first in attacks; choose another",
        ));
    }
    let mut rest = lower;
    for word in context.iter().flat_map(|c| {
        let c = c.trim().to_lowercase();
        let local = c.split('@').next().unwrap_or("").to_string();
        [c, local]
    }) {
        if word.chars().count() >= 3 {
            rest = rest.replace(&word, "");
        }
    }
    if rest.chars().filter(|c| !c.is_whitespace()).count() < 8 {
        return Err(FieldError::new(
            field,
            "is too close to the account's e-mail or name; choose another",
        ));
    }
    Ok(())
}

/// Passwords of 12 characters or more that lead the published lists of leaked passwords.
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789123",
    "123123123123",
    "123456654321",
    "111111111111",
    "000000000000",
    "987654321098",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "passw0rd1234",
    "p@ssw0rd1234",
    "p@ssword1234",
    "password1234!",
    "password123!",
    "qwertyuiop12",
    "qwertyuiop123",
    "qwerty123456",
    "qwertyqwerty",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "zaq12wsxcde3",
    "asdfghjkl123",
    "asdfghjkl;'",
    "qwertyuiopasdfgh",
    "abc123456789",
    "abcdefghijkl",
    "abcd12345678",
    "iloveyou1234",
    "welcome12345",
    "welcome123456",
    "letmein12345",
    "changeme1234",
    "changeme123!",
    "administrator",
    "administrator1",
    "trustno1trustno1",
    "superman1234",
    "football1234",
    "baseball1234",
    "monkey123456",
    "dragon123456",
    "sunshine1234",
    "princess1234",
    "starwars1234",
    "whatever1234",
    "summer2026!!",
    "winter2026!!",
    "spring2026!!",
    "autumn2026!!",
    "correcthorsebatterystaple",
];
/// A pragmatic e-mail check: one `@`, something on each side, a dot in the domain, no spaces.
pub fn normalise_email(field: &str, email: &str) -> Result<String, FieldError> {
    let email = email.trim().to_lowercase();
    let ok = email.len() <= crate::values::EmailAddress::MAX
        && !email.contains(char::is_whitespace)
        && match email.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && !domain.contains('@')
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
            }
            None => false,
        };
    if ok {
        Ok(email)
    } else {
        Err(FieldError::new(field, "is not an e-mail address"))
    }
}

/// Work on our side (an account, a follow-up, a plan's action) is owned by a staff user:
/// `user` is the named user's role and whether it is disabled (none when there is no such
/// user); `must_sign_in` also refuses a disabled one.
pub fn check_staff_owner(
    field: &str,
    user: Option<(Role, bool)>,
    must_sign_in: bool,
) -> Result<(), FieldError> {
    match user {
        None => Err(FieldError::new(field, "no such user")),
        Some((role, _)) if role.is_partner_role() => {
            Err(FieldError::new(field, "must be a staff user"))
        }
        Some((_, true)) if must_sign_in => Err(FieldError::new(field, "the user is disabled")),
        Some(_) => Ok(()),
    }
}

/// A staff role must not be bound to a partner; a partner role must be.
pub fn check_role_binding(role: Role, partner_id: Option<&str>) -> Result<(), FieldError> {
    match (role.is_partner_role(), partner_id.is_some()) {
        (true, false) => Err(FieldError::new(
            "partner_id",
            "is required for partner roles",
        )),
        (false, true) => Err(FieldError::new(
            "partner_id",
            "must be empty for staff roles",
        )),
        _ => Ok(()),
    }
}

/// A principal's changes are recorded under its id and kind.
impl From<&Principal> for crate::audit::Actor {
    fn from(p: &Principal) -> crate::audit::Actor {
        crate::audit::Actor {
            id: p.id.clone(),
            kind: match p.kind {
                PrincipalKind::User => "user",
                PrincipalKind::Client => "client",
            },
            request_id: p.request_id.clone(),
            recorded_for: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_is_owned_by_staff_who_can_sign_in() {
        assert!(check_staff_owner("owner_id", Some((Role::Buyer, false)), true).is_ok());
        assert!(check_staff_owner("owner_id", Some((Role::Buyer, true)), false).is_ok());
        for (user, must) in [
            (None, false),
            (Some((Role::PartnerUser, false)), false),
            (Some((Role::Buyer, true)), true),
        ] {
            let e = check_staff_owner("owner_id", user, must).unwrap_err();
            assert_eq!(e.field, "owner_id");
        }
    }

    #[test]
    fn scopes_parse_and_write_grants_read() {
        let s = parse_scopes("scopes", "partners:write events:read partners:write").unwrap();
        assert_eq!(s, vec![Scope::PartnersWrite, Scope::EventsRead]);
        assert!(Scope::PartnersWrite.grants(Scope::PartnersRead));
        assert!(!Scope::PartnersRead.grants(Scope::PartnersWrite));
        assert!(parse_scopes("scopes", "partners:delete").is_err());
        assert_eq!(join_scopes(&s), "partners:write events:read");
    }

    #[test]
    fn passwords_need_length() {
        assert!(check_password("password", "short", &[]).is_err());
        assert!(check_password("password", "correct horse battery", &[]).is_ok());
        assert!(check_password("password", &"x".repeat(257), &[]).is_err());
    }

    #[test]
    fn passwords_are_not_blank_common_or_the_account_itself() {
        let ctx = ["ana.buyer@example.com", "Ana Buyer"];
        assert!(check_password("p", "            ", &ctx).is_err());
        assert!(check_password("p", "\t\t\t\t\t\t\t\t\t\t\t\t", &ctx).is_err());
        assert!(check_password("p", "Password1234", &ctx).is_err());
        assert!(check_password("p", "aaaaaaaaaaaaaa", &ctx).is_err());
        assert!(check_password("p", "ana.buyer2026!", &ctx).is_err());
        assert!(check_password("p", "ana.buyer@example.com", &ctx).is_err());
        assert!(check_password("p", "Ana Buyer 1234", &ctx).is_err());
        // The account's name among other words is fine: what is left carries the strength.
        assert!(check_password("p", "ana buys cans by the pallet", &ctx).is_ok());
        assert!(check_password("p", "admin password for tests", &["admin@example.com"]).is_ok());
    }

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            normalise_email("email", " Buyer@Example.COM ").unwrap(),
            "buyer@example.com"
        );
        for bad in ["", "no-at", "a@b", "a@@b.c", "a b@c.d", "@c.d", "a@.c"] {
            assert!(normalise_email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn partner_status_decides_what_its_people_may_do() {
        assert_eq!(partner_access("active", false), PartnerAccess::Full);
        assert_eq!(partner_access("prospect", false), PartnerAccess::Full);
        assert_eq!(partner_access("suspended", false), PartnerAccess::ReadOnly);
        assert_eq!(partner_access("terminated", false), PartnerAccess::Nothing);
        assert_eq!(partner_access("active", true), PartnerAccess::Nothing);
        assert_eq!(partner_access("closed", false), PartnerAccess::Nothing);
    }

    #[test]
    fn roles_and_partner_binding() {
        assert!(check_role_binding(Role::PartnerUser, None).is_err());
        assert!(check_role_binding(Role::Buyer, Some("p")).is_err());
        assert!(check_role_binding(Role::PartnerAdmin, Some("p")).is_ok());
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}

/// A person who signs in.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000ff", "email": "buyer@example.com", "name": "Ana Buyer",
    "role": "buyer", "partner_id": null, "disabled": false, "version": 1,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// The partner organisation a partner user belongs to; null for staff.
    pub partner_id: Option<String>,
    /// A disabled user cannot sign in or refresh; tokens already issued expire on their own.
    pub disabled: bool,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A machine client (an ERP) that gets tokens with the client-credentials grant.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000c1", "name": "Suning ERP", "scopes": ["partners:read", "events:read"],
    "partner_id": "0193a1b2-0000-7000-8000-0000000000aa", "disabled": false, "version": 1,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct IntegrationClient {
    /// Also the OAuth 2 `client_id`.
    pub id: String,
    pub name: String,
    pub scopes: Vec<Scope>,
    /// Null for the host company's own ERP; a partner id for that partner's ERP, which then sees
    /// only that partner's records.
    pub partner_id: Option<String>,
    pub disabled: bool,
    pub version: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
