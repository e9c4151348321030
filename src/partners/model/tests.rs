use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn tenure_counts_whole_years() {
    // Marks & Spencer's oldest supplier relationship: over 100 years.
    assert_eq!(tenure_years(d(1925, 1, 1), d(2026, 11, 25)), Some(101));
    assert_eq!(tenure_years(d(1925, 12, 1), d(2026, 11, 25)), Some(100));
    assert_eq!(tenure_years(d(2026, 11, 25), d(2026, 11, 25)), Some(0));
    assert_eq!(tenure_years(d(2027, 1, 1), d(2026, 11, 25)), None);
    assert_eq!(tenure_years(d(2024, 2, 29), d(2025, 2, 28)), Some(0));
    assert_eq!(tenure_years(d(2024, 2, 29), d(2025, 3, 1)), Some(1));
}

#[test]
fn status_transitions() {
    use PartnerStatus::*;
    assert!(check_status_change(Prospect, Active).is_ok());
    assert!(check_status_change(Active, Suspended).is_ok());
    assert!(check_status_change(Suspended, Active).is_ok());
    assert!(check_status_change(Terminated, Terminated).is_ok());
    assert!(check_status_change(Terminated, Active).is_err());
    let refused = check_status_change(Prospect, Suspended).unwrap_err();
    assert_eq!(
        refused,
        Refusal::not_allowed("partner", "prospect", "suspended", ["active", "terminated"])
            .on_field("status")
    );
}

#[test]
fn roles_round_trip_through_flags() {
    let roles = vec![PartnerRole::Manufacturer, PartnerRole::KeyAccount];
    assert_eq!(roles_of(flags_of(&roles)), roles);
}

#[test]
fn input_checks_name_fields() {
    let mut e = vec![];
    check_roles(&[], &mut e);
    check_gln("gln", Some("4012345000008".into()), &mut e);
    check_country(Some("ZZ".into()), &mut e);
    Name::check("name", "  ", &mut e);
    check_erp_references(
        &[ErpReference {
            system: "".into(),
            reference: "x".into(),
        }],
        &mut e,
    );
    let fields: Vec<_> = e.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "roles",
            "gln",
            "country",
            "name",
            "erp_references[0].system"
        ]
    );
}

#[test]
fn overdue_only_when_open_and_past_due() {
    let today = d(2026, 11, 25);
    assert!(is_overdue(
        InteractionStatus::Open,
        Some(d(2026, 11, 24)),
        today
    ));
    assert!(!is_overdue(InteractionStatus::Open, Some(today), today));
    assert!(!is_overdue(
        InteractionStatus::Closed,
        Some(d(2026, 11, 1)),
        today
    ));
    assert!(!is_overdue(InteractionStatus::Open, None, today));
}

#[test]
fn phones() {
    let mut e = vec![];
    assert_eq!(
        check_phone(Some(" +86 10 5555 0100 ".into()), &mut e).as_deref(),
        Some("+86 10 5555 0100")
    );
    assert!(e.is_empty());
    check_phone(Some("call me".into()), &mut e);
    check_phone(Some("12+34".into()), &mut e);
    assert_eq!(e.len(), 2);
}

#[test]
fn documents_name_partners_in_the_roles_they_need() {
    let distributor = flags_of(&[PartnerRole::Distributor]);
    let customers = [PartnerRole::Distributor, PartnerRole::KeyAccount];
    assert_eq!(
        require_role("partner_id", distributor, &customers, "x"),
        Ok(())
    );
    assert_eq!(
        require_role(
            "partner_id",
            distributor,
            &[PartnerRole::Manufacturer],
            "makers only"
        ),
        Err(Refusal::invalid("partner_id", "makers only"))
    );
}

#[test]
fn we_trade_only_with_active_partners() {
    assert_eq!(
        check_trading("counterparty_id", PartnerStatus::Active, false, "orders"),
        Ok(())
    );
    assert_eq!(
        check_trading("counterparty_id", PartnerStatus::Suspended, true, "orders"),
        Err(Refusal::invalid(
            "counterparty_id",
            "the partner is suspended and archived; orders need an active partner"
        ))
    );
}
