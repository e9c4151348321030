//! An order written as a BIS 3 T01 Order: `CustomizationID`/`ProfileID` per BIS, our party from
//! the company profile, the counterparty's from its partner record, units as PEPPOL codes,
//! amounts in the currency's decimals.

use super::bis::T01_ORDER;
use super::write::Ubl;
use crate::orders::model::{Direction, LineStatus, Order, OrderLine};
use crate::participants::{ParticipantId, PartyContact, PostalAddress};
use crate::refusal::FieldError;

/// A party as a document names it.
#[derive(Debug, Clone, Default)]
pub struct DocumentParty {
    pub endpoint: Option<ParticipantId>,
    pub party_ids: Vec<ParticipantId>,
    pub name: Option<String>,
    pub legal_name: Option<String>,
    pub address: Option<PostalAddress>,
    /// The country when no address is held.
    pub country: Option<String>,
    pub legal_id: Option<ParticipantId>,
    pub contact: Option<PartyContact>,
}

/// An amount in minor units as a decimal in the currency's unit (`1250` EUR is `12.50`).
pub fn amount_text(minor: i64, exponent: u16) -> String {
    if exponent == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(u32::from(exponent));
    let sign = if minor < 0 { "-" } else { "" };
    let (units, fraction) = (minor.abs() / scale, minor.abs() % scale);
    format!(
        "{sign}{units}.{fraction:0width$}",
        width = usize::from(exponent)
    )
}

/// Writes `order` as a T01 Order; `us` is the company, `them` the counterparty. What the
/// document needs and neither holds is named (`company.endpoint`, `partner.endpoint`, …).
pub fn order_xml(
    order: &Order,
    us: &DocumentParty,
    them: &DocumentParty,
) -> Result<String, Vec<FieldError>> {
    let (buyer, seller, buyer_is) = match order.direction {
        Direction::Purchase => (us, them, ("company", "partner")),
        Direction::Sales => (them, us, ("partner", "company")),
    };
    let mut e = vec![];
    for (party, who, address) in [(buyer, buyer_is.0, false), (seller, buyer_is.1, true)] {
        if party.endpoint.is_none() {
            e.push(FieldError::new(
                format!("{who}.endpoint"),
                "a PEPPOL document needs the party's endpoint",
            ));
        }
        if party.legal_name.is_none() && party.name.is_none() {
            e.push(FieldError::new(
                format!("{who}.legal_name"),
                "a PEPPOL document needs the party's legal name",
            ));
        }
        if address && party.address.is_none() && party.country.is_none() {
            e.push(FieldError::new(
                format!("{who}.country"),
                "a PEPPOL document needs the seller's country",
            ));
        }
    }
    if !e.is_empty() {
        return Err(e);
    }
    let exp = order.currency_exponent;
    let money = |minor: i64| amount_text(minor, exp);
    let currency = order.currency.as_str();
    let mut x = Ubl::new(T01_ORDER.root, T01_ORDER.namespace);
    x.field("CustomizationID", Some(T01_ORDER.customization_id))
        .field("ProfileID", Some(&order.profile.profile_id()))
        // The buyer's own number is the document's; an order we placed without one is ours.
        .field(
            "ID",
            Some(order.buyer_order_number.as_deref().unwrap_or(&order.number)),
        )
        .field("IssueDate", Some(&order.issue_date.to_string()))
        .field("OrderTypeCode", Some(order.order_type.uncl1001()))
        .field("Note", order.note.as_deref())
        .field("DocumentCurrencyCode", Some(currency))
        .field("CustomerReference", order.buyer_reference.as_deref());
    party(&mut x, "BuyerCustomerParty", buyer);
    party(&mut x, "SellerSupplierParty", seller);
    if order.delivery_location.is_some() || order.requested_delivery_period.is_some() {
        x.open("Delivery");
        if let Some(l) = &order.delivery_location {
            x.open("DeliveryLocation");
            if let Some(id) = &l.id {
                x.field_with("ID", Some(("schemeID", &id.scheme)), Some(&id.id));
            }
            x.field("Name", l.name.as_deref());
            if let Some(a) = &l.address {
                address(&mut x, "Address", a);
            }
            x.close("DeliveryLocation");
        }
        if let Some(p) = &order.requested_delivery_period {
            period(&mut x, "RequestedDeliveryPeriod", p);
        }
        x.close("Delivery");
    }
    let lines: Vec<&OrderLine> = order
        .lines
        .iter()
        .filter(|l| l.status != LineStatus::Deleted)
        .collect();
    let total: i64 = lines.iter().map(|l| l.line_amount_minor).sum();
    x.open("AnticipatedMonetaryTotal")
        .field_with(
            "LineExtensionAmount",
            Some(("currencyID", currency)),
            Some(&money(total)),
        )
        .field_with(
            "PayableAmount",
            Some(("currencyID", currency)),
            Some(&money(total)),
        )
        .close("AnticipatedMonetaryTotal");
    for l in lines {
        // A line takes the order's period unless it has its own; write only its own.
        let own = l
            .requested_delivery_period
            .filter(|p| Some(*p) != order.requested_delivery_period);
        order_line(&mut x, l, own, currency, exp);
    }
    Ok(x.finish(T01_ORDER.root))
}

fn order_line(
    x: &mut Ubl,
    l: &OrderLine,
    own_period: Option<crate::orders::model::DeliveryPeriod>,
    currency: &str,
    exp: u16,
) {
    let money = |minor: i64| amount_text(minor, exp);
    x.open("OrderLine")
        .field("Note", l.note.as_deref())
        .open("LineItem");
    x.field("ID", Some(&l.line_number.to_string()))
        .field_with(
            "Quantity",
            Some(("unitCode", &l.unit)),
            Some(&l.quantity.to_string()),
        )
        .field_with(
            "LineExtensionAmount",
            Some(("currencyID", currency)),
            Some(&money(l.line_amount_minor)),
        );
    if let Some(p) = &own_period {
        x.open("Delivery");
        period(x, "RequestedDeliveryPeriod", p);
        x.close("Delivery");
    }
    for a in &l.allowance_charges {
        x.open("AllowanceCharge")
            .field(
                "ChargeIndicator",
                Some(
                    if a.kind == crate::orders::model::AllowanceChargeKind::Charge {
                        "true"
                    } else {
                        "false"
                    },
                ),
            )
            .field("AllowanceChargeReasonCode", a.reason_code.as_deref())
            .field("AllowanceChargeReason", a.reason.as_deref())
            .field_with(
                "Amount",
                Some(("currencyID", currency)),
                Some(&money(a.amount_minor)),
            )
            .close("AllowanceCharge");
    }
    x.open("Price").field_with(
        "PriceAmount",
        Some(("currencyID", currency)),
        Some(&money(l.unit_price_minor)),
    );
    if l.price_base_quantity != crate::orders::model::Quantity::units(1) {
        x.field_with(
            "BaseQuantity",
            Some(("unitCode", &l.unit)),
            Some(&l.price_base_quantity.to_string()),
        );
    }
    x.close("Price");
    item(x, &l.item);
    x.close("LineItem").close("OrderLine");
}

/// `cac:Item`: names, ids, classifications and properties, in the schema's order.
pub(super) fn item(x: &mut Ubl, item: &crate::orders::model::LineItem) {
    x.open("Item")
        .field("Description", item.description.as_deref());
    item_terms(x, item);
}

/// An item's terms after its description (which a despatch advice's item does not carry),
/// closing it.
pub(super) fn item_terms(x: &mut Ubl, item: &crate::orders::model::LineItem) {
    x.field("Name", item.name.as_deref());
    for (element, id) in [
        ("BuyersItemIdentification", &item.buyers_item_id),
        ("SellersItemIdentification", &item.sellers_item_id),
    ] {
        if let Some(id) = id {
            x.open(element).field("ID", Some(id)).close(element);
        }
    }
    if let Some(s) = &item.standard_item_id {
        x.open("StandardItemIdentification")
            .field_with("ID", Some(("schemeID", &s.scheme)), Some(&s.id))
            .close("StandardItemIdentification");
    }
    for c in &item.classifications {
        x.open("CommodityClassification")
            .field_with(
                "ItemClassificationCode",
                Some(("listID", &c.scheme)),
                Some(&c.code),
            )
            .close("CommodityClassification");
    }
    for p in &item.properties {
        x.open("AdditionalItemProperty")
            .field("Name", Some(&p.name))
            .field("Value", Some(&p.value))
            .close("AdditionalItemProperty");
    }
    x.close("Item");
}

/// A period (`RequestedDeliveryPeriod`, `PromisedDeliveryPeriod`).
pub(super) fn period(x: &mut Ubl, element: &str, p: &crate::orders::model::DeliveryPeriod) {
    x.open(element)
        .field("StartDate", p.start_date.map(|d| d.to_string()).as_deref())
        .field("EndDate", p.end_date.map(|d| d.to_string()).as_deref())
        .close(element);
}

pub(super) fn address(x: &mut Ubl, element: &str, a: &PostalAddress) {
    x.open(element)
        .field("StreetName", a.street.as_deref())
        .field("AdditionalStreetName", a.additional_street.as_deref())
        .field("CityName", a.city.as_deref())
        .field("PostalZone", a.postal_code.as_deref())
        .field("CountrySubentity", a.region.as_deref());
    if let Some(line) = &a.address_line {
        x.open("AddressLine")
            .field("Line", Some(line))
            .close("AddressLine");
    }
    x.open("Country")
        .field("IdentificationCode", Some(&a.country))
        .close("Country")
        .close(element);
}

pub(super) fn party(x: &mut Ubl, role: &str, p: &DocumentParty) {
    x.open(role).open("Party");
    if let Some(e) = &p.endpoint {
        x.field_with("EndpointID", Some(("schemeID", &e.scheme)), Some(&e.id));
    }
    for id in &p.party_ids {
        x.open("PartyIdentification")
            .field_with("ID", Some(("schemeID", &id.scheme)), Some(&id.id))
            .close("PartyIdentification");
    }
    if let Some(name) = &p.name {
        x.open("PartyName")
            .field("Name", Some(name))
            .close("PartyName");
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
    x.open("PartyLegalEntity").field(
        "RegistrationName",
        p.legal_name.as_deref().or(p.name.as_deref()),
    );
    if let Some(l) = &p.legal_id {
        x.field_with("CompanyID", Some(("schemeID", &l.scheme)), Some(&l.id));
    }
    x.close("PartyLegalEntity");
    if let Some(c) = &p.contact {
        x.open("Contact")
            .field("Name", c.name.as_deref())
            .field("Telephone", c.telephone.as_deref())
            .field("ElectronicMail", c.email.as_deref())
            .close("Contact");
    }
    x.close("Party").close(role);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_in_the_currency_decimals() {
        assert_eq!(amount_text(1250, 2), "12.50");
        assert_eq!(amount_text(5, 2), "0.05");
        assert_eq!(amount_text(-5, 2), "-0.05");
        assert_eq!(amount_text(1234, 0), "1234");
        assert_eq!(amount_text(1234, 3), "1.234");
    }
}
