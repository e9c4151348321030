//! The PEPPOL rules prm enforces when it takes a document in: the terms BIS requires
//! (cardinality), the code lists (currency, units, EAS/ICD, UNCL1001), one currency (R003),
//! amounts to two decimals (R028), line amounts (R024) and their sum (R008), identifiers'
//! check digits. Each breach is answered with its rule id, the element's path and a message;
//! every breach at once.

use super::bis::Transaction;
use super::syntax::{Amount, Code, Identifier, Measure, Party};
use crate::participants::{check_identifier, scheme_known, SchemeList};
use crate::refusal::FieldError;

/// The rule a term's cardinality or a malformed value breaks: BIS's syntax binding.
pub const SYNTAX: &str = "SYNTAX";
/// The rule a value outside its code list breaks.
pub const CODE_LIST: &str = "CODELIST";

/// Collects the breaches of one document.
pub struct Breaches {
    transaction: Transaction,
    pub errors: Vec<FieldError>,
}

impl Breaches {
    pub fn new(transaction: Transaction) -> Breaches {
        Breaches {
            transaction,
            errors: vec![],
        }
    }

    /// Records that `path` breaks the transaction's rule `rule` (`R024`, `SYNTAX`, …).
    pub fn breach(&mut self, rule: &str, path: &str, message: impl Into<String>) {
        self.errors.push(FieldError::broken_rule(
            format!("{}-{rule}", self.transaction.rules),
            path,
            message,
        ));
    }

    /// Records a breach of a rule shared by every PEPPOL document (`PEPPOL-COMMON-R040`).
    pub fn common(&mut self, rule: &str, path: &str, message: impl Into<String>) {
        self.errors.push(FieldError::broken_rule(
            format!("PEPPOL-COMMON-{rule}"),
            path,
            message,
        ));
    }

    /// A mandatory term: present and not empty, or a breach.
    pub fn required<'a>(&mut self, value: Option<&'a str>, path: &str) -> Option<&'a str> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            Some(v) => Some(v),
            None => {
                self.breach(SYNTAX, path, "is required (1..1)");
                None
            }
        }
    }

    /// A mandatory aggregate: present, or a breach.
    pub fn present<'a, T>(&mut self, value: Option<&'a T>, path: &str) -> Option<&'a T> {
        if value.is_none() {
            self.breach(SYNTAX, path, "is required (1..1)");
        }
        value
    }

    /// A date as UBL writes it (`2026-12-01`).
    pub fn date(&mut self, value: Option<&str>, path: &str) -> Option<chrono::NaiveDate> {
        let text = value?.trim();
        match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.breach(SYNTAX, path, "is not a date (YYYY-MM-DD)");
                None
            }
        }
    }

    /// The document currency: an ISO 4217 code with minor units.
    pub fn currency(&mut self, code: Option<&Code>, path: &str) -> Option<String> {
        let code = self.required(code.map(|c| c.value.as_str()), path)?;
        match crate::standards::currency_exponent(code) {
            Ok((c, _)) => Some(c),
            Err(m) => {
                self.breach(CODE_LIST, path, format!("ISO 4217: {m}"));
                None
            }
        }
    }

    /// An amount: in the document currency (R003), at most two decimals (R028); answered in
    /// hundredths of the currency unit.
    pub fn amount(&mut self, a: &Amount, currency: Option<&str>, path: &str) -> Option<i64> {
        if let (Some(doc), Some(own)) = (currency, a.currency.as_deref()) {
            if own.trim() != doc {
                self.breach(
                    "R003",
                    &format!("{path}/@currencyID"),
                    format!("is {own}, not the document currency {doc}"),
                );
            }
        } else if a.currency.is_none() {
            self.breach(SYNTAX, &format!("{path}/@currencyID"), "is required");
        }
        match crate::decimal::parse_fixed(a.value.trim(), 2, true) {
            Ok(v) => Some(v),
            Err(_) => {
                self.breach("R028", path, "must be a number with at most two decimals");
                None
            }
        }
    }

    /// A quantity and its unit (UN/ECE Rec 20, or an X-prefixed Rec 21 package).
    pub fn measure(
        &mut self,
        m: &Measure,
        path: &str,
    ) -> Option<(crate::orders::model::Quantity, String)> {
        let unit = match m.unit.as_deref().map(str::trim) {
            None | Some("") => {
                self.breach(SYNTAX, &format!("{path}/@unitCode"), "is required");
                None
            }
            Some(u) => match crate::standards::unit_of_measure(u) {
                Ok(_) => Some(u.to_string()),
                Err(why) => {
                    self.breach(CODE_LIST, &format!("{path}/@unitCode"), why);
                    None
                }
            },
        };
        let quantity = match crate::orders::model::Quantity::parse(m.value.trim()) {
            Ok(q) => Some(q),
            Err(why) => {
                self.breach(
                    SYNTAX,
                    path,
                    format!("quantity {why} (prm holds three decimals)"),
                );
                None
            }
        };
        Some((quantity?, unit?))
    }

    /// An identifier in a scheme from `list`, checked as PEPPOL checks the scheme.
    pub fn identifier(&mut self, id: &Identifier, list: SchemeList, path: &str) {
        let Some(scheme) = id.scheme.as_deref().map(str::trim) else {
            self.breach(SYNTAX, &format!("{path}/@schemeID"), "is required");
            return;
        };
        if !scheme_known(list, scheme) {
            let name = match list {
                SchemeList::Eas => "EAS",
                SchemeList::Icd => "ISO/IEC 6523 ICD",
            };
            self.breach(
                CODE_LIST,
                &format!("{path}/@schemeID"),
                format!("{scheme} is not an {name} code"),
            );
            return;
        }
        if let Err(why) = check_identifier(scheme, id.value.trim()) {
            match common_rule(scheme) {
                Some(rule) => self.common(rule, path, why),
                None => self.breach(SYNTAX, path, why),
            }
        }
    }

    /// A party as BIS requires it: an endpoint; its identifiers in their schemes; a legal
    /// name; a country, when `address_required` or given.
    pub fn party(&mut self, party: Option<&Party>, path: &str, address_required: bool) {
        let Some(p) = self.identified_party(party, path) else {
            return;
        };
        let at = format!("{path}/cac:Party");
        let legal = self.present(
            p.PartyLegalEntity.as_ref(),
            &format!("{at}/cac:PartyLegalEntity"),
        );
        if let Some(l) = legal {
            self.required(
                l.RegistrationName.as_deref(),
                &format!("{at}/cac:PartyLegalEntity/cbc:RegistrationName"),
            );
            if let Some(id) = l.CompanyID.as_ref().filter(|c| c.scheme.is_some()) {
                let path = format!("{at}/cac:PartyLegalEntity/cbc:CompanyID");
                self.identifier(id, SchemeList::Icd, &path);
            }
        }
        let address = if address_required {
            self.present(p.PostalAddress.as_ref(), &format!("{at}/cac:PostalAddress"))
        } else {
            p.PostalAddress.as_ref()
        };
        if let Some(a) = address {
            self.country(
                a.Country.as_ref(),
                &format!("{at}/cac:PostalAddress/cac:Country"),
            );
        }
    }

    /// A party as every document needs it: present, with an endpoint, its identifiers in their
    /// schemes with their check digits. Answers it for the checks a document adds.
    pub fn identified_party<'a>(
        &mut self,
        party: Option<&'a Party>,
        path: &str,
    ) -> Option<&'a Party> {
        let at = format!("{path}/cac:Party");
        let p = self.present(party, &at)?;
        if let Some(e) = self.present(p.EndpointID.as_ref(), &format!("{at}/cbc:EndpointID")) {
            self.identifier(e, SchemeList::Eas, &format!("{at}/cbc:EndpointID"));
        }
        for (i, pid) in p.PartyIdentification.iter().enumerate() {
            if let Some(id) = &pid.ID {
                if id.scheme.is_some() {
                    let path = format!("{at}/cac:PartyIdentification[{}]/cbc:ID", i + 1);
                    self.identifier(id, SchemeList::Icd, &path);
                }
            }
        }
        Some(p)
    }

    /// An address's country: present, ISO 3166-1 alpha-2.
    pub fn country(
        &mut self,
        country: Option<&super::syntax::Country>,
        path: &str,
    ) -> Option<String> {
        let code_path = format!("{path}/cbc:IdentificationCode");
        let code = self.required(
            country
                .and_then(|c| c.IdentificationCode.as_ref())
                .map(|c| c.value.as_str()),
            &code_path,
        )?;
        match crate::standards::normalise_country(code) {
            Ok(c) => Some(c),
            Err(m) => {
                self.breach(CODE_LIST, &code_path, format!("ISO 3166-1: {m}"));
                None
            }
        }
    }
}

/// The PEPPOL-COMMON rule that checks a scheme's identifiers.
fn common_rule(scheme: &str) -> Option<&'static str> {
    match scheme {
        "0088" => Some("R040"),
        "0192" => Some("R041"),
        "0208" => Some("R043"),
        "0007" => Some("R049"),
        "0151" => Some("R050"),
        _ => None,
    }
}

/// A line's amount as PEPPOL computes it, in hundredths: quantity × (price ÷ base quantity),
/// rounded half up to two decimals, + charges − allowances (R024). `price` is in millionths of
/// the currency unit, quantities in thousandths.
pub fn line_amount_hundredths(
    quantity_milli: i64,
    price_micro: i64,
    base_milli: i64,
    charges: i64,
    allowances: i64,
) -> Option<i64> {
    if base_milli <= 0 {
        return None;
    }
    let net = crate::decimal::div_round(
        i128::from(quantity_milli) * i128::from(price_micro),
        i128::from(base_milli) * 10_000,
    );
    i64::try_from(net + i128::from(charges) - i128::from(allowances)).ok()
}
