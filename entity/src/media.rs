use sea_orm::entity::prelude::*;

/// A stored file with its editorial metadata. `file_key` is content-addressed (derived from
/// the bytes), so several media items may share one file with different captions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub file_key: String,
    pub mime: String,
    pub width: i32,
    pub height: i32,
    pub byte_size: i64,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub created_at: DateTimeUtc,
    /// The account that uploaded the file; `None` for seeded content.
    pub uploaded_by: Option<i64>,
    /// Alt, caption and credit folded (no diacritics, lower case) for library search.
    pub search_text: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
