#![allow(
    clippy::inconsistent_digit_grouping,
    reason = "amounts are written as whole euros, then cents: 100_000_00 is EUR 100,000.00"
)]

use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn q(n: i64) -> Quantity {
    Quantity::units(n)
}

fn line() -> AgreementLine {
    AgreementLine {
        line_number: 1,
        product_id: "p1".into(),
        unit_price_minor: 1250,
        price_base_quantity: q(1),
        minimum_order_quantity: q(100),
        quantity_breaks: vec![
            QuantityBreak {
                min_quantity: q(1000),
                unit_price_minor: 1150,
            },
            QuantityBreak {
                min_quantity: q(5000),
                unit_price_minor: 1100,
            },
        ],
        committed_quantity: Some(q(12000)),
    }
}

fn terms() -> AgreementTerms {
    AgreementTerms {
        currency: "EUR".into(),
        valid_from: d("2027-01-01"),
        valid_to: Some(d("2027-12-31")),
        payment_terms_days: Some(60),
        incoterms: Some(Incoterm::Dap),
        incoterms_place: None,
        rebate: None,
        lines: vec![line()],
    }
}

fn fields(r: Refusal) -> Vec<String> {
    match r {
        Refusal::Invalid(e) => e.into_iter().map(|f| f.field).collect(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn breaks_price_a_line_from_their_quantity_up() {
    let l = line();
    assert_eq!(agreed_price(&l, q(100)).0, 1250);
    assert_eq!(agreed_price(&l, q(999)).0, 1250);
    assert_eq!(agreed_price(&l, q(1000)).0, 1150);
    assert_eq!(agreed_price(&l, q(4999)).0, 1150);
    assert_eq!(agreed_price(&l, q(5000)).0, 1100);
}

#[test]
fn a_line_below_the_minimum_is_named() {
    let mut e = vec![];
    check_minimum("lines[0].quantity", &line(), q(99), &mut e);
    assert_eq!(e[0].field, "lines[0].quantity");
    assert!(e[0].message.contains("100"));
    let mut e = vec![];
    check_minimum("lines[0].quantity", &line(), q(100), &mut e);
    assert!(e.is_empty());
}

#[test]
fn sound_terms_pass_and_each_bad_one_is_named() {
    assert!(check_terms(&terms()).is_ok());
    let mut t = terms();
    t.valid_to = Some(d("2026-12-31"));
    t.payment_terms_days = Some(400);
    t.lines[0].quantity_breaks[1].min_quantity = q(1000);
    t.lines[0].price_base_quantity = Quantity::ZERO;
    t.lines.push(line());
    t.rebate = Some(RebateScale {
        method: RebateMethod::Marginal,
        steps: vec![
            RebateStep {
                threshold_minor: 100,
                rate_bp: 100,
            },
            RebateStep {
                threshold_minor: 100,
                rate_bp: 20_000,
            },
        ],
    });
    let f = fields(check_terms(&t).unwrap_err());
    for expected in [
        "valid_to",
        "payment_terms_days",
        "lines[0].quantity_breaks[1].min_quantity",
        "lines[0].price_base_quantity",
        "lines[1].product_id",
        "rebate.steps[1].threshold_minor",
        "rebate.steps[1].rate_bp",
    ] {
        assert!(f.contains(&expected.to_string()), "{expected} in {f:?}");
    }
}

#[test]
fn a_commitment_is_above_zero_and_the_minimum() {
    let mut t = terms();
    t.lines[0].committed_quantity = Some(q(50));
    assert_eq!(
        fields(check_terms(&t).unwrap_err()),
        ["lines[0].committed_quantity"]
    );
    t.lines[0].committed_quantity = Some(Quantity::ZERO);
    t.lines[0].minimum_order_quantity = Quantity::ZERO;
    assert_eq!(
        fields(check_terms(&t).unwrap_err()),
        ["lines[0].committed_quantity"]
    );
}

#[test]
fn periods_overlap_when_they_share_a_day() {
    let y27 = (d("2027-01-01"), Some(d("2027-12-31")));
    assert!(periods_overlap(y27, (d("2027-12-31"), None)));
    assert!(!periods_overlap(y27, (d("2028-01-01"), None)));
    assert!(periods_overlap((d("2020-01-01"), None), y27));
    assert!(!periods_overlap(
        y27,
        (d("2026-01-01"), Some(d("2026-12-31")))
    ));
    assert!(covers(d("2027-01-01"), None, d("2099-01-01")));
    assert!(!covers(
        d("2027-01-01"),
        Some(d("2027-12-31")),
        d("2028-01-01")
    ));
}

#[test]
fn call_offs_add_up_and_stop_at_what_remains() {
    let b = CallOffBalance::new(q(100), q(70), q(50), q(20));
    assert_eq!(b.remaining_quantity, q(30));
    assert_eq!(
        b.called_off_quantity + b.remaining_quantity,
        b.committed_quantity
    );
    assert!(check_call_off("lines[0].quantity", &b, q(30)).is_ok());
    match check_call_off("lines[0].quantity", &b, q(31)).unwrap_err() {
        Refusal::Conflict { code, errors, .. } => {
            assert_eq!(code, Code::CallOffBeyondRemaining);
            assert_eq!(errors[0].field, "lines[0].quantity");
            assert!(errors[0].message.starts_with("30 remain"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_partner_in_the_wrong_role_is_refused() {
    assert!(check_partner_role(Direction::Purchase, true, false).is_ok());
    assert!(check_partner_role(Direction::Purchase, false, true).is_err());
    assert!(check_partner_role(Direction::Sales, false, true).is_ok());
    assert!(check_partner_role(Direction::Sales, true, false).is_err());
}

#[test]
fn the_proposer_does_not_decide() {
    assert!(check_decision(AgreementStatus::Proposed, "u1", "u2").is_ok());
    assert!(matches!(
        check_decision(AgreementStatus::Proposed, "u1", "u1"),
        Err(Refusal::Conflict {
            code: Code::FourEyes,
            ..
        })
    ));
    assert!(matches!(
        check_decision(AgreementStatus::Approved, "u1", "u2"),
        Err(Refusal::NotAllowed { .. })
    ));
}

fn scale(method: RebateMethod) -> RebateScale {
    RebateScale {
        method,
        steps: vec![
            RebateStep {
                threshold_minor: 0,
                rate_bp: 0,
            },
            RebateStep {
                threshold_minor: 100_000_00,
                rate_bp: 100,
            },
            RebateStep {
                threshold_minor: 250_000_00,
                rate_bp: 200,
            },
        ],
    }
}

#[test]
fn a_retroactive_rebate_pays_the_reached_rate_on_everything() {
    let s = scale(RebateMethod::Retroactive);
    assert_eq!(rebate_earned(&s, 99_999_99), 0);
    assert_eq!(rebate_earned(&s, 100_000_00), 1_000_00);
    assert_eq!(rebate_earned(&s, 300_000_00), 6_000_00);
    // Rounded once, half up: 1% of 100,000.50 is 1,000.005.
    assert_eq!(rebate_earned(&s, 100_000_50), 1_000_01);
}

#[test]
fn a_marginal_rebate_pays_each_rate_on_its_band() {
    let s = scale(RebateMethod::Marginal);
    assert_eq!(rebate_earned(&s, 100_000_00), 0);
    // 150,000 at 1%, then 50,000 at 2%.
    assert_eq!(rebate_earned(&s, 300_000_00), 1_500_00 + 1_000_00);
}

#[test]
fn a_mid_year_settlement_is_deducted_at_year_end() {
    let s = scale(RebateMethod::Retroactive);
    let mid = rebate_earned(&s, 120_000_00);
    assert_eq!(settlement_due(mid, 0), 1_200_00);
    let year = rebate_earned(&s, 300_000_00);
    assert_eq!(settlement_due(year, mid), 6_000_00 - 1_200_00);
}

#[test]
fn agreement_years_run_from_valid_from() {
    assert_eq!(
        agreement_year(d("2027-04-01"), d("2028-03-31")),
        (d("2027-04-01"), d("2028-03-31"))
    );
    assert_eq!(
        agreement_year(d("2027-04-01"), d("2028-04-01")),
        (d("2028-04-01"), d("2029-03-31"))
    );
}
