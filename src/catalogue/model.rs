//! What a product is and what makes one valid: SKU, GTIN (GS1 check digit), base unit (UN/ECE
//! Rec 20), brand type.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::refusal::FieldError;
use crate::text_enum;
use crate::values::{Gtin, UnitCode};
use crate::values::{Name, Note, ProductCode};

text_enum! {
    /// Whose brand the product carries: our own label (specification-bought), or a national brand.
    pub enum BrandType {
        Own = "own",
        National = "national",
    }
}

text_enum! {
    /// `discontinued` products stay readable (old orders refer to them) but cannot be ordered.
    pub enum ProductStatus {
        Active = "active",
        Discontinued = "discontinued",
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "0193a1b2-0000-7000-8000-0000000000a1", "sku": "INS-AER-600", "gtin": "6901234567892",
    "name": "Insect killer aerosol 600 ml", "category": "insecticides", "brand_type": "national",
    "base_unit": "EA", "description": null, "status": "active", "version": 1,
    "created_at": "2026-11-25T09:00:00Z", "updated_at": "2026-11-25T09:00:00Z"
}))]
pub struct Product {
    pub id: String,
    /// Our stock-keeping unit, unique.
    pub sku: String,
    /// GS1 GTIN-8/12/13/14, unique (compared as GTIN-14).
    #[schema(value_type = Option<crate::values::Gtin>)]
    pub gtin: Option<String>,
    pub name: String,
    pub category: String,
    pub brand_type: BrandType,
    /// UN/ECE Rec 20 code order lines are counted in (`EA`, `KGM`, `CS`, …).
    #[schema(value_type = crate::values::UnitCode)]
    pub base_unit: String,
    pub description: Option<String>,
    pub status: ProductStatus,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The fields a user sets, as a request or the stored record gives them: not yet checked.
#[derive(Debug, Clone)]
pub struct ProductFields {
    pub sku: String,
    pub gtin: Option<String>,
    pub name: String,
    pub category: String,
    pub brand_type: BrandType,
    pub base_unit: String,
    pub description: Option<String>,
    pub status: ProductStatus,
}

/// A product's fields once checked. Only [`validate_product`] makes one (the private field), so
/// a store that writes a draft cannot be handed an unchecked GTIN or unit.
#[derive(Debug, Clone)]
pub struct ProductDraft {
    pub sku: String,
    pub gtin: Option<Gtin>,
    pub name: String,
    pub category: String,
    pub brand_type: BrandType,
    pub base_unit: UnitCode,
    pub description: Option<String>,
    pub status: ProductStatus,
    _checked: Checked,
}

/// Proof that a draft went through [`validate_product`].
#[derive(Debug, Clone)]
struct Checked;

/// SKUs and categories are codes that travel through ERPs and EDI: printable, no spaces at the
/// ends, of sensible length.
fn check_code(field: &str, value: &str, errors: &mut Vec<FieldError>) -> String {
    let v = ProductCode::check(field, value, errors);
    if v.chars().any(|c| c.is_control()) {
        errors.push(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    v
}

pub fn validate_product(d: ProductFields) -> Result<ProductDraft, Vec<FieldError>> {
    let mut e = vec![];
    let sku = check_code("sku", &d.sku, &mut e);
    let name = Name::check("name", &d.name, &mut e);
    let category = check_code("category", &d.category, &mut e).to_lowercase();
    let gtin = d.gtin.and_then(|g| Gtin::parse("gtin", &g, &mut e));
    let base_unit = UnitCode::parse("base_unit", d.base_unit.trim(), &mut e);
    let description = Note::check_optional("description", d.description, &mut e);
    match base_unit {
        Some(base_unit) if e.is_empty() => Ok(ProductDraft {
            sku,
            gtin,
            name,
            category,
            brand_type: d.brand_type,
            base_unit,
            description,
            status: d.status,
            _checked: Checked,
        }),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ProductFields {
        ProductFields {
            sku: " INS-AER-600 ".into(),
            gtin: Some("4006381333931".into()),
            name: "Insect killer aerosol 600 ml".into(),
            category: "Insecticides".into(),
            brand_type: BrandType::National,
            base_unit: "EA".into(),
            description: None,
            status: ProductStatus::Active,
        }
    }

    #[test]
    fn a_good_product_is_tidied() {
        let p = validate_product(draft()).unwrap();
        assert_eq!(p.sku, "INS-AER-600");
        assert_eq!(p.category, "insecticides");
        assert_eq!(p.gtin.as_ref().map(Gtin::as_str), Some("4006381333931"));
        assert_eq!(p.base_unit.as_str(), "EA");
    }

    #[test]
    fn gtin_check_digit_and_unit_code_are_checked() {
        let e = validate_product(ProductFields {
            gtin: Some("4006381333932".into()),
            base_unit: "BOTTLE".into(),
            ..draft()
        })
        .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["gtin", "base_unit"]);
    }

    #[test]
    fn empty_names_and_codes_are_refused() {
        let e = validate_product(ProductFields {
            sku: "  ".into(),
            name: String::new(),
            ..draft()
        })
        .unwrap_err();
        assert_eq!(e.len(), 2);
    }
}
