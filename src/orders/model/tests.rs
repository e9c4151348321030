use super::*;

#[test]
fn document_dates_do_not_come_before_the_issue_date() {
    let issued = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
    let mut e = vec![];
    check_not_before_issue("due_date", issued.pred_opt(), issued, &mut e);
    check_not_before_issue("requested_delivery_date", Some(issued), issued, &mut e);
    check_not_before_issue("lines[0].requested_delivery_date", None, issued, &mut e);
    assert_eq!(
        e,
        vec![FieldError::new(
            "due_date",
            "must not be before the issue date"
        )]
    );
}

fn q(n: i64) -> Quantity {
    Quantity::units(n)
}

fn line(n: i32, ordered: i64) -> LineState {
    LineState {
        line_number: n,
        status: Some(LineStatus::Open),
        ordered: q(ordered),
        unit_price_minor: 1250,
        price_base: q(1),
        ..Default::default()
    }
}

fn confirmed(n: i32, qty: i64) -> LineState {
    LineState {
        confirmed: Some(q(qty)),
        status: Some(LineStatus::Accepted),
        ..line(n, qty)
    }
}

#[test]
fn only_the_right_side_acts_and_only_when_the_status_allows() {
    use OrderAction::*;
    assert!(check_action(OrderStatus::Draft, Submit, Side::Buyer).is_ok());
    assert_eq!(
        check_action(OrderStatus::Submitted, Respond, Side::Buyer),
        Err(Refusal::WrongParty(
            "only the seller side may respond this order".into()
        ))
    );
    assert!(check_action(OrderStatus::Submitted, Respond, Side::Seller).is_ok());
    assert_eq!(
        check_action(OrderStatus::Despatched, Cancel, Side::Buyer),
        Err(Refusal::not_allowed(
            "order",
            "despatched",
            "cancel",
            ["receive", "invoice"]
        ))
    );
    assert!(check_action(OrderStatus::PartiallyDespatched, Cancel, Side::Buyer).is_err());
    assert!(check_action(OrderStatus::Accepted, Cancel, Side::Buyer).is_ok());
    assert!(check_action(OrderStatus::Cancelled, Despatch, Side::Seller).is_err());
    assert!(check_action(OrderStatus::Rejected, Change, Side::Buyer).is_err());
    assert!(check_action(OrderStatus::Received, Close, Side::Buyer).is_ok());
    assert!(OrderStatus::Closed.allowed_actions().is_empty());
}

#[test]
fn sides_follow_direction() {
    assert_eq!(side_of(Direction::Purchase, Party::Host), Side::Buyer);
    assert_eq!(
        side_of(Direction::Purchase, Party::Counterparty),
        Side::Seller
    );
    assert_eq!(side_of(Direction::Sales, Party::Host), Side::Seller);
    assert_eq!(side_of(Direction::Sales, Party::Counterparty), Side::Buyer);
}

#[test]
fn line_amounts_round_half_up_on_price_per_base_quantity() {
    assert_eq!(line_amount(q(10), 1250, q(1), 0, 0), Ok(12_500));
    // 0.1234 EUR a piece held as 1234 cents per 100 pieces: 3 pieces = 0.3702 → 0.37.
    assert_eq!(line_amount(q(3), 1234, q(100), 0, 0), Ok(37));
    // 2.5 kg at 0.99 → 2.475 → 2.48 (half up).
    assert_eq!(line_amount(Quantity(2_500), 99, q(1), 0, 0), Ok(248));
    assert_eq!(line_amount(q(1), 1000, q(1), 100, 50), Ok(950));
    assert!(line_amount(q(1), 100, q(1), 101, 0).is_err());
    assert!(line_amount(super::super::quantity::MAX, MAX_AMOUNT_MINOR, q(1), 0, 0).is_err());
    assert!(same_price((1234, q(100)), (12_340, q(1000))));
    assert!(!same_price((1250, q(1)), (1200, q(1))));
}

#[test]
fn line_terms_check_units_and_precision() {
    let terms = LineTerms {
        quantity: Quantity(2_500),
        unit: "EA".into(),
        base_unit: "EA".into(),
        unit_price_minor: 100,
        price_base: q(1),
        allowance_minor: 0,
        charge_minor: 0,
    };
    let mut e = vec![];
    assert_eq!(check_line_terms("lines[0]", &terms, &mut e), None);
    assert_eq!(e[0].field, "lines[0].quantity");
    let mut e = vec![];
    let kg = LineTerms {
        unit: "KGM".into(),
        base_unit: "KGM".into(),
        ..terms.clone()
    };
    assert_eq!(check_line_terms("lines[0]", &kg, &mut e), Some(250));
    let mut e = vec![];
    let wrong = LineTerms {
        unit: "XCS".into(),
        quantity: q(1),
        ..terms.clone()
    };
    check_line_terms("lines[1]", &wrong, &mut e);
    assert_eq!(e[0].field, "lines[1].unit");
    let mut e = vec![];
    let neg = LineTerms {
        unit_price_minor: -1,
        quantity: Quantity::ZERO,
        ..terms
    };
    check_line_terms("lines[2]", &neg, &mut e);
    assert_eq!(e.len(), 2);
}

#[test]
fn whole_responses_carry_no_lines() {
    let lines = vec![line(1, 10), line(2, 5)];
    let (s, a) = apply_response(&lines, ResponseCode::Accepted, &[]).unwrap();
    assert_eq!(s, OrderStatus::Accepted);
    assert_eq!(a[1].confirmed, q(5));
    let (s, a) = apply_response(&lines, ResponseCode::Rejected, &[]).unwrap();
    assert_eq!(s, OrderStatus::Rejected);
    assert!(a.iter().all(|x| x.confirmed.is_zero()));
    let (s, a) = apply_response(&lines, ResponseCode::Acknowledged, &[]).unwrap();
    assert_eq!((s, a.len()), (OrderStatus::Submitted, 0));
    let one = ResponseLine {
        line_number: 1,
        status: ResponseLineStatus::Accepted,
        quantity: None,
        delivery_date: None,
        delivery_period: None,
        unit_price_minor: None,
        price_base_quantity: None,
        substituted_item: None,
        note: None,
    };
    assert!(apply_response(&lines, ResponseCode::Accepted, &[one]).is_err());
}

fn answer(n: i32, status: ResponseLineStatus, qty: Option<i64>, day: Option<u32>) -> ResponseLine {
    ResponseLine {
        line_number: n,
        status,
        quantity: qty.map(q),
        delivery_date: day.map(|d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap()),
        delivery_period: None,
        unit_price_minor: None,
        price_base_quantity: None,
        substituted_item: None,
        note: None,
    }
}

#[test]
fn line_by_line_answers_split_change_and_reject() {
    use ResponseLineStatus::*;
    let lines = vec![line(1, 30), line(2, 5), line(3, 7)];
    let (s, a) = apply_response(
        &lines,
        ResponseCode::AcceptedWithChanges,
        &[
            answer(1, Changed, Some(18), Some(1)),
            answer(1, Changed, Some(12), Some(28)),
            answer(2, Rejected, None, None),
            answer(3, Accepted, None, None),
        ],
    )
    .unwrap();
    assert_eq!(s, OrderStatus::AcceptedWithChanges);
    assert_eq!(a[0].confirmed, q(30));
    assert_eq!(a[0].schedule.len(), 2);
    assert_eq!(a[1].status, LineStatus::Rejected);
    assert_eq!(a[2].confirmed, q(7));
    // Every line must be answered.
    let e = apply_response(
        &lines,
        ResponseCode::AcceptedWithChanges,
        &[answer(1, Accepted, None, None)],
    )
    .unwrap_err();
    assert!(e.iter().all(|f| f.field == "lines"));
    // All rejected line by line is a rejection.
    let (s, _) = apply_response(
        &lines,
        ResponseCode::AcceptedWithChanges,
        &[
            answer(1, Rejected, None, None),
            answer(2, Rejected, None, None),
            answer(3, Rejected, None, None),
        ],
    )
    .unwrap();
    assert_eq!(s, OrderStatus::Rejected);
    // Accepted with another quantity is really a change; unsupported codes are refused.
    let e = apply_response(
        &lines,
        ResponseCode::AcceptedWithChanges,
        &[
            answer(1, Accepted, Some(3), None),
            answer(2, Added, None, None),
            answer(3, Changed, Some(0), None),
        ],
    )
    .unwrap_err();
    let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
    assert!(fields.contains(&"lines[0].status"));
    assert!(fields.contains(&"lines[1].status"));
    assert!(fields.contains(&"lines[2].quantity"));
}

#[test]
fn change_sequence_must_increase() {
    assert_eq!(check_change_sequence(OrderStatus::Draft, 0, None), Ok(0));
    assert!(check_change_sequence(OrderStatus::Submitted, 2, None).is_err());
    assert!(check_change_sequence(OrderStatus::Submitted, 2, Some(2)).is_err());
    assert_eq!(
        check_change_sequence(OrderStatus::Accepted, 2, Some(3)),
        Ok(3)
    );
    assert_eq!(
        status_after_change(OrderStatus::Accepted),
        OrderStatus::Submitted
    );
    assert_eq!(status_after_change(OrderStatus::Draft), OrderStatus::Draft);
}

fn despatch(n: i32, qty: i64, outstanding: Option<i64>, reason: Option<&str>) -> DespatchLineInput {
    DespatchLineInput {
        line_number: n,
        quantity: q(qty),
        outstanding_quantity: outstanding.map(q),
        outstanding_reason: reason.map(str::to_string),
    }
}

#[test]
fn despatch_never_exceeds_what_is_open_and_explains_the_rest() {
    let lines = vec![confirmed(1, 10)];
    // Ordered 10, delivered 6, outstanding 4: four come later.
    let d = plan_despatch(&lines, &[despatch(1, 6, None, Some("back order"))]).unwrap();
    assert_eq!((d[0].outstanding, d[0].closed_short), (q(4), q(0)));
    // Outstanding 0: the four never come.
    let d = plan_despatch(&lines, &[despatch(1, 6, Some(0), Some("discontinued"))]).unwrap();
    assert_eq!(d[0].closed_short, q(4));
    // Outstanding 3: three later, one never.
    let d = plan_despatch(&lines, &[despatch(1, 6, Some(3), Some("short stock"))]).unwrap();
    assert_eq!((d[0].outstanding, d[0].closed_short), (q(3), q(1)));
    let e = plan_despatch(&lines, &[despatch(1, 6, None, None)]).unwrap_err();
    assert_eq!(e[0].field, "lines[0].outstanding_reason");
    let e = plan_despatch(&lines, &[despatch(1, 11, None, None)]).unwrap_err();
    assert_eq!(e[0].field, "lines[0].quantity");
    let e = plan_despatch(&lines, &[despatch(1, 6, Some(5), Some("x"))]).unwrap_err();
    assert_eq!(e[0].field, "lines[0].outstanding_quantity");
    let e = plan_despatch(&lines, &[despatch(2, 1, None, None)]).unwrap_err();
    assert_eq!(e[0].field, "lines[0].line_number");
    assert!(plan_despatch(&lines, &[]).is_err());
    // Half a can is not a thing.
    let cans = vec![LineState {
        whole_units: true,
        ..confirmed(1, 10)
    }];
    let half = DespatchLineInput {
        quantity: Quantity(500),
        ..despatch(1, 0, None, Some("x"))
    };
    let e = plan_despatch(&cans, &[half]).unwrap_err();
    assert_eq!(e[0].field, "lines[0].quantity");
    // Nothing open after a full despatch.
    let done = LineState {
        despatched: q(10),
        ..confirmed(1, 10)
    };
    assert!(done.open().is_zero());
    assert!(plan_despatch(&[done], &[despatch(1, 1, None, None)]).is_err());
}

fn receipt(
    n: i32,
    received: i64,
    rejected: i64,
    reason: Option<DiscrepancyReason>,
) -> ReceiptLineInput {
    ReceiptLineInput {
        line_number: n,
        received_quantity: q(received),
        rejected_quantity: Some(q(rejected)),
        oversupply_quantity: None,
        discrepancy_reason: reason,
        discrepancy_note: None,
    }
}

#[test]
fn receipts_answer_every_line_and_account_for_every_unit() {
    let sent = vec![(1, q(6), true), (2, q(4), true)];
    let r = plan_receipt(
        &sent,
        &[
            receipt(1, 6, 1, Some(DiscrepancyReason::Damaged)),
            receipt(2, 3, 0, Some(DiscrepancyReason::ShortDelivery)),
        ],
    )
    .unwrap();
    assert_eq!(
        (r[0].received, r[0].rejected, r[0].short),
        (q(6), q(1), q(0))
    );
    assert_eq!(r[1].short, q(1));
    let e = plan_receipt(&sent, &[receipt(1, 6, 0, None)]).unwrap_err();
    assert_eq!(e[0].field, "lines");
    let e = plan_receipt(&sent, &[receipt(1, 6, 1, None), receipt(2, 4, 0, None)]).unwrap_err();
    assert_eq!(e[0].field, "lines[0].discrepancy_reason");
    let e = plan_receipt(&sent, &[receipt(1, 7, 0, None), receipt(2, 4, 0, None)]).unwrap_err();
    assert_eq!(e[0].field, "lines[0].received_quantity");
    let e = plan_receipt(&sent, &[receipt(1, 6, 7, None), receipt(2, 4, 0, None)]).unwrap_err();
    assert_eq!(e[0].field, "lines[0].rejected_quantity");
    let half = ReceiptLineInput {
        received_quantity: Quantity(3_500),
        ..receipt(2, 0, 0, None)
    };
    let e = plan_receipt(&sent, &[receipt(1, 6, 0, None), half]).unwrap_err();
    assert_eq!(e[0].field, "lines[1].received_quantity");
}

#[test]
fn quantities_add_up_through_the_life_of_a_line() {
    // Before the seller answers, the whole order is still to come, but nothing may be
    // despatched yet.
    let asked = LineState {
        confirmed: None,
        ..confirmed(1, 10)
    };
    assert_eq!((asked.open(), asked.to_despatch()), (q(10), q(0)));
    let refused = LineState {
        status: Some(LineStatus::Rejected),
        confirmed: Some(q(0)),
        ..confirmed(1, 10)
    };
    assert_eq!(refused.open(), q(0));
    let mut l = confirmed(1, 10);
    l.despatched = q(6);
    assert_eq!(l.open(), q(4));
    assert_eq!(l.in_transit(), q(6));
    l.received = q(6);
    l.rejected = q(1);
    assert_eq!((l.in_transit(), l.accepted()), (q(0), q(5)));
    assert_eq!(
        progress_status(OrderStatus::PartiallyDespatched, &[l.clone()], 1, 1),
        OrderStatus::PartiallyReceived
    );
    l.despatched = q(10);
    assert_eq!(
        progress_status(OrderStatus::PartiallyReceived, &[l.clone()], 2, 1),
        OrderStatus::PartiallyReceived
    );
    l.received = q(10);
    assert_eq!(
        progress_status(OrderStatus::PartiallyReceived, &[l.clone()], 2, 2),
        OrderStatus::Received
    );
    assert_eq!(
        progress_status(
            OrderStatus::Accepted,
            &[LineState {
                despatched: q(4),
                ..confirmed(1, 10)
            }],
            1,
            0
        ),
        OrderStatus::PartiallyDespatched
    );
    l.invoiced = q(9);
    assert_eq!(
        invoiced_status(OrderStatus::Received, &[l.clone()]),
        OrderStatus::Invoiced
    );
}

#[test]
fn invoices_are_matched_on_price_and_kept_quantity() {
    let mut l = confirmed(1, 10);
    l.despatched = q(10);
    l.received = q(10);
    l.rejected = q(2);
    let inv = |n: i32, qty: i64, price: i64| InvoiceLineInput {
        line_number: n,
        quantity: q(qty),
        unit_price_minor: price,
        price_base_quantity: None,
    };
    assert!(match_invoice(&[l.clone()], &[inv(1, 8, 1250)]).is_empty());
    let e = match_invoice(&[l.clone()], &[inv(1, 10, 1300), inv(9, 1, 1)]);
    let reasons: Vec<MatchReason> = e.iter().map(|x| x.reason).collect();
    assert_eq!(
        reasons,
        vec![MatchReason::Pri, MatchReason::Qty, MatchReason::Itm]
    );
    l.invoiced = q(8);
    assert_eq!(
        match_invoice(&[l], &[inv(1, 1, 1250)])[0].reason,
        MatchReason::Qty
    );
}

#[test]
fn invoices_and_receipts_follow_their_order() {
    assert!(check_invoice_currency("EUR", "EUR").is_ok());
    assert!(check_invoice_currency("EUR", "GBP").is_err());
    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    assert!(check_receivable(
        "DES-1",
        DespatchStatus::Despatched,
        d("2026-05-01"),
        d("2026-05-01")
    )
    .is_ok());
    let early = check_receivable(
        "DES-1",
        DespatchStatus::Despatched,
        d("2026-05-02"),
        d("2026-05-01"),
    );
    assert_eq!(
        early.unwrap_err().code(),
        crate::refusal::Code::ValidationFailed
    );
    let twice = check_receivable(
        "DES-1",
        DespatchStatus::Received,
        d("2026-05-01"),
        d("2026-05-03"),
    );
    assert_eq!(
        twice.unwrap_err().code(),
        crate::refusal::Code::AlreadyReceived
    );
}

#[test]
fn the_buyer_places_the_order() {
    assert!(check_placed_by_buyer(Direction::Purchase, Side::Buyer).is_ok());
    let refused = check_placed_by_buyer(Direction::Sales, Side::Seller).unwrap_err();
    assert_eq!(refused.code(), crate::refusal::Code::Forbidden);
}

#[test]
fn an_order_names_products_still_sold() {
    use crate::catalogue::model::ProductStatus;
    let ids = vec![
        ("lines[0].product_id".to_string(), "a".to_string()),
        ("lines[1].product_id".to_string(), "b".to_string()),
        ("lines[2].product_id".to_string(), "c".to_string()),
    ];
    let status = |id: &str| match id {
        "a" => Some(ProductStatus::Active),
        "b" => Some(ProductStatus::Discontinued),
        _ => None,
    };
    assert!(check_orderable(&ids[..1], status).is_ok());
    match check_orderable(&ids, status) {
        Err(Refusal::Invalid(e)) => {
            let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
            assert_eq!(fields, ["lines[1].product_id", "lines[2].product_id"]);
        }
        other => panic!("{other:?}"),
    }
    let mut e = vec![];
    check_line_count(0, &mut e);
    check_line_count(MAX_LINES + 1, &mut e);
    check_line_count(MAX_LINES, &mut e);
    assert_eq!(e.len(), 2);
}

#[test]
fn a_delivery_is_due_when_the_seller_confirmed_it_else_when_asked() {
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    let split = [
        ScheduledDelivery {
            quantity: Quantity::units(50),
            delivery_date: Some(day(20)),
        },
        ScheduledDelivery {
            quantity: Quantity::units(50),
            delivery_date: Some(day(10)),
        },
    ];
    // Nothing received yet: the earliest promised delivery.
    assert_eq!(
        delivery_due(&split, Quantity::ZERO, Some(day(5))),
        (Some(day(10)), true)
    );
    // 50 came already: the next one.
    assert_eq!(
        delivery_due(&split, Quantity::units(50), Some(day(5))),
        (Some(day(20)), true)
    );
    // Beyond the schedule: the last promised date.
    assert_eq!(
        delivery_due(&split, Quantity::units(120), None),
        (Some(day(20)), true)
    );
    // No schedule (accepted as ordered): the requested date.
    assert_eq!(
        delivery_due(&[], Quantity::ZERO, Some(day(5))),
        (Some(day(5)), false)
    );
}

#[test]
fn a_changed_line_carries_one_price_and_a_price_alone_is_a_change() {
    use ResponseLineStatus::*;
    let lines = vec![line(1, 10), line(2, 5)];
    let priced = |n: i32, qty: Option<i64>, price: i64| ResponseLine {
        unit_price_minor: Some(price),
        ..answer(n, Changed, qty, None)
    };
    // A price alone changes the line.
    let (status, a) = apply_response(
        &lines,
        ResponseCode::AcceptedWithChanges,
        &[priced(1, None, 1300), answer(2, Accepted, None, None)],
    )
    .unwrap();
    assert_eq!(status, OrderStatus::AcceptedWithChanges);
    assert_eq!(a[0].price, Some((1300, q(1))));
    assert_eq!(a[0].confirmed, q(10));
    // The ordered price restated is no change at all.
    let e = apply_response(
        &lines,
        ResponseCode::AcceptedWithChanges,
        &[priced(1, None, 1250), answer(2, Accepted, None, None)],
    )
    .unwrap_err();
    assert_eq!(e[0].field, "lines[0].status");
    // A split line has one price.
    let e = apply_response(
        &lines,
        ResponseCode::AcceptedWithChanges,
        &[
            priced(1, Some(6), 1300),
            priced(1, Some(4), 1400),
            answer(2, Accepted, None, None),
        ],
    )
    .unwrap_err();
    assert_eq!(e[0].field, "lines[0].unit_price_minor");
}
