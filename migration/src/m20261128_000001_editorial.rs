//! The newsroom: accounts and refresh tokens, revisions, old slugs, the audit trail, the
//! article's creator, and a content generation counter that tells every process when public
//! content changed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(from: (&'static str, &'static str), to: &'static str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from.0, from.1).to(to, "id").on_delete(on_delete).take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("email"))
                    .col(string("display_name"))
                    .col(string("role"))
                    .col(boolean("active"))
                    .col(string("password_hash"))
                    .col(big_integer_null("author_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(("users", "author_id"), "authors", ForeignKeyAction::SetNull))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("refresh_tokens")
                    .col(big_pk_auto("id"))
                    .col(big_integer("user_id"))
                    .col(string_uniq("token_hash"))
                    .col(string("family"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(("refresh_tokens", "user_id"), "users", ForeignKeyAction::Cascade))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("article_revisions")
                    .col(big_pk_auto("id"))
                    .col(big_integer("article_id"))
                    .col(integer("version"))
                    .col(big_integer_null("actor_id"))
                    .col(string("action"))
                    .col(text("changes"))
                    .col(text("snapshot"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(("article_revisions", "article_id"), "articles", ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk(("article_revisions", "actor_id"), "users", ForeignKeyAction::SetNull))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("article_slugs")
                    .col(string("slug").primary_key())
                    .col(big_integer("article_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(("article_slugs", "article_id"), "articles", ForeignKeyAction::Cascade))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(big_integer_null("actor_id"))
                    .col(string("action"))
                    .col(string("target_type"))
                    .col(big_integer_null("target_id"))
                    .col(text("detail"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk(("audit_log", "actor_id"), "users", ForeignKeyAction::SetNull))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("content_state")
                    .col(integer("id").primary_key())
                    .col(big_integer("generation"))
                    .take(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table("content_state")
                    .columns(["id", "generation"])
                    .values_panic([1.into(), 0.into()])
                    .to_owned(),
            )
            .await?;
        manager.alter_table(Table::alter().table("articles").add_column(big_integer_null("created_by")).take()).await?;
        for index in [
            Index::create()
                .name("idx_articles_status_updated")
                .table("articles")
                .col("status")
                .col(("updated_at", IndexOrder::Desc))
                .col(("id", IndexOrder::Desc))
                .take(),
            Index::create().name("idx_articles_created_by").table("articles").col("created_by").take(),
            Index::create()
                .name("idx_article_revisions_article")
                .table("article_revisions")
                .col("article_id")
                .col("id")
                .take(),
            Index::create().name("idx_article_slugs_article").table("article_slugs").col("article_id").take(),
            Index::create().name("idx_refresh_tokens_user").table("refresh_tokens").col("user_id").take(),
        ] {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in ["idx_articles_status_updated", "idx_articles_created_by"] {
            manager.drop_index(Index::drop().name(index).table("articles").to_owned()).await?;
        }
        manager.alter_table(Table::alter().table("articles").drop_column("created_by").take()).await?;
        for table in ["content_state", "audit_log", "article_slugs", "article_revisions", "refresh_tokens", "users"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
