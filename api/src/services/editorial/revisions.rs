//! Revisions: every change to an article stores its whole editable content, so any earlier
//! state can be looked at and restored (restoring is itself a new revision).

use bantin_entity::{article, article_revision};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    articles::{self, apply_content, content_of, facts},
    content::ArticleContent,
};
use crate::{
    error::{AppError, AppResult},
    services::{
        changes,
        permissions::{Action, Actor, authorize},
    },
    state::AppState,
};

/// One stored state of an article.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Revision {
    pub id: i64,
    /// The article's version after this change.
    pub version: i32,
    /// The account that made the change.
    pub actor_id: Option<i64>,
    /// create, update, submit, publish, unpublish, archive, trash, restore, restore_revision.
    #[schema(example = "update")]
    pub action: String,
    /// Names of the fields the change touched.
    pub changes: Vec<String>,
    pub created_at: DateTime<Utc>,
    /// The whole editable content after the change.
    pub content: ArticleContent,
}

pub(super) async fn store<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    row: &article::Model,
    action: &str,
    changed: &[&str],
    snapshot: &ArticleContent,
) -> AppResult<()> {
    article_revision::Entity::insert(article_revision::ActiveModel {
        article_id: Set(row.id),
        version: Set(row.version),
        actor_id: Set(Some(actor.user_id)),
        action: Set(action.to_owned()),
        changes: Set(serde_json::to_string(changed).map_err(|e| AppError::Internal(e.into()))?),
        snapshot: Set(serde_json::to_string(snapshot).map_err(|e| AppError::Internal(e.into()))?),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

fn revision(row: article_revision::Model) -> AppResult<Revision> {
    let corrupt = |e: serde_json::Error| AppError::Internal(anyhow::Error::new(e).context("corrupt revision"));
    Ok(Revision {
        id: row.id,
        version: row.version,
        actor_id: row.actor_id,
        action: row.action,
        changes: serde_json::from_str(&row.changes).map_err(corrupt)?,
        created_at: row.created_at,
        content: serde_json::from_str(&row.snapshot).map_err(corrupt)?,
    })
}

/// The revisions of an article, newest first.
pub async fn list(state: &AppState, actor: &Actor, id: i64) -> AppResult<Vec<Revision>> {
    let row = article::Entity::find_by_id(id).one(state.db()).await?.ok_or(AppError::NotFound("article"))?;
    authorize(actor, Action::ReadArticle, Some(facts(&row)))?;
    article_revision::Entity::find()
        .filter(article_revision::Column::ArticleId.eq(id))
        .order_by_desc(article_revision::Column::Id)
        .all(state.db())
        .await?
        .into_iter()
        .map(revision)
        .collect()
}

/// Makes a revision's content the article's current content (status is not changed).
pub async fn restore(
    state: &AppState,
    actor: &Actor,
    id: i64,
    revision_id: i64,
    expected: Option<i32>,
) -> AppResult<()> {
    let txn = sea_orm::TransactionTrait::begin(state.db()).await?;
    changes::bump(&txn).await?;
    let row = article::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound("article"))?;
    authorize(actor, Action::EditArticle, Some(facts(&row)))?;
    articles::check_version(&row, expected)?;
    articles::refuse_trashed(&row)?;
    let stored = article_revision::Entity::find_by_id(revision_id)
        .filter(article_revision::Column::ArticleId.eq(id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("revision"))?;
    let target = revision(stored)?.content;
    articles::ensure_references(&txn, &target).await?;
    let before = content_of(&txn, &row).await?;
    let mut target = target;
    if target.slug != before.slug && !articles::slug_available(&txn, &target.slug, id).await? {
        target.slug = before.slug.clone();
    }
    apply_content(state, txn, actor, &row, &before, &target, "restore_revision").await
}
