//! `/agreements`, `/agreements/{id}/versions`, their approval, and `/agreement-deviations`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::model::*;
use super::store::{self, AgreementFilter, NewAgreement};
use crate::audit::Actor;
use crate::auth::model::Principal;
use crate::auth::policy;
use crate::http::csv::{csv_response, wants_csv, CsvRow};
use crate::http::idempotency::{self, IdempotencyKey, Written};
use crate::http::{
    path_id, with_etag, ApiError, IfMatch, Page, PageParams, Problem, ValidJson, ValidQuery,
};
use crate::orders::model::{Direction, Quantity};
use crate::refusal::Refusal;
use crate::values::{body_id, Name, Note};
use crate::AppState;

mod agreement;
mod balances;
mod rebates;
mod version;

pub use agreement::*;
pub use balances::*;
pub use rebates::*;
pub use version::*;

/// The terms of a version as a request gives them, checked: every bad field named at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "currency": "EUR", "valid_from": "2027-01-01", "valid_to": "2027-12-31", "payment_terms_days": 60,
    "incoterms": "DAP", "incoterms_place": "DC North, Leeds",
    "lines": [{"product_id": "0193a1b2-0000-7000-8000-0000000000a1", "unit_price_minor": 1250,
        "minimum_order_quantity": "100", "quantity_breaks": [{"min_quantity": "1000", "unit_price_minor": 1150}],
        "committed_quantity": "12000"}],
    "notes": "2027 prices after the annual negotiation"
}))]
pub struct AgreementTermsRequest {
    /// ISO 4217: orders using the agreement are in it.
    #[schema(value_type = crate::values::Currency)]
    pub currency: String,
    pub valid_from: NaiveDate,
    /// The last day; open-ended when absent.
    pub valid_to: Option<NaiveDate>,
    /// Days from invoice date to due date (0–365); wins over the partner's tier on orders.
    pub payment_terms_days: Option<i32>,
    pub incoterms: Option<Incoterm>,
    #[schema(value_type = Option<crate::values::Name>)]
    pub incoterms_place: Option<String>,
    pub rebate: Option<RebateScale>,
    /// One line per product, 1–1000; numbered in the order given.
    pub lines: Vec<AgreementLine>,
    /// Why this version (internal: partners never see it).
    #[schema(value_type = Option<crate::values::Note>)]
    pub notes: Option<String>,
}

impl AgreementTermsRequest {
    /// The checked terms and the version's notes.
    fn check(self) -> Result<(AgreementTerms, Option<String>), ApiError> {
        let mut e = vec![];
        let currency = crate::partners::model::check_currency("currency", self.currency, &mut e);
        let place = Name::check_optional("incoterms_place", self.incoterms_place, &mut e);
        let notes = Note::check_optional("notes", self.notes, &mut e);
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, mut l)| {
                l.line_number = i as i32 + 1;
                l.product_id = body_id(&format!("lines[{i}].product_id"), l.product_id, &mut e);
                l
            })
            .collect();
        Refusal::check(e)?;
        let terms = AgreementTerms {
            currency,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            payment_terms_days: self.payment_terms_days,
            incoterms: self.incoterms,
            incoterms_place: place,
            rebate: self.rebate,
            lines,
        };
        check_terms(&terms)?;
        Ok((terms, notes))
    }
}
