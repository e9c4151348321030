//! The company row: one, created empty by its migration.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{Company, CompanyProfile};
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::clock::now;
use crate::db::schema::{company, partners};
use crate::db::{DbConnection, StoreError};
use crate::participants::ParticipantId;
use crate::refusal::{expect_version, Code, Refusal};

const HOST: &str = "host";

#[derive(Queryable)]
struct CompanyRow {
    _id: String,
    legal_name: Option<String>,
    trading_name: Option<String>,
    country: Option<String>,
    address: Option<String>,
    vat_id: Option<String>,
    endpoint_scheme: Option<String>,
    endpoint_id: Option<String>,
    party_ids: String,
    legal_id_scheme: Option<String>,
    legal_id: Option<String>,
    contact: Option<String>,
    version: i64,
    updated_by: Option<String>,
    updated_at: NaiveDateTime,
}

/// Reads stored JSON, naming what could not be read.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Failed(format!("stored {what}: {e}")))
}

pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Failed(format!("serialize: {e}")))
}

/// A `{scheme, id}` held in two columns.
pub(crate) fn participant(scheme: Option<String>, id: Option<String>) -> Option<ParticipantId> {
    Some(ParticipantId {
        scheme: scheme?,
        id: id?,
    })
}

impl CompanyRow {
    fn into_company(self) -> Result<Company, StoreError> {
        Ok(Company {
            legal_name: self.legal_name,
            trading_name: self.trading_name,
            country: self.country,
            address: self
                .address
                .map(|a| from_json("company address", &a))
                .transpose()?,
            vat_id: self.vat_id,
            endpoint: participant(self.endpoint_scheme, self.endpoint_id),
            party_ids: from_json("company party ids", &self.party_ids)?,
            legal_id: participant(self.legal_id_scheme, self.legal_id),
            contact: self
                .contact
                .map(|c| from_json("company contact", &c))
                .transpose()?,
            version: self.version,
            updated_by: self.updated_by,
            updated_at: self.updated_at.and_utc(),
        })
    }
}

/// The company profile (empty, version 0, until first set).
pub fn get_company(conn: &mut DbConnection) -> Result<Company, StoreError> {
    company::table
        .find(HOST)
        .first::<CompanyRow>(conn)?
        .into_company()
}

/// Replaces the profile (checked by [`super::model::check_profile`]), with its audit entry.
pub fn put_company(
    conn: &mut DbConnection,
    actor: &Actor,
    p: CompanyProfile,
    expected_version: Option<i64>,
) -> Result<Company, StoreError> {
    let before = get_company(conn)?;
    expect_version(expected_version, before.version)?;
    let taken = partners::table
        .filter(partners::endpoint_scheme.eq(&p.endpoint.scheme))
        .filter(partners::endpoint_id.eq(&p.endpoint.id))
        .select(partners::id)
        .first::<String>(conn)
        .optional()?;
    if let Some(partner) = taken {
        return Err(Refusal::conflict_on(
            Code::Duplicate,
            "endpoint",
            format!("partner {partner} has this endpoint"),
        )
        .into());
    }
    let address = p.address.as_ref().map(to_json).transpose()?;
    let contact = p.contact.as_ref().map(to_json).transpose()?;
    diesel::update(
        company::table
            .find(HOST)
            .filter(company::version.eq(before.version)),
    )
    .set((
        company::legal_name.eq(Some(&p.legal_name)),
        company::trading_name.eq(&p.trading_name),
        company::country.eq(Some(&p.country)),
        company::address.eq(address),
        company::vat_id.eq(&p.vat_id),
        company::endpoint_scheme.eq(Some(&p.endpoint.scheme)),
        company::endpoint_id.eq(Some(&p.endpoint.id)),
        company::party_ids.eq(to_json(&p.party_ids)?),
        company::legal_id_scheme.eq(p.legal_id.as_ref().map(|l| &l.scheme)),
        company::legal_id.eq(p.legal_id.as_ref().map(|l| &l.id)),
        company::contact.eq(contact),
        company::version.eq(before.version + 1),
        company::updated_by.eq(Some(&actor.id)),
        company::updated_at.eq(now()),
    ))
    .execute(conn)?;
    let after = get_company(conn)?;
    record_change(
        conn,
        actor,
        Change {
            action: "company.updated",
            entity_type: "company",
            entity_id: HOST,
            partner_id: None,
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}
