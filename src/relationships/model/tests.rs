use super::*;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn weights_sum_to_a_hundred() {
    assert!(check_weights(&Weights::DEFAULT).is_empty());
    let w = Weights {
        fill_rate: 30,
        ..Weights::DEFAULT
    };
    assert_eq!(check_weights(&w)[0].field, "weights");
    let w = Weights {
        on_time_delivery: -10,
        fill_rate: 65,
        ..Weights::DEFAULT
    };
    assert_eq!(check_weights(&w)[0].field, "on_time_delivery");
}

#[test]
fn on_time_counts_lines_received_by_their_date() {
    let r = on_time_delivery(&[
        Delivery {
            received_on: d("2026-03-10"),
            due: Some(d("2026-03-10")),
            confirmed: false,
        },
        Delivery {
            received_on: d("2026-03-11"),
            due: Some(d("2026-03-10")),
            confirmed: true,
        },
        Delivery {
            received_on: d("2026-03-01"),
            due: Some(d("2026-03-10")),
            confirmed: false,
        },
        Delivery {
            received_on: d("2026-03-01"),
            due: None,
            confirmed: false,
        },
    ]);
    assert_eq!((r.on_time, r.late, r.without_requested_date), (2, 1, 1));
    assert_eq!(r.against_confirmed_date, 1);
    assert_eq!(r.rate_bp, Some(6667));
    assert_eq!(r.score, Some(67));
    assert_eq!(on_time_delivery(&[]).score, None);
}

#[test]
fn fill_rate_caps_each_line_at_its_order() {
    let r = fill_rate(&[
        OrderedLine {
            ordered_milli: 100_000,
            received_milli: 120_000,
        },
        OrderedLine {
            ordered_milli: 100_000,
            received_milli: 50_000,
        },
    ]);
    assert_eq!(r.received, Quantity(150_000));
    assert_eq!(r.rate_bp, Some(7500));
    assert_eq!(r.score, Some(75));
}

#[test]
fn quality_takes_the_worse_signal_and_open_ncs_cost_points() {
    let q = quality(QualityFacts {
        passed: 3,
        failed: 1,
        returned_milli: 2_000,
        kept_milli: 200_000,
        open_non_conformances: 1,
        ..QualityFacts::default()
    });
    assert_eq!(q.pass_rate_bp, Some(7500));
    assert_eq!(q.return_rate_bp, Some(100));
    // min(75%, 99%) = 75 points, less 5 for the open non-conformance.
    assert_eq!(q.score, Some(70));
    assert_eq!(quality(QualityFacts::default()).score, None);
    let q = quality(QualityFacts {
        passed: 0,
        failed: 1,
        open_non_conformances: 3,
        ..QualityFacts::default()
    });
    assert_eq!(q.score, Some(0));
    let q = quality(QualityFacts {
        accepted_milli: 95_000,
        rejected_milli: 5_000,
        ..QualityFacts::default()
    });
    assert_eq!(
        (q.pass_rate_bp, q.acceptance_rate_bp, q.score),
        (None, Some(9500), Some(95))
    );
    // A supplier whose inspections all passed but 5 of 60 units were rejected at goods receipt
    // scores on the worse of the two.
    let q = quality(QualityFacts {
        passed: 2,
        accepted_milli: 55_000,
        rejected_milli: 5_000,
        kept_milli: 55_000,
        ..QualityFacts::default()
    });
    assert_eq!(
        (q.pass_rate_bp, q.acceptance_rate_bp, q.score),
        (Some(10_000), Some(9167), Some(92))
    );
    assert_eq!(
        (q.accepted.to_string(), q.rejected.to_string()),
        ("55".into(), "5".into())
    );
}

#[test]
fn responsiveness_is_the_median_scaled_between_a_day_and_a_week() {
    let t = |h: i64| {
        let s: NaiveDateTime = d("2026-03-01").and_hms_opt(0, 0, 0).unwrap();
        (s, s + chrono::Duration::hours(h))
    };
    assert_eq!(median(vec![5, 1, 3]), Some(3));
    assert_eq!(median(vec![4, 1, 3, 2]), Some(3));
    assert_eq!(median(vec![]), None);
    assert_eq!(responsiveness(&[t(2), t(10)], 0).score, Some(100));
    assert_eq!(responsiveness(&[t(168)], 1).score, Some(0));
    // 96 hours: (168 − 96) ÷ (168 − 24) = 50%.
    let r = responsiveness(&[t(90), t(96), t(200)], 2);
    assert_eq!(
        (r.median_minutes, r.score, r.awaiting),
        (Some(96 * 60), Some(50), 2)
    );
}

#[test]
fn the_score_reweights_over_the_indicators_with_figures() {
    let w = Weights::DEFAULT;
    assert_eq!(
        weighted_score(&w, [Some(100), Some(100), Some(100), Some(100), Some(100)]),
        Some(100)
    );
    // 30×50 + 25×100 + 20×70 = 5400 over 75 = 72.
    assert_eq!(
        weighted_score(&w, [Some(50), Some(100), Some(70), None, None]),
        Some(72)
    );
    assert_eq!(weighted_score(&w, [None; 5]), None);
}

fn tier(
    code: TierCode,
    volume: Option<i64>,
    share: Option<i64>,
    score: Option<i64>,
    tenure: Option<i64>,
) -> Tier {
    Tier {
        code,
        criteria: TierCriteria {
            min_annual_volume_minor: volume,
            min_share_bp: share,
            min_score: score,
            min_tenure_years: tenure,
        },
        benefits: TierBenefits {
            payment_terms_days: 30,
            discount_bp: 0,
            service_level: "standard".into(),
        },
    }
}

fn ladder() -> Vec<Tier> {
    vec![
        tier(TierCode::Vendor, None, None, None, None),
        tier(
            TierCode::PreferredSupplier,
            Some(1_000_000),
            None,
            Some(60),
            None,
        ),
        tier(
            TierCode::Partner,
            Some(5_000_000),
            Some(3000),
            Some(75),
            Some(2),
        ),
        tier(
            TierCode::StrategicPartner,
            Some(20_000_000),
            Some(5000),
            Some(85),
            Some(5),
        ),
    ]
}

#[test]
fn the_ladder_rises_monotonically() {
    assert!(check_ladder(&ladder()).is_empty());
    let mut l = ladder();
    l[3].criteria.min_score = Some(70);
    assert_eq!(check_ladder(&l)[0].field, "tiers[3].criteria.min_score");
    let mut l = ladder();
    l[3].criteria.min_share_bp = None;
    assert_eq!(check_ladder(&l)[0].field, "tiers[3].criteria.min_share_bp");
    let mut l = ladder();
    l.swap(1, 2);
    assert_eq!(check_ladder(&l)[0].field, "tiers");
}

#[test]
fn the_recommendation_is_the_highest_tier_wholly_met() {
    let mut f = PartnerFigures {
        annual_volume_minor: 6_000_000,
        share_bp: Some(3800),
        share_applies: true,
        score: Some(80),
        tenure_years: Some(3),
    };
    let (rows, tier) = evaluate(&ladder(), &f, "CNY");
    assert_eq!(tier, TierCode::Partner);
    assert!(!rows[3].met);
    f.share_bp = Some(2900);
    let (rows, tier) = evaluate(&ladder(), &f, "CNY");
    assert_eq!(tier, TierCode::PreferredSupplier);
    let share = rows[2]
        .criteria
        .iter()
        .find(|c| c.criterion == "min_share_bp")
        .unwrap();
    assert!(!share.met);
    assert_eq!(share.note.as_deref(), Some("2900 is short of 3000 by 100"));
    // A supplier-only partner is not held to share of customer.
    f.share_applies = false;
    f.share_bp = None;
    assert_eq!(evaluate(&ladder(), &f, "CNY").1, TierCode::Partner);
}

#[test]
fn four_eyes_and_overdue_actions() {
    assert!(crate::lifecycle::check_four_eyes("tier change", "u1", "u1").is_err());
    assert!(crate::lifecycle::check_four_eyes("tier change", "u1", "u2").is_ok());
    assert!(action_overdue(
        ActionStatus::Open,
        d("2026-03-01"),
        d("2026-03-02")
    ));
    assert!(!action_overdue(
        ActionStatus::Done,
        d("2026-03-01"),
        d("2026-03-02")
    ));
    assert!(!action_overdue(
        ActionStatus::Open,
        d("2026-03-02"),
        d("2026-03-02")
    ));
}

#[test]
fn a_tier_change_is_decided_once_by_a_second_person() {
    use TierChangeAction::*;
    assert_eq!(
        decide_tier_change(TierChangeStatus::Proposed, Approve, "u1", "u2"),
        Ok(TierChangeStatus::Approved)
    );
    assert_eq!(
        decide_tier_change(TierChangeStatus::Proposed, Reject, "u1", "u2"),
        Ok(TierChangeStatus::Rejected)
    );
    let own = decide_tier_change(TierChangeStatus::Proposed, Approve, "u1", "u1").unwrap_err();
    assert_eq!(own.code(), crate::refusal::Code::FourEyes);
    assert_eq!(
        decide_tier_change(TierChangeStatus::Approved, Reject, "u1", "u2"),
        Err(Refusal::not_allowed(
            "tier change",
            "approved",
            "reject",
            []
        ))
    );
}

#[test]
fn a_tier_change_changes_the_tier() {
    assert!(check_tier_moves(TierCode::Vendor, TierCode::Partner).is_ok());
    let same = check_tier_moves(TierCode::Partner, TierCode::Partner).unwrap_err();
    assert_eq!(
        same,
        Refusal::invalid("to_tier", "the partner is already `partner` on that day")
    );
}

#[test]
fn a_plan_action_key_reads_back_what_it_wrote_and_nothing_else() {
    let key = ActionKey {
        due_date: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap(),
        plan_id: "0193a1b2-0000-7000-8000-0000000000f1".into(),
        number: 2,
    };
    assert_eq!(ActionKey::parse(&key.to_string()), Some(key));
    assert_eq!(ActionKey::parse("2027-01-15|not-a-uuid|2"), None);
    assert_eq!(
        ActionKey::parse("2027-01-15|0193a1b2-0000-7000-8000-0000000000f1"),
        None
    );
    assert_eq!(
        ActionKey::parse("2027-01-15|0193a1b2-0000-7000-8000-0000000000f1|2|x"),
        None
    );
}
