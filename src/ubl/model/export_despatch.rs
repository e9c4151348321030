//! A despatch advice written as a BIS 3 T16 Despatch Advice: the seller's despatch party, the
//! buyer's delivery party, the shipment (carrier, tracking, expected delivery) and a line per
//! order line delivered, with what is still outstanding and why.

use super::bis::{DESPATCH_ADVICE_PROFILE, T16_DESPATCH_ADVICE};
use super::export::{address, item_terms, DocumentParty};
use super::write::Ubl;
use crate::orders::model::{DespatchAdvice, Direction, Order, Quantity};
use crate::refusal::FieldError;

/// Writes `advice` of `order` as a T16; `us` is the company, `them` the counterparty.
pub fn despatch_xml(
    order: &Order,
    advice: &DespatchAdvice,
    us: &DocumentParty,
    them: &DocumentParty,
) -> Result<String, Vec<FieldError>> {
    let (buyer, seller, roles) = match order.direction {
        Direction::Purchase => (us, them, ("company", "partner")),
        Direction::Sales => (them, us, ("partner", "company")),
    };
    let mut e = vec![];
    for (p, who) in [(seller, roles.1), (buyer, roles.0)] {
        if p.endpoint.is_none() {
            e.push(FieldError::new(
                format!("{who}.endpoint"),
                "a PEPPOL document needs the party's endpoint",
            ));
        }
        if p.legal_name.is_none() && p.name.is_none() {
            e.push(FieldError::new(
                format!("{who}.legal_name"),
                "a PEPPOL despatch advice needs the party's legal name",
            ));
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    let mut x = Ubl::new(T16_DESPATCH_ADVICE.root, T16_DESPATCH_ADVICE.namespace);
    x.field(
        "CustomizationID",
        Some(T16_DESPATCH_ADVICE.customization_id),
    )
    .field("ProfileID", Some(DESPATCH_ADVICE_PROFILE))
    .field("ID", Some(&advice.number))
    .field("IssueDate", Some(&advice.despatch_date.to_string()))
    .field("Note", advice.note.as_deref());
    let order_number = order.buyer_order_number.as_deref().unwrap_or(&order.number);
    x.open("OrderReference")
        .field("ID", Some(order_number))
        .close("OrderReference");
    party(&mut x, "DespatchSupplierParty", seller);
    party(&mut x, "DeliveryCustomerParty", buyer);
    shipment(&mut x, advice);
    for (i, l) in advice.lines.iter().enumerate() {
        let Some(line) = order.lines.iter().find(|o| o.line_number == l.line_number) else {
            continue;
        };
        x.open("DespatchLine")
            .field("ID", Some(&(i + 1).to_string()))
            .field_with(
                "DeliveredQuantity",
                Some(("unitCode", &line.unit)),
                Some(&l.quantity.to_string()),
            );
        if l.outstanding_quantity != Quantity::ZERO {
            x.field_with(
                "OutstandingQuantity",
                Some(("unitCode", &line.unit)),
                Some(&l.outstanding_quantity.to_string()),
            );
        }
        x.field("OutstandingReason", l.outstanding_reason.as_deref());
        x.open("OrderLineReference")
            .field("LineID", Some(&l.line_number.to_string()))
            .close("OrderLineReference");
        x.open("Item");
        item_terms(&mut x, &line.item);
        x.close("DespatchLine");
    }
    Ok(x.finish(T16_DESPATCH_ADVICE.root))
}

/// A T16 party: endpoint, one identifier, address, legal name, contact (no party name).
fn party(x: &mut Ubl, role: &str, p: &DocumentParty) {
    x.open(role).open("Party");
    if let Some(e) = &p.endpoint {
        x.field_with("EndpointID", Some(("schemeID", &e.scheme)), Some(&e.id));
    }
    if let Some(id) = p.party_ids.first() {
        x.open("PartyIdentification")
            .field_with("ID", Some(("schemeID", &id.scheme)), Some(&id.id))
            .close("PartyIdentification");
    }
    match (&p.address, &p.country) {
        (Some(a), _) => address(x, "PostalAddress", a),
        (None, Some(c)) => {
            x.open("PostalAddress")
                .open("Country")
                .field("IdentificationCode", Some(c))
                .close("Country")
                .close("PostalAddress");
        }
        (None, None) => {}
    }
    x.open("PartyLegalEntity")
        .field(
            "RegistrationName",
            p.legal_name.as_deref().or(p.name.as_deref()),
        )
        .close("PartyLegalEntity");
    if let Some(c) = &p.contact {
        x.open("Contact")
            .field("Name", c.name.as_deref())
            .field("Telephone", c.telephone.as_deref())
            .field("ElectronicMail", c.email.as_deref())
            .close("Contact");
    }
    x.close("Party").close(role);
}

/// The shipment: the carrier as consignment, tracking and expected delivery, despatch date.
fn shipment(x: &mut Ubl, a: &DespatchAdvice) {
    x.open("Shipment").field("ID", Some(&a.number));
    if let Some(carrier) = &a.carrier {
        x.open("Consignment")
            .field(
                "ID",
                Some(a.tracking_number.as_deref().unwrap_or(&a.number)),
            )
            .open("CarrierParty")
            .open("PartyName")
            .field("Name", Some(carrier))
            .close("PartyName")
            .close("CarrierParty")
            .close("Consignment");
    }
    x.open("Delivery")
        .field("TrackingID", a.tracking_number.as_deref());
    if let Some(expected) = a.expected_delivery_date {
        x.open("EstimatedDeliveryPeriod")
            .field("EndDate", Some(&expected.to_string()))
            .close("EstimatedDeliveryPeriod");
    }
    x.open("Despatch")
        .field("ActualDespatchDate", Some(&a.despatch_date.to_string()))
        .close("Despatch")
        .close("Delivery")
        .close("Shipment");
}
