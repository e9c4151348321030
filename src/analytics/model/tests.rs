use super::*;

#[test]
fn shares_round_half_up_in_basis_points() {
    assert_eq!(share_bp(38, 100), Some(3800));
    assert_eq!(share_bp(1, 3), Some(3333));
    assert_eq!(share_bp(2, 3), Some(6667));
    assert_eq!(share_bp(1, 20_000), Some(1)); // 0.5 bp rounds up
    assert_eq!(share_bp(0, 500), Some(0));
    assert_eq!(share_bp(5, 0), None);
    assert_eq!(share_bp(i64::MAX / 2, i64::MAX / 2), Some(10_000));
}

#[test]
fn herfindahl_spans_one_supplier_to_many() {
    assert_eq!(herfindahl(&[700]), 10_000);
    assert_eq!(herfindahl(&[1; 10]), 1_000);
    assert_eq!(herfindahl(&[80, 20]), 6_800);
    assert_eq!(herfindahl(&[]), 0);
}

fn label(name: &str, segment: Option<&str>) -> PartnerLabel {
    PartnerLabel {
        name: name.into(),
        segment: segment.map(str::to_string),
    }
}

fn estimate(partner: &str, period: &str, total: i64, target: Option<i32>) -> WalletEstimate {
    let period = Period::parse(period).unwrap();
    WalletEstimate {
        id: format!("e-{partner}-{period}"),
        partner_id: partner.into(),
        category: "aerosol cans".into(),
        period,
        granularity: period.granularity,
        period_start: period.start(),
        period_end: period.end(),
        total_quantity: Quantity::units(total),
        unit: "EA".into(),
        source: EstimateSource::Survey,
        target_share_bp: target,
        notes: None,
        entered_by: "u".into(),
        version: 1,
        created_at: chrono::Utc::now(),
        updated_at: chrono::Utc::now(),
    }
}

fn supplied(partner: &str, day: &str, units: i64) -> Supplied {
    Supplied {
        partner_id: partner.into(),
        category: "aerosol cans".into(),
        unit: "EA".into(),
        day: day.parse().unwrap(),
        milli: units * 1000,
    }
}

/// The COFCO MC Packaging figures: 38% across the top-10 brands, 53% across second-line
/// brands, 0% at a first-line brand; customers under 30% are growth targets.
#[test]
fn cofco_shares_by_customer_and_segment() {
    let partners = HashMap::from([
        ("a".to_string(), label("Brand A", Some("top_10"))),
        ("b".to_string(), label("Brand B", Some("top_10"))),
        ("s".to_string(), label("Second line", Some("second_line"))),
        ("f".to_string(), label("First line", Some("first_line"))),
    ]);
    let estimates = vec![
        estimate("a", "2026", 1000, Some(4000)),
        estimate("b", "2026", 1000, None),
        estimate("s", "2026", 1000, None),
        estimate("f", "2026", 500, None),
    ];
    let deliveries = vec![
        supplied("a", "2026-02-01", 100),
        supplied("a", "2026-09-01", 150),
        supplied("b", "2026-03-01", 510),
        supplied("s", "2026-05-01", 530),
    ];
    let periods = [Period::parse("2026").unwrap()];
    let rows = customer_shares(&periods, &estimates, &deliveries, &partners, 3000);
    let by = |id: &str| rows.iter().find(|r| r.partner_id == id).unwrap();
    assert_eq!(by("a").share_bp, Some(2500));
    assert_eq!(by("a").gap_bp, Some(1500));
    assert!(by("a").growth_target);
    assert_eq!(by("b").share_bp, Some(5100));
    assert!(!by("b").growth_target);
    assert_eq!(by("s").share_bp, Some(5300));
    assert_eq!(by("f").share_bp, Some(0));
    assert!(by("f").growth_target);
    let segments = group_shares(&rows, |r| r.segment.clone().map(Some));
    let seg = |s: &str| {
        segments
            .iter()
            .find(|g| g.segment.as_deref() == Some(s))
            .unwrap()
    };
    assert_eq!(seg("top_10").share_bp, Some(3800));
    assert_eq!(seg("top_10").growth_targets, 1);
    assert_eq!(seg("second_line").share_bp, Some(5300));
    assert_eq!(seg("first_line").share_bp, Some(0));
    let portfolio = group_shares(&rows, |_| Some(None));
    assert_eq!(portfolio.len(), 1);
    // 1290 of 3500.
    assert_eq!(portfolio[0].share_bp, Some(3686));
}

#[test]
fn trend_follows_the_periods_and_gaps_stay_visible() {
    let partners = HashMap::from([("a".to_string(), label("A", None))]);
    let estimates = vec![
        estimate("a", "2026-Q1", 100, None),
        estimate("a", "2026-Q2", 100, None),
        estimate("a", "2026", 400, None), // another grain: ignored
    ];
    let deliveries = vec![
        supplied("a", "2026-01-15", 20),
        supplied("a", "2026-05-15", 35),
        supplied("a", "2026-08-15", 10),
        supplied("a", "2026-05-20", 120), // Q2 brings more than the estimate says they bought
    ];
    let periods = Period::range(
        Period::parse("2026-Q1").unwrap(),
        Period::parse("2026-Q3").unwrap(),
    )
    .unwrap();
    let rows = customer_shares(&periods, &estimates, &deliveries, &partners, 3000);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].share_bp, Some(2000));
    assert_eq!(rows[0].trend, None);
    assert_eq!(rows[1].share_bp, Some(15_500));
    assert!(rows[1].estimate_below_supplied);
    assert_eq!(rows[1].change_bp, Some(13_500));
    assert_eq!(rows[1].trend, Some(Trend::Up));
    assert_eq!(rows[2].share_bp, None, "no estimate for Q3");
    assert_eq!(rows[2].our_quantity, Quantity::units(10));
    assert!(!rows[2].growth_target);
}

#[test]
fn supplier_concentration_and_single_source() {
    let partners = HashMap::new();
    let mut r = vec![
        supplied("v1", "2026-01-01", 80),
        supplied("v2", "2026-01-01", 20),
    ];
    r.push(Supplied {
        category: "labels".into(),
        ..supplied("v3", "2026-01-01", 5)
    });
    let out = supplier_shares(&r, &partners);
    assert_eq!(out[0].category, "labels");
    assert!(out[0].single_source);
    assert_eq!(out[0].herfindahl_index, 10_000);
    let cans = &out[1];
    assert_eq!(cans.largest_share_bp, 8000);
    assert_eq!(cans.herfindahl_index, 6800);
    assert!(cans.highly_concentrated && !cans.single_source);
    assert_eq!(cans.suppliers[0].partner_id, "v1");
}

/// The travel-agency case: a few customers make most of the sales.
#[test]
fn abc_classes_by_cumulative_share() {
    let values = [50, 20, 10, 8, 5, 3, 2, 1, 1, 0];
    let contributions: HashMap<String, i64> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("p{i}"), *v))
        .collect();
    let ranked = rank_abc(contributions, &HashMap::new(), 8000, 9500);
    let classes: String = ranked.iter().map(|e| e.class.as_str()).collect();
    // 50, 70, 80 | 88, 93 | 96, 98, 99, 100; the partner with nothing is not ranked.
    assert_eq!(classes, "AAABBCCCC");
    assert_eq!(ranked[2].cumulative_share_bp, 8000);
    assert_eq!(ranked.last().unwrap().cumulative_share_bp, 10_000);
    let one_giant = HashMap::from([("g".to_string(), 90), ("s".to_string(), 10)]);
    let ranked = rank_abc(one_giant, &HashMap::new(), 8000, 9500);
    assert_eq!(ranked[0].class, AbcClass::A);
    assert_eq!(ranked[1].class, AbcClass::C);
    assert_eq!(check_abc_thresholds(8000, 9500).len(), 0);
    assert_eq!(check_abc_thresholds(9500, 8000).len(), 1);
    assert_eq!(check_abc_thresholds(0, 10_001).len(), 2);
}

#[test]
fn stock_cover_uses_latest_stock_and_every_reported_day() {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let line = |end: &str, product: &str, sold: i64, stock: Option<i64>| Reported {
        partner_id: "dc".into(),
        period_end: d(end),
        product_id: product.into(),
        units_sold_milli: sold * 1000,
        stock_on_hand_milli: stock.map(|s| s * 1000),
    };
    // Lines by the end of their report's period.
    let reported = vec![
        line("2026-10-15", "tv", 300, Some(500)),
        line("2026-10-15", "tv", 300, Some(400)),
        line("2026-10-31", "tv", 600, Some(450)),
        // The radio is missing from the second report: it sold nothing then.
        line("2026-10-15", "radio", 31, Some(200)),
        line("2026-10-15", "cable", 0, None),
    ];
    let periods = vec![
        ("dc".to_string(), d("2026-10-01"), d("2026-10-15")),
        ("dc".to_string(), d("2026-10-16"), d("2026-10-31")),
    ];
    let covers = stock_covers(&reported, &periods, 14);
    assert_eq!(covers.len(), 2, "the cable never had stock reported");
    let (_, product, tv) = &covers[0];
    assert_eq!(product, "tv");
    assert_eq!(tv.stock_on_hand, Quantity::units(450));
    assert_eq!(tv.stock_as_of, d("2026-10-31"));
    assert_eq!(tv.days_reported, 31);
    // 450 ÷ (1200 ÷ 31) = 11.625 days.
    assert_eq!(tv.cover_tenths, Some(116));
    assert!(tv.below_threshold);
    let (_, _, radio) = &covers[1];
    assert_eq!(radio.cover_tenths, Some(2000));
    assert!(!radio.below_threshold);
}

#[test]
fn stock_cover_in_days() {
    // 450 on hand, 1200 sold over 30 days = 40 a day: 11.25 days, 11.3 to one decimal.
    assert_eq!(cover_tenths(450_000, 1_200_000, 30), Some(113));
    assert_eq!(cover_tenths(10_000, 0, 30), None);
    assert_eq!(daily_average(1_200_000, 30), Quantity::units(40));
    assert_eq!(daily_average(1_000, 3), Quantity(333));
}
