//! Full-text search and pinned related news.
//!
//! `search_docs` has one row per article that is or may become public (published or scheduled,
//! not in the trash) with `doc_key`, an ordering key that grows with the publication time, so
//! the newest matches come first straight from the index.
//! Words are kept in two spellings, folded and exact. SQLite matches through contentless FTS5
//! tables keyed by `doc_key`: `search_fts` (title and body) and `search_titles` (titles alone,
//! so a title-only match never walks the postings of body text). PostgreSQL keeps the same
//! words in `tsvector` columns, whole text and title, with GIN indexes.
//!
//! `article_related` holds the related articles an editor pinned, in order.
//!
//! `content_state.changed_at` records when public content last changed, for `Last-Modified`.

use sea_orm_migration::{prelude::*, schema::*, sea_orm::DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        match manager.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "CREATE TABLE search_docs (
                        article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
                        doc_key BIGINT NOT NULL UNIQUE,
                        folded TSVECTOR NOT NULL,
                        exact TSVECTOR NOT NULL,
                        title_folded TSVECTOR NOT NULL,
                        title_exact TSVECTOR NOT NULL
                    );
                    CREATE INDEX search_docs_folded ON search_docs USING GIN (folded);
                    CREATE INDEX search_docs_exact ON search_docs USING GIN (exact);
                    CREATE INDEX search_docs_title_folded ON search_docs USING GIN (title_folded);
                    CREATE INDEX search_docs_title_exact ON search_docs USING GIN (title_exact);",
                )
                .await?;
            }
            _ => {
                db.execute_unprepared(
                    "CREATE TABLE search_docs (
                        article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
                        doc_key INTEGER NOT NULL UNIQUE
                    );
                    CREATE VIRTUAL TABLE search_fts USING fts5(
                        title_f, body_f, title_e, body_e,
                        content = '', contentless_delete = 1,
                        tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
                    );
                    CREATE VIRTUAL TABLE search_titles USING fts5(
                        title_f, title_e,
                        content = '', contentless_delete = 1,
                        tokenize = 'unicode61 remove_diacritics 0', prefix = '2 3'
                    );",
                )
                .await?;
            }
        }
        manager
            .create_table(
                Table::create()
                    .table("article_related")
                    .col(big_integer("article_id"))
                    .col(integer("position"))
                    .col(big_integer("related_id"))
                    .primary_key(Index::create().col("article_id").col("position"))
                    .foreign_key(
                        ForeignKey::create()
                            .from("article_related", "article_id")
                            .to("articles", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from("article_related", "related_id")
                            .to("articles", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_article_related_related").table("article_related").col("related_id").take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table("content_state").add_column(timestamp_with_time_zone_null("changed_at")).take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("content_state").drop_column("changed_at").take()).await?;
        manager.drop_table(Table::drop().table("article_related").take()).await?;
        let db = manager.get_connection();
        if manager.get_database_backend() != DbBackend::Postgres {
            db.execute_unprepared("DROP TABLE search_fts; DROP TABLE search_titles").await?;
        }
        db.execute_unprepared("DROP TABLE search_docs").await?;
        Ok(())
    }
}
