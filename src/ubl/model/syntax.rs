//! UBL elements as a document carries them, read with serde (quick-xml matches elements by
//! local name: the namespaces are checked apart, on the root). Every element is optional here,
//! even the ones BIS requires, so that a missing one is reported as the PEPPOL rule it breaks,
//! with its path, rather than as a parse failure; elements prm does not hold are skipped (the
//! received document is kept byte for byte beside what it created).

#![expect(
    non_snake_case,
    reason = "fields are UBL element names, read as UBL writes them"
)]

use serde::Deserialize;

/// An identifier with its scheme (`<cbc:EndpointID schemeID="0088">…`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Identifier {
    #[serde(rename = "@schemeID")]
    pub scheme: Option<String>,
    #[serde(rename = "$text", default)]
    pub value: String,
}

/// A code with the list it comes from (`<cbc:DocumentCurrencyCode listID="ISO4217">`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Code {
    #[serde(rename = "@listID")]
    pub list: Option<String>,
    #[serde(rename = "$text", default)]
    pub value: String,
}

/// An amount in a currency, as written (`<cbc:PriceAmount currencyID="EUR">4</…>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Amount {
    #[serde(rename = "@currencyID")]
    pub currency: Option<String>,
    #[serde(rename = "$text", default)]
    pub value: String,
}

/// A quantity in a unit, as written (`<cbc:Quantity unitCode="NAR">10</…>`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Measure {
    #[serde(rename = "@unitCode")]
    pub unit: Option<String>,
    #[serde(rename = "$text", default)]
    pub value: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Country {
    pub IdentificationCode: Option<Code>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AddressLine {
    pub Line: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Address {
    pub StreetName: Option<String>,
    pub AdditionalStreetName: Option<String>,
    pub CityName: Option<String>,
    pub PostalZone: Option<String>,
    pub CountrySubentity: Option<String>,
    pub AddressLine: Option<AddressLine>,
    pub Country: Option<Country>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartyIdentification {
    pub ID: Option<Identifier>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartyName {
    pub Name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartyTaxScheme {
    pub CompanyID: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartyLegalEntity {
    pub RegistrationName: Option<String>,
    pub CompanyID: Option<Identifier>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Contact {
    pub Name: Option<String>,
    pub Telephone: Option<String>,
    pub ElectronicMail: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Party {
    pub EndpointID: Option<Identifier>,
    #[serde(default)]
    pub PartyIdentification: Vec<PartyIdentification>,
    pub PartyName: Option<PartyName>,
    pub PostalAddress: Option<Address>,
    #[serde(default)]
    pub PartyTaxScheme: Vec<PartyTaxScheme>,
    pub PartyLegalEntity: Option<PartyLegalEntity>,
    pub Contact: Option<Contact>,
}

/// `BuyerCustomerParty`, `SellerSupplierParty`, `DespatchSupplierParty`, …: a role around a
/// party.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PartyRole {
    pub Party: Option<Party>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Period {
    pub StartDate: Option<String>,
    pub EndDate: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Location {
    pub ID: Option<Identifier>,
    pub Name: Option<String>,
    pub Address: Option<Address>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Delivery {
    pub DeliveryLocation: Option<Location>,
    pub RequestedDeliveryPeriod: Option<Period>,
    pub PromisedDeliveryPeriod: Option<Period>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AllowanceCharge {
    pub ChargeIndicator: Option<String>,
    pub AllowanceChargeReasonCode: Option<String>,
    pub AllowanceChargeReason: Option<String>,
    pub Amount: Option<Amount>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Price {
    pub PriceAmount: Option<Amount>,
    pub BaseQuantity: Option<Measure>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ItemIdentification {
    pub ID: Option<Identifier>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommodityClassification {
    pub ItemClassificationCode: Option<Code>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ItemProperty {
    pub Name: Option<String>,
    pub Value: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Item {
    pub Description: Option<String>,
    pub Name: Option<String>,
    pub BuyersItemIdentification: Option<ItemIdentification>,
    pub SellersItemIdentification: Option<ItemIdentification>,
    pub StandardItemIdentification: Option<ItemIdentification>,
    #[serde(default)]
    pub CommodityClassification: Vec<CommodityClassification>,
    #[serde(default)]
    pub AdditionalItemProperty: Vec<ItemProperty>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LineItem {
    pub ID: Option<String>,
    /// In an Order Response, the seller's note on the line.
    pub Note: Option<String>,
    /// In an Order Response, UNCL1229: 5 accepted, 3 changed, 7 rejected.
    pub LineStatusCode: Option<String>,
    pub Quantity: Option<Measure>,
    pub LineExtensionAmount: Option<Amount>,
    pub Delivery: Option<Delivery>,
    #[serde(default)]
    pub AllowanceCharge: Vec<AllowanceCharge>,
    pub Price: Option<Price>,
    pub Item: Option<Item>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrderLine {
    pub Note: Option<String>,
    pub LineItem: Option<LineItem>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MonetaryTotal {
    pub LineExtensionAmount: Option<Amount>,
    pub AllowanceTotalAmount: Option<Amount>,
    pub ChargeTotalAmount: Option<Amount>,
    pub PayableAmount: Option<Amount>,
}

/// A T01 Order, as far as prm reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Order {
    pub CustomizationID: Option<String>,
    pub ProfileID: Option<String>,
    pub ID: Option<String>,
    pub IssueDate: Option<String>,
    pub OrderTypeCode: Option<Code>,
    pub Note: Option<String>,
    pub DocumentCurrencyCode: Option<Code>,
    pub CustomerReference: Option<String>,
    pub BuyerCustomerParty: Option<PartyRole>,
    pub SellerSupplierParty: Option<PartyRole>,
    pub Delivery: Option<Delivery>,
    pub AnticipatedMonetaryTotal: Option<MonetaryTotal>,
    #[serde(default)]
    pub OrderLine: Vec<OrderLine>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LineReference {
    pub LineID: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocumentReference {
    pub ID: Option<String>,
}

/// A line of an Order Response: the answer, a substitute, and the order line it answers.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrderResponseLine {
    pub LineItem: Option<LineItem>,
    pub SellerSubstitutedLineItem: Option<LineItem>,
    pub OrderLineReference: Option<LineReference>,
}

/// A T76 Order Response, as far as prm reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrderResponse {
    pub CustomizationID: Option<String>,
    pub ProfileID: Option<String>,
    pub ID: Option<String>,
    pub IssueDate: Option<String>,
    pub OrderResponseCode: Option<String>,
    pub Note: Option<String>,
    pub DocumentCurrencyCode: Option<Code>,
    pub CustomerReference: Option<String>,
    pub OrderReference: Option<DocumentReference>,
    pub SellerSupplierParty: Option<PartyRole>,
    pub BuyerCustomerParty: Option<PartyRole>,
    pub Delivery: Option<Delivery>,
    #[serde(default)]
    pub OrderLine: Vec<OrderResponseLine>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CarrierParty {
    pub PartyName: Option<PartyName>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Consignment {
    pub ID: Option<String>,
    pub CarrierParty: Option<CarrierParty>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Despatch {
    pub ActualDespatchDate: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShipmentDelivery {
    pub TrackingID: Option<String>,
    pub EstimatedDeliveryPeriod: Option<Period>,
    pub Despatch: Option<Despatch>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Shipment {
    pub ID: Option<String>,
    pub Consignment: Option<Consignment>,
    pub Delivery: Option<ShipmentDelivery>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DespatchLine {
    pub ID: Option<String>,
    pub DeliveredQuantity: Option<Measure>,
    pub OutstandingQuantity: Option<Measure>,
    #[serde(default)]
    pub OutstandingReason: Vec<String>,
    pub OrderLineReference: Option<LineReference>,
    pub Item: Option<Item>,
}

/// A T16 Despatch Advice, as far as prm reads it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DespatchAdvice {
    pub CustomizationID: Option<String>,
    pub ProfileID: Option<String>,
    pub ID: Option<String>,
    pub IssueDate: Option<String>,
    pub Note: Option<String>,
    #[serde(default)]
    pub OrderReference: Vec<DocumentReference>,
    pub DespatchSupplierParty: Option<PartyRole>,
    pub DeliveryCustomerParty: Option<PartyRole>,
    pub Shipment: Option<Shipment>,
    #[serde(default)]
    pub DespatchLine: Vec<DespatchLine>,
}
