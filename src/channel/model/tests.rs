use super::*;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

fn current(id: &str, start: NaiveDate, end: NaiveDate) -> CurrentReport {
    CurrentReport {
        id: id.into(),
        period_start: start,
        period_end: end,
        revision: 1,
    }
}

#[test]
fn periods_run_forwards_are_bounded_and_past() {
    let mut e = vec![];
    check_report_period(d(3, 1), d(2, 1), d(11, 25), &mut e);
    assert_eq!(e[0].field, "period_end");
    let mut e = vec![];
    check_report_period(d(1, 1), d(12, 1), d(11, 25), &mut e);
    assert_eq!(e.len(), 1, "{e:?}");
    let mut e = vec![];
    check_report_period(d(10, 1), d(10, 31), d(11, 25), &mut e);
    assert!(e.is_empty());
    let mut e = vec![];
    let long_ago = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    check_report_period(long_ago, d(1, 1), d(11, 25), &mut e);
    assert_eq!(e.len(), 1);
}

#[test]
fn a_period_is_reported_once_and_corrected_only_as_a_whole() {
    let oct = current("oct", d(10, 1), d(10, 31));
    assert_eq!(
        place_report(&[], d(10, 1), d(10, 31), ReportPurpose::Original),
        Ok(Placement::First)
    );
    assert_eq!(
        place_report(&[], d(10, 1), d(10, 31), ReportPurpose::Replacement),
        Err(PlacementError::NothingToReplace)
    );
    assert_eq!(
        place_report(
            std::slice::from_ref(&oct),
            d(10, 1),
            d(10, 31),
            ReportPurpose::Original
        ),
        Err(PlacementError::AlreadyReported(oct.clone()))
    );
    assert_eq!(
        place_report(
            std::slice::from_ref(&oct),
            d(10, 1),
            d(10, 31),
            ReportPurpose::Replacement
        ),
        Ok(Placement::Replaces(oct.clone()))
    );
    // A week inside October would count those days twice, whatever the purpose.
    for purpose in [ReportPurpose::Original, ReportPurpose::Replacement] {
        assert_eq!(
            place_report(std::slice::from_ref(&oct), d(10, 5), d(10, 11), purpose),
            Err(PlacementError::Overlaps(oct.clone()))
        );
    }
}

#[test]
fn lines_keep_to_the_products_unit() {
    let cans = ProductUnit {
        id: "p".into(),
        base_unit: "EA".into(),
    };
    let mut e = vec![];
    check_line(
        "lines[0]",
        Some("KGM"),
        &cans,
        Quantity(1500),
        -1,
        Some(Quantity(2500)),
        &mut e,
    );
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "lines[0].unit",
            "lines[0].units_sold",
            "lines[0].stock_on_hand",
            "lines[0].value_minor"
        ]
    );
    let mut e = vec![];
    check_line(
        "lines[1]",
        None,
        &cans,
        Quantity::units(12),
        3588,
        None,
        &mut e,
    );
    assert!(e.is_empty());
}

fn input(product_id: Option<&str>, gtin: Option<&str>) -> SellOutLineInput {
    SellOutLineInput {
        product_id: product_id.map(str::to_string),
        gtin: gtin.map(str::to_string),
        location_gln: None,
        unit: None,
        units_sold: Quantity::units(5).into(),
        value_minor: 500.into(),
        stock_on_hand: None,
    }
}

#[test]
fn every_bad_line_is_named_and_good_ones_resolve() {
    let id = "0193a1b2-0000-7000-8000-0000000000a1";
    let cans = ProductUnit {
        id: id.into(),
        base_unit: "EA".into(),
    };
    let lines = vec![
        input(Some(id), None),
        input(None, Some("5000000000012")),
        input(None, None),
        input(Some("x"), None),
        input(None, Some("5000000000017")),
        input(Some("0193a1b2-0000-7000-8000-0000000000ff"), None),
        input(Some(id), None),
    ];
    let mut e = vec![];
    let refs = product_refs(&lines, &mut e);
    let find = |r: &ProductRef| match r {
        ProductRef::Id(i) if i == id => Some(cans.clone()),
        ProductRef::Gtin14(g) if g == "05000000000012" => Some(ProductUnit {
            id: "other".into(),
            base_unit: "KGM".into(),
        }),
        _ => None,
    };
    let ok = resolve_lines(lines, refs, find, &mut e);
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "lines[2]",
            "lines[3].product_id",
            "lines[4].gtin",
            "lines[5].product_id",
            "lines[6]"
        ]
    );
    assert_eq!(ok.len(), 3);
    assert_eq!(ok[1].product_id, "other");
}

#[test]
fn long_error_lists_are_capped_and_counted() {
    let errors = (0..250)
        .map(|i| FieldError::new(format!("lines[{i}].units_sold"), "bad"))
        .collect();
    let capped = cap_errors(errors);
    assert_eq!(capped.len(), MAX_LINE_ERRORS + 1);
    assert!(capped.last().unwrap().message.contains("50 more"));
}

#[test]
fn wallet_smaller_than_our_deliveries_is_flagged() {
    let year = Period::parse("2026").unwrap();
    let w = supplied_beyond_wallet(Quantity::units(100), Quantity::units(120), "EA", year).unwrap();
    assert_eq!(w.field, "total_quantity");
    assert!(w.message.contains("120 EA"), "{}", w.message);
    assert!(
        supplied_beyond_wallet(Quantity::units(100), Quantity::units(100), "EA", year).is_none()
    );
    let mut e = vec![];
    check_share_bp("target_share_bp", Some(10_001), &mut e);
    check_share_bp("target_share_bp", Some(3000), &mut e);
    assert_eq!(e.len(), 1);
}

#[test]
fn csv_lines_read_like_json_ones_and_name_what_they_cannot_read() {
    let csv = "\u{feff}gtin,units_sold,value_minor,stock_on_hand\n\
               5000000000012,12,1199,40\n\
               5000000000012, -3 ,ten,\n";
    let lines = lines_from_csv(csv.as_bytes()).unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].gtin.as_deref(), Some("5000000000012"));
    assert_eq!(lines[0].units_sold, Lenient::Read(Quantity::units(12)));
    assert_eq!(lines[0].value_minor, Lenient::Read(1199));
    assert_eq!(
        lines[0].stock_on_hand,
        Some(Lenient::Read(Quantity::units(40)))
    );
    assert!(matches!(lines[1].units_sold, Lenient::Unreadable(_)));
    assert!(matches!(lines[1].value_minor, Lenient::Unreadable(_)));
    assert_eq!(lines[1].stock_on_hand, None);
    let e = lines_from_csv(b"sku,units\n1,2\n").unwrap_err();
    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["header[0]", "header[1]", "header"]);
    let e = lines_from_csv(b"gtin,units_sold\n5000000000012,1,9\n").unwrap_err();
    assert_eq!(e[0].field, "lines[0]");
}
