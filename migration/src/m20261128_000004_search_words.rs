//! The words of SQLite's full-text index, for type-ahead.
//!
//! FTS5 answers a prefix quickly only at the prefix lengths it keeps an index for (two and
//! three characters here); any other prefix (`dinh*`, `chung*`) makes it merge the whole
//! posting list of every matching word before it can return the newest match, tens of
//! milliseconds on a large archive. `search_words` lists every spelling the index holds, so a
//! prefix can be read as the few words it stands for. Words are added with the index entries
//! and left when their articles go (a word with no articles matches nothing).
//! PostgreSQL's GIN index reads a prefix as a range of its own keys and needs no list.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            return Ok(());
        }
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE TABLE search_words (word TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                 CREATE VIRTUAL TABLE temp.search_fts_words USING fts5vocab(main, search_fts, 'row');
                 INSERT INTO search_words (word) SELECT term FROM temp.search_fts_words;
                 DROP TABLE temp.search_fts_words;",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() == DbBackend::Postgres {
            return Ok(());
        }
        manager.get_connection().execute_unprepared("DROP TABLE search_words").await?;
        Ok(())
    }
}
