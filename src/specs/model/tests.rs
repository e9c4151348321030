use super::*;

#[test]
fn quotes_are_for_quotable_versions_in_the_target_currency() {
    assert_eq!(check_quote(2, VersionStatus::Issued, "EUR", "EUR"), Ok(()));
    assert_eq!(
        check_quote(2, VersionStatus::Approved, "EUR", "EUR"),
        Ok(())
    );
    let draft = check_quote(1, VersionStatus::Draft, "EUR", "EUR").unwrap_err();
    assert_eq!(draft.code(), crate::refusal::Code::ValidationFailed);
    assert!(matches!(&draft, Refusal::Invalid(f) if f[0].field == "version_number"));
    let other = check_quote(2, VersionStatus::Issued, "EUR", "GBP").unwrap_err();
    assert!(
        matches!(&other, Refusal::Invalid(f) if f[0].field == "currency"
        && f[0].message.contains("EUR"))
    );
}

fn m(t: &str) -> Measure {
    Measure::parse(t).unwrap()
}

fn req(code: &str, min: Option<&str>, max: Option<&str>, critical: bool) -> Requirement {
    Requirement {
        code: code.into(),
        attribute: "Wall thickness".into(),
        target: None,
        min: min.map(m),
        max: max.map(m),
        unit: "MMT".into(),
        critical,
    }
}

#[test]
fn target_cost_rounds_down() {
    // 9.99 at 40% margin: 5.994 → 5.99.
    assert_eq!(target_cost(999, 4_000), 599);
    assert_eq!(target_cost(1_000, 0), 1_000);
    assert_eq!(target_cost(1_000, 10_000), 0);
    // 3.33 at 33.33%: 2.220111 → 2.22.
    assert_eq!(target_cost(333, 3_333), 222);
    let mut e = vec![];
    check_pricing(100, 10_001, &mut e);
    check_pricing(-1, -1, &mut e);
    assert_eq!(e.len(), 3);
    assert_eq!(gap_to_target(650, 599), (51, Some(851)));
    assert_eq!(gap_to_target(500, 0), (500, None));
    // Rounded half up like every other ratio, not truncated: 76/1724 = 440.8 bp.
    assert_eq!(gap_to_target(1800, 1724), (76, Some(441)));
    // Below target, halves round away from zero: -1/8 = -12.5 bp.
    assert_eq!(gap_to_target(7999, 8000), (-1, Some(-1)));
    assert_eq!(gap_to_target(15, 16), (-1, Some(-625)));
}

#[test]
fn requirement_ranges_are_checked() {
    let mut e = vec![];
    check_requirements(&[req("A", Some("0.23"), Some("0.27"), true)], &mut e);
    assert!(e.is_empty(), "{e:?}");
    let mut bad = req("A", Some("0.3"), Some("0.2"), false);
    let mut e = vec![];
    check_requirements(&[bad.clone()], &mut e);
    assert_eq!(e[0].field, "requirements[0].min");
    bad = Requirement {
        target: Some(m("0.5")),
        ..req("A", Some("0.2"), Some("0.3"), false)
    };
    let mut e = vec![];
    check_requirements(
        &[
            bad,
            req("A", None, None, false),
            req("b c", Some("1"), None, false),
        ],
        &mut e,
    );
    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "requirements[0].target",
            "requirements[1].code",
            "requirements[1].min",
            "requirements[2].code"
        ]
    );
    let mut e = vec![];
    check_requirements(&[], &mut e);
    assert_eq!(e[0].field, "requirements");
}

#[test]
fn tolerance_bounds_are_inclusive_and_may_be_open() {
    assert!(within(m("0.23"), Some(m("0.23")), Some(m("0.27"))));
    assert!(within(m("0.27"), Some(m("0.23")), Some(m("0.27"))));
    assert!(!within(m("0.271"), Some(m("0.23")), Some(m("0.27"))));
    assert!(within(m("-40"), None, Some(m("-18"))));
    assert!(!within(m("5"), Some(m("6")), None));
}

#[test]
fn any_critical_requirement_out_fails_the_inspection() {
    let reqs = vec![
        req("WALL", Some("0.23"), Some("0.27"), true),
        req("GLOSS", Some("80"), None, false),
    ];
    let (v, r) = judge(
        &reqs,
        &[
            Measurement {
                code: "WALL".into(),
                value: m("0.25"),
            },
            Measurement {
                code: "GLOSS".into(),
                value: m("70"),
            },
        ],
    )
    .unwrap();
    assert_eq!(v, Verdict::Pass);
    assert!(!r[1].in_tolerance);
    let (v, _) = judge(
        &reqs,
        &[Measurement {
            code: "WALL".into(),
            value: m("0.28"),
        }],
    )
    .unwrap();
    assert_eq!(v, Verdict::Fail);
    let e = judge(
        &reqs,
        &[Measurement {
            code: "GLOSS".into(),
            value: m("90"),
        }],
    )
    .unwrap_err();
    assert_eq!(e[0].field, "measurements");
    let e = judge(
        &reqs,
        &[
            Measurement {
                code: "WALL".into(),
                value: m("0.25"),
            },
            Measurement {
                code: "NOPE".into(),
                value: m("1"),
            },
        ],
    )
    .unwrap_err();
    assert_eq!(e[0].field, "measurements[1].code");
}

#[test]
fn versions_move_one_way() {
    use VersionAction::*;
    assert_eq!(
        next_version_status(VersionStatus::Draft, Issue),
        Ok(VersionStatus::Issued)
    );
    assert_eq!(
        next_version_status(VersionStatus::Issued, Approve),
        Ok(VersionStatus::Approved)
    );
    assert_eq!(
        next_version_status(VersionStatus::Issued, Edit),
        Err(Refusal::not_allowed(
            "specification version",
            "issued",
            "edit",
            ["approve", "withdraw"]
        ))
    );
    assert!(next_version_status(VersionStatus::Superseded, Withdraw).is_err());
    assert!(next_version_status(VersionStatus::Draft, Approve).is_err());
    assert!(!visible_to_suppliers(VersionStatus::Draft));
    assert!(quotable(VersionStatus::Approved) && !quotable(VersionStatus::Superseded));
}

#[test]
fn non_conformances_close_only_after_verification() {
    use NcAction::*;
    assert_eq!(
        next_nc_status(NcStatus::Open, ProposeAction),
        Ok(NcStatus::ActionProposed)
    );
    assert_eq!(
        next_nc_status(NcStatus::ActionProposed, RejectAction),
        Ok(NcStatus::Open)
    );
    assert_eq!(
        next_nc_status(NcStatus::ActionProposed, Verify),
        Ok(NcStatus::Verified)
    );
    assert_eq!(
        next_nc_status(NcStatus::Open, Close),
        Err(Refusal::not_allowed(
            "non-conformance",
            "open",
            "close",
            ["propose_action"]
        ))
    );
    assert_eq!(
        next_nc_status(NcStatus::Verified, Close),
        Ok(NcStatus::Closed)
    );
    assert_eq!(ProposeAction.by(), NcRole::Supplier);
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert!(nc_overdue(NcStatus::Open, d("2026-11-01"), d("2026-11-25")));
    assert!(!nc_overdue(
        NcStatus::Closed,
        d("2026-11-01"),
        d("2026-11-25")
    ));
    assert!(!nc_overdue(
        NcStatus::Open,
        d("2026-11-25"),
        d("2026-11-25")
    ));
}

#[test]
fn return_rates_are_basis_points_of_supply() {
    assert_eq!(return_rate_bp(3_000, 200_000), Some(150));
    assert_eq!(return_rate_bp(1_000, 0), None);
    assert_eq!(Measure::parse("-0.5").unwrap().to_string(), "-0.5");
}

#[test]
fn a_return_is_traced_to_an_approved_supplier() {
    let approved = vec!["a".to_string(), "b".to_string()];
    assert_eq!(
        supplier_of_return(Some("b".into()), &approved),
        Ok(Some("b".into()))
    );
    assert!(supplier_of_return(Some("c".into()), &approved).is_err());
    assert!(supplier_of_return(None, &approved).is_err());
    assert_eq!(
        supplier_of_return(None, &approved[..1]),
        Ok(Some("a".into()))
    );
    assert_eq!(supplier_of_return(None, &[]), Ok(None));
}

#[test]
fn suppliers_quote_and_are_inspected_on_what_they_were_given() {
    assert!(check_approved_supplier(true).is_ok());
    assert!(check_approved_supplier(false).is_err());
    assert!(check_inspectable(2, VersionStatus::Superseded).is_ok());
    assert!(check_inspectable(3, VersionStatus::Draft).is_err());
}

#[test]
fn a_quote_holds_a_cost_and_a_plausible_lead_time() {
    let mut e = vec![];
    check_quote_terms(650, Some(30), &mut e);
    assert!(e.is_empty());
    check_quote_terms(-1, Some(4000), &mut e);
    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["unit_cost_minor", "lead_time_days"]);
}
