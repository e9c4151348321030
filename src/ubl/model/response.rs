//! A T76 Order Response read into the JSON API's terms: the body `POST /orders/{id}/response`
//! takes, the order it answers (`OrderReference/ID`) and the parties' endpoints, checked
//! against the rules prm enforces. Whole-order answers (`AP`, `RE`, `AB`) carry no lines in
//! the JSON API; lines they restate stay in the stored original.

use serde_json::{json, Value};

use super::bis::T76_ORDER_RESPONSE;
use super::order::{item_json, minor_price, participant, period_json, read_price, text};
use super::rules::{Breaches, CODE_LIST, SYNTAX};
use super::syntax::{self, PartyRole};
use crate::orders::model::{OrderProfile, ResponseCode, ResponseLineStatus};
use crate::participants::ParticipantId;
use crate::refusal::FieldError;

/// A response as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadResponse {
    pub body: Value,
    /// The buyer's order number it answers (`OrderReference/ID`).
    pub order_reference: String,
    pub buyer_endpoint: ParticipantId,
    pub seller_endpoint: ParticipantId,
}

const ROOT: &str = "/OrderResponse";

/// UNCL4343 as BIS T76 uses it.
fn response_code(code: &str) -> Option<ResponseCode> {
    [
        ResponseCode::Acknowledged,
        ResponseCode::Accepted,
        ResponseCode::AcceptedWithChanges,
        ResponseCode::Rejected,
    ]
    .into_iter()
    .find(|c| c.uncl4343() == code)
}

/// UNCL1229 as BIS T76 uses it on lines.
pub fn line_status(code: &str) -> Option<ResponseLineStatus> {
    match code {
        "1" => Some(ResponseLineStatus::Added),
        "3" => Some(ResponseLineStatus::Changed),
        "5" => Some(ResponseLineStatus::Accepted),
        "7" => Some(ResponseLineStatus::Rejected),
        "42" => Some(ResponseLineStatus::AlreadyDelivered),
        _ => None,
    }
}

/// The UNCL1229 code of a line status.
pub fn uncl1229(status: ResponseLineStatus) -> &'static str {
    match status {
        ResponseLineStatus::Added => "1",
        ResponseLineStatus::Changed => "3",
        ResponseLineStatus::Accepted => "5",
        ResponseLineStatus::Rejected => "7",
        ResponseLineStatus::AlreadyDelivered => "42",
    }
}

fn endpoint(role: Option<&PartyRole>) -> ParticipantId {
    role.and_then(|r| r.Party.as_ref())
        .and_then(|p| p.EndpointID.as_ref())
        .map(participant)
        .unwrap_or_else(|| ParticipantId::new("", ""))
}

/// Reads a T76 Order Response, every breach of the rules prm enforces at once.
pub fn read_response(r: &syntax::OrderResponse) -> Result<ReadResponse, Vec<FieldError>> {
    let mut b = Breaches::new(T76_ORDER_RESPONSE);
    let at = |term: &str| format!("{ROOT}/{term}");
    let customization = b.required(r.CustomizationID.as_deref(), &at("cbc:CustomizationID"));
    if customization.is_some_and(|c| c != T76_ORDER_RESPONSE.customization_id) {
        b.breach(
            SYNTAX,
            &at("cbc:CustomizationID"),
            format!("must be {}", T76_ORDER_RESPONSE.customization_id),
        );
    }
    if b.required(r.ProfileID.as_deref(), &at("cbc:ProfileID"))
        .is_some_and(|p| OrderProfile::from_profile_id(p).is_none())
    {
        b.breach(
            SYNTAX,
            &at("cbc:ProfileID"),
            "must name a BIS 3 ordering process",
        );
    }
    let number = b.required(r.ID.as_deref(), &at("cbc:ID"));
    let issue_date = b.required(r.IssueDate.as_deref(), &at("cbc:IssueDate"));
    let issue_date = b.date(issue_date, &at("cbc:IssueDate"));
    let code = b
        .required(r.OrderResponseCode.as_deref(), &at("cbc:OrderResponseCode"))
        .and_then(|c| {
            let found = response_code(c);
            if found.is_none() {
                b.breach(
                    CODE_LIST,
                    &at("cbc:OrderResponseCode"),
                    "UNCL4343: AB (acknowledged), AP (accepted), CA (accepted with changes), RE (rejected)",
                );
            }
            found
        });
    let currency = r
        .DocumentCurrencyCode
        .as_ref()
        .and_then(|c| b.currency(Some(c), &at("cbc:DocumentCurrencyCode")));
    let reference = b.required(
        r.OrderReference.as_ref().and_then(|o| o.ID.as_deref()),
        &at("cac:OrderReference/cbc:ID"),
    );
    b.identified_party(
        r.SellerSupplierParty
            .as_ref()
            .and_then(|p| p.Party.as_ref()),
        &at("cac:SellerSupplierParty"),
    );
    b.identified_party(
        r.BuyerCustomerParty.as_ref().and_then(|p| p.Party.as_ref()),
        &at("cac:BuyerCustomerParty"),
    );
    let lines: Vec<Value> = r
        .OrderLine
        .iter()
        .enumerate()
        .filter_map(|(i, l)| read_line(&mut b, l, i, currency.as_deref()))
        .collect();
    if code == Some(ResponseCode::AcceptedWithChanges) && r.OrderLine.is_empty() {
        b.breach(
            SYNTAX,
            &at("cac:OrderLine"),
            "a response with changes (CA) answers its lines",
        );
    }
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    let by_line = code == Some(ResponseCode::AcceptedWithChanges);
    Ok(ReadResponse {
        body: json!({
            "response_code": code.map(ResponseCode::as_str),
            "response_number": number,
            "issue_date": issue_date,
            "note": text(&r.Note),
            "lines": if by_line { lines } else { vec![] },
        }),
        order_reference: reference.unwrap_or_default().to_string(),
        buyer_endpoint: endpoint(r.BuyerCustomerParty.as_ref()),
        seller_endpoint: endpoint(r.SellerSupplierParty.as_ref()),
    })
}

fn read_line(
    b: &mut Breaches,
    l: &syntax::OrderResponseLine,
    i: usize,
    currency: Option<&str>,
) -> Option<Value> {
    let path = format!("{ROOT}/cac:OrderLine[{}]", i + 1);
    let reference = format!("{path}/cac:OrderLineReference/cbc:LineID");
    let line_number = b
        .required(
            l.OrderLineReference
                .as_ref()
                .and_then(|r| r.LineID.as_deref()),
            &reference,
        )
        .and_then(|id| match id.parse::<i32>() {
            Ok(n) if n > 0 => Some(n),
            _ => {
                b.breach(
                    SYNTAX,
                    &reference,
                    "must be the number of a line of the order",
                );
                None
            }
        });
    let at = format!("{path}/cac:LineItem");
    let item = b.present(l.LineItem.as_ref(), &at)?;
    let status_path = format!("{at}/cbc:LineStatusCode");
    let status = b
        .required(item.LineStatusCode.as_deref(), &status_path)
        .and_then(|c| {
            let found = line_status(c);
            if found.is_none() {
                b.breach(
                    CODE_LIST,
                    &status_path,
                    "UNCL1229: 5 (accepted), 3 (changed), 7 (rejected), 1 (added), 42 (already delivered)",
                );
            }
            found
        });
    let quantity = item
        .Quantity
        .as_ref()
        .and_then(|m| b.measure(m, &format!("{at}/cbc:Quantity")))
        .map(|(q, _)| q);
    let price_currency = currency.map(str::to_string).or_else(|| {
        item.Price
            .as_ref()
            .and_then(|p| p.PriceAmount.as_ref())
            .and_then(|a| a.currency.clone())
    });
    let price = read_price(
        b,
        item.Price.as_ref(),
        &format!("{at}/cac:Price"),
        price_currency.as_deref(),
    )
    .and_then(|(micro, base)| minor_price(micro, base, price_currency.as_deref()?));
    let period = item
        .Delivery
        .as_ref()
        .and_then(|d| d.PromisedDeliveryPeriod.as_ref())
        .map(|p| {
            period_json(
                b,
                p,
                &format!("{at}/cac:Delivery/cac:PromisedDeliveryPeriod"),
            )
        });
    let substitute = l.SellerSubstitutedLineItem.as_ref().and_then(|s| {
        let at = format!("{path}/cac:SellerSubstitutedLineItem/cac:Item");
        let item = b.present(s.Item.as_ref(), &at)?;
        let name = b.required(item.Name.as_deref(), &format!("{at}/cbc:Name"))?;
        Some(item_json(item, name).0)
    });
    let (line_number, status) = (line_number?, status?);
    Some(json!({
        "line_number": line_number,
        "status": status.as_str(),
        "quantity": quantity,
        "delivery_period": period.filter(|p| !p.is_null()),
        "unit_price_minor": price.map(|(p, _)| p),
        "price_base_quantity": price.map(|(_, base)| base),
        "substituted_item": substitute,
        "note": text(&item.Note),
    }))
}
