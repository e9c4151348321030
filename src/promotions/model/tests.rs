use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn terms_errors(m: Mechanic, t: Terms) -> Vec<String> {
    let mut e = vec![];
    check_terms(m, &t, &mut e);
    e.into_iter().map(|f| f.field).collect()
}

#[test]
fn each_mechanic_takes_its_own_terms() {
    let discount = Terms {
        discount_minor: Some(300),
        regular_price_minor: Some(1299),
        ..Terms::default()
    };
    assert!(terms_errors(Mechanic::PriceDiscount, discount.clone()).is_empty());
    assert_eq!(
        terms_errors(Mechanic::PercentOff, discount),
        vec!["terms.discount_minor", "terms.percent_off_bp"]
    );
    assert_eq!(
        terms_errors(Mechanic::Display, Terms::default()),
        vec!["terms.fixed_fee_minor"]
    );
    let too_much = Terms {
        discount_minor: Some(1299),
        regular_price_minor: Some(1299),
        ..Terms::default()
    };
    assert_eq!(
        terms_errors(Mechanic::PriceDiscount, too_much),
        vec!["terms.discount_minor"]
    );
    let three_for_three = Terms {
        buy_quantity: Some(3),
        pay_quantity: Some(3),
        regular_price_minor: Some(500),
        ..Terms::default()
    };
    assert_eq!(
        terms_errors(Mechanic::MultiBuy, three_for_three),
        vec!["terms.pay_quantity"]
    );
    let whole_price = Terms {
        percent_off_bp: Some(10_000),
        regular_price_minor: Some(500),
        ..Terms::default()
    };
    assert_eq!(
        terms_errors(Mechanic::PercentOff, whole_price),
        vec!["terms.percent_off_bp"]
    );
}

#[test]
fn the_split_sums_to_ten_thousand() {
    let mut e = vec![];
    check_split(7000, 3000, &mut e);
    assert!(e.is_empty());
    check_split(7000, 2000, &mut e);
    assert_eq!(e[0].field, "channel_share_bp");
    let mut e = vec![];
    check_split(-1, 10_001, &mut e);
    assert_eq!(e.len(), 2);
}

#[test]
fn periods_run_forward_and_at_most_a_year() {
    let mut e = vec![];
    check_period(d("2026-06-01"), d("2026-06-01"), &mut e);
    check_period(d("2026-01-01"), d("2026-12-31"), &mut e);
    assert!(e.is_empty());
    check_period(d("2026-06-30"), d("2026-06-01"), &mut e);
    check_period(d("2026-01-01"), d("2027-01-02"), &mut e);
    assert_eq!(e.len(), 2);
    assert!(e.iter().all(|f| f.field == "end_date"));
}

#[test]
fn lifecycle_allows_what_each_status_allows() {
    use PromotionAction::*;
    use PromotionStatus::*;
    assert!(check_action(Draft, Propose).is_ok());
    assert!(check_action(Proposed, Edit).is_ok());
    assert_eq!(
        check_action(Approved, Edit),
        Err(Refusal::not_allowed(
            "promotion",
            "approved",
            "edit",
            ["cancel"]
        ))
    );
    assert!(check_action(Active, Cancel).is_err());
    assert!(check_action(Ended, Settle).is_ok());
    assert!(check_action(Active, Settle).is_err());
    assert!(check_action(Settled, Claim).is_err());
    assert!(check_action(Cancelled, Edit).is_err());
}

#[test]
fn the_calendar_starts_and_ends_approved_promotions() {
    use PromotionStatus::*;
    let (s, e) = (d("2026-06-01"), d("2026-06-30"));
    assert_eq!(calendar_step(Approved, s, e, d("2026-05-31")), None);
    assert_eq!(calendar_step(Approved, s, e, d("2026-06-01")), Some(Active));
    assert_eq!(calendar_step(Active, s, e, d("2026-06-30")), None);
    assert_eq!(calendar_step(Active, s, e, d("2026-07-01")), Some(Ended));
    assert_eq!(calendar_step(Proposed, s, e, d("2026-07-01")), None);
    assert_eq!(calendar_step(Ended, s, e, d("2027-01-01")), None);
}

#[test]
fn cost_follows_the_mechanic_and_rounds_once() {
    let units = Quantity::parse("1234.5").unwrap();
    let price_cut = Terms {
        discount_minor: Some(333),
        ..Terms::default()
    };
    // 333 × 1234.5 = 411,088.5 → 411,089 (half up, once).
    assert_eq!(
        cost_for(Mechanic::PriceDiscount, &price_cut, units),
        411_089
    );
    let pct = Terms {
        percent_off_bp: Some(1500),
        regular_price_minor: Some(999),
        ..Terms::default()
    };
    // 999 × 15% × 1234.5 = 184,989.825 → 184,990.
    assert_eq!(cost_for(Mechanic::PercentOff, &pct, units), 184_990);
    let three_for_two = Terms {
        buy_quantity: Some(3),
        pay_quantity: Some(2),
        regular_price_minor: Some(100),
        ..Terms::default()
    };
    // 100 × 1/3 × 1234.5 = 41,150 exactly.
    assert_eq!(cost_for(Mechanic::MultiBuy, &three_for_two, units), 41_150);
    let fee = Terms {
        fixed_fee_minor: Some(50_000),
        ..Terms::default()
    };
    assert_eq!(cost_for(Mechanic::Display, &fee, Quantity::ZERO), 50_000);
    assert_eq!(cost_for(Mechanic::Feature, &fee, units), 50_000);
}

#[test]
fn shares_always_add_up_to_the_cost() {
    for cost in [0, 1, 2, 3, 7, 99, 100, 101, 12_345, 999_999, 5_000_001] {
        for bp in [0, 1, 3333, 5000, 6667, 7000, 9999, 10_000] {
            let s = split_cost(cost, i64::MAX, bp);
            assert_eq!(s.sponsor + s.channel, cost, "cost {cost} bp {bp}");
            assert!(s.sponsor >= 0 && s.channel >= 0);
        }
    }
    // Half a minor unit goes to the sponsor (half up); the channel takes the remainder.
    assert_eq!(split_cost(1, 100, 5000).sponsor, 1);
    assert_eq!(split_cost(1, 100, 5000).channel, 0);
    assert_eq!(split_cost(101, 1000, 5000).sponsor, 51);
    // 3 at 33.33%: 0.9999 → 1.
    assert_eq!(split_cost(3, 10, 3333).sponsor, 1);
}

#[test]
fn the_budget_caps_the_cost_and_the_sponsor_share() {
    let s = split_cost(7_000_000, 5_000_000, 7000);
    assert!(s.capped);
    assert_eq!(s.cost, 5_000_000);
    assert_eq!(s.sponsor, 3_500_000);
    assert_eq!(s.channel, 1_500_000);
    // Capped, the sponsor's share of the cost is its share of the budget exactly.
    assert_eq!(claim_cap(5_000_000, 7000, s.sponsor), 3_500_000);
    assert_eq!(claim_cap(5_000_001, 7000, 10_000_000), 3_500_001);
}

fn basis() -> MeasureBasis {
    MeasureBasis {
        mechanic: Mechanic::PriceDiscount,
        terms: Terms {
            discount_minor: Some(300),
            ..Terms::default()
        },
        start: d("2026-06-01"),
        end: d("2026-06-30"),
        budget_minor: 5_000_000,
        sponsor_bp: 7000,
        baseline: Quantity::units(10_000),
        products: vec!["p1".into(), "p2".into()],
    }
}

fn sale(report: &str, from: &str, to: &str, product: &str, units: i64, value: i64) -> ReportedSale {
    ReportedSale {
        report_id: report.into(),
        period_start: d(from),
        period_end: d(to),
        same_currency: true,
        product_id: product.into(),
        units_milli: units * 1000,
        value_minor: value,
    }
}

#[test]
fn performance_counts_in_period_sales_of_the_promoted_products() {
    let sales = [
        sale("r1", "2026-06-01", "2026-06-15", "p1", 9_000, 8_991_000),
        sale("r1", "2026-06-01", "2026-06-15", "p2", 1_000, 999_000),
        sale("r1", "2026-06-01", "2026-06-15", "other", 5_000, 1),
        // Half of this fortnight lies after the promotion: half counts.
        sale("r2", "2026-06-24", "2026-07-07", "p1", 10_000, 9_990_000),
        sale("r3", "2026-07-08", "2026-07-31", "p1", 99_000, 1),
    ];
    let m = measure(&basis(), &sales);
    assert_eq!(m.units, Quantity::units(15_000));
    assert_eq!(m.value_minor, 14_985_000);
    assert_eq!((m.reports_counted, m.reports_prorated), (2, 1));
    assert_eq!(m.lift_milli, 5_000_000);
    assert_eq!(m.lift_bp, Some(5000));
    // 300 × 15,000 = 4,500,000 under the 5,000,000 budget; sponsor 70%.
    assert_eq!(m.split.cost, 4_500_000);
    assert!(!m.split.capped);
    assert_eq!((m.split.sponsor, m.split.channel), (3_150_000, 1_350_000));
    // 5,000 extra units at 999 = 4,995,000; ROI (4,995,000 − 4,500,000) ÷ 4,500,000 = 11%.
    assert_eq!(m.incremental_value_minor, 4_995_000);
    assert_eq!(m.roi_bp, Some(1100));
    assert_eq!(m.by_product[0].1, Quantity::units(14_000));
}

#[test]
fn a_promotion_below_baseline_shows_negative_lift_and_roi() {
    let sales = [sale(
        "r1",
        "2026-06-01",
        "2026-06-30",
        "p1",
        8_000,
        7_992_000,
    )];
    let m = measure(&basis(), &sales);
    assert_eq!(m.lift_milli, -2_000_000);
    assert_eq!(m.lift_bp, Some(-2000));
    assert_eq!(signed_quantity(m.lift_milli), "-2000");
    assert_eq!(m.incremental_value_minor, -1_998_000);
    // Cost 2,400,000; ROI (−1,998,000 − 2,400,000) ÷ 2,400,000 = −183.25% → −18325 bp.
    assert_eq!(m.roi_bp, Some(-18_325));
}

#[test]
fn other_currency_reports_count_units_not_value() {
    let mut s = sale("r1", "2026-06-01", "2026-06-30", "p1", 100, 5_000);
    s.same_currency = false;
    let m = measure(&basis(), &[s]);
    assert_eq!(m.units, Quantity::units(100));
    assert_eq!(m.value_minor, 0);
    assert_eq!(m.reports_in_other_currency, 1);
}

#[test]
fn pro_rating_rounds_per_report_to_the_thousandth() {
    // One unit over a 3-day report, 1 day inside: 0.333 units, 33.333 → 33 minor units.
    let s = ReportedSale {
        units_milli: 1000,
        value_minor: 100,
        ..sale("r", "2026-06-30", "2026-07-02", "p1", 0, 0)
    };
    let m = measure(&basis(), &[s]);
    assert_eq!(m.units, Quantity(333));
    assert_eq!(m.value_minor, 33);
}

#[test]
fn claims_stay_within_sell_out_and_the_open_amount() {
    let mut ledger = ClaimLedger::default();
    let sold = Quantity::units(15_000);
    let cap = 3_150_000;
    assert!(check_new_claim(Quantity::units(10_000), 2_100_000, &ledger, sold, cap).is_ok());
    ledger.add(ClaimStatus::Approved, 10_000_000, 2_100_000);
    assert_eq!(
        check_new_claim(Quantity::units(6_000), 1, &ledger, sold, cap),
        Err(ClaimRefusal::BeyondSellOut {
            available: Quantity::units(5_000)
        })
    );
    assert_eq!(
        check_new_claim(Quantity::units(5_000), 1_050_001, &ledger, sold, cap),
        Err(ClaimRefusal::BeyondOpen { open: 1_050_000 })
    );
    assert!(check_new_claim(Quantity::units(5_000), 1_050_000, &ledger, sold, cap).is_ok());
    // A rejected claim frees its units and its money.
    ledger.add(ClaimStatus::Rejected, 5_000_000, 1_050_000);
    assert_eq!(ledger.live_minor(), 2_100_000);
    assert!(check_new_claim(Quantity::units(5_000), 1_050_000, &ledger, sold, cap).is_ok());
    // Approval checks approved and paid only against a cap that may have shrunk.
    ledger.add(ClaimStatus::Submitted, 5_000_000, 1_050_000);
    assert!(check_claim_approval(1_050_000, &ledger, cap).is_ok());
    assert_eq!(
        check_claim_approval(1_050_000, &ledger, 3_000_000),
        Err(ClaimRefusal::BeyondOpen { open: 900_000 })
    );
}

#[test]
fn days_in_common() {
    let p = (d("2026-06-01"), d("2026-06-30"));
    assert_eq!(common_days(p, (d("2026-05-25"), d("2026-06-07"))), 7);
    assert_eq!(common_days(p, (d("2026-07-01"), d("2026-07-07"))), 0);
    assert_eq!(common_days(p, p), 30);
}

#[test]
fn a_claim_is_decided_once_then_paid() {
    use ClaimAction::*;
    assert_eq!(
        next_claim_status(ClaimStatus::Submitted, Approve),
        Ok(ClaimStatus::Approved)
    );
    assert_eq!(
        next_claim_status(ClaimStatus::Submitted, Reject),
        Ok(ClaimStatus::Rejected)
    );
    assert_eq!(
        next_claim_status(ClaimStatus::Approved, Pay),
        Ok(ClaimStatus::Paid)
    );
    assert_eq!(
        next_claim_status(ClaimStatus::Submitted, Pay),
        Err(Refusal::not_allowed(
            "claim",
            "submitted",
            "pay",
            ["approve", "reject"]
        ))
    );
    assert_eq!(
        next_claim_status(ClaimStatus::Paid, Approve),
        Err(Refusal::not_allowed("claim", "paid", "approve", []))
    );
}

#[test]
fn a_promotion_has_a_sponsor_that_makes_and_a_channel_that_sells() {
    use crate::partners::model::{flags_of, PartnerRole, PartnerStatus};
    let party = |role, status| Party {
        roles: flags_of(&[role]),
        status,
    };
    let shop = party(PartnerRole::KeyAccount, PartnerStatus::Active);
    let maker = party(PartnerRole::Manufacturer, PartnerStatus::Active);
    assert!(check_parties("c", Some(shop), Some(("s", Some(maker)))).is_ok());
    let fields = |r: Result<(), Refusal>| match r {
        Err(Refusal::Invalid(e)) => e.into_iter().map(|f| f.field).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        fields(check_parties("c", Some(maker), Some(("s", Some(shop))))),
        ["channel_partner_id", "sponsor_id"]
    );
    let gone = party(PartnerRole::Manufacturer, PartnerStatus::Terminated);
    assert_eq!(
        fields(check_parties("c", None, Some(("c", Some(gone))))),
        ["channel_partner_id", "sponsor_id", "channel_partner_id"]
    );
    let ids = ["a".to_string(), "b".to_string(), "c".to_string()];
    let active = |id: &str| match id {
        "a" => Some(true),
        "b" => Some(false),
        _ => None,
    };
    assert!(check_promoted_products(&ids[..1], active, &ids).is_ok());
    assert_eq!(
        fields(check_promoted_products(&ids, active, &[])),
        ["product_ids[0]", "product_ids[1]", "product_ids[2]"]
    );
}

#[test]
fn a_claim_asks_for_something() {
    let mut e = vec![];
    check_claim_terms(Quantity::units(3), Some(100), &mut e);
    assert!(e.is_empty());
    check_claim_terms(Quantity::units(0), Some(0), &mut e);
    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["units", "amount_minor"]);
}

#[test]
fn a_default_claim_asks_for_no_more_than_is_open() {
    // 60% of 10,000 is 6,000; only 4,500 is open under the cap: the default asks 4,500.
    assert_eq!(claim_amount(None, 10_000, 6000, 4_500), Ok(4_500));
    // Within what is open: the whole share.
    assert_eq!(claim_amount(None, 5_000, 6000, 4_500), Ok(3_000));
    // An amount asked is taken as asked (the cap check judges it).
    assert_eq!(claim_amount(Some(9_000), 10_000, 6000, 4_500), Ok(9_000));
    // Nothing open: the whole share, for the cap check to refuse naming what is open.
    assert_eq!(claim_amount(None, 10_000, 6000, 0), Ok(6_000));
    assert!(claim_amount(None, 0, 6000, 4_500).is_err());
}
