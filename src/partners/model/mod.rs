//! The partner registry's rules: roles, statuses and their transitions, identifiers, tenure.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::policy::PartnerRoles;
pub use crate::participants::PartyIdentity;
use crate::participants::{ParticipantId, PostalAddress};
use crate::refusal::FieldError;
use crate::refusal::Refusal;
use crate::values::{
    body_id, Country, Currency, Gln, Name, Note, Reference, Segment, SystemName, TaxId,
};
use chrono::NaiveDateTime;

/// What a partner is to us; one partner may play several roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerRole {
    /// Makes products for us (specification buying, purchase orders).
    Manufacturer,
    /// Carries our products to market.
    Distributor,
    /// A large retailer or buyer taking much of our volume.
    KeyAccount,
}

pub fn roles_of(flags: PartnerRoles) -> Vec<PartnerRole> {
    let mut out = vec![];
    if flags.manufacturer {
        out.push(PartnerRole::Manufacturer);
    }
    if flags.distributor {
        out.push(PartnerRole::Distributor);
    }
    if flags.key_account {
        out.push(PartnerRole::KeyAccount);
    }
    out
}

/// A document that names a partner needs it in one of the `accepted` roles; `why` says what the
/// document needs it for, against the request's `field`.
pub fn require_role(
    field: &str,
    roles: PartnerRoles,
    accepted: &[PartnerRole],
    why: &str,
) -> Result<(), Refusal> {
    if roles_of(roles).iter().any(|r| accepted.contains(r)) {
        Ok(())
    } else {
        Err(Refusal::invalid(field, why))
    }
}

/// We trade only with partners that are active and not archived.
pub fn check_trading(
    field: &str,
    status: PartnerStatus,
    archived: bool,
    document: &str,
) -> Result<(), Refusal> {
    if status == PartnerStatus::Active && !archived {
        return Ok(());
    }
    let archived = if archived { " and archived" } else { "" };
    Err(Refusal::invalid(
        field,
        format!(
            "the partner is {}{archived}; {document} need an active partner",
            status.as_str()
        ),
    ))
}

pub fn flags_of(roles: &[PartnerRole]) -> PartnerRoles {
    PartnerRoles {
        manufacturer: roles.contains(&PartnerRole::Manufacturer),
        distributor: roles.contains(&PartnerRole::Distributor),
        key_account: roles.contains(&PartnerRole::KeyAccount),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerStatus {
    Prospect,
    Active,
    Suspended,
    Terminated,
}

impl PartnerStatus {
    pub const ALL: [PartnerStatus; 4] = [
        PartnerStatus::Prospect,
        PartnerStatus::Active,
        PartnerStatus::Suspended,
        PartnerStatus::Terminated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PartnerStatus::Prospect => "prospect",
            PartnerStatus::Active => "active",
            PartnerStatus::Suspended => "suspended",
            PartnerStatus::Terminated => "terminated",
        }
    }

    pub fn parse(s: &str) -> Option<PartnerStatus> {
        PartnerStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// A prospect becomes active (or is dropped); an active partner can be suspended and
    /// reinstated; termination ends the relationship for good (a new one starts as a new record
    /// so the history of the old one stays true).
    pub fn allowed_next(self) -> &'static [PartnerStatus] {
        use PartnerStatus::*;
        match self {
            Prospect => &[Active, Terminated],
            Active => &[Suspended, Terminated],
            Suspended => &[Active, Terminated],
            Terminated => &[],
        }
    }
}

impl crate::lifecycle::Word for PartnerStatus {
    fn as_str(self) -> &'static str {
        PartnerStatus::as_str(self)
    }
}

/// A partner's life is moved by setting its `status`: the action is the status asked for.
impl crate::lifecycle::Lifecycle for PartnerStatus {
    type Action = PartnerStatus;
    const DOCUMENT: &'static str = "partner";

    fn allowed_actions(self) -> &'static [PartnerStatus] {
        self.allowed_next()
    }
}

/// A change of `status` must be one the lifecycle allows (setting the same status is no change);
/// the refusal names the field and the statuses possible now.
pub fn check_status_change(from: PartnerStatus, to: PartnerStatus) -> Result<(), Refusal> {
    if from == to {
        return Ok(());
    }
    crate::lifecycle::check(from, to).map_err(|r| r.on_field("status"))
}

/// The partner's id in one of our or their ERP systems.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ErpReference {
    #[schema(value_type = crate::values::SystemName, example = "SAP-S4")]
    pub system: String,
    #[schema(value_type = crate::values::Reference, example = "V-100234")]
    pub reference: String,
}

/// A business we make, buy or sell through.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000aa", "name": "Dewhirst Group", "legal_name": "Dewhirst Group Ltd",
    "roles": ["manufacturer"], "status": "active", "gln": "5012345000015", "tax_id": "GB123456789",
    "country": "GB", "erp_references": [{"system": "SAP-S4", "reference": "V-100234"}],
    "endpoint": {"scheme": "0088", "id": "5012345000015"}, "party_ids": [{"scheme": "0088", "id": "5012345000015"}],
    "legal_id": null, "address": {"street": "Dewhirst House", "additional_street": null, "city": "Driffield",
        "postal_code": "YO25 6TL", "region": null, "address_line": null, "country": "GB"},
    "relationship_since": "1925-03-01", "tenure_years": 101, "account_owner_id": null, "segment": null, "notes": null,
    "archived": false, "archived_at": null, "version": 1,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct Partner {
    pub id: String,
    pub name: String,
    pub legal_name: Option<String>,
    pub roles: Vec<PartnerRole>,
    pub status: PartnerStatus,
    /// GS1 Global Location Number (13 digits, check digit verified); unique.
    #[schema(value_type = Option<crate::values::Gln>)]
    pub gln: Option<String>,
    pub tax_id: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(value_type = Option<crate::values::Country>)]
    pub country: Option<String>,
    pub erp_references: Vec<ErpReference>,
    /// Where the partner's system takes PEPPOL documents (UBL `EndpointID`, an EAS scheme);
    /// unique: an inbound document finds its partner by it.
    pub endpoint: Option<ParticipantId>,
    /// UBL `PartyIdentification` (ISO/IEC 6523 schemes).
    pub party_ids: Vec<ParticipantId>,
    /// UBL `PartyLegalEntity/CompanyID` (an ISO/IEC 6523 scheme).
    pub legal_id: Option<ParticipantId>,
    pub address: Option<PostalAddress>,
    /// When the relationship began.
    pub relationship_since: Option<NaiveDate>,
    /// Whole years since `relationship_since`, as of today (UTC).
    pub tenure_years: Option<u32>,
    /// The staff user who owns the relationship.
    pub account_owner_id: Option<String>,
    /// How we group customers in portfolio views (share of customer, ABC), in the business's
    /// own words, lower-case: `top_10`, `second_line`, `first_line`.
    pub segment: Option<String>,
    pub notes: Option<String>,
    /// Archived partners are hidden from lists unless `include_archived=true`.
    pub archived: bool,
    pub archived_at: Option<DateTime<Utc>>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Whole years from `since` to `today`; none when `since` lies in the future.
pub fn tenure_years(since: NaiveDate, today: NaiveDate) -> Option<u32> {
    if since > today {
        return None;
    }
    let mut years = today.year() - since.year();
    if (today.month(), today.day()) < (since.month(), since.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

// ---- input checks, shared by create and update ----------------------------------------------

pub use crate::values::{check_optional_text, check_text};
pub const MAX_NAME: usize = Name::MAX;
pub const MAX_NOTES: usize = Note::MAX;

pub fn check_roles(roles: &[PartnerRole], errors: &mut Vec<FieldError>) {
    if roles.is_empty() {
        errors.push(FieldError::new(
            "roles",
            "name at least one of manufacturer, distributor, key_account",
        ));
    }
}

pub fn check_gln(
    field: &str,
    value: Option<String>,
    errors: &mut Vec<FieldError>,
) -> Option<String> {
    value.map(|g| {
        Gln::parse(field, &g, errors)
            .map(Gln::into_inner)
            .unwrap_or_else(|| g.trim().to_string())
    })
}

pub fn check_country(value: Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    value.map(|c| {
        Country::parse("country", &c, errors)
            .map(Country::into_inner)
            .unwrap_or(c)
    })
}

/// An ISO 4217 currency code, answered upper-case.
pub fn check_currency(field: &str, value: String, errors: &mut Vec<FieldError>) -> String {
    Currency::parse(field, &value, errors)
        .map(Currency::into_inner)
        .unwrap_or(value)
}

pub fn check_erp_references(
    refs: &[ErpReference],
    errors: &mut Vec<FieldError>,
) -> Vec<ErpReference> {
    if refs.len() > 20 {
        errors.push(FieldError::new("erp_references", "at most 20 references"));
    }
    refs.iter()
        .enumerate()
        .map(|(i, r)| ErpReference {
            system: SystemName::check(&format!("erp_references[{i}].system"), &r.system, errors),
            reference: Reference::check(
                &format!("erp_references[{i}].reference"),
                &r.reference,
                errors,
            ),
        })
        .collect()
}

pub fn check_relationship_since(
    value: Option<NaiveDate>,
    today: NaiveDate,
    errors: &mut Vec<FieldError>,
) {
    if value.is_some_and(|d| d > today) {
        errors.push(FieldError::new(
            "relationship_since",
            "must not be in the future",
        ));
    }
}

// ---- contacts -----------------------------------------------------------------------------

/// A person at a partner.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000c0", "partner_id": "0193a1b2-0000-7000-8000-0000000000aa",
    "name": "Li Wei", "email": "li.wei@example.cn", "phone": "+86 10 5555 0100", "job_title": "Key account director",
    "is_primary": true, "version": 1, "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct Contact {
    pub id: String,
    pub partner_id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    /// At most one contact per partner is primary; making one primary demotes the other.
    pub is_primary: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Phone numbers: digits with the usual separators and an optional leading `+`.
pub fn check_phone(value: Option<String>, errors: &mut Vec<FieldError>) -> Option<String> {
    value.map(|p| {
        let p = p.trim().to_string();
        let digits = p.chars().filter(char::is_ascii_digit).count();
        let ok = (4..=20).contains(&digits)
            && p.chars().count() <= crate::values::Phone::MAX
            && p.chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_digit() || " -().".contains(c) || (c == '+' && i == 0));
        if !ok {
            errors.push(FieldError::new(
                "phone",
                "must be a phone number: digits, spaces, - ( ) . and a leading +",
            ));
        }
        p
    })
}

// ---- interactions ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InteractionKind {
    Visit,
    Call,
    Meeting,
    Email,
    Complaint,
}

impl InteractionKind {
    pub const ALL: [InteractionKind; 5] = [
        InteractionKind::Visit,
        InteractionKind::Call,
        InteractionKind::Meeting,
        InteractionKind::Email,
        InteractionKind::Complaint,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InteractionKind::Visit => "visit",
            InteractionKind::Call => "call",
            InteractionKind::Meeting => "meeting",
            InteractionKind::Email => "email",
            InteractionKind::Complaint => "complaint",
        }
    }

    pub fn parse(s: &str) -> Option<InteractionKind> {
        InteractionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Open until its follow-up is done (a complaint answered, an action from a visit taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InteractionStatus {
    Open,
    Closed,
}

impl InteractionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InteractionStatus::Open => "open",
            InteractionStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<InteractionStatus> {
        match s {
            "open" => Some(InteractionStatus::Open),
            "closed" => Some(InteractionStatus::Closed),
            _ => None,
        }
    }
}

/// A visit, call, meeting, e-mail or complaint, with an optional due date for its follow-up.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000d0", "partner_id": "0193a1b2-0000-7000-8000-0000000000aa",
    "kind": "complaint", "subject": "Cans dented on delivery", "notes": "Lot 2026-44, 3 pallets",
    "occurred_at": "2026-11-20T10:00:00Z", "due_date": "2026-11-27", "status": "open", "overdue": false,
    "owner_id": null, "created_by": "0193a1b2-0000-7000-8000-0000000000ff", "version": 1,
    "created_at": "2026-11-20T10:05:00Z", "updated_at": "2026-11-20T10:05:00Z"
}))]
pub struct Interaction {
    pub id: String,
    pub partner_id: String,
    pub kind: InteractionKind,
    pub subject: String,
    pub notes: Option<String>,
    pub occurred_at: DateTime<Utc>,
    /// When the follow-up is due.
    pub due_date: Option<NaiveDate>,
    pub status: InteractionStatus,
    /// Open and past its due date (UTC).
    pub overdue: bool,
    /// The staff user responsible for the follow-up.
    pub owner_id: Option<String>,
    /// Who logged it (user or client id).
    pub created_by: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn is_overdue(status: InteractionStatus, due: Option<NaiveDate>, today: NaiveDate) -> bool {
    status == InteractionStatus::Open && due.is_some_and(|d| d < today)
}

/// A partner's editable fields as a request sets them or the stored record holds them: not yet
/// checked.
#[derive(Debug, Clone)]
pub struct PartnerFields {
    pub name: String,
    pub legal_name: Option<String>,
    pub roles: PartnerRoles,
    pub status: PartnerStatus,
    pub gln: Option<String>,
    pub tax_id: Option<String>,
    pub country: Option<String>,
    pub erp_references: Vec<ErpReference>,
    pub identity: PartyIdentity,
    pub relationship_since: Option<NaiveDate>,
    pub account_owner_id: Option<String>,
    pub segment: Option<String>,
    pub notes: Option<String>,
}

/// A partner's fields once checked. Only [`validate_draft`] makes one (the private field), so a
/// store that writes a draft cannot be handed an unchecked GLN or country.
#[derive(Debug, Clone)]
pub struct PartnerDraft {
    pub name: String,
    pub legal_name: Option<String>,
    pub roles: PartnerRoles,
    pub status: PartnerStatus,
    pub gln: Option<Gln>,
    pub tax_id: Option<String>,
    pub country: Option<Country>,
    pub erp_references: Vec<ErpReference>,
    pub identity: PartyIdentity,
    pub relationship_since: Option<NaiveDate>,
    pub account_owner_id: Option<String>,
    pub segment: Option<String>,
    pub notes: Option<String>,
    _checked: Checked,
}

/// Proof that a draft went through [`validate_draft`]: private, so nothing else can make one.
#[derive(Debug, Clone)]
struct Checked;

/// Checks and normalises every field; the same rules serve create and update, and every bad
/// field is named at once.
pub fn validate_draft(d: PartnerFields, today: NaiveDate) -> Result<PartnerDraft, Vec<FieldError>> {
    let mut e = vec![];
    let name = Name::check("name", &d.name, &mut e);
    let legal_name = Name::check_optional("legal_name", d.legal_name, &mut e);
    check_roles(&roles_of(d.roles), &mut e);
    let gln = d.gln.and_then(|g| Gln::parse("gln", &g, &mut e));
    let tax_id = TaxId::check_optional("tax_id", d.tax_id, &mut e);
    let country = d
        .country
        .and_then(|c| Country::parse("country", &c, &mut e));
    let erp_references = check_erp_references(&d.erp_references, &mut e);
    let identity = d.identity.check(&mut e);
    check_relationship_since(d.relationship_since, today, &mut e);
    let account_owner_id = d
        .account_owner_id
        .map(|id| body_id("account_owner_id", id, &mut e));
    let segment = Segment::check_optional("segment", d.segment, &mut e).map(|s| s.to_lowercase());
    let notes = Note::check_optional("notes", d.notes, &mut e);
    if !e.is_empty() {
        return Err(e);
    }
    Ok(PartnerDraft {
        name,
        legal_name,
        roles: d.roles,
        status: d.status,
        gln,
        tax_id,
        country,
        erp_references,
        identity,
        relationship_since: d.relationship_since,
        account_owner_id,
        segment,
        notes,
        _checked: Checked,
    })
}

#[derive(Debug, Clone)]
pub struct ContactFields {
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub is_primary: bool,
}

#[derive(Debug, Clone)]
pub struct InteractionFields {
    pub kind: InteractionKind,
    pub subject: String,
    pub notes: Option<String>,
    pub occurred_at: NaiveDateTime,
    pub due_date: Option<NaiveDate>,
    pub status: InteractionStatus,
    pub owner_id: Option<String>,
}

pub fn validate_contact(f: ContactFields) -> Result<ContactFields, Refusal> {
    let mut e: Vec<FieldError> = vec![];
    let name = Name::check("name", &f.name, &mut e);
    let email = f.email.map(|m| {
        crate::auth::model::normalise_email("email", &m)
            .map_err(|x| e.push(x))
            .unwrap_or_default()
    });
    let phone = check_phone(f.phone, &mut e);
    let job_title = Name::check_optional("job_title", f.job_title, &mut e);
    Refusal::check(e)?;
    Ok(ContactFields {
        name,
        email,
        phone,
        job_title,
        is_primary: f.is_primary,
    })
}

pub fn validate_interaction(f: InteractionFields) -> Result<InteractionFields, Refusal> {
    let mut e: Vec<FieldError> = vec![];
    let subject = Name::check("subject", &f.subject, &mut e);
    let notes = Note::check_optional("notes", f.notes, &mut e);
    let owner_id = f.owner_id.map(|o| body_id("owner_id", o, &mut e));
    if f.occurred_at > (Utc::now() + chrono::Duration::days(1)).naive_utc() {
        e.push(FieldError::new("occurred_at", "must not be in the future"));
    }
    Refusal::check(e)?;
    Ok(InteractionFields {
        subject,
        notes,
        owner_id,
        ..f
    })
}

#[cfg(test)]
mod tests;
