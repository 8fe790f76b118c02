use sea_orm::entity::prelude::*;

/// One stored state of an article: the editable fields after a change (`snapshot`, JSON), the
/// names of the fields that changed (`changes`, JSON list), who made it and how.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "article_revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    pub version: i32,
    pub actor_id: Option<i64>,
    pub action: String,
    pub changes: String,
    pub snapshot: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
