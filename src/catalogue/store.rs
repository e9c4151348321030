//! Products. The catalogue is shared reading for everyone signed in; writes are staff work.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::*;
use crate::audit::{record_change, snapshot, Actor, Change};
use crate::clock::now;
use crate::db::schema::products;
use crate::db::{like_pattern, DbConnection};
use crate::db::{PageRequest, StoreError};
use crate::refusal::{Code, Refusal};
use crate::standards::gtin14;
use crate::values::Gtin;

#[derive(Debug, Queryable, Clone)]
pub struct ProductRow {
    pub id: String,
    pub sku: String,
    pub gtin: Option<String>,
    pub gtin14: Option<String>,
    pub name: String,
    pub category: String,
    pub brand_type: String,
    pub base_unit: String,
    pub description: Option<String>,
    pub status: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The name as search compares it ([`crate::text::search_key`]).
    pub search_text: Option<String>,
}

impl ProductRow {
    pub fn to_product(&self) -> Product {
        Product {
            id: self.id.clone(),
            sku: self.sku.clone(),
            gtin: self.gtin.clone(),
            name: self.name.clone(),
            category: self.category.clone(),
            brand_type: BrandType::parse(&self.brand_type).unwrap_or(BrandType::National),
            base_unit: self.base_unit.clone(),
            description: self.description.clone(),
            status: ProductStatus::parse(&self.status).unwrap_or(ProductStatus::Active),
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
        }
    }

    pub fn to_fields(&self) -> ProductFields {
        let p = self.to_product();
        ProductFields {
            sku: p.sku,
            gtin: p.gtin,
            name: p.name,
            category: p.category,
            brand_type: p.brand_type,
            base_unit: p.base_unit,
            description: p.description,
            status: p.status,
        }
    }
}

pub fn get_product(conn: &mut DbConnection, id: &str) -> Result<ProductRow, StoreError> {
    products::table
        .find(id)
        .first::<ProductRow>(conn)
        .optional()?
        .ok_or(Refusal::NotFound("product").into())
}

/// Loads several products at once (for order lines), keyed by id; missing ids are absent.
pub fn products_by_id(
    conn: &mut DbConnection,
    ids: &[String],
) -> Result<std::collections::HashMap<String, ProductRow>, StoreError> {
    let rows = products::table
        .filter(products::id.eq_any(ids))
        .load::<ProductRow>(conn)?;
    Ok(rows.into_iter().map(|r| (r.id.clone(), r)).collect())
}

/// SKU and GTIN are unique; say which one clashes rather than a bare "duplicate".
fn check_unique(
    conn: &mut DbConnection,
    d: &ProductDraft,
    self_id: Option<&str>,
) -> Result<(), StoreError> {
    let mut q = products::table
        .filter(products::sku.eq(&d.sku))
        .select(products::id)
        .into_boxed();
    if let Some(id) = self_id {
        q = q.filter(products::id.ne(id.to_string()));
    }
    if q.first::<String>(conn).optional()?.is_some() {
        return Err(
            Refusal::conflict_on(Code::Duplicate, "sku", "another product has this SKU").into(),
        );
    }
    if let Some(g) = d.gtin.as_ref().map(Gtin::as_str) {
        let mut q = products::table
            .filter(products::gtin14.eq(gtin14(g)))
            .select(products::id)
            .into_boxed();
        if let Some(id) = self_id {
            q = q.filter(products::id.ne(id.to_string()));
        }
        if q.first::<String>(conn).optional()?.is_some() {
            return Err(Refusal::conflict_on(
                Code::Duplicate,
                "gtin",
                "another product has this GTIN",
            )
            .into());
        }
    }
    Ok(())
}

pub fn insert_product(
    conn: &mut DbConnection,
    actor: &Actor,
    d: ProductDraft,
) -> Result<Product, StoreError> {
    check_unique(conn, &d, None)?;
    let id = uuid::Uuid::now_v7().to_string();
    let t = now();
    diesel::insert_into(products::table)
        .values((
            products::id.eq(&id),
            products::sku.eq(&d.sku),
            products::gtin.eq(d.gtin.as_ref().map(Gtin::as_str)),
            products::gtin14.eq(d.gtin.as_ref().map(|g| gtin14(g.as_str()))),
            products::name.eq(&d.name),
            products::search_text.eq(crate::text::search_key(&d.name)),
            products::category.eq(&d.category),
            products::brand_type.eq(d.brand_type.as_str()),
            products::base_unit.eq(d.base_unit.as_str()),
            products::description.eq(&d.description),
            products::status.eq(d.status.as_str()),
            products::version.eq(1i64),
            products::created_at.eq(t),
            products::updated_at.eq(t),
        ))
        .execute(conn)?;
    let product = get_product(conn, &id)?.to_product();
    record_change(
        conn,
        actor,
        Change {
            action: "product.created",
            entity_type: "product",
            entity_id: &id,
            partner_id: None,
            before: None,
            after: snapshot(&product),
        },
    )?;
    Ok(product)
}

/// Writes the checked draft `d` over the product `row` as it was read (a concurrent write in
/// between answers 412), with its audit entry and event.
pub fn save_product(
    conn: &mut DbConnection,
    actor: &Actor,
    row: &ProductRow,
    d: ProductDraft,
) -> Result<Product, StoreError> {
    let id = row.id.as_str();
    check_unique(conn, &d, Some(id))?;
    let updated = diesel::update(
        products::table
            .find(id)
            .filter(products::version.eq(row.version)),
    )
    .set((
        products::sku.eq(&d.sku),
        products::gtin.eq(d.gtin.as_ref().map(Gtin::as_str)),
        products::gtin14.eq(d.gtin.as_ref().map(|g| gtin14(g.as_str()))),
        products::name.eq(&d.name),
        products::search_text.eq(crate::text::search_key(&d.name)),
        products::category.eq(&d.category),
        products::brand_type.eq(d.brand_type.as_str()),
        products::base_unit.eq(d.base_unit.as_str()),
        products::description.eq(&d.description),
        products::status.eq(d.status.as_str()),
        products::version.eq(row.version + 1),
        products::updated_at.eq(now()),
    ))
    .execute(conn)?;
    if updated == 0 {
        let current = get_product(conn, id)?.version;
        return Err(Refusal::StaleVersion { current }.into());
    }
    let before = row.to_product();
    let after = get_product(conn, id)?.to_product();
    record_change(
        conn,
        actor,
        Change {
            action: "product.updated",
            entity_type: "product",
            entity_id: id,
            partner_id: None,
            before: snapshot(&before),
            after: snapshot(&after),
        },
    )?;
    Ok(after)
}

#[derive(Debug, Default)]
pub struct ProductFilter {
    pub category: Option<String>,
    pub brand_type: Option<BrandType>,
    pub status: Option<ProductStatus>,
    /// Case-insensitive text in the name, or an exact SKU or GTIN.
    pub q: Option<String>,
}

pub fn list_products(
    conn: &mut DbConnection,
    f: ProductFilter,
    page: &PageRequest,
) -> Result<Vec<ProductRow>, StoreError> {
    let mut q = crate::paged!(products, page);
    if let Some(c) = f.category {
        q = q.filter(products::category.eq(c.to_lowercase()));
    }
    if let Some(b) = f.brand_type {
        q = q.filter(products::brand_type.eq(b.as_str()));
    }
    if let Some(s) = f.status {
        q = q.filter(products::status.eq(s.as_str()));
    }
    if let Some(text) = f.q {
        let digits = text.bytes().all(|b| b.is_ascii_digit()) && text.len() <= 14;
        let by_gtin = if digits { gtin14(&text) } else { String::new() };
        q = q.filter(
            products::search_text
                .assume_not_null()
                .like(like_pattern(&crate::text::search_key(&text)))
                .escape('\\')
                .or(products::sku.eq(text.clone()))
                .or(products::gtin14.eq(by_gtin)),
        );
    }
    Ok(q.load::<ProductRow>(conn)?)
}

/// Product ids by a key (a SKU, a GTIN-14).
pub type ProductIds = std::collections::HashMap<String, String>;

/// The products a document's lines name by our SKU or by GTIN (as GTIN-14): `(sku → id,
/// gtin14 → id)`, a chunk of keys at a time.
pub fn product_ids_by_sku_and_gtin(
    conn: &mut DbConnection,
    skus: &[String],
    gtins: &[String],
) -> Result<(ProductIds, ProductIds), StoreError> {
    let mut by_sku = std::collections::HashMap::new();
    for chunk in skus.chunks(crate::db::LOOKUP_CHUNK) {
        let rows: Vec<(String, String)> = products::table
            .filter(products::sku.eq_any(chunk))
            .select((products::sku, products::id))
            .load(conn)?;
        by_sku.extend(rows);
    }
    let gtins: Vec<String> = gtins.iter().map(|g| gtin14(g)).collect();
    let mut by_gtin = std::collections::HashMap::new();
    for chunk in gtins.chunks(crate::db::LOOKUP_CHUNK) {
        let rows: Vec<(Option<String>, String)> = products::table
            .filter(products::gtin14.eq_any(chunk))
            .select((products::gtin14, products::id))
            .load(conn)?;
        by_gtin.extend(rows.into_iter().filter_map(|(g, id)| Some((g?, id))));
    }
    Ok((by_sku, by_gtin))
}
