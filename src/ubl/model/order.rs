//! A T01 Order read into the JSON API's terms: checked against the rules prm enforces, then
//! mapped to the body `POST /orders` takes (the JSON is canonical: an XML order is placed
//! through the very same checks). Who the buyer is and which catalogue products the lines name
//! need the database; the mapping answers what to look them up by.

use serde_json::{json, Value};

use super::bis::T01_ORDER;
use super::rules::{line_amount_hundredths, Breaches, CODE_LIST, SYNTAX};
use super::syntax::{self, Identifier};
use crate::orders::model::{OrderProfile, OrderType};
use crate::participants::{ParticipantId, SchemeList};
use crate::refusal::FieldError;

/// An order as read: the JSON body (without `direction` and `counterparty_id`, which follow
/// from its parties), the parties' endpoints, and how to find each line's product.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOrder {
    pub body: Value,
    pub buyer_endpoint: ParticipantId,
    pub seller_endpoint: ParticipantId,
    pub lines: Vec<ItemKeys>,
}

/// What a line's item may be found by in our catalogue, in the order it is tried.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemKeys {
    pub sellers_item_id: Option<String>,
    pub gtin: Option<String>,
    pub buyers_item_id: Option<String>,
}

const ROOT: &str = "/Order";

pub(super) fn participant(id: &Identifier) -> ParticipantId {
    ParticipantId::new(id.scheme.as_deref().unwrap_or("").trim(), id.value.trim())
}

/// Reads a T01 Order, every breach of the rules prm enforces at once.
pub fn read_order(o: &syntax::Order) -> Result<ReadOrder, Vec<FieldError>> {
    let mut b = Breaches::new(T01_ORDER);
    let customization = b.required(o.CustomizationID.as_deref(), "/Order/cbc:CustomizationID");
    if customization.is_some_and(|c| c != T01_ORDER.customization_id) {
        b.breach(
            SYNTAX,
            "/Order/cbc:CustomizationID",
            format!("must be {}", T01_ORDER.customization_id),
        );
    }
    let profile = b
        .required(o.ProfileID.as_deref(), "/Order/cbc:ProfileID")
        .and_then(|p| match OrderProfile::from_profile_id(p) {
            Some(profile) => Some(profile),
            None => {
                b.breach(
                    SYNTAX,
                    "/Order/cbc:ProfileID",
                    "must name a BIS 3 ordering process (urn:fdc:peppol.eu:poacc:bis:order_only:3, ordering:3 or advanced_ordering:3)",
                );
                None
            }
        });
    let number = b.required(o.ID.as_deref(), "/Order/cbc:ID");
    let issue_date = b.required(o.IssueDate.as_deref(), "/Order/cbc:IssueDate");
    let issue_date = b.date(issue_date, "/Order/cbc:IssueDate");
    let order_type = o.OrderTypeCode.as_ref().and_then(|c| {
        let code = c.value.trim();
        let found = [
            OrderType::Order,
            OrderType::Blanket,
            OrderType::CallOff,
            OrderType::Consignment,
        ]
        .into_iter()
        .find(|t| t.uncl1001() == code);
        if found.is_none() {
            b.breach(
                CODE_LIST,
                "/Order/cbc:OrderTypeCode",
                "UNCL1001: prm takes 220 (order), 221 (blanket), 226 (call-off), 227 (consignment)",
            );
        }
        found
    });
    let currency = b.currency(
        o.DocumentCurrencyCode.as_ref(),
        "/Order/cbc:DocumentCurrencyCode",
    );
    b.party(
        o.BuyerCustomerParty.as_ref().and_then(|r| r.Party.as_ref()),
        "/Order/cac:BuyerCustomerParty",
        false,
    );
    if o.BuyerCustomerParty.is_none() {
        b.breach(
            SYNTAX,
            "/Order/cac:BuyerCustomerParty",
            "is required (1..1)",
        );
    }
    b.party(
        o.SellerSupplierParty
            .as_ref()
            .and_then(|r| r.Party.as_ref()),
        "/Order/cac:SellerSupplierParty",
        true,
    );
    if o.SellerSupplierParty.is_none() {
        b.breach(
            SYNTAX,
            "/Order/cac:SellerSupplierParty",
            "is required (1..1)",
        );
    }
    let delivery = o.Delivery.as_ref().map(|d| read_delivery(&mut b, d));
    if o.OrderLine.is_empty() {
        b.breach(
            SYNTAX,
            "/Order/cac:OrderLine",
            "at least one line is required (1..n)",
        );
    }
    let mut lines = vec![];
    let mut keys = vec![];
    let mut sum = Some(0i64);
    let mut seen = std::collections::HashSet::new();
    for (i, l) in o.OrderLine.iter().enumerate() {
        let path = format!("{ROOT}/cac:OrderLine[{}]", i + 1);
        let read = read_line(&mut b, l, &path, currency.as_deref(), &mut seen);
        sum = match (sum, read.as_ref().and_then(|r| r.stated_amount)) {
            (Some(s), Some(a)) => Some(s + a),
            _ => None,
        };
        if let Some((line, k)) = read.map(|r| (r.json, r.keys)) {
            lines.push(line);
            keys.push(k);
        }
    }
    if let (Some(total), Some(sum)) = (
        o.AnticipatedMonetaryTotal
            .as_ref()
            .and_then(|t| t.LineExtensionAmount.as_ref()),
        sum,
    ) {
        let path = "/Order/cac:AnticipatedMonetaryTotal/cbc:LineExtensionAmount";
        if let Some(stated) = b.amount(total, currency.as_deref(), path) {
            if stated != sum {
                b.breach(
                    "R008",
                    path,
                    format!(
                        "is {}, but the lines' amounts sum to {}",
                        crate::decimal::format_fixed(stated, 2),
                        crate::decimal::format_fixed(sum, 2)
                    ),
                );
            }
        }
    }
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    let endpoint = |role: Option<&syntax::PartyRole>| {
        role.and_then(|r| r.Party.as_ref())
            .and_then(|p| p.EndpointID.as_ref())
            .map(participant)
            .unwrap_or_else(|| ParticipantId::new("", ""))
    };
    let (requested_delivery_period, delivery_location) =
        delivery.unwrap_or((Value::Null, Value::Null));
    Ok(ReadOrder {
        body: json!({
            "buyer_order_number": number,
            "profile": profile.map(OrderProfile::as_str),
            // Absent, the order is a plain one (UNCL1001 220), as BIS reads it.
            "order_type": order_type.unwrap_or(OrderType::Order).as_str(),
            "currency": currency,
            "issue_date": issue_date,
            "buyer_reference": o.CustomerReference.as_deref().map(str::trim),
            "note": o.Note.as_deref().map(str::trim),
            "requested_delivery_period": requested_delivery_period,
            "delivery_location": delivery_location,
            "lines": lines,
            "submit": true,
        }),
        buyer_endpoint: endpoint(o.BuyerCustomerParty.as_ref()),
        seller_endpoint: endpoint(o.SellerSupplierParty.as_ref()),
        lines: keys,
    })
}

/// A requested delivery period and location, as the JSON API holds them.
fn read_delivery(b: &mut Breaches, d: &syntax::Delivery) -> (Value, Value) {
    let period = d
        .RequestedDeliveryPeriod
        .as_ref()
        .map(|p| period_json(b, p, "/Order/cac:Delivery/cac:RequestedDeliveryPeriod"))
        .unwrap_or(Value::Null);
    let location = d.DeliveryLocation.as_ref().map(|l| {
        let at = "/Order/cac:Delivery/cac:DeliveryLocation";
        if let Some(id) = l.ID.as_ref().filter(|i| i.scheme.is_some()) {
            b.identifier(id, SchemeList::Icd, &format!("{at}/cbc:ID"));
        }
        let address = l
            .Address
            .as_ref()
            .map(|a| address_json(b, a, &format!("{at}/cac:Address")));
        json!({
            "id": l.ID.as_ref().filter(|i| i.scheme.is_some()).map(|i| {
                let p = participant(i);
                json!({"scheme": p.scheme, "id": p.id})
            }),
            "name": l.Name.as_deref().map(str::trim),
            "address": address,
        })
    });
    (period, location.unwrap_or(Value::Null))
}

pub(super) fn period_json(b: &mut Breaches, p: &syntax::Period, at: &str) -> Value {
    let start = b.date(p.StartDate.as_deref(), &format!("{at}/cbc:StartDate"));
    let end = b.date(p.EndDate.as_deref(), &format!("{at}/cbc:EndDate"));
    if start.is_none() && end.is_none() {
        return Value::Null;
    }
    json!({"start_date": start, "end_date": end})
}

/// Text as written, trimmed; none when empty.
pub(super) fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

fn address_json(b: &mut Breaches, a: &syntax::Address, at: &str) -> Value {
    let country = b.country(a.Country.as_ref(), &format!("{at}/cac:Country"));
    json!({
        "street": text(&a.StreetName),
        "additional_street": text(&a.AdditionalStreetName),
        "city": text(&a.CityName),
        "postal_code": text(&a.PostalZone),
        "region": text(&a.CountrySubentity),
        "address_line": a.AddressLine.as_ref().and_then(|l| text(&l.Line)),
        "country": country,
    })
}

/// One line read: its JSON, what its item may be found by, and its stated amount.
struct ReadLine {
    json: Value,
    keys: ItemKeys,
    stated_amount: Option<i64>,
}

fn read_line(
    b: &mut Breaches,
    l: &syntax::OrderLine,
    path: &str,
    currency: Option<&str>,
    seen: &mut std::collections::HashSet<String>,
) -> Option<ReadLine> {
    let at = format!("{path}/cac:LineItem");
    let item_line = b.present(l.LineItem.as_ref(), &at)?;
    let id = b.required(item_line.ID.as_deref(), &format!("{at}/cbc:ID"));
    let line_number = id.and_then(|id| {
        if !seen.insert(id.to_string()) {
            b.breach(
                "R001",
                &format!("{at}/cbc:ID"),
                format!("line {id} appears twice"),
            );
        }
        match id.parse::<i32>() {
            Ok(n) if (1..=9999).contains(&n) => Some(n),
            _ => {
                b.breach(
                    SYNTAX,
                    &format!("{at}/cbc:ID"),
                    "prm numbers lines 1 to 9999",
                );
                None
            }
        }
    });
    let measure = b
        .present(item_line.Quantity.as_ref(), &format!("{at}/cbc:Quantity"))
        .and_then(|m| b.measure(m, &format!("{at}/cbc:Quantity")));
    let item = b.present(item_line.Item.as_ref(), &format!("{at}/cac:Item"));
    let name = item.and_then(|i| b.required(i.Name.as_deref(), &format!("{at}/cac:Item/cbc:Name")));
    let price = read_price(
        b,
        item_line.Price.as_ref(),
        &format!("{at}/cac:Price"),
        currency,
    );
    let (allowance_charges, charges, allowances) =
        read_allowance_charges(b, &item_line.AllowanceCharge, &at, currency);
    let stated_amount = item_line
        .LineExtensionAmount
        .as_ref()
        .and_then(|a| b.amount(a, currency, &format!("{at}/cbc:LineExtensionAmount")));
    // R024: the stated line amount is what its quantity, price and allowances make.
    if let (Some(stated), Some((q, _)), Some((price_micro, base))) =
        (stated_amount, &measure, price)
    {
        let expected =
            line_amount_hundredths(q.milli(), price_micro, base.milli(), charges, allowances);
        if expected != Some(stated) {
            b.breach(
                "R024",
                &format!("{at}/cbc:LineExtensionAmount"),
                format!(
                    "is {}, but quantity × price ÷ base quantity + charges − allowances is {}",
                    crate::decimal::format_fixed(stated, 2),
                    expected.map_or("out of range".into(), |e| crate::decimal::format_fixed(
                        e, 2
                    ))
                ),
            );
        }
    }
    let ((quantity, unit), line_number, name) = (measure?, line_number?, name?);
    let (unit_price_minor, price_base_quantity) = match (price, currency) {
        (Some((micro, base)), Some(c)) => minor_price(micro, base, c)?,
        (None, _) => (0, crate::orders::model::Quantity::units(1)),
        _ => return None,
    };
    let (item, keys) = item_json(item?, name);
    let json = json!({
        "line_number": line_number,
        "quantity": quantity,
        "unit": unit,
        "unit_price_minor": unit_price_minor,
        "price_base_quantity": price_base_quantity,
        "allowance_charges": allowance_charges,
        "requested_delivery_period": item_line.Delivery.as_ref()
            .and_then(|d| d.RequestedDeliveryPeriod.as_ref())
            .map(|p| period_json(b, p, &format!("{at}/cac:Delivery/cac:RequestedDeliveryPeriod"))),
        "note": text(&l.Note),
        "item": item,
    });
    Some(ReadLine {
        json,
        keys,
        stated_amount,
    })
}

/// A line's price, in millionths of the currency unit, and its base quantity (default 1).
/// An item as the JSON API holds it (named `name`), and the keys it may be matched by.
pub(super) fn item_json(item: &syntax::Item, name: &str) -> (Value, ItemKeys) {
    let item_id = |i: &Option<syntax::ItemIdentification>| {
        i.as_ref()
            .and_then(|i| i.ID.as_ref())
            .map(|id| id.value.trim().to_string())
    };
    let standard = item
        .StandardItemIdentification
        .as_ref()
        .and_then(|s| s.ID.as_ref())
        .map(participant);
    let keys = ItemKeys {
        sellers_item_id: item_id(&item.SellersItemIdentification),
        gtin: standard
            .as_ref()
            .filter(|s| s.scheme == crate::orders::model::GTIN_SCHEME)
            .map(|s| s.id.clone()),
        buyers_item_id: item_id(&item.BuyersItemIdentification),
    };
    let json = json!({
        "name": name,
        "description": text(&item.Description),
        "sellers_item_id": keys.sellers_item_id,
        "buyers_item_id": keys.buyers_item_id,
        "standard_item_id": standard.map(|s| json!({"scheme": s.scheme, "id": s.id})),
        "properties": item.AdditionalItemProperty.iter()
            .filter_map(|p| Some(json!({"name": text(&p.Name)?, "value": text(&p.Value)?})))
            .collect::<Vec<_>>(),
        "classifications": item.CommodityClassification.iter()
            .filter_map(|c| c.ItemClassificationCode.as_ref())
            .map(|c| json!({"scheme": c.list.as_deref().unwrap_or("").trim(), "code": c.value.trim()}))
            .collect::<Vec<_>>(),
    });
    (json, keys)
}

pub(super) fn read_price(
    b: &mut Breaches,
    price: Option<&syntax::Price>,
    at: &str,
    currency: Option<&str>,
) -> Option<(i64, crate::orders::model::Quantity)> {
    let p = price?;
    let amount = b.present(p.PriceAmount.as_ref(), &format!("{at}/cbc:PriceAmount"))?;
    let path = format!("{at}/cbc:PriceAmount");
    if let (Some(doc), Some(own)) = (currency, amount.currency.as_deref()) {
        if own.trim() != doc {
            b.breach(
                "R003",
                &format!("{path}/@currencyID"),
                format!("is {own}, not {doc}"),
            );
        }
    }
    let micro = match crate::decimal::parse_fixed(amount.value.trim(), 6, false) {
        Ok(v) => v,
        Err(_) => {
            b.breach(
                "R005",
                &path,
                "must be a number, not negative (prm holds six decimals)",
            );
            return None;
        }
    };
    let base = match &p.BaseQuantity {
        None => crate::orders::model::Quantity::units(1),
        Some(m) => {
            let (q, _) = b.measure(m, &format!("{at}/cbc:BaseQuantity"))?;
            if q.is_zero() {
                b.breach(
                    "R025",
                    &format!("{at}/cbc:BaseQuantity"),
                    "must be more than 0",
                );
                return None;
            }
            q
        }
    };
    Some((micro, base))
}

/// A price in millionths per `base` as the JSON API holds it: minor units per a base quantity
/// scaled up until the price is whole in minor units (0.1234 EUR a piece is 1234 per 100).
pub(super) fn minor_price(
    micro: i64,
    base: crate::orders::model::Quantity,
    currency: &str,
) -> Option<(i64, crate::orders::model::Quantity)> {
    let exponent = crate::standards::currency_exponent(currency).ok()?.1;
    let mut per_minor = 10i64.pow(6 - u32::from(exponent.min(6)));
    let mut price = micro;
    let mut base = base.milli();
    // Whole minor units: scale the base up by tens while the price has a fraction of one.
    while price % per_minor != 0 && per_minor > 1 {
        per_minor /= 10;
        base = base.checked_mul(10)?;
    }
    price /= per_minor;
    let base = crate::orders::model::Quantity(base);
    (base <= crate::orders::quantity::MAX).then_some((price, base))
}

/// An amount in hundredths of the currency unit, in the currency's minor units (JPY has none:
/// its amounts must be whole; BHD has thousandths).
fn hundredths_to_minor(hundredths: i64, currency: &str) -> Option<i64> {
    let exponent = i32::from(crate::standards::currency_exponent(currency).ok()?.1);
    match exponent - 2 {
        0 => Some(hundredths),
        up if up > 0 => hundredths.checked_mul(10i64.pow(up as u32)),
        down => {
            let per = 10i64.pow((-down) as u32);
            (hundredths % per == 0).then_some(hundredths / per)
        }
    }
}

/// A line's allowances and charges as the JSON API holds them, with their sums.
fn read_allowance_charges(
    b: &mut Breaches,
    list: &[syntax::AllowanceCharge],
    at: &str,
    currency: Option<&str>,
) -> (Vec<Value>, i64, i64) {
    let (mut out, mut charges, mut allowances) = (vec![], 0i64, 0i64);
    for (i, a) in list.iter().enumerate() {
        let path = format!("{at}/cac:AllowanceCharge[{}]", i + 1);
        let charge = match a.ChargeIndicator.as_deref().map(str::trim) {
            Some("true") => true,
            Some("false") => false,
            _ => {
                b.breach(
                    CODE_LIST,
                    &format!("{path}/cbc:ChargeIndicator"),
                    "must be true or false",
                );
                continue;
            }
        };
        let code = a.AllowanceChargeReasonCode.as_deref().map(str::trim);
        let reason = a.AllowanceChargeReason.as_deref().map(str::trim);
        if code.is_none() && reason.is_none() {
            b.breach(
                "R023",
                &path,
                "an allowance or charge has a reason code, a reason or both",
            );
        }
        let Some(amount) = b
            .present(a.Amount.as_ref(), &format!("{path}/cbc:Amount"))
            .and_then(|m| b.amount(m, currency, &format!("{path}/cbc:Amount")))
        else {
            continue;
        };
        if charge {
            charges += amount;
        } else {
            allowances += amount;
        }
        let Some(minor) = currency.and_then(|c| hundredths_to_minor(amount, c)) else {
            b.breach(
                "R028",
                &format!("{path}/cbc:Amount"),
                "is finer than the currency's minor unit",
            );
            continue;
        };
        out.push(json!({
            "kind": if charge { "charge" } else { "allowance" },
            "amount_minor": minor,
            "reason_code": code,
            "reason": reason,
        }));
    }
    (out, charges, allowances)
}
