//! The rules of specification buying, without a database: requirement ranges, target cost from
//! target retail price and margin, the version lifecycle, tolerance and inspection verdicts,
//! the non-conformance lifecycle, return rates.

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::ToSchema;

use crate::decimal::{decimal_text, format_fixed, parse_fixed};
use crate::lifecycle::Lifecycle;
use crate::refusal::{Code, FieldError, Refusal};
use crate::text_enum;

mod documents;
mod goods_return;
mod inspection;
mod lifecycle;
mod nonconformance;
mod requirements;
mod values;

pub use documents::*;
pub use goods_return::*;
pub use inspection::*;
pub use lifecycle::*;
pub use nonconformance::*;
pub use requirements::*;
pub use values::*;

#[cfg(test)]
mod tests;
