//! The order exchange in PEPPOL BIS XML: the same resources as the JSON routes, another
//! representation. A request whose body is XML (`Content-Type: application/xml`), or that asks
//! for XML (`Accept: application/xml`), reaches these handlers through a guard placed ahead of
//! the JSON operation at the same path; the OpenAPI document lists the XML media types on the
//! JSON operations. A document in is read, mapped to the JSON body and placed through the very
//! checks the JSON takes; a document out is written from what the JSON answers.

use actix_web::guard::GuardContext;
use actix_web::http::header;
use actix_web::HttpResponse;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::model::bis::Transaction;
use super::model::envelope::inspect;
use super::model::export::DocumentParty;
use super::model::parties::DocumentParties;
use super::model::received::transaction_name;
use crate::db::DbConnection;
use crate::http::ApiError;
use crate::participants::ParticipantId;
use crate::refusal::{Code, FieldError, Refusal};

mod despatch;
mod order;
mod received;
mod response;

pub use despatch::*;
pub use order::*;
pub use received::*;
pub use response::*;

/// No UBL ordering document nests deeper than this; a body that does is refused unread.
const MAX_DEPTH: usize = 64;

/// The media types a BIS document is sent and answered as.
fn is_xml(media: &str) -> bool {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/xml" || essence == "text/xml" || essence.ends_with("+xml")
}

/// Guard: the body is XML.
pub fn sends_xml(ctx: &GuardContext) -> bool {
    ctx.head()
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(is_xml)
}

/// Guard: the caller prefers XML to JSON (the first media type of `Accept` by quality).
pub fn wants_xml(ctx: &GuardContext) -> bool {
    ctx.header::<header::Accept>()
        .and_then(|accept| accept.ranked().into_iter().next())
        .is_some_and(|first| is_xml(first.essence_str()))
}

/// Reads a body as the BIS document `expected`: UTF-8, well-formed, no DTD, within the depth
/// limit, the right root in its UBL namespace (400 otherwise), then into its syntax types.
fn read_document<T: DeserializeOwned>(body: &[u8], expected: Transaction) -> Result<T, ApiError> {
    let malformed = |why: String| ApiError::bad_field(Code::MalformedXml, "body", why);
    let text = std::str::from_utf8(body).map_err(|e| malformed(format!("not UTF-8 text: {e}")))?;
    let found = inspect(text, MAX_DEPTH).map_err(|e| malformed(e.to_string()))?;
    if found != expected {
        return Err(malformed(format!(
            "this address takes a UBL {} ({}), not {}",
            expected.root,
            transaction_name(&expected),
            found.root
        )));
    }
    quick_xml::de::from_str::<T>(text).map_err(|e| malformed(format!("cannot be read: {e}")))
}

fn sha256_hex(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// A document written by prm, as `application/xml`.
fn xml_answer(xml: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(xml)
}

/// Our company and the counterparty as a document names them.
fn document_parties(
    conn: &mut DbConnection,
    counterparty_id: &str,
) -> Result<(DocumentParty, DocumentParty), ApiError> {
    let company = crate::company::store::get_company(conn)?;
    let us = DocumentParty {
        endpoint: company.endpoint,
        party_ids: company.party_ids,
        name: company.trading_name,
        legal_name: company.legal_name,
        country: company.country,
        address: company.address,
        legal_id: company.legal_id,
        contact: company.contact,
    };
    let partner = crate::partners::store::find_partner(conn, counterparty_id)?
        .ok_or(Refusal::NotFound("partner"))?;
    let identity = partner.identity();
    let them = DocumentParty {
        endpoint: identity.endpoint,
        party_ids: identity.party_ids,
        name: Some(partner.name.clone()),
        legal_name: partner.legal_name.clone(),
        country: partner.country.clone(),
        address: identity.address,
        legal_id: identity.legal_id,
        contact: None,
    };
    Ok((us, them))
}

/// What a document needs and neither party's record holds: 409, naming where to set it.
fn cannot_write(errors: Vec<FieldError>) -> ApiError {
    Refusal::Conflict {
        code: Code::ReferenceMissing,
        detail: "the document cannot be written until these are set (PUT /api/v1/company, \
                 PATCH /api/v1/partners/{id})"
            .into(),
        errors,
        allowed: None,
    }
    .into()
}

/// The endpoint a document names, for messages.
fn shown(p: &ParticipantId) -> String {
    format!("{}:{}", p.scheme, p.id)
}

/// A document about an existing order must name it (`reference_path`: one of `references` is
/// its number as the buyer gave it, else ours; a despatch advice may name none) and come
/// between its parties: we on our side, its counterparty (by endpoint) on the other.
fn belongs_to_order(
    conn: &mut DbConnection,
    access: &crate::access::Access,
    order_id: &str,
    parties: DocumentParties,
    references: &[String],
    reference_path: &str,
) -> Result<(), ApiError> {
    let order = crate::orders::store::get_order_row(conn, access, order_id)?;
    let ours = order.buyer_order_number.as_deref().unwrap_or(&order.number);
    if !references.is_empty() && !references.iter().any(|r| r == ours) {
        return Err(Refusal::invalid(
            reference_path,
            format!(
                "names order {}, but this order's number is {ours}",
                references.join(", ")
            ),
        )
        .into());
    }
    let company = crate::company::store::get_company(conn)?;
    let sides = parties
        .sides(company.endpoint.as_ref())
        .map_err(|e| Refusal::Invalid(vec![e]))?;
    let partner = super::store::partner_by_endpoint(conn, &sides.partner_endpoint)?;
    if sides.direction.as_str() != order.direction
        || partner.as_deref() != Some(order.counterparty_id.as_str())
    {
        return Err(Refusal::invalid(
            &sides.partner_path,
            format!(
                "{} is not the endpoint of this order's counterparty",
                shown(&sides.partner_endpoint)
            ),
        )
        .into());
    }
    Ok(())
}
