//! Who a trading document is from and to, as PEPPOL names them: participant identifiers
//! `{scheme, id}`, where the scheme of an electronic address (`EndpointID`) comes from the
//! Electronic Address Scheme list (EAS) and the scheme of a party or legal identifier from
//! ISO/IEC 6523 (ICD); each identifier checked the way the PEPPOL rules check its scheme.
//! Postal addresses and contacts as UBL parties carry them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::refusal::FieldError;

/// An identifier within a scheme: `{"scheme": "0088", "id": "7300010000001"}` is a GLN,
/// `{"scheme": "0192", "id": "987654325"}` a Norwegian organisation number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scheme": "0088", "id": "7300010000001"}))]
pub struct ParticipantId {
    /// The scheme's code: an EAS code for an endpoint, an ISO/IEC 6523 ICD (four digits) for a
    /// party or legal identifier.
    #[schema(example = "0088", max_length = 4)]
    pub scheme: String,
    /// The identifier, checked as its scheme requires (GLN 0088 by its GS1 check digit, 0192 by
    /// mod 11, 0208 by mod 97, 0007 by Luhn, 0151 by the ABN weights).
    #[schema(example = "7300010000001", max_length = 100)]
    pub id: String,
}

/// Which list a scheme must come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemeList {
    /// Electronic Address Scheme: where documents are delivered (`EndpointID`).
    Eas,
    /// ISO/IEC 6523 International Code Designator: who a party is (`PartyIdentification`,
    /// `PartyLegalEntity/CompanyID`).
    Icd,
}

/// The Electronic Address Scheme codes (CEF EAS, as PEPPOL takes them), written here from the
/// published list: the ISO/IEC 6523 codes used as addresses, the national VAT schemes (99xx)
/// and the transport schemes.
const EAS: &[&str] = &[
    "0002", "0007", "0009", "0037", "0060", "0088", "0096", "0097", "0106", "0130", "0135", "0142",
    "0147", "0151", "0154", "0158", "0170", "0177", "0183", "0184", "0188", "0190", "0191", "0192",
    "0193", "0194", "0195", "0196", "0198", "0199", "0200", "0201", "0202", "0203", "0204", "0205",
    "0208", "0209", "0210", "0211", "0212", "0213", "0215", "0216", "0217", "0218", "0221", "0225",
    "0230", "0235", "0240", "9901", "9910", "9913", "9914", "9915", "9918", "9919", "9920", "9922",
    "9923", "9924", "9925", "9926", "9927", "9928", "9929", "9930", "9931", "9932", "9933", "9934",
    "9935", "9936", "9937", "9938", "9939", "9940", "9941", "9942", "9943", "9944", "9945", "9946",
    "9947", "9948", "9949", "9950", "9951", "9952", "9953", "9957", "9959", "AN", "AQ", "AS", "AU",
    "EM",
];

/// The highest ICD this service knows to be assigned. ISO/IEC 6523 numbers its designators in
/// order from 0002, so every four-digit code up to it is an assigned one.
const LAST_ICD: u16 = 240;

fn is_icd(code: &str) -> bool {
    code.len() == 4
        && code.bytes().all(|b| b.is_ascii_digit())
        && code
            .parse::<u16>()
            .is_ok_and(|n| (2..=LAST_ICD).contains(&n))
}

/// Whether `scheme` belongs to `list`.
pub fn scheme_known(list: SchemeList, scheme: &str) -> bool {
    match list {
        SchemeList::Eas => EAS.contains(&scheme),
        SchemeList::Icd => is_icd(scheme),
    }
}

fn digits(id: &str) -> Option<Vec<u32>> {
    id.chars().map(|c| c.to_digit(10)).collect()
}

fn exact_digits(id: &str, n: usize, what: &str) -> Result<Vec<u32>, String> {
    digits(id)
        .filter(|d| d.len() == n)
        .ok_or_else(|| format!("a {what} is {n} digits"))
}

/// GS1 mod 10 over every digit, at any length (PEPPOL checks a 0088 GLN this way, so a
/// 14-digit location identifier passes when its check digit is right).
fn check_gs1_any_length(id: &str) -> Result<(), String> {
    let d = digits(id)
        .filter(|d| d.len() >= 2)
        .ok_or("a GS1 identifier is digits only")?;
    let body: Vec<u8> = d[..d.len() - 1].iter().map(|x| *x as u8).collect();
    let expected = crate::standards::gs1_expected_check_digit(&body);
    if d[d.len() - 1] == u32::from(expected) {
        Ok(())
    } else {
        Err(format!("GS1 check digit is wrong: expected {expected}"))
    }
}

/// Norwegian organisation number: 9 digits, mod 11 with weights 3 2 7 6 5 4 3 2.
fn check_norwegian_org(id: &str) -> Result<(), String> {
    let d = exact_digits(id, 9, "Norwegian organisation number")?;
    let sum: u32 = d[..8]
        .iter()
        .zip([3, 2, 7, 6, 5, 4, 3, 2])
        .map(|(x, w)| x * w)
        .sum();
    let check = match 11 - sum % 11 {
        11 => 0,
        c => c,
    };
    if check == d[8] {
        Ok(())
    } else {
        Err("the mod 11 check digit is wrong".into())
    }
}

/// Belgian enterprise number: 10 digits, the last two are 97 − (the first eight mod 97).
fn check_belgian_enterprise(id: &str) -> Result<(), String> {
    let d = exact_digits(id, 10, "Belgian enterprise number")?;
    let body = d[..8].iter().fold(0u64, |n, x| n * 10 + u64::from(*x));
    let check = u64::from(d[8] * 10 + d[9]);
    if 97 - body % 97 == check {
        Ok(())
    } else {
        Err("the mod 97 check is wrong".into())
    }
}

/// Swedish organisation number: 10 digits with a Luhn check digit.
fn check_swedish_org(id: &str) -> Result<(), String> {
    let d = exact_digits(id, 10, "Swedish organisation number")?;
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, x)| match (i % 2, x * 2) {
            (1, twice) if twice > 9 => twice - 9,
            (1, twice) => twice,
            _ => *x,
        })
        .sum();
    if sum.is_multiple_of(10) {
        Ok(())
    } else {
        Err("the Luhn check digit is wrong".into())
    }
}

/// Australian Business Number: 11 digits; one off the first, weighted 10 1 3 5 … 19, a
/// multiple of 89.
fn check_abn(id: &str) -> Result<(), String> {
    let mut d = exact_digits(id, 11, "Australian Business Number")?;
    if d[0] == 0 {
        return Err("an ABN does not start with 0".into());
    }
    d[0] -= 1;
    let sum: u32 = d
        .iter()
        .zip([10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19])
        .map(|(x, w)| x * w)
        .sum();
    if sum.is_multiple_of(89) {
        Ok(())
    } else {
        Err("the ABN check is wrong".into())
    }
}

/// The check a scheme's identifiers must pass; schemes without a published check take any
/// identifier of printable characters.
pub fn check_identifier(scheme: &str, id: &str) -> Result<(), String> {
    if id.is_empty() || id.chars().count() > 100 {
        return Err("must be 1 to 100 characters".into());
    }
    if id.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err("must not contain spaces or control characters".into());
    }
    match scheme {
        "0088" => check_gs1_any_length(id),
        "0192" => check_norwegian_org(id),
        "0208" => check_belgian_enterprise(id),
        "0007" => check_swedish_org(id),
        "0151" => check_abn(id),
        _ => Ok(()),
    }
}

impl ParticipantId {
    pub fn new(scheme: &str, id: &str) -> ParticipantId {
        ParticipantId {
            scheme: scheme.into(),
            id: id.into(),
        }
    }

    /// The identifier trimmed, with what is wrong recorded against `field.scheme` or
    /// `field.id`.
    pub fn check(&self, field: &str, list: SchemeList, errors: &mut Vec<FieldError>) -> Self {
        let scheme = self.scheme.trim().to_ascii_uppercase();
        let id = self.id.trim().to_string();
        if !scheme_known(list, &scheme) {
            errors.push(FieldError::new(
                format!("{field}.scheme"),
                match list {
                    SchemeList::Eas => "not an Electronic Address Scheme (EAS) code; e.g. 0088 GLN, 0192 Norway, 0208 Belgium, 9930 German VAT",
                    SchemeList::Icd => "not an ISO/IEC 6523 ICD code (four digits, 0002 to 0240); e.g. 0088 GLN, 0060 DUNS, 0192 Norway",
                },
            ));
        } else if let Err(why) = check_identifier(&scheme, &id) {
            errors.push(FieldError::new(format!("{field}.id"), why));
        }
        ParticipantId { scheme, id }
    }
}

/// Checks a list of party identifiers (at most ten, no repeats).
pub fn check_party_ids(
    field: &str,
    ids: &[ParticipantId],
    errors: &mut Vec<FieldError>,
) -> Vec<ParticipantId> {
    if ids.len() > 10 {
        errors.push(FieldError::new(field, "at most 10 identifiers"));
    }
    let checked: Vec<ParticipantId> = ids
        .iter()
        .enumerate()
        .map(|(i, p)| p.check(&format!("{field}[{i}]"), SchemeList::Icd, errors))
        .collect();
    for (i, p) in checked.iter().enumerate() {
        if checked[..i].contains(p) {
            errors.push(FieldError::new(format!("{field}[{i}]"), "appears twice"));
        }
    }
    checked
}

/// A postal address as UBL carries it (`cac:PostalAddress`, `cac:Address`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"street": "Harbour street", "additional_street": "Dock 45", "city": "Bergen",
    "postal_code": "5005", "region": "Region West", "address_line": "Gate 34", "country": "NO"}))]
pub struct PostalAddress {
    /// UBL `StreetName`.
    pub street: Option<String>,
    /// UBL `AdditionalStreetName`.
    pub additional_street: Option<String>,
    /// UBL `CityName`.
    pub city: Option<String>,
    /// UBL `PostalZone`.
    pub postal_code: Option<String>,
    /// UBL `CountrySubentity`.
    pub region: Option<String>,
    /// UBL `AddressLine/Line`.
    pub address_line: Option<String>,
    /// ISO 3166-1 alpha-2 (UBL `Country/IdentificationCode`).
    #[schema(value_type = crate::values::Country)]
    pub country: String,
}

impl PostalAddress {
    /// The address trimmed and its country upper-case, with what is wrong named under `field`.
    pub fn check(&self, field: &str, errors: &mut Vec<FieldError>) -> PostalAddress {
        let text = |name: &str, v: &Option<String>, errors: &mut Vec<FieldError>| {
            crate::values::check_optional_text(&format!("{field}.{name}"), v.clone(), 200, errors)
        };
        PostalAddress {
            street: text("street", &self.street, errors),
            additional_street: text("additional_street", &self.additional_street, errors),
            city: text("city", &self.city, errors),
            postal_code: text("postal_code", &self.postal_code, errors),
            region: text("region", &self.region, errors),
            address_line: text("address_line", &self.address_line, errors),
            country: crate::values::Country::parse(
                &format!("{field}.country"),
                &self.country,
                errors,
            )
            .map(crate::values::Country::into_inner)
            .unwrap_or_else(|| self.country.clone()),
        }
    }
}

/// Whom to ask about a document (UBL `cac:Contact`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Martin Foggerty", "telephone": "+46555785488", "email": "martin.foggerty@example.se"}))]
pub struct PartyContact {
    pub name: Option<String>,
    pub telephone: Option<String>,
    pub email: Option<String>,
}

impl PartyContact {
    pub fn check(&self, field: &str, errors: &mut Vec<FieldError>) -> PartyContact {
        let text = |name: &str, v: &Option<String>, max: usize, errors: &mut Vec<FieldError>| {
            crate::values::check_optional_text(&format!("{field}.{name}"), v.clone(), max, errors)
        };
        let email = text("email", &self.email, 254, errors);
        if email.as_deref().is_some_and(|e| !e.contains('@')) {
            errors.push(FieldError::new(
                format!("{field}.email"),
                "must be an e-mail address",
            ));
        }
        PartyContact {
            name: text("name", &self.name, 200, errors),
            telephone: text("telephone", &self.telephone, 50, errors),
            email,
        }
    }
}

/// How trading documents identify a party: its endpoint, party and legal identifiers and
/// postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PartyIdentity {
    pub endpoint: Option<ParticipantId>,
    pub party_ids: Vec<ParticipantId>,
    pub legal_id: Option<ParticipantId>,
    pub address: Option<PostalAddress>,
}

impl PartyIdentity {
    /// Each identifier checked against its scheme list, the address normalised.
    pub fn check(&self, errors: &mut Vec<FieldError>) -> PartyIdentity {
        PartyIdentity {
            endpoint: self
                .endpoint
                .as_ref()
                .map(|p| p.check("endpoint", SchemeList::Eas, errors)),
            party_ids: check_party_ids("party_ids", &self.party_ids, errors),
            legal_id: self
                .legal_id
                .as_ref()
                .map(|p| p.check("legal_id", SchemeList::Icd, errors)),
            address: self.address.as_ref().map(|a| a.check("address", errors)),
        }
    }
}

/// Where goods are delivered (UBL `Delivery/DeliveryLocation`): an identifier in an ISO/IEC
/// 6523 scheme (a GLN under 0088, at any GS1 length), a name, an address; any of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"id": {"scheme": "0088", "id": "5790000435975"}, "name": "Central warehouse",
    "address": {"street": "Lower street 5", "city": "Stockholm", "postal_code": "11120", "country": "SE"}}))]
pub struct DeliveryLocation {
    pub id: Option<ParticipantId>,
    pub name: Option<String>,
    pub address: Option<PostalAddress>,
}

impl DeliveryLocation {
    pub fn check(&self, field: &str, errors: &mut Vec<FieldError>) -> DeliveryLocation {
        if self.id.is_none() && self.name.is_none() && self.address.is_none() {
            errors.push(FieldError::new(field, "give id, name or address"));
        }
        DeliveryLocation {
            id: self
                .id
                .as_ref()
                .map(|p| p.check(&format!("{field}.id"), SchemeList::Icd, errors)),
            name: crate::values::check_optional_text(
                &format!("{field}.name"),
                self.name.clone(),
                200,
                errors,
            ),
            address: self
                .address
                .as_ref()
                .map(|a| a.check(&format!("{field}.address"), errors)),
        }
    }

    /// The location's GLN when it is a 13-digit one (what `delivery_gln` answered before
    /// locations took other identifiers).
    pub fn gln(&self) -> Option<String> {
        self.id
            .as_ref()
            .filter(|p| p.scheme == "0088" && crate::standards::validate_gln(&p.id).is_ok())
            .map(|p| p.id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_checked_as_peppol_checks_their_scheme() {
        // The schemes' own published examples.
        for (scheme, id) in [
            ("0088", "7300010000001"),
            ("0088", "05704066204093"), // a 14-digit GS1 key: any length
            ("0192", "987654325"),
            ("0208", "0123456749"),
            ("0007", "5560360793"),
            ("0151", "51824753556"),
            ("0060", "123456789"), // DUNS: no published check
        ] {
            assert_eq!(check_identifier(scheme, id), Ok(()), "{scheme}:{id}");
        }
        for (scheme, id) in [
            ("0088", "7300010000002"),
            ("0088", "73000A0000001"),
            ("0192", "987654324"),
            ("0192", "98765432"),
            ("0208", "0123456748"),
            ("0007", "5560360794"),
            ("0151", "51824753557"),
            ("0060", "12 3456"),
        ] {
            assert!(check_identifier(scheme, id).is_err(), "{scheme}:{id}");
        }
    }

    #[test]
    fn schemes_come_from_their_list() {
        assert!(scheme_known(SchemeList::Eas, "0088"));
        assert!(scheme_known(SchemeList::Eas, "9930"));
        assert!(scheme_known(SchemeList::Eas, "EM"));
        assert!(!scheme_known(SchemeList::Eas, "0001"));
        assert!(scheme_known(SchemeList::Icd, "0060"));
        assert!(!scheme_known(SchemeList::Icd, "9930"));
        assert!(!scheme_known(SchemeList::Icd, "0001"));
        assert!(!scheme_known(SchemeList::Icd, "88"));
        let mut e = vec![];
        let p = ParticipantId::new(" 0088", " 7300010000001 ").check(
            "endpoint",
            SchemeList::Eas,
            &mut e,
        );
        assert!(e.is_empty());
        assert_eq!(p, ParticipantId::new("0088", "7300010000001"));
        ParticipantId::new("XX", "1").check("endpoint", SchemeList::Eas, &mut e);
        ParticipantId::new("0192", "1").check("party_ids[0]", SchemeList::Icd, &mut e);
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["endpoint.scheme", "party_ids[0].id"]);
    }

    #[test]
    fn repeated_party_ids_are_named() {
        let mut e = vec![];
        let id = ParticipantId::new("0088", "7300010000001");
        check_party_ids("party_ids", &[id.clone(), id], &mut e);
        assert_eq!(e[0].field, "party_ids[1]");
    }
}
