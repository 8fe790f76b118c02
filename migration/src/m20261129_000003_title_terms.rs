//! Each article's title terms, for related news.
//!
//! Related news gives two points to a candidate whose title shares a term (two adjacent
//! words, folded) with the article's. Folding each candidate's title on every request was an
//! eighth of the server's work for related news; the terms are now written with the article.
//! The column stays empty (NULL) for articles stored before it, until Bantin's start-up fills
//! it: the folding lives in Bantin, not in SQL. The terms are stored as text (decimal hashes)
//! on both back ends; PostgreSQL also keeps them as a generated `BIGINT[]`, which its ranking
//! statement compares with `&&`, and the candidates' covering index carries that array
//! instead of the title, so ranking stays index-only.

use sea_orm_migration::{prelude::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        // The partial index lists the articles still to fill, so checking at each start that
        // none is left does not read the whole table.
        db.execute_unprepared(
            "ALTER TABLE articles ADD COLUMN title_terms TEXT;
             CREATE INDEX idx_articles_title_terms_missing ON articles (id) WHERE title_terms IS NULL;",
        )
        .await?;
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "ALTER TABLE articles ADD COLUMN title_hashes BIGINT[] \
                 GENERATED ALWAYS AS (CAST(string_to_array(title_terms, ' ') AS BIGINT[])) STORED;
                 DROP INDEX idx_articles_candidate;
                 CREATE INDEX idx_articles_candidate_terms ON articles (id) \
                 INCLUDE (status, deleted_at, published_at, title_hashes);",
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        if manager.get_database_backend() == DbBackend::Postgres {
            db.execute_unprepared(
                "DROP INDEX idx_articles_candidate_terms;
                 ALTER TABLE articles DROP COLUMN title_hashes;
                 CREATE INDEX idx_articles_candidate ON articles (id) \
                 INCLUDE (status, deleted_at, published_at, title);",
            )
            .await?;
        }
        db.execute_unprepared(
            "DROP INDEX idx_articles_title_terms_missing;
             ALTER TABLE articles DROP COLUMN title_terms;",
        )
        .await?;
        Ok(())
    }
}
