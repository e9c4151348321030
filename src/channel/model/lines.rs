//! Sell-out lines.

use super::*;

/// One line of a report as checked against its product.
#[derive(Debug, Clone)]
pub struct SellOutLineDraft {
    pub product_id: String,
    pub location_gln: Option<String>,
    pub units_sold: Quantity,
    pub value_minor: i64,
    pub stock_on_hand: Option<Quantity>,
}

/// What a line needs to know of its product.
#[derive(Debug, Clone)]
pub struct ProductUnit {
    pub id: String,
    pub base_unit: String,
}

/// Checks one line's figures against its product: the unit, if given, is the product's base
/// unit, whole-unit products are not sold in fractions, the value is not negative.
pub fn check_line(
    at: &str,
    unit: Option<&str>,
    product: &ProductUnit,
    units_sold: Quantity,
    value_minor: i64,
    stock_on_hand: Option<Quantity>,
    errors: &mut Vec<FieldError>,
) {
    if let Some(unit) = unit {
        if unit != product.base_unit {
            errors.push(FieldError::new(
                format!("{at}.unit"),
                format!(
                    "must be the product's base unit {} (no conversion between units is defined)",
                    product.base_unit
                ),
            ));
        }
    }
    if let Ok(u) = crate::standards::unit_of_measure(&product.base_unit) {
        if u.whole_numbers_only {
            for (field, q) in [
                ("units_sold", Some(units_sold)),
                ("stock_on_hand", stock_on_hand),
            ] {
                if q.is_some_and(|q| !q.is_whole()) {
                    errors.push(FieldError::new(
                        format!("{at}.{field}"),
                        format!("{} ({}) is counted in whole numbers", u.code, u.name),
                    ));
                }
            }
        }
    }
    if value_minor < 0 {
        errors.push(FieldError::new(
            format!("{at}.value_minor"),
            "must not be negative",
        ));
    }
    if value_minor > crate::orders::model::MAX_AMOUNT_MINOR {
        errors.push(FieldError::new(format!("{at}.value_minor"), "is too large"));
    }
}

/// One line as a partner's system sends it: the product by our id or by its GTIN.
#[derive(Debug, Clone, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SellOutLineInput {
    /// Our product id; or give `gtin`.
    pub product_id: Option<String>,
    /// GTIN-8/12/13/14 (check digit verified); matched as GTIN-14.
    #[schema(value_type = Option<crate::values::Gtin>)]
    pub gtin: Option<String>,
    /// GLN of the store or warehouse, when reported by location.
    #[schema(value_type = Option<crate::values::Gln>)]
    pub location_gln: Option<String>,
    /// Must be the product's base unit when given.
    #[schema(value_type = Option<crate::values::UnitCode>)]
    pub unit: Option<String>,
    /// Units sold in the period, in the product's base unit; not negative.
    #[schema(value_type = Quantity)]
    pub units_sold: Lenient<Quantity>,
    /// Sales value in minor units of the report's currency.
    #[serde(default)]
    #[schema(value_type = i64)]
    pub value_minor: Lenient<i64>,
    /// On hand at the end of the period.
    #[schema(value_type = Option<Quantity>)]
    pub stock_on_hand: Option<Lenient<Quantity>>,
}

/// How a line names its product: our id, or a GTIN-14.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProductRef {
    Id(String),
    Gtin14(String),
}

/// Reads each line's product reference, naming the lines that give none, both, or a bad one.
pub fn product_refs(
    lines: &[SellOutLineInput],
    errors: &mut Vec<FieldError>,
) -> Vec<Option<ProductRef>> {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| match (&l.product_id, &l.gtin) {
            (Some(id), None) => match uuid::Uuid::parse_str(id) {
                Ok(_) => Some(ProductRef::Id(id.clone())),
                Err(_) => {
                    errors.push(FieldError::new(
                        format!("lines[{i}].product_id"),
                        "not a valid id",
                    ));
                    None
                }
            },
            (None, Some(g)) => match crate::standards::validate_gtin(g) {
                Ok(()) => Some(ProductRef::Gtin14(crate::standards::gtin14(g))),
                Err(m) => {
                    errors.push(FieldError::new(format!("lines[{i}].gtin"), m));
                    None
                }
            },
            _ => {
                errors.push(FieldError::new(
                    format!("lines[{i}]"),
                    "give exactly one of `product_id` and `gtin`",
                ));
                None
            }
        })
        .collect()
}

/// Checks every line against its product (looked up by `find`) and the others: known product,
/// valid location GLN, right unit, whole units, no product and location twice. Answers the lines
/// ready to store, or every error found.
pub fn resolve_lines(
    lines: Vec<SellOutLineInput>,
    refs: Vec<Option<ProductRef>>,
    find: impl Fn(&ProductRef) -> Option<ProductUnit>,
    errors: &mut Vec<FieldError>,
) -> Vec<SellOutLineDraft> {
    let mut seen: std::collections::HashMap<(String, Option<String>), usize> = Default::default();
    let mut out = Vec::with_capacity(lines.len());
    for (i, (line, r)) in lines.into_iter().zip(refs).enumerate() {
        let at = format!("lines[{i}]");
        let location_gln = crate::partners::model::check_gln(
            &format!("{at}.location_gln"),
            line.location_gln,
            errors,
        );
        // Figures that could not be read are named here, beside every other line's problems.
        let units_sold = line.units_sold.check(&format!("{at}.units_sold"), errors);
        let value_minor = line.value_minor.check(&format!("{at}.value_minor"), errors);
        let stock_on_hand = match line.stock_on_hand {
            None => Some(None),
            Some(s) => s.check(&format!("{at}.stock_on_hand"), errors).map(Some),
        };
        let Some(r) = r else { continue };
        let Some(product) = find(&r) else {
            let field = match r {
                ProductRef::Id(_) => "product_id",
                ProductRef::Gtin14(_) => "gtin",
            };
            errors.push(FieldError::new(format!("{at}.{field}"), "no such product"));
            continue;
        };
        let (Some(units_sold), Some(value_minor), Some(stock_on_hand)) =
            (units_sold, value_minor, stock_on_hand)
        else {
            continue;
        };
        check_line(
            &at,
            line.unit.as_deref(),
            &product,
            units_sold,
            value_minor,
            stock_on_hand,
            errors,
        );
        match seen.entry((product.id.clone(), location_gln.clone())) {
            Entry::Occupied(first) => errors.push(FieldError::new(
                at,
                format!("repeats the product and location of lines[{}]", first.get()),
            )),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
        out.push(SellOutLineDraft {
            product_id: product.id,
            location_gln,
            units_sold,
            value_minor,
            stock_on_hand,
        });
    }
    out
}

/// A rejected batch lists its first [`MAX_LINE_ERRORS`] problems and counts the rest, so a
/// 10,000-line report with a systematic mistake answers in a readable size.
/// A report's total value; one too large to hold is a bad `lines`.
pub fn report_total(lines: &[SellOutLineDraft], errors: &mut Vec<FieldError>) -> i64 {
    let total = lines
        .iter()
        .try_fold(0i64, |sum, l| sum.checked_add(l.value_minor))
        .filter(|t| *t <= crate::orders::model::MAX_AMOUNT_MINOR);
    if total.is_none() {
        errors.push(FieldError::new(
            "lines",
            "the report's total value is too large",
        ));
    }
    total.unwrap_or(0)
}

pub fn cap_errors(mut errors: Vec<FieldError>) -> Vec<FieldError> {
    if errors.len() > MAX_LINE_ERRORS {
        let more = errors.len() - MAX_LINE_ERRORS;
        errors.truncate(MAX_LINE_ERRORS);
        errors.push(FieldError::new(
            "lines",
            format!("and {more} more problems; nothing was written"),
        ));
    }
    errors
}
