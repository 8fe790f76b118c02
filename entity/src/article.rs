use sea_orm::entity::prelude::*;

/// One news article. `summary_doc` and `detail_doc` are read models prepared at write time
/// (JSON), so a public read costs one indexed lookup instead of one query per relation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: Json,
    pub cover_media_id: Option<i64>,
    pub category_id: i64,
    pub source_name: Option<String>,
    pub source_url: Option<String>,
    pub status: String,
    pub published_at: Option<DateTimeUtc>,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub social_image_id: Option<i64>,
    pub word_count: i32,
    pub reading_minutes: i32,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    pub summary_doc: String,
    pub detail_doc: String,
    /// Hashes of the title's folded word pairs, for related news (`domain::title_terms` in
    /// the API); NULL until start-up fills it for an article stored before the column existed.
    pub title_terms: Option<String>,
    /// The account that created the article (authors may edit only their own drafts).
    pub created_by: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(belongs_to = "super::category::Entity", from = "Column::CategoryId", to = "super::category::Column::Id")]
    Category,
}

impl Related<super::category::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
