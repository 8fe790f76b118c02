//! The media library: who uploaded an item, and a folded copy of its text (alt, caption,
//! credit) so that `nguoi dan` finds a caption written `Người dân` on every back end.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("media").add_column(big_integer_null("uploaded_by")).take()).await?;
        manager.alter_table(Table::alter().table("media").add_column(text("search_text").default("")).take()).await?;
        manager
            .create_index(Index::create().name("media_created").table("media").col("created_at").col("id").take())
            .await?;
        manager
            .create_index(Index::create().name("media_uploader").table("media").col("uploaded_by").col("id").take())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in ["media_uploader", "media_created"] {
            manager.drop_index(Index::drop().name(index).table("media").to_owned()).await?;
        }
        manager.alter_table(Table::alter().table("media").drop_column("search_text").take()).await?;
        manager.alter_table(Table::alter().table("media").drop_column("uploaded_by").take()).await
    }
}
