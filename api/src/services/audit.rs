//! The audit trail of editorial actions, written in the same transaction as the action.

use bantin_entity::audit_entry;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::permissions::{Action, Actor, authorize};
use crate::{error::AppResult, state::AppState};

/// One recorded action.
#[derive(Clone, Debug, Serialize, ToSchema, async_graphql::SimpleObject)]
pub struct AuditEntry {
    /// Increasing: newer entries have larger ids.
    pub id: i64,
    /// The account that acted; absent once the account is deleted or for the command line.
    pub actor_id: Option<i64>,
    /// What was done, e.g. `article.publish`, `user.create`, `auth.login`.
    #[schema(example = "article.publish")]
    pub action: String,
    /// The kind of record acted on: article, category, author, tag, media, site, user.
    #[schema(example = "article")]
    pub target_type: String,
    /// The id of the record acted on.
    pub target_id: Option<i64>,
    /// Details of the action (changed fields, new status …), as JSON text.
    pub detail: String,
    /// When it happened.
    pub created_at: DateTime<Utc>,
}

pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: Option<&Actor>,
    action: &str,
    target: (&str, Option<i64>),
    detail: serde_json::Value,
) -> AppResult<()> {
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        actor_id: Set(actor.map(|a| a.user_id)),
        action: Set(action.to_owned()),
        target_type: Set(target.0.to_owned()),
        target_id: Set(target.1),
        detail: Set(detail.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Newest first; `before` is the id of the last entry of the previous page.
pub async fn list(state: &AppState, actor: &Actor, limit: u64, before: Option<i64>) -> AppResult<Vec<AuditEntry>> {
    authorize(actor, Action::ReadAudit, None)?;
    let mut query = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id).limit(limit);
    if let Some(before) = before {
        query = query.filter(audit_entry::Column::Id.lt(before));
    }
    Ok(query
        .all(state.db())
        .await?
        .into_iter()
        .map(|e| AuditEntry {
            id: e.id,
            actor_id: e.actor_id,
            action: e.action,
            target_type: e.target_type,
            target_id: e.target_id,
            detail: e.detail,
            created_at: e.created_at,
        })
        .collect())
}
