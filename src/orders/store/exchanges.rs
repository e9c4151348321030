//! Order responses and order changes, kept as sent.

use super::*;
use crate::company::store::{from_json, to_json};
use crate::db::schema::{order_changes, order_responses};

type ResponseRow = (
    String,
    i32,
    String,
    NaiveDate,
    String,
    Option<String>,
    i32,
    String,
    Option<String>,
    String,
    NaiveDateTime,
);

fn to_response(r: ResponseRow) -> Result<OrderResponseDocument, StoreError> {
    let code = ResponseCode::parse(&r.4)
        .ok_or_else(|| StoreError::Failed(format!("stored response code {}", r.4)))?;
    Ok(OrderResponseDocument {
        order_id: r.0,
        sequence: r.1,
        response_number: r.2,
        issue_date: r.3,
        response_code: code,
        response_code_uncl4343: code.uncl4343().into(),
        note: r.5,
        answers_change: r.6,
        lines: from_json("response lines", &r.7)?,
        recorded_via: r
            .8
            .as_deref()
            .and_then(crate::recording::RecordingChannel::parse),
        created_by: r.9,
        created_at: r.10.and_utc(),
    })
}

/// What a new response says; the store numbers it.
pub struct NewResponse {
    /// The seller's own number; `{order number}-R{sequence}` when none was given.
    pub response_number: Option<String>,
    pub issue_date: NaiveDate,
    pub code: ResponseCode,
    pub note: Option<String>,
    pub lines: Vec<ResponseLine>,
}

/// The next number in an order's series of responses or changes.
fn next_sequence(last: Option<i32>) -> i32 {
    last.unwrap_or(0) + 1
}

/// Keeps a response to the order `row` (locked by the transition that applies it).
pub fn insert_response(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &OrderRow,
    r: NewResponse,
) -> Result<OrderResponseDocument, StoreError> {
    check_answer_issue_date(r.issue_date, row.issue_date)?;
    let last: Option<i32> = order_responses::table
        .filter(order_responses::order_id.eq(&row.id))
        .select(diesel::dsl::max(order_responses::sequence))
        .first(conn)?;
    let sequence = next_sequence(last);
    let number = r
        .response_number
        .unwrap_or_else(|| format!("{}-R{sequence}", row.number));
    let taken = order_responses::table
        .filter(order_responses::order_id.eq(&row.id))
        .filter(order_responses::response_number.eq(&number))
        .count()
        .get_result::<i64>(conn)?;
    if taken > 0 {
        return Err(Refusal::conflict_on(
            Code::Duplicate,
            "response_number",
            "the order already has a response with this number",
        )
        .into());
    }
    diesel::insert_into(order_responses::table)
        .values((
            order_responses::order_id.eq(&row.id),
            order_responses::sequence.eq(sequence),
            order_responses::response_number.eq(&number),
            order_responses::issue_date.eq(r.issue_date),
            order_responses::response_code.eq(r.code.as_str()),
            order_responses::note.eq(&r.note),
            order_responses::answers_change.eq(row.change_sequence),
            order_responses::lines.eq(to_json(&r.lines)?),
            order_responses::recorded_via
                .eq(actor.recorded_for.as_ref().map(|f| f.channel.as_str())),
            order_responses::created_by.eq(&actor.id),
            order_responses::created_at.eq(now()),
        ))
        .execute(conn)?;
    get_response(conn, &row.id, sequence)
}

pub fn get_response(
    conn: &mut DbConnection,
    order_id: &str,
    sequence: i32,
) -> Result<OrderResponseDocument, StoreError> {
    let row = order_responses::table
        .find((order_id, sequence))
        .first::<ResponseRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("order response"))?;
    to_response(row)
}

/// An order's responses in sequence, after `after`, `limit + 1` of them (to tell a next page).
pub fn list_responses(
    conn: &mut DbConnection,
    order_id: &str,
    after: Option<i32>,
    limit: i64,
) -> Result<Vec<OrderResponseDocument>, StoreError> {
    order_responses::table
        .filter(order_responses::order_id.eq(order_id))
        .filter(order_responses::sequence.gt(after.unwrap_or(0)))
        .order(order_responses::sequence.asc())
        .limit(limit + 1)
        .load::<ResponseRow>(conn)?
        .into_iter()
        .map(to_response)
        .collect()
}

type ChangeRow = (
    String,
    i32,
    String,
    NaiveDate,
    Option<String>,
    String,
    String,
    NaiveDateTime,
);

fn to_change(r: ChangeRow) -> Result<OrderChangeDocument, StoreError> {
    Ok(OrderChangeDocument {
        order_id: r.0,
        sequence: r.1,
        change_number: r.2,
        issue_date: r.3,
        note: r.4,
        lines: from_json("change lines", &r.5)?,
        created_by: r.6,
        created_at: r.7.and_utc(),
    })
}

/// What a new change says; its sequence number is the one the buyer gave.
pub struct NewChange {
    pub sequence: i32,
    /// The buyer's own number; `{order number}-C{sequence}` when none was given.
    pub change_number: Option<String>,
    pub issue_date: NaiveDate,
    pub note: Option<String>,
    pub lines: Vec<ChangeLine>,
}

/// Keeps a change to the order `row` (locked by the transition that applies it).
pub fn insert_change(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &OrderRow,
    c: NewChange,
) -> Result<OrderChangeDocument, StoreError> {
    check_answer_issue_date(c.issue_date, row.issue_date)?;
    let number = c
        .change_number
        .unwrap_or_else(|| format!("{}-C{}", row.number, c.sequence));
    let taken = order_changes::table
        .filter(order_changes::order_id.eq(&row.id))
        .filter(order_changes::change_number.eq(&number))
        .count()
        .get_result::<i64>(conn)?;
    if taken > 0 {
        return Err(Refusal::conflict_on(
            Code::Duplicate,
            "change_number",
            "the order already has a change with this number",
        )
        .into());
    }
    diesel::insert_into(order_changes::table)
        .values((
            order_changes::order_id.eq(&row.id),
            order_changes::sequence.eq(c.sequence),
            order_changes::change_number.eq(&number),
            order_changes::issue_date.eq(c.issue_date),
            order_changes::note.eq(&c.note),
            order_changes::lines.eq(to_json(&c.lines)?),
            order_changes::created_by.eq(&actor.id),
            order_changes::created_at.eq(now()),
        ))
        .execute(conn)?;
    get_change(conn, &row.id, c.sequence)
}

pub fn get_change(
    conn: &mut DbConnection,
    order_id: &str,
    sequence: i32,
) -> Result<OrderChangeDocument, StoreError> {
    let row = order_changes::table
        .find((order_id, sequence))
        .first::<ChangeRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("order change"))?;
    to_change(row)
}

/// An order's changes in sequence, after `after`, `limit + 1` of them.
pub fn list_changes(
    conn: &mut DbConnection,
    order_id: &str,
    after: Option<i32>,
    limit: i64,
) -> Result<Vec<OrderChangeDocument>, StoreError> {
    order_changes::table
        .filter(order_changes::order_id.eq(order_id))
        .filter(order_changes::sequence.gt(after.unwrap_or(0)))
        .order(order_changes::sequence.asc())
        .limit(limit + 1)
        .load::<ChangeRow>(conn)?
        .into_iter()
        .map(to_change)
        .collect()
}
