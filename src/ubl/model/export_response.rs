//! An order response written as a BIS 3 T76 Order Response: what the seller answered, line by
//! line (each `changed` entry of a split delivery its own line), against the order's number.

use super::bis::T76_ORDER_RESPONSE;
use super::export::{amount_text, item, party, period, DocumentParty};
use super::response::uncl1229;
use super::write::Ubl;
use crate::orders::model::{Direction, Order, OrderResponseDocument, Quantity};
use crate::refusal::FieldError;

/// Writes `response` to `order` as a T76; `us` is the company, `them` the counterparty.
pub fn response_xml(
    order: &Order,
    response: &OrderResponseDocument,
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
    }
    if !e.is_empty() {
        return Err(e);
    }
    let currency = order.currency.as_str();
    let mut x = Ubl::new(T76_ORDER_RESPONSE.root, T76_ORDER_RESPONSE.namespace);
    x.field("CustomizationID", Some(T76_ORDER_RESPONSE.customization_id))
        .field("ProfileID", Some(&order.profile.profile_id()))
        .field("ID", Some(&response.response_number))
        .field("IssueDate", Some(&response.issue_date.to_string()))
        .field("OrderResponseCode", Some(response.response_code.uncl4343()))
        .field("Note", response.note.as_deref())
        .field("DocumentCurrencyCode", Some(currency))
        .field("CustomerReference", order.buyer_reference.as_deref());
    x.open("OrderReference")
        .field(
            "ID",
            Some(order.buyer_order_number.as_deref().unwrap_or(&order.number)),
        )
        .close("OrderReference");
    party(&mut x, "SellerSupplierParty", seller);
    party(&mut x, "BuyerCustomerParty", buyer);
    for (i, answer) in response.lines.iter().enumerate() {
        let line = order
            .lines
            .iter()
            .find(|l| l.line_number == answer.line_number);
        x.open("OrderLine").open("LineItem");
        x.field("ID", Some(&(i + 1).to_string()))
            .field("Note", answer.note.as_deref())
            .field("LineStatusCode", Some(uncl1229(answer.status)));
        if let (Some(q), Some(l)) = (answer.quantity, line) {
            x.field_with(
                "Quantity",
                Some(("unitCode", &l.unit)),
                Some(&q.to_string()),
            );
        }
        if let Some(p) = &answer.delivery_period {
            x.open("Delivery");
            period(&mut x, "PromisedDeliveryPeriod", p);
            x.close("Delivery");
        }
        if let Some(price) = answer.unit_price_minor {
            x.open("Price").field_with(
                "PriceAmount",
                Some(("currencyID", currency)),
                Some(&amount_text(price, order.currency_exponent)),
            );
            if let (Some(base), Some(l)) = (answer.price_base_quantity, line) {
                if base != Quantity::units(1) {
                    x.field_with(
                        "BaseQuantity",
                        Some(("unitCode", &l.unit)),
                        Some(&base.to_string()),
                    );
                }
            }
            x.close("Price");
        }
        if let Some(l) = line {
            item(&mut x, &l.item);
        }
        x.close("LineItem");
        if let Some(s) = &answer.substituted_item {
            x.open("SellerSubstitutedLineItem")
                .field("ID", Some(&(i + 1).to_string()));
            item(&mut x, s);
            x.close("SellerSubstitutedLineItem");
        }
        x.open("OrderLineReference")
            .field("LineID", Some(&answer.line_number.to_string()))
            .close("OrderLineReference")
            .close("OrderLine");
    }
    Ok(x.finish(T76_ORDER_RESPONSE.root))
}
