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

/// The columns a sell-out CSV may have: the JSON line's field names.
pub const CSV_COLUMNS: [&str; 7] = [
    "product_id",
    "gtin",
    "location_gln",
    "unit",
    "units_sold",
    "value_minor",
    "stock_on_hand",
];

/// Sell-out lines from CSV as distributors export them from spreadsheets and ERPs: a header
/// row of [`CSV_COLUMNS`] names (any order, `units_sold` required), then one line per row; an
/// empty cell is an absent field. Row `i` (after the header) is `lines[i]`, as in JSON, and a
/// figure that cannot be read is named there, beside every other line's problems.
pub fn lines_from_csv(body: &[u8]) -> Result<Vec<SellOutLineInput>, Vec<FieldError>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(body);
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').to_string())
            .collect(),
        Err(e) => return Err(vec![FieldError::new("header", format!("not CSV: {e}"))]),
    };
    let mut errors = vec![];
    for (i, name) in header.iter().enumerate() {
        if !CSV_COLUMNS.contains(&name.as_str()) {
            errors.push(FieldError::new(
                format!("header[{i}]"),
                format!(
                    "unknown column `{name}`; the columns are {}",
                    CSV_COLUMNS.join(", ")
                ),
            ));
        } else if header[..i].contains(name) {
            errors.push(FieldError::new(
                format!("header[{i}]"),
                format!("`{name}` twice"),
            ));
        }
    }
    if !header.iter().any(|c| c == "units_sold") {
        errors.push(FieldError::new("header", "needs a units_sold column"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut lines = vec![];
    for (i, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(FieldError::new(
                    format!("lines[{i}]"),
                    format!("unreadable row: {e}"),
                ));
                continue;
            }
        };
        let cell = |name: &str| {
            header
                .iter()
                .position(|c| c == name)
                .and_then(|at| record.get(at))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let quantity = |v: String| match Quantity::parse(&v) {
            Ok(q) => Lenient::Read(q),
            Err(m) => Lenient::Unreadable(format!("quantity {m}")),
        };
        lines.push(SellOutLineInput {
            product_id: cell("product_id"),
            gtin: cell("gtin"),
            location_gln: cell("location_gln"),
            unit: cell("unit"),
            units_sold: cell("units_sold")
                .map(quantity)
                .unwrap_or_else(|| Lenient::Unreadable("required".into())),
            value_minor: match cell("value_minor") {
                None => Lenient::Read(0),
                Some(v) => v.parse::<i64>().map(Lenient::Read).unwrap_or_else(|_| {
                    Lenient::Unreadable(format!("`{v}` is not a whole number of minor units"))
                }),
            },
            stock_on_hand: cell("stock_on_hand").map(quantity),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(lines)
}
