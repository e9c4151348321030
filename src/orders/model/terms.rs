//! The terms an order is placed under: payment terms from the agreement or the customer's tier,
//! the tier's discount on the lines, and the due date they give an invoice.

use super::*;

text_enum! {
    /// Where an order's payment terms come from: an `agreement` with the partner (its own terms
    /// win), or the customer's `tier` on the issue date.
    pub enum TermsSource {
        Agreement = "agreement",
        Tier = "tier",
    }
}

/// The customer's tier on an order's issue date and what the ladder then in force gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TierApplied {
    /// `vendor`, `preferred_supplier`, `partner` or `strategic_partner`.
    pub tier: String,
    pub ladder_version: i64,
    pub discount_bp: i32,
    pub payment_terms_days: i32,
}

/// The terms an order was placed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "payment_terms_days": 60, "payment_terms_source": "tier",
    "agreement_id": null, "agreement_number": null,
    "tier": {"tier": "partner", "ladder_version": 1, "discount_bp": 200, "payment_terms_days": 60},
    "discount_bp": 200
}))]
pub struct OrderTerms {
    /// Days from an invoice's issue date to its due date (an invoice without a `due_date` gets
    /// one from them).
    pub payment_terms_days: Option<i32>,
    pub payment_terms_source: Option<TermsSource>,
    /// The agreement whose payment terms applied.
    pub agreement_id: Option<String>,
    pub agreement_number: Option<String>,
    /// On a sales order: the customer's tier on the issue date, from the ladder version then
    /// in force.
    pub tier: Option<TierApplied>,
    /// The tier discount given on each line no agreement prices (an allowance with reason code
    /// 95 on the line), in basis points; 0 when none.
    pub discount_bp: i32,
}

/// An agreement's payment terms (its id, number and days) as an order may take them.
pub type AgreementTerms<'a> = (&'a str, &'a str, Option<i32>);

/// The order's terms: the agreement's payment terms where it has them, else the tier's; the
/// tier's discount on a sales order. None when neither applies.
pub fn order_terms(
    agreement: Option<AgreementTerms<'_>>,
    tier: Option<TierApplied>,
) -> Option<OrderTerms> {
    let from_agreement = agreement.and_then(|(id, number, days)| Some((id, number, days?)));
    if from_agreement.is_none() && tier.is_none() {
        return None;
    }
    let (days, source, agreement_id, agreement_number) = match (from_agreement, &tier) {
        (Some((id, number, days)), _) => (
            Some(days),
            Some(TermsSource::Agreement),
            Some(id.to_string()),
            Some(number.to_string()),
        ),
        (None, Some(t)) => (
            Some(t.payment_terms_days),
            Some(TermsSource::Tier),
            None,
            None,
        ),
        (None, None) => (None, None, None, None),
    };
    Some(OrderTerms {
        payment_terms_days: days,
        payment_terms_source: source,
        agreement_id,
        agreement_number,
        discount_bp: tier.as_ref().map_or(0, |t| t.discount_bp),
        tier,
    })
}

/// The allowance a discount of `bp` gives a line's goods value: the value rounded less the
/// discounted value rounded (each amount rounded once, half up, so the line's amount is the
/// discounted value to the minor unit).
pub fn discount_allowance(quantity: Quantity, price: (i64, Quantity), bp: i32) -> i64 {
    if bp <= 0 || price.1.is_zero() {
        return 0;
    }
    let half_up = |num: i128, den: i128| (2 * num + den) / (2 * den);
    let num = i128::from(quantity.milli()) * i128::from(price.0);
    let den = i128::from(price.1.milli());
    let gross = half_up(num, den);
    let net = half_up(num * i128::from(10_000 - bp.min(10_000)), den * 10_000);
    (gross - net) as i64
}

/// An invoice's due date: the one it gives, else its issue date plus the order's payment terms.
pub fn due_date(
    issue_date: NaiveDate,
    given: Option<NaiveDate>,
    terms: Option<&OrderTerms>,
) -> Option<NaiveDate> {
    given.or_else(|| {
        let days = terms?.payment_terms_days?;
        issue_date.checked_add_days(chrono::Days::new(u64::try_from(days).ok()?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agreements_payment_terms_win_over_the_tiers() {
        let tier = TierApplied {
            tier: "partner".into(),
            ladder_version: 2,
            discount_bp: 200,
            payment_terms_days: 60,
        };
        let t = order_terms(
            Some(("a1", "AGR-2026-000001", Some(30))),
            Some(tier.clone()),
        )
        .unwrap();
        assert_eq!(t.payment_terms_days, Some(30));
        assert_eq!(t.payment_terms_source, Some(TermsSource::Agreement));
        assert_eq!(t.discount_bp, 200);
        // An agreement without payment terms leaves the tier's.
        let t = order_terms(Some(("a1", "AGR-2026-000001", None)), Some(tier.clone())).unwrap();
        assert_eq!(t.payment_terms_days, Some(60));
        assert_eq!(t.payment_terms_source, Some(TermsSource::Tier));
        assert_eq!(t.agreement_id, None);
        assert_eq!(order_terms(None, None), None);
        assert_eq!(order_terms(Some(("a1", "AGR-1", None)), None), None);
    }

    #[test]
    fn a_discount_is_rounded_once_half_up() {
        let one = Quantity::units(1);
        // 3 × 3.33 = 9.99; 2% off is 9.7902 → 9.79: an allowance of 0.20.
        assert_eq!(discount_allowance(Quantity::units(3), (333, one), 200), 20);
        // 12.34 per 100 pieces, 7 pieces: 0.8638 → 0.86; 3% off 0.837886 → 0.84: 0.02.
        assert_eq!(
            discount_allowance(Quantity::units(7), (1234, Quantity::units(100)), 300),
            2
        );
        assert_eq!(discount_allowance(Quantity::units(3), (333, one), 0), 0);
        assert_eq!(
            discount_allowance(Quantity::units(10), (1000, one), 10_000),
            10_000
        );
    }

    #[test]
    fn an_invoice_is_due_by_the_orders_payment_terms_unless_it_says() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let terms = order_terms(
            None,
            Some(TierApplied {
                tier: "vendor".into(),
                ladder_version: 1,
                discount_bp: 0,
                payment_terms_days: 30,
            }),
        );
        assert_eq!(
            due_date(d("2027-01-31"), None, terms.as_ref()),
            Some(d("2027-03-02"))
        );
        assert_eq!(
            due_date(d("2027-01-31"), Some(d("2027-02-10")), terms.as_ref()),
            Some(d("2027-02-10"))
        );
        assert_eq!(due_date(d("2027-01-31"), None, None), None);
    }
}
