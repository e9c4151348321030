//! Despatch advice (DESADV / 856).

use super::*;

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DespatchLineInput {
    pub line_number: i32,
    /// Delivered now.
    pub quantity: Quantity,
    /// Still to come later; defaults to everything not delivered. Whatever is neither delivered
    /// nor outstanding will never come (the line is closed short).
    pub outstanding_quantity: Option<Quantity>,
    /// Required when anything on the line stays undelivered.
    pub outstanding_reason: Option<String>,
}

/// What a despatch does to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DespatchEffect {
    pub line_number: i32,
    pub delivered: Quantity,
    pub outstanding: Quantity,
    pub closed_short: Quantity,
    pub reason: Option<String>,
}

pub fn plan_despatch(
    lines: &[LineState],
    input: &[DespatchLineInput],
) -> Result<Vec<DespatchEffect>, Vec<FieldError>> {
    let mut e = vec![];
    if input.is_empty() {
        return Err(vec![FieldError::new(
            "lines",
            "a despatch advice needs at least one line",
        )]);
    }
    check_line_numbers(
        input
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("lines[{i}]"), l.line_number)),
        &mut e,
    );
    let mut out = vec![];
    for (i, d) in input.iter().enumerate() {
        let at = |f: &str| format!("lines[{i}].{f}");
        let Some(line) = lines
            .iter()
            .find(|l| l.line_number == d.line_number && l.is_active())
        else {
            e.push(FieldError::new(
                at("line_number"),
                format!("the order has no line {}", d.line_number),
            ));
            continue;
        };
        let whole = check_whole(at("quantity"), d.quantity, line.whole_units, &mut e)
            && d.outstanding_quantity.is_none_or(|o| {
                check_whole(at("outstanding_quantity"), o, line.whole_units, &mut e)
            });
        if !whole {
            continue;
        }
        let open = line.to_despatch();
        if d.quantity > open {
            e.push(FieldError::new(
                at("quantity"),
                format!("exceeds the open quantity {open} of line {}", d.line_number),
            ));
            continue;
        }
        let rest = open - d.quantity;
        let outstanding = d.outstanding_quantity.unwrap_or(rest);
        if outstanding > rest {
            e.push(FieldError::new(
                at("outstanding_quantity"),
                format!("at most {rest} remains after this despatch"),
            ));
            continue;
        }
        let reason = d
            .outstanding_reason
            .as_ref()
            .map(|r| r.trim().to_string())
            .filter(|r| !r.is_empty());
        if !rest.is_zero() && reason.is_none() {
            e.push(FieldError::new(
                at("outstanding_reason"),
                format!(
                    "{rest} of line {} stays undelivered: say why",
                    d.line_number
                ),
            ));
            continue;
        }
        if reason.as_ref().is_some_and(|r| r.chars().count() > 500) {
            e.push(FieldError::new(
                at("outstanding_reason"),
                "must be at most 500 characters",
            ));
            continue;
        }
        out.push(DespatchEffect {
            line_number: d.line_number,
            delivered: d.quantity,
            outstanding,
            closed_short: rest - outstanding,
            reason,
        });
    }
    if e.is_empty() && out.iter().all(|d| d.delivered.is_zero()) {
        e.push(FieldError::new(
            "lines",
            "a despatch advice must deliver something",
        ));
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}
