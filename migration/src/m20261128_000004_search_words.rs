//! The words of the full-text index.
//!
//! `search_words` lists every spelling the index holds. A search first asks it whether the
//! words it needs are there at all: a word no article has would otherwise make PostgreSQL walk
//! the whole index newest first looking for a match (its statistics cannot tell a missing word
//! from a rare one). And FTS5 answers a prefix quickly only at the prefix lengths it keeps an
//! index for (two and three characters here); any other prefix (`dinh*`, `chung*`) makes it
//! merge the whole posting list of every matching word before its first match, so SQLite
//! reads such a prefix as the few listed words it stands for. Words are added with the index
//! entries and left when their articles go (a word with no articles matches nothing).

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let sql = match manager.get_database_backend() {
            // "C" compares bytes, so the words of a prefix are one range of the key.
            DbBackend::Postgres => {
                "CREATE TABLE search_words (word TEXT COLLATE \"C\" PRIMARY KEY);
                 INSERT INTO search_words (word)
                     SELECT DISTINCT unnest(tsvector_to_array(exact || folded)) FROM search_docs;"
            }
            _ => {
                "CREATE TABLE search_words (word TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
                 CREATE VIRTUAL TABLE temp.search_fts_words USING fts5vocab(main, search_fts, 'row');
                 INSERT INTO search_words (word) SELECT term FROM temp.search_fts_words;
                 DROP TABLE temp.search_fts_words;"
            }
        };
        manager.get_connection().execute_unprepared(sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.get_connection().execute_unprepared("DROP TABLE search_words").await?;
        Ok(())
    }
}
