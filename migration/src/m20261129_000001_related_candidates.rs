//! A covering index for related news on PostgreSQL.
//!
//! Related news scores about a hundred candidates per request (the latest articles of each
//! shared tag and of the category) and needs each one's visibility, time and title. Read from
//! the table, every candidate is a visit to a wide row's heap page; from this index, it is an
//! index-only probe (0.85 → 0.67 ms for the statement on 100,000 articles). SQLite reaches a
//! row by its rowid directly and would not use such an index, so there it adds nothing.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager
                .get_connection()
                .execute_unprepared(
                    "CREATE INDEX idx_articles_candidate ON articles (id) INCLUDE (status, deleted_at, published_at, title)",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            manager.get_connection().execute_unprepared("DROP INDEX idx_articles_candidate").await?;
        }
        Ok(())
    }
}
