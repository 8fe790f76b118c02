//! LZ4 instead of pglz for the large values of PostgreSQL.
//!
//! An article's detail document, body and search vectors are several kilobytes each, so
//! PostgreSQL compresses them out of line; pglz compression was 7 % of the database's CPU
//! while seeding, and every uncached article read decompresses the detail document. LZ4
//! compresses and decompresses several times faster for about the same size. It applies to
//! values written from now on; a server built without LZ4 keeps pglz. SQLite does not
//! compress.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The large columns, by table.
const COLUMNS: [(&str, &[&str]); 3] = [
    ("articles", &["detail_doc", "body"]),
    ("search_docs", &["folded", "exact"]),
    ("article_revisions", &["snapshot"]),
];

async fn set_compression(manager: &SchemaManager<'_>, method: &str) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    let db = manager.get_connection();
    let supported = db
        .query_one_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT 1 AS yes FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)",
        ))
        .await?
        .is_some();
    if !supported {
        return Ok(());
    }
    for (table, columns) in COLUMNS {
        let changes: Vec<String> =
            columns.iter().map(|column| format!("ALTER COLUMN {column} SET COMPRESSION {method}")).collect();
        db.execute_unprepared(&format!("ALTER TABLE {table} {}", changes.join(", "))).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_compression(manager, "lz4").await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        set_compression(manager, "pglz").await
    }
}
