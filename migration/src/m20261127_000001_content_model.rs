//! The content model: site settings, categories, tags, authors, media and articles.

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
                    .table("site")
                    .col(integer("id").primary_key())
                    .col(string("name"))
                    .col(text("description"))
                    .col(string("base_url"))
                    .col(string("time_zone"))
                    .col(string("locale"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("social_links")
                    .col(big_pk_auto("id"))
                    .col(string("platform"))
                    .col(string("label"))
                    .col(string("url"))
                    .col(integer("position"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("media")
                    .col(big_pk_auto("id"))
                    .col(string("file_key"))
                    .col(string("mime"))
                    .col(integer("width"))
                    .col(integer("height"))
                    .col(big_integer("byte_size"))
                    .col(text("alt"))
                    .col(text_null("caption"))
                    .col(string_null("credit"))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("categories")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("slug"))
                    .col(string("name"))
                    .col(text_null("description"))
                    .col(big_integer_null("parent_id"))
                    .col(integer("position"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(("categories", "parent_id"), "categories", ForeignKeyAction::Restrict))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("tags")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("slug"))
                    .col(string("name"))
                    .col(timestamp_with_time_zone("created_at"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("authors")
                    .col(big_pk_auto("id"))
                    .col(string_uniq("slug"))
                    .col(string("name"))
                    .col(string_null("title"))
                    .col(text_null("bio"))
                    .col(big_integer_null("avatar_media_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(("authors", "avatar_media_id"), "media", ForeignKeyAction::SetNull))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("articles")
                    // Column order is storage order in SQLite: the small columns public reads
                    // filter on and the summary come first, so a list never walks the
                    // overflow pages of the long texts; the editors' source body comes last.
                    .col(big_pk_auto("id"))
                    .col(string_uniq("slug"))
                    .col(string_len("status", 16))
                    .col(timestamp_with_time_zone_null("published_at"))
                    .col(timestamp_with_time_zone_null("deleted_at"))
                    .col(big_integer("category_id"))
                    .col(integer("version"))
                    .col(text("summary_doc"))
                    .col(text("title"))
                    .col(text("summary"))
                    .col(big_integer_null("cover_media_id"))
                    .col(string_null("source_name"))
                    .col(text_null("source_url"))
                    .col(text_null("meta_title"))
                    .col(text_null("meta_description"))
                    .col(text_null("canonical_url"))
                    .col(big_integer_null("social_image_id"))
                    .col(integer("word_count"))
                    .col(integer("reading_minutes"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .col(text("detail_doc"))
                    .col(json("body"))
                    .foreign_key(&mut fk(("articles", "category_id"), "categories", ForeignKeyAction::Restrict))
                    .foreign_key(&mut fk(("articles", "cover_media_id"), "media", ForeignKeyAction::Restrict))
                    .foreign_key(&mut fk(("articles", "social_image_id"), "media", ForeignKeyAction::Restrict))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("article_authors")
                    .col(big_integer("article_id"))
                    .col(integer("position"))
                    .col(big_integer("author_id"))
                    .col(string("role"))
                    .primary_key(Index::create().col("article_id").col("position"))
                    .foreign_key(&mut fk(("article_authors", "article_id"), "articles", ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk(("article_authors", "author_id"), "authors", ForeignKeyAction::Restrict))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("article_tags")
                    .col(big_integer("article_id"))
                    .col(big_integer("tag_id"))
                    .col(integer("position"))
                    .primary_key(Index::create().col("article_id").col("tag_id"))
                    .foreign_key(&mut fk(("article_tags", "article_id"), "articles", ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk(("article_tags", "tag_id"), "tags", ForeignKeyAction::Restrict))
                    .take(),
            )
            .await?;
        // Which media each article uses (cover, body, social image): the public may see a media
        // item only through a public article, and the library refuses to delete one in use.
        manager
            .create_table(
                Table::create()
                    .table("article_media")
                    .col(big_integer("article_id"))
                    .col(big_integer("media_id"))
                    .primary_key(Index::create().col("article_id").col("media_id"))
                    .foreign_key(&mut fk(("article_media", "article_id"), "articles", ForeignKeyAction::Cascade))
                    .foreign_key(&mut fk(("article_media", "media_id"), "media", ForeignKeyAction::Restrict))
                    .take(),
            )
            .await?;

        // Public lists read newest first among visible articles; partial indexes keep drafts,
        // trash and archives out of the hot path. The WHERE must match `visibility.rs` exactly.
        let public = || {
            Condition::all()
                .add(Expr::col("status").is_in(["published", "scheduled"]))
                .add(Expr::col("deleted_at").is_null())
        };
        for index in [
            Index::create()
                .name("idx_articles_public_recent")
                .table("articles")
                .col(("published_at", IndexOrder::Desc))
                .col(("id", IndexOrder::Desc))
                .cond_where(public())
                .take(),
            Index::create()
                .name("idx_articles_public_category")
                .table("articles")
                .col("category_id")
                .col(("published_at", IndexOrder::Desc))
                .col(("id", IndexOrder::Desc))
                .cond_where(public())
                .take(),
            Index::create()
                .name("idx_article_authors_author")
                .table("article_authors")
                .col("author_id")
                .col("article_id")
                .take(),
            Index::create().name("idx_article_tags_tag").table("article_tags").col("tag_id").col("article_id").take(),
            Index::create()
                .name("idx_article_media_media")
                .table("article_media")
                .col("media_id")
                .col("article_id")
                .take(),
            Index::create().name("idx_categories_parent").table("categories").col("parent_id").take(),
            Index::create().name("idx_media_file_key").table("media").col("file_key").take(),
        ] {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "article_media",
            "article_tags",
            "article_authors",
            "articles",
            "authors",
            "tags",
            "categories",
            "media",
            "social_links",
            "site",
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
