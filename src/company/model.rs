//! The company profile and its checks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::participants::{
    check_party_ids, ParticipantId, PartyContact, PostalAddress, SchemeList,
};
use crate::refusal::FieldError;
use crate::values::{Country, Name, TaxId};

/// Our company as documents name it. Until an admin sets it (`version` 0) its fields are empty
/// and no document in a standard format can be written or taken in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "legal_name": "Northwind Retail plc", "trading_name": "Northwind", "country": "GB",
    "address": {"street": "1 Market Street", "additional_street": null, "city": "Leeds", "postal_code": "LS1 6DT",
        "region": null, "address_line": null, "country": "GB"},
    "vat_id": "GB123456789", "endpoint": {"scheme": "0088", "id": "5012345000015"},
    "party_ids": [{"scheme": "0088", "id": "5012345000015"}], "legal_id": {"scheme": "0060", "id": "123456789"},
    "contact": {"name": "Procurement desk", "telephone": "+44 113 496 0000", "email": "procurement@example.co.uk"},
    "version": 3, "updated_by": "0193a1b2-0000-7000-8000-0000000000d1", "updated_at": "2026-12-03T09:00:00Z"
}))]
pub struct Company {
    /// UBL `PartyLegalEntity/RegistrationName`.
    pub legal_name: Option<String>,
    /// UBL `PartyName/Name`, when it differs from the legal name.
    pub trading_name: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[schema(value_type = Option<crate::values::Country>)]
    pub country: Option<String>,
    pub address: Option<PostalAddress>,
    /// UBL `PartyTaxScheme/CompanyID` (VAT).
    pub vat_id: Option<String>,
    /// Where partners' systems send our documents (UBL `EndpointID`, an EAS scheme).
    pub endpoint: Option<ParticipantId>,
    /// UBL `PartyIdentification` (ISO/IEC 6523 schemes).
    pub party_ids: Vec<ParticipantId>,
    /// UBL `PartyLegalEntity/CompanyID` (an ISO/IEC 6523 scheme).
    pub legal_id: Option<ParticipantId>,
    pub contact: Option<PartyContact>,
    /// 0 until the profile is first set.
    pub version: i64,
    pub updated_by: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The profile as an admin sets it: the whole of it (absent optional fields are cleared).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "legal_name": "Northwind Retail plc", "trading_name": "Northwind", "country": "GB",
    "address": {"street": "1 Market Street", "city": "Leeds", "postal_code": "LS1 6DT", "country": "GB"},
    "vat_id": "GB123456789", "endpoint": {"scheme": "0088", "id": "5012345000015"},
    "party_ids": [{"scheme": "0088", "id": "5012345000015"}],
    "contact": {"name": "Procurement desk", "email": "procurement@example.co.uk"}
}))]
pub struct CompanyProfile {
    #[schema(value_type = crate::values::Name)]
    pub legal_name: String,
    #[schema(value_type = Option<crate::values::Name>)]
    pub trading_name: Option<String>,
    #[schema(value_type = crate::values::Country)]
    pub country: String,
    pub address: Option<PostalAddress>,
    #[schema(value_type = Option<crate::values::TaxId>)]
    pub vat_id: Option<String>,
    /// Required: an inbound document is ours when it is addressed here.
    pub endpoint: ParticipantId,
    #[serde(default)]
    pub party_ids: Vec<ParticipantId>,
    pub legal_id: Option<ParticipantId>,
    pub contact: Option<PartyContact>,
}

/// Checks and normalises a profile; every bad field is named at once.
pub fn check_profile(p: &CompanyProfile) -> Result<CompanyProfile, Vec<FieldError>> {
    let mut e = vec![];
    let checked = CompanyProfile {
        legal_name: Name::check("legal_name", &p.legal_name, &mut e),
        trading_name: Name::check_optional("trading_name", p.trading_name.clone(), &mut e),
        country: Country::parse("country", &p.country, &mut e)
            .map(Country::into_inner)
            .unwrap_or_else(|| p.country.clone()),
        address: p.address.as_ref().map(|a| a.check("address", &mut e)),
        vat_id: TaxId::check_optional("vat_id", p.vat_id.clone(), &mut e),
        endpoint: p.endpoint.check("endpoint", SchemeList::Eas, &mut e),
        party_ids: check_party_ids("party_ids", &p.party_ids, &mut e),
        legal_id: p
            .legal_id
            .as_ref()
            .map(|l| l.check("legal_id", SchemeList::Icd, &mut e)),
        contact: p.contact.as_ref().map(|c| c.check("contact", &mut e)),
    };
    if e.is_empty() {
        Ok(checked)
    } else {
        Err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> CompanyProfile {
        CompanyProfile {
            legal_name: " Northwind Retail plc ".into(),
            trading_name: None,
            country: "gb".into(),
            address: None,
            vat_id: None,
            endpoint: ParticipantId::new("0088", "5012345000015"),
            party_ids: vec![],
            legal_id: None,
            contact: None,
        }
    }

    #[test]
    fn a_profile_is_normalised() {
        let p = check_profile(&profile()).unwrap();
        assert_eq!(p.legal_name, "Northwind Retail plc");
        assert_eq!(p.country, "GB");
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = CompanyProfile {
            legal_name: " ".into(),
            country: "XX".into(),
            endpoint: ParticipantId::new("0088", "5012345000016"),
            legal_id: Some(ParticipantId::new("9930", "DE123")),
            contact: Some(PartyContact {
                email: Some("nobody".into()),
                ..Default::default()
            }),
            ..profile()
        };
        let e = check_profile(&bad).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "legal_name",
                "country",
                "endpoint.id",
                "legal_id.scheme",
                "contact.email"
            ]
        );
    }
}
