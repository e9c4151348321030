//! Returns.

use super::*;

text_enum! {
    /// What the customer got back: their money, or the item again.
    pub enum Resolution {
        Refund = "refund",
        Exchange = "exchange",
    }
}

/// Returned units as basis points of the units supplied; `None` when nothing was supplied.
pub fn return_rate_bp(returned_milli: i64, supplied_milli: i64) -> Option<i64> {
    (supplied_milli > 0).then(|| {
        (i128::from(returned_milli) * i128::from(WHOLE_BP) / i128::from(supplied_milli)) as i64
    })
}

/// Who made a returned item bought to a specification: the supplier named, which must be one
/// approved for it, or else the only approved one (none when none is approved).
pub fn supplier_of_return(
    given: Option<String>,
    approved: &[String],
) -> Result<Option<String>, Refusal> {
    match (given, approved) {
        (Some(s), _) if approved.contains(&s) => Ok(Some(s)),
        (Some(_), _) => Err(Refusal::invalid(
            "supplier_id",
            "this manufacturer is not approved for the product's specification",
        )),
        (None, [only]) => Ok(Some(only.clone())),
        (None, []) => Ok(None),
        (None, _) => Err(Refusal::invalid(
            "supplier_id",
            "several approved suppliers make this product: say which one made the returned item",
        )),
    }
}
