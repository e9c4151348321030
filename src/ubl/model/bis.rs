//! The identifiers PEPPOL BIS 3 ordering gives its documents.

/// UBL 2.1 namespaces.
pub const ORDER_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:Order-2";
pub const ORDER_RESPONSE_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:OrderResponse-2";
pub const DESPATCH_ADVICE_NS: &str =
    "urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2";
pub const CAC_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
pub const CBC_NS: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";

/// A BIS transaction: its root element, namespace, `CustomizationID` and rule prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transaction {
    pub root: &'static str,
    pub namespace: &'static str,
    pub customization_id: &'static str,
    /// The prefix of its rule ids (`PEPPOL-T01-R024`).
    pub rules: &'static str,
}

pub const T01_ORDER: Transaction = Transaction {
    root: "Order",
    namespace: ORDER_NS,
    customization_id: "urn:fdc:peppol.eu:poacc:trns:order:3",
    rules: "PEPPOL-T01",
};

pub const T76_ORDER_RESPONSE: Transaction = Transaction {
    root: "OrderResponse",
    namespace: ORDER_RESPONSE_NS,
    customization_id: "urn:fdc:peppol.eu:poacc:trns:order_response:3",
    rules: "PEPPOL-T76",
};

pub const T16_DESPATCH_ADVICE: Transaction = Transaction {
    root: "DespatchAdvice",
    namespace: DESPATCH_ADVICE_NS,
    customization_id: "urn:fdc:peppol.eu:poacc:trns:despatch_advice:3",
    rules: "PEPPOL-T16",
};

/// The `ProfileID` of the despatch advice process.
pub const DESPATCH_ADVICE_PROFILE: &str = "urn:fdc:peppol.eu:poacc:bis:despatch_advice:3";
