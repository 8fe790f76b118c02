//! Reads that depend on who asks: the public sees public articles; a preview token also
//! sees its one article; a newsroom account sees any article its role allows, with the
//! editorial facts (status, version, editable content) attached.

use std::sync::Arc;

use bantin_entity::article;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{
    Editorial, EditorialBrief,
    articles::{content_of, facts, resolve, status_of},
};
use crate::{
    auth::{Viewer, tokens::Scope},
    error::{AppError, AppResult},
    pagination::{Page, PageMeta},
    read_model::{DetailDoc, SummaryDoc},
    services::{
        articles::{self, SharedDetail},
        permissions::{Action, Actor, authorize},
    },
    state::AppState,
    views::{ArticleDetail, ArticleSummary},
};

/// Whether the row is visible to the public right now (the rule of `visibility`, on a row).
fn is_public(row: &article::Model, now: DateTime<Utc>) -> bool {
    matches!(row.status.as_str(), "published" | "scheduled")
        && row.deleted_at.is_none()
        && row.published_at.is_some_and(|at| at <= now)
}

fn detail_of(state: &AppState, row: &article::Model) -> AppResult<ArticleDetail> {
    let doc: DetailDoc = serde_json::from_str(&row.detail_doc)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("corrupt read model")))?;
    Ok(state.snapshot().presenter.detail(doc))
}

/// The article with its editorial facts, for a newsroom account.
pub async fn staff_article(state: &AppState, actor: &Actor, key: &str) -> AppResult<ArticleDetail> {
    let row = resolve(state.db(), key).await?;
    if !is_public(&row, Utc::now()) {
        authorize(actor, Action::ReadArticle, Some(facts(&row)))?;
    }
    let mut detail = detail_of(state, &row)?;
    detail.editorial = Some(Box::new(Editorial {
        status: status_of(&row)?,
        version: row.version,
        created_by: row.created_by,
        created_at: row.created_at,
        updated_at: row.updated_at,
        deleted_at: row.deleted_at,
        content: content_of(state.db(), &row).await?,
    }));
    Ok(detail)
}

/// The article page for any viewer. A former slug answers `Moved` with the current one.
pub async fn article_for(state: &AppState, viewer: &Viewer, key: &str) -> AppResult<Arc<SharedDetail>> {
    match viewer {
        Viewer::Public => articles::get(state, key).await,
        Viewer::Staff(actor) => match staff_article(state, actor, key).await {
            Err(AppError::NotFound(_)) => articles::get(state, key).await,
            other => other.map(SharedDetail::new),
        },
        Viewer::Preview { article_id } => match resolve(state.db(), key).await {
            Ok(row) if row.id == *article_id && row.deleted_at.is_none() => {
                detail_of(state, &row).map(SharedDetail::new)
            }
            _ => articles::get(state, key).await,
        },
    }
}

/// Which articles a newsroom list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    Status(super::workflow::ArticleStatus),
    Trash,
}

impl StatusFilter {
    pub fn parse(raw: &str) -> AppResult<Self> {
        if raw == "trash" {
            return Ok(StatusFilter::Trash);
        }
        super::workflow::ArticleStatus::parse(raw).map(StatusFilter::Status).ok_or_else(|| {
            AppError::bad_param("status", "must be draft, in_review, scheduled, published, archived or trash")
        })
    }
}

/// Articles of one status (or the trash), most recently changed first. Authors see their own.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: StatusFilter,
    limit: u64,
    page: u64,
) -> AppResult<Page<ArticleSummary>> {
    let mut query = article::Entity::find();
    query = match filter {
        StatusFilter::Trash => query.filter(article::Column::DeletedAt.is_not_null()),
        StatusFilter::Status(status) => {
            query.filter(article::Column::Status.eq(status.as_str())).filter(article::Column::DeletedAt.is_null())
        }
    };
    if actor.role == crate::services::permissions::Role::Author {
        query = query.filter(article::Column::CreatedBy.eq(actor.user_id));
    }
    let total = query.clone().count(state.db()).await?;
    let rows = query
        .order_by_desc(article::Column::UpdatedAt)
        .order_by_desc(article::Column::Id)
        .offset((page - 1) * limit)
        .limit(limit)
        .all(state.db())
        .await?;
    let presenter = &state.snapshot().presenter;
    let data = rows
        .iter()
        .map(|row| {
            let doc: SummaryDoc = serde_json::from_str(&row.summary_doc)
                .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("corrupt read model")))?;
            let unpublished = doc.published_at.is_none();
            let mut summary = presenter.summary(doc);
            if unpublished {
                (summary.published_at, summary.published_at_display) = presenter.local(row.updated_at);
            }
            summary.editorial = Some(EditorialBrief {
                status: status_of(row)?,
                version: row.version,
                updated_at: row.updated_at,
                deleted_at: row.deleted_at,
            });
            Ok(summary)
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Page {
        data,
        meta: PageMeta {
            limit,
            next_cursor: None,
            has_more: page * limit < total,
            page: Some(page),
            total: Some(total),
            total_pages: Some(total.div_ceil(limit)),
        },
    })
}

/// A short-lived token that lets a frontend read one article, whatever its status, through
/// the public endpoints.
/// Returns the article's id with the token and its expiry.
pub async fn preview_token(state: &AppState, actor: &Actor, key: &str) -> AppResult<(i64, String, DateTime<Utc>)> {
    let row = resolve(state.db(), key).await?;
    authorize(actor, Action::ReadArticle, Some(facts(&row)))?;
    let ttl = state.auth.preview_ttl_secs;
    let token = state.auth.tokens.issue(actor.user_id, actor.role.as_str(), Scope::Preview, Some(row.id), ttl)?;
    Ok((row.id, token, Utc::now() + chrono::Duration::seconds(ttl)))
}
