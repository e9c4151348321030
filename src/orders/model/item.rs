//! What a line orders, as the document names it (UBL `Item`): a snapshot kept with the line, so
//! a line stands on its own whether or not the item is in our catalogue, and a catalogue change
//! later never rewrites an order. And the line's allowances and charges, each with its reason.

use super::*;
use crate::participants::{ParticipantId, SchemeList};

/// A property of the item (UBL `AdditionalItemProperty`): colour, size, lot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Colour", "value": "Navy"}))]
pub struct ItemProperty {
    pub name: String,
    pub value: String,
}

/// A classification of the item (UBL `CommodityClassification/ItemClassificationCode`): the
/// scheme is a UNCL7143 code (`STI` CPV, `MP` UNSPSC, `GN` GS1 GPC, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scheme": "MP", "code": "50171800"}))]
pub struct ItemClassification {
    pub scheme: String,
    pub code: String,
}

/// The item a line orders, as named on the document.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Brown sauce", "description": "1x12 pack sauce bags",
    "sellers_item_id": "SN-33", "buyers_item_id": null,
    "standard_item_id": {"scheme": "0160", "id": "05704066204093"},
    "properties": [{"name": "Pack", "value": "12"}], "classifications": []}))]
pub struct LineItem {
    /// Required without `product_id`; from a catalogue line, the product's name.
    pub name: Option<String>,
    pub description: Option<String>,
    /// The seller's own item number (UBL `SellersItemIdentification`).
    pub sellers_item_id: Option<String>,
    /// The buyer's own item number (UBL `BuyersItemIdentification`).
    pub buyers_item_id: Option<String>,
    /// A standard identifier (UBL `StandardItemIdentification`): a GTIN is scheme 0160. Its
    /// check digit is not required of an item we do not know; a catalogue product's own GTIN is
    /// checked when the product is.
    pub standard_item_id: Option<ParticipantId>,
    #[serde(default)]
    pub properties: Vec<ItemProperty>,
    #[serde(default)]
    pub classifications: Vec<ItemClassification>,
}

/// The GTIN scheme of ISO/IEC 6523 (GS1).
pub const GTIN_SCHEME: &str = "0160";

impl LineItem {
    /// The snapshot checked and trimmed; `at` prefixes the fields (`lines[2].item`).
    pub fn check(&self, at: &str, errors: &mut Vec<FieldError>) -> LineItem {
        let text = |f: &str, v: &Option<String>, max: usize, errors: &mut Vec<FieldError>| {
            crate::values::check_optional_text(&format!("{at}.{f}"), v.clone(), max, errors)
        };
        if self.properties.len() > 50 {
            errors.push(FieldError::new(format!("{at}.properties"), "at most 50"));
        }
        if self.classifications.len() > 20 {
            errors.push(FieldError::new(
                format!("{at}.classifications"),
                "at most 20",
            ));
        }
        let properties = self
            .properties
            .iter()
            .enumerate()
            .map(|(i, p)| ItemProperty {
                name: crate::values::check_text(
                    &format!("{at}.properties[{i}].name"),
                    &p.name,
                    100,
                    errors,
                ),
                value: crate::values::check_text(
                    &format!("{at}.properties[{i}].value"),
                    &p.value,
                    200,
                    errors,
                ),
            })
            .collect();
        let classifications = self
            .classifications
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let scheme = c.scheme.trim().to_ascii_uppercase();
                if !(1..=3).contains(&scheme.len())
                    || !scheme.bytes().all(|b| b.is_ascii_uppercase())
                {
                    errors.push(FieldError::new(
                        format!("{at}.classifications[{i}].scheme"),
                        "a UNCL7143 code: one to three letters (STI, MP, GN, …)",
                    ));
                }
                ItemClassification {
                    scheme,
                    code: crate::values::check_text(
                        &format!("{at}.classifications[{i}].code"),
                        &c.code,
                        50,
                        errors,
                    ),
                }
            })
            .collect();
        LineItem {
            name: text("name", &self.name, 200, errors),
            description: text("description", &self.description, 1000, errors),
            sellers_item_id: text("sellers_item_id", &self.sellers_item_id, 100, errors),
            buyers_item_id: text("buyers_item_id", &self.buyers_item_id, 100, errors),
            standard_item_id: self
                .standard_item_id
                .as_ref()
                .map(|s| check_standard_id(&format!("{at}.standard_item_id"), s, errors)),
            properties,
            classifications,
        }
    }

    /// The GTIN this item names, if any.
    pub fn gtin(&self) -> Option<&str> {
        self.standard_item_id
            .as_ref()
            .filter(|s| s.scheme == GTIN_SCHEME)
            .map(|s| s.id.as_str())
    }
}

/// A standard item identifier in an ISO/IEC 6523 scheme. A GTIN (0160) must be 8, 12, 13 or 14
/// digits; its check digit is left to the catalogue, which checks the GTINs of the products it
/// knows (PEPPOL does not require one of an item it does not know).
fn check_standard_id(
    field: &str,
    s: &ParticipantId,
    errors: &mut Vec<FieldError>,
) -> ParticipantId {
    let checked = s.check(field, SchemeList::Icd, errors);
    if checked.scheme == GTIN_SCHEME
        && !(checked.id.bytes().all(|b| b.is_ascii_digit())
            && [8, 12, 13, 14].contains(&checked.id.len()))
    {
        errors.push(FieldError::new(
            format!("{field}.id"),
            "a GTIN is 8, 12, 13 or 14 digits",
        ));
    }
    checked
}

text_enum! {
    /// An allowance lowers a line's amount, a charge raises it.
    pub enum AllowanceChargeKind {
        Allowance = "allowance",
        Charge = "charge",
    }
}

/// One allowance or charge on a line (UBL `AllowanceCharge`), with its reason as a code
/// (UNCL5189 for allowances, UNCL7161 for charges), a text, or both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"kind": "allowance", "amount_minor": 500, "reason_code": "95", "reason": "Discount"}))]
pub struct AllowanceCharge {
    pub kind: AllowanceChargeKind,
    /// In minor units of the order's currency; more than 0.
    pub amount_minor: i64,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
}

/// UNCL5189 allowance reasons PEPPOL takes.
const UNCL5189: &[&str] = &[
    "41", "42", "60", "62", "63", "64", "65", "66", "67", "68", "70", "71", "88", "95", "100",
    "102", "103", "104", "105",
];

/// Checks a line's allowances and charges and answers their sums (allowances, charges): the
/// line's `allowance_minor` and `charge_minor` derive from them.
pub fn check_allowance_charges(
    at: &str,
    list: &[AllowanceCharge],
    errors: &mut Vec<FieldError>,
) -> (Vec<AllowanceCharge>, i64, i64) {
    if list.len() > 20 {
        errors.push(FieldError::new(
            format!("{at}.allowance_charges"),
            "at most 20",
        ));
    }
    let (mut allowances, mut charges) = (0i64, 0i64);
    let mut out = vec![];
    for (i, a) in list.iter().enumerate() {
        let f = |name: &str| format!("{at}.allowance_charges[{i}].{name}");
        if !(1..=MAX_AMOUNT_MINOR).contains(&a.amount_minor) {
            errors.push(FieldError::new(
                f("amount_minor"),
                "must be between 1 and 10^15",
            ));
        }
        let reason =
            crate::values::check_optional_text(&f("reason"), a.reason.clone(), 200, errors);
        let code = a
            .reason_code
            .as_ref()
            .map(|c| c.trim().to_ascii_uppercase());
        match (&code, a.kind) {
            (None, _) if reason.is_none() => errors.push(FieldError::new(
                f("reason"),
                "give reason_code, reason or both",
            )),
            (Some(c), AllowanceChargeKind::Allowance) if !UNCL5189.contains(&c.as_str()) => errors
                .push(FieldError::new(
                    f("reason_code"),
                    format!(
                        "not a UNCL5189 allowance reason; one of {}",
                        UNCL5189.join(", ")
                    ),
                )),
            (Some(c), AllowanceChargeKind::Charge)
                if !(1..=3).contains(&c.len()) || !c.bytes().all(|b| b.is_ascii_uppercase()) =>
            {
                errors.push(FieldError::new(
                    f("reason_code"),
                    "a UNCL7161 charge reason: two or three letters (FC freight, PC packing, …)",
                ))
            }
            _ => {}
        }
        match a.kind {
            AllowanceChargeKind::Allowance => {
                allowances = allowances.saturating_add(a.amount_minor)
            }
            AllowanceChargeKind::Charge => charges = charges.saturating_add(a.amount_minor),
        }
        out.push(AllowanceCharge {
            kind: a.kind,
            amount_minor: a.amount_minor,
            reason_code: code,
            reason,
        });
    }
    (out, allowances, charges)
}
