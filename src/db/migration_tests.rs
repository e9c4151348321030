//! Migrations that move data, tested on data written before them.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::MigrationHarness;

use super::SQLITE_MIGRATIONS;

/// Applies the migrations that come before `name`, in order.
fn migrate_to_before(conn: &mut SqliteConnection, name: &str) {
    use diesel::migration::{MigrationConnection, MigrationSource};
    conn.setup().expect("the migrations table");
    let mut all = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
        .expect("embedded migrations");
    all.sort_by_key(|m| m.name().to_string());
    for m in all
        .iter()
        .take_while(|m| m.name().to_string().as_str() < name)
    {
        conn.run_migration(m.as_ref()).expect("earlier migration");
    }
}

#[derive(QueryableByName)]
struct Unit {
    #[diesel(sql_type = diesel::sql_types::Text)]
    unit: String,
}

fn units(conn: &mut SqliteConnection, sql: &str) -> Vec<String> {
    diesel::sql_query(sql)
        .load::<Unit>(conn)
        .expect("query")
        .into_iter()
        .map(|u| u.unit)
        .collect()
}

#[test]
fn retired_unit_codes_move_to_their_peppol_replacements() {
    let mut conn = SqliteConnection::establish(":memory:").expect("in-memory SQLite");
    migrate_to_before(&mut conn, "2026-12-03-000002_ubl_units");
    let mut products = String::new();
    for (i, (old, _)) in crate::standards::RETIRED_UNITS.iter().enumerate() {
        products.push_str(&format!(
            "INSERT INTO products (id, sku, name, category, brand_type, base_unit, status, version, \
             created_at, updated_at) VALUES ('p{i}', 'SKU-{i}', 'Item {i}', 'test', 'national', \
             '{old}', 'active', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00');"
        ));
    }
    products.push_str(
        "INSERT INTO products (id, sku, name, category, brand_type, base_unit, status, version, \
         created_at, updated_at) VALUES ('kg', 'SKU-KG', 'Flour', 'test', 'national', 'KGM', \
         'active', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00');",
    );
    conn.batch_execute(&products)
        .expect("products in the old codes");
    conn.run_pending_migrations(SQLITE_MIGRATIONS)
        .expect("the remaining migrations");
    let moved = units(
        &mut conn,
        "SELECT base_unit AS unit FROM products WHERE id <> 'kg' ORDER BY id",
    );
    let expected: Vec<&str> = crate::standards::RETIRED_UNITS
        .iter()
        .map(|(_, new)| *new)
        .collect();
    assert_eq!(moved, expected);
    assert_eq!(
        units(
            &mut conn,
            "SELECT base_unit AS unit FROM products WHERE id = 'kg'"
        ),
        ["KGM"]
    );
    for unit in moved {
        assert!(crate::standards::unit_of_measure(&unit).is_ok(), "{unit}");
    }
}
