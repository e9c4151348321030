//! A T16 Despatch Advice read into the JSON API's terms: the body
//! `POST /orders/{id}/despatch-advices` takes, the order it names and the parties' endpoints,
//! checked against the rules prm enforces. The supplier's own document number is kept with
//! the stored original.

use serde_json::{json, Value};

use super::bis::{DESPATCH_ADVICE_PROFILE, T16_DESPATCH_ADVICE};
use super::order::{participant, text};
use super::rules::{Breaches, SYNTAX};
use super::syntax::{self, PartyRole};
use crate::participants::ParticipantId;
use crate::refusal::FieldError;

/// A despatch advice as read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadDespatch {
    pub body: Value,
    /// The supplier's number for it (`cbc:ID`).
    pub number: String,
    /// The orders it names (`OrderReference/ID`), if any.
    pub order_references: Vec<String>,
    pub buyer_endpoint: ParticipantId,
    pub seller_endpoint: ParticipantId,
}

const ROOT: &str = "/DespatchAdvice";

fn endpoint(role: Option<&PartyRole>) -> ParticipantId {
    role.and_then(|r| r.Party.as_ref())
        .and_then(|p| p.EndpointID.as_ref())
        .map(participant)
        .unwrap_or_else(|| ParticipantId::new("", ""))
}

/// Reads a T16 Despatch Advice, every breach of the rules prm enforces at once.
pub fn read_despatch(d: &syntax::DespatchAdvice) -> Result<ReadDespatch, Vec<FieldError>> {
    let mut b = Breaches::new(T16_DESPATCH_ADVICE);
    let at = |term: &str| format!("{ROOT}/{term}");
    let customization = b.required(d.CustomizationID.as_deref(), &at("cbc:CustomizationID"));
    if customization.is_some_and(|c| c != T16_DESPATCH_ADVICE.customization_id) {
        b.breach(
            SYNTAX,
            &at("cbc:CustomizationID"),
            format!("must be {}", T16_DESPATCH_ADVICE.customization_id),
        );
    }
    if b.required(d.ProfileID.as_deref(), &at("cbc:ProfileID"))
        .is_some_and(|p| p != DESPATCH_ADVICE_PROFILE)
    {
        b.breach(
            SYNTAX,
            &at("cbc:ProfileID"),
            format!("must be {DESPATCH_ADVICE_PROFILE}"),
        );
    }
    let number = b.required(d.ID.as_deref(), &at("cbc:ID"));
    let issue_date = b.required(d.IssueDate.as_deref(), &at("cbc:IssueDate"));
    let issue_date = b.date(issue_date, &at("cbc:IssueDate"));
    for (role, path) in [
        (&d.DespatchSupplierParty, "cac:DespatchSupplierParty"),
        (&d.DeliveryCustomerParty, "cac:DeliveryCustomerParty"),
    ] {
        let party = b.identified_party(role.as_ref().and_then(|r| r.Party.as_ref()), &at(path));
        if let Some(p) = party {
            let legal = format!(
                "{}/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
                at(path)
            );
            b.required(
                p.PartyLegalEntity
                    .as_ref()
                    .and_then(|l| l.RegistrationName.as_deref()),
                &legal,
            );
        }
    }
    let shipment = d.Shipment.as_ref();
    let delivery = shipment.and_then(|s| s.Delivery.as_ref());
    let despatched = delivery
        .and_then(|d| d.Despatch.as_ref())
        .and_then(|d| d.ActualDespatchDate.as_deref())
        .and_then(|date| {
            b.date(
                Some(date),
                &at("cac:Shipment/cac:Delivery/cac:Despatch/cbc:ActualDespatchDate"),
            )
        });
    let expected = delivery
        .and_then(|d| d.EstimatedDeliveryPeriod.as_ref())
        .and_then(|p| p.EndDate.as_deref().or(p.StartDate.as_deref()))
        .and_then(|date| {
            b.date(
                Some(date),
                &at("cac:Shipment/cac:Delivery/cac:EstimatedDeliveryPeriod"),
            )
        });
    let carrier = shipment
        .and_then(|s| s.Consignment.as_ref())
        .and_then(|c| c.CarrierParty.as_ref())
        .and_then(|c| c.PartyName.as_ref())
        .and_then(|n| text(&n.Name));
    if d.DespatchLine.is_empty() {
        b.breach(
            SYNTAX,
            &at("cac:DespatchLine"),
            "at least one line is required (1..n)",
        );
    }
    let lines: Vec<Value> = d
        .DespatchLine
        .iter()
        .enumerate()
        .filter_map(|(i, l)| read_line(&mut b, l, i))
        .collect();
    if !b.errors.is_empty() {
        return Err(b.errors);
    }
    Ok(ReadDespatch {
        body: json!({
            "despatch_date": despatched.or(issue_date),
            "expected_delivery_date": expected,
            "carrier": carrier,
            "tracking_number": delivery.and_then(|d| text(&d.TrackingID)),
            "note": text(&d.Note),
            "lines": lines,
        }),
        number: number.unwrap_or_default().to_string(),
        order_references: d
            .OrderReference
            .iter()
            .filter_map(|r| text(&r.ID))
            .collect(),
        buyer_endpoint: endpoint(d.DeliveryCustomerParty.as_ref()),
        seller_endpoint: endpoint(d.DespatchSupplierParty.as_ref()),
    })
}

fn read_line(b: &mut Breaches, l: &syntax::DespatchLine, i: usize) -> Option<Value> {
    let at = format!("{ROOT}/cac:DespatchLine[{}]", i + 1);
    b.required(l.ID.as_deref(), &format!("{at}/cbc:ID"));
    let reference = format!("{at}/cac:OrderLineReference/cbc:LineID");
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
    let delivered = b
        .present(
            l.DeliveredQuantity.as_ref(),
            &format!("{at}/cbc:DeliveredQuantity"),
        )
        .and_then(|m| b.measure(m, &format!("{at}/cbc:DeliveredQuantity")))
        .map(|(q, _)| q);
    let outstanding = l
        .OutstandingQuantity
        .as_ref()
        .and_then(|m| b.measure(m, &format!("{at}/cbc:OutstandingQuantity")))
        .map(|(q, _)| q);
    let item = b.present(l.Item.as_ref(), &format!("{at}/cac:Item"));
    if let Some(item) = item {
        b.required(item.Name.as_deref(), &format!("{at}/cac:Item/cbc:Name"));
    }
    let reason = l
        .OutstandingReason
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    Some(json!({
        "line_number": line_number?,
        "quantity": delivered?,
        "outstanding_quantity": outstanding,
        "outstanding_reason": (!reason.is_empty()).then_some(reason),
    }))
}
