//! Transitions.

use super::*;

/// Takes the order for this transaction: bumps its version where it still is what we read.
/// On PostgreSQL the update waits for a concurrent writer's commit and then finds the version
/// moved; we read again and retry, so racing writers take turns and each sees the other's work.
pub(crate) fn lock_order(
    conn: &mut DbConnection,
    access: &Access,
    id: &str,
    expected_version: Option<i64>,
) -> Result<OrderRow, StoreError> {
    for _ in 0..5 {
        let mut row = get_order_row(conn, access, id)?;
        expect_version(expected_version, row.version)?;
        let claimed = diesel::update(
            orders::table
                .find(id)
                .filter(orders::version.eq(row.version)),
        )
        .set(orders::version.eq(row.version + 1))
        .execute(conn)?;
        if claimed == 1 {
            row.version += 1;
            return Ok(row);
        }
    }
    Err(Refusal::conflict(
        Code::WriteConflict,
        "the order is being changed by others; retry the request",
    )
    .into())
}

/// Everything a transition needs to know about who asks.
pub struct Transition<'a> {
    pub actor: &'a Actor,
    pub access: &'a Access,
    pub action: OrderAction,
    /// The audit/event action, e.g. `order.submitted`.
    pub event: &'static str,
    pub expected_version: Option<i64>,
    /// Staff recording the counterparty's document: how it was sent.
    pub recorded_via: Option<crate::audit::RecordingChannel>,
}

/// Runs one action on an order: lock it, check the action is allowed now and by `side_of` the
/// caller, `apply` it (which may write documents of its own), then write the order and its
/// changed lines and record the change.
pub fn transition<T, E: From<StoreError> + From<Refusal>>(
    conn: &mut DbConnection,
    t: Transition<'_>,
    id: &str,
    side_for: impl FnOnce(&OrderRow) -> Result<Side, E>,
    apply: impl FnOnce(&mut DbConnection, &Actor, &mut OrderDoc) -> Result<T, E>,
) -> Result<(Order, T), E> {
    let row = lock_order(conn, t.access, id, t.expected_version)?;
    // Recorded for the counterparty: its audit entries and events say so.
    let actor = match t.recorded_via {
        Some(channel) => t.actor.recording(&row.counterparty_id, channel),
        None => t.actor.clone(),
    };
    let side = side_for(&row)?;
    check_action(row.status(), t.action, side)?;
    let lines = load_lines(conn, id)?;
    let mut doc = OrderDoc {
        row,
        lines,
        outcome_event: None,
    };
    let mut before_doc = doc.clone();
    before_doc.row.version -= 1;
    let out = apply(conn, &actor, &mut doc)?;
    doc.retotal()?;
    doc.row.updated_at = now();
    save_order(conn, &doc)?;
    save_lines(conn, &before_doc.lines, &doc.lines)?;
    let before = before_doc.to_order();
    let after = doc.to_order();
    record_change(
        conn,
        &actor,
        Change {
            action: doc.outcome_event.unwrap_or(t.event),
            entity_type: "order",
            entity_id: id,
            partner_id: doc.row.event_partner(),
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok((after, out))
}

pub(crate) fn save_order(conn: &mut DbConnection, doc: &OrderDoc) -> Result<(), StoreError> {
    let r = &doc.row;
    diesel::update(orders::table.find(&r.id))
        .set((
            orders::status.eq(&r.status),
            orders::buyer_reference.eq(&r.buyer_reference),
            orders::requested_delivery_date.eq(r.requested_delivery_date),
            orders::note.eq(&r.note),
            orders::change_sequence.eq(r.change_sequence),
            orders::response_code.eq(&r.response_code),
            orders::response_note.eq(&r.response_note),
            orders::total_minor.eq(r.total_minor),
            orders::submitted_at.eq(r.submitted_at),
            orders::responded_at.eq(r.responded_at),
            orders::cancelled_at.eq(r.cancelled_at),
            orders::cancel_reason.eq(&r.cancel_reason),
            orders::supplier_override.eq(&r.supplier_override),
            orders::version.eq(r.version),
            orders::updated_at.eq(r.updated_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Writes the lines that changed and inserts the new ones.
pub(crate) fn save_lines(
    conn: &mut DbConnection,
    before: &[OrderLineRow],
    after: &[OrderLineRow],
) -> Result<(), StoreError> {
    for line in after {
        match before.iter().find(|b| b.line_number == line.line_number) {
            Some(old) if old == line => {}
            Some(_) => {
                diesel::update(order_lines::table.find((&line.order_id, line.line_number)))
                    .set(line)
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(order_lines::table)
                    .values(line)
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}
