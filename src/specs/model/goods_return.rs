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
