//! Article writes: create, edit, workflow actions, trash, restore and purge. Each runs in one
//! transaction that also stores a revision, an audit entry and the new content generation;
//! its first statement takes the write lock, so concurrent writers queue and the version
//! check decides which of two edits of the same version wins.

use bantin_entity::{
    article, article_author, article_media, article_related, article_slug, article_tag, author, category, media, tag,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, TransactionTrait,
};
use serde_json::{Map, Value, json};

use super::{
    content::{self, ArticleContent, BylineInput},
    read_models, revisions,
    workflow::{ArticleStatus, Transition},
};
use crate::{
    domain::slug::Slug,
    error::{AppError, AppResult, FieldError},
    services::{
        audit, changes,
        permissions::{Action, Actor, ArticleFacts, authorize},
        search,
    },
    state::AppState,
};

pub fn facts(row: &article::Model) -> ArticleFacts<'_> {
    ArticleFacts { created_by: row.created_by, status: &row.status }
}

pub fn status_of(row: &article::Model) -> AppResult<ArticleStatus> {
    ArticleStatus::parse(&row.status)
        .ok_or_else(|| anyhow::anyhow!("article {} has status {}", row.id, row.status).into())
}

/// An article in any status by numeric id or slug.
pub async fn resolve<C: ConnectionTrait>(db: &C, key: &str) -> AppResult<article::Model> {
    let found = match key.parse::<i64>() {
        Ok(id) => article::Entity::find_by_id(id).one(db).await?,
        Err(_) => article::Entity::find().filter(article::Column::Slug.eq(key)).one(db).await?,
    };
    found.ok_or(AppError::NotFound("article"))
}

/// The editable content of a stored article.
pub async fn content_of<C: ConnectionTrait>(db: &C, row: &article::Model) -> AppResult<ArticleContent> {
    let authors = article_author::Entity::find()
        .filter(article_author::Column::ArticleId.eq(row.id))
        .order_by_asc(article_author::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|b| BylineInput { author_id: b.author_id, role: b.role })
        .collect();
    let tag_ids = article_tag::Entity::find()
        .filter(article_tag::Column::ArticleId.eq(row.id))
        .order_by_asc(article_tag::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.tag_id)
        .collect();
    let related_ids = article_related::Entity::find()
        .filter(article_related::Column::ArticleId.eq(row.id))
        .order_by_asc(article_related::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.related_id)
        .collect();
    Ok(ArticleContent {
        title: row.title.clone(),
        slug: row.slug.clone(),
        summary: row.summary.clone(),
        body: serde_json::from_value(row.body.clone())
            .map_err(|e| anyhow::anyhow!("article {} has a corrupt body: {e}", row.id))?,
        category_id: row.category_id,
        cover_media_id: row.cover_media_id,
        social_image_id: row.social_image_id,
        authors,
        tag_ids,
        related_ids,
        source: row.source_name.clone().map(|name| crate::read_model::Source { name, url: row.source_url.clone() }),
        meta_title: row.meta_title.clone(),
        meta_description: row.meta_description.clone(),
        canonical_url: row.canonical_url.clone(),
    })
}

/// Checks that every id the content names exists.
async fn check_references<C: ConnectionTrait>(db: &C, content: &ArticleContent) -> AppResult<Vec<FieldError>> {
    let mut errors = Vec::new();
    if category::Entity::find_by_id(content.category_id).one(db).await?.is_none() {
        errors.push(FieldError {
            field: "category_id".into(),
            message: format!("no category has id {}", content.category_id),
        });
    }
    let author_ids: Vec<i64> = content.authors.iter().map(|a| a.author_id).collect();
    let known: Vec<i64> = author::Entity::find()
        .filter(author::Column::Id.is_in(author_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| a.id)
        .collect();
    for (i, byline) in content.authors.iter().enumerate() {
        if !known.contains(&byline.author_id) {
            errors.push(FieldError {
                field: format!("authors[{i}].author_id"),
                message: format!("no author has id {}", byline.author_id),
            });
        }
    }
    let known: Vec<i64> = tag::Entity::find()
        .filter(tag::Column::Id.is_in(content.tag_ids.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.id)
        .collect();
    for (i, id) in content.tag_ids.iter().enumerate() {
        if !known.contains(id) {
            errors.push(FieldError { field: format!("tag_ids[{i}]"), message: format!("no tag has id {id}") });
        }
    }
    let known: Vec<i64> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(article::Column::Id.is_in(content.related_ids.clone()))
        .into_tuple::<i64>()
        .all(db)
        .await?;
    for (i, id) in content.related_ids.iter().enumerate() {
        if !known.contains(id) {
            errors.push(FieldError { field: format!("related_ids[{i}]"), message: format!("no article has id {id}") });
        }
    }
    let known: Vec<i64> = media::Entity::find()
        .filter(media::Column::Id.is_in(content::media_ids(content)))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    let missing = |id: i64| (!known.contains(&id)).then(|| format!("no media item has id {id}"));
    if let Some(message) = content.cover_media_id.and_then(missing) {
        errors.push(FieldError { field: "cover_media_id".into(), message });
    }
    if let Some(message) = content.social_image_id.and_then(missing) {
        errors.push(FieldError { field: "social_image_id".into(), message });
    }
    for (i, block) in content.body.iter().enumerate() {
        if let crate::domain::blocks::Block::Image { media_id, .. } = block
            && let Some(message) = missing(*media_id)
        {
            errors.push(FieldError { field: format!("body[{i}].media_id"), message });
        }
    }
    Ok(errors)
}

/// Refuses content naming ids that no longer exist (a revision may predate a deletion).
pub(super) async fn ensure_references<C: ConnectionTrait>(db: &C, content: &ArticleContent) -> AppResult<()> {
    let errors = check_references(db, content).await?;
    if errors.is_empty() { Ok(()) } else { Err(AppError::invalid_fields(errors)) }
}

/// Whether `slug` is free for article `id`: not another article's current or former slug.
async fn slug_is_free<C: ConnectionTrait>(db: &C, slug: &str, id: Option<i64>) -> AppResult<bool> {
    let mut current = article::Entity::find().filter(article::Column::Slug.eq(slug));
    let mut former = article_slug::Entity::find().filter(article_slug::Column::Slug.eq(slug));
    if let Some(id) = id {
        current = current.filter(article::Column::Id.ne(id));
        former = former.filter(article_slug::Column::ArticleId.ne(id));
    }
    Ok(current.one(db).await?.is_none() && former.one(db).await?.is_none())
}

/// Whether article `id` may take `slug` (used when restoring a revision's slug).
pub(super) async fn slug_available<C: ConnectionTrait>(db: &C, slug: &str, id: i64) -> AppResult<bool> {
    slug_is_free(db, slug, Some(id)).await
}

/// Makes the slug unique: a generated slug gets a numeric suffix, a chosen one is refused.
async fn settle_slug<C: ConnectionTrait>(
    db: &C,
    content: &mut ArticleContent,
    id: Option<i64>,
    chosen: bool,
) -> AppResult<()> {
    if slug_is_free(db, &content.slug, id).await? {
        return Ok(());
    }
    if chosen {
        return Err(AppError::invalid_fields(vec![FieldError {
            field: "slug".into(),
            message: "is already used by another article".into(),
        }]));
    }
    let base = Slug::parse(&content.slug).ok_or_else(|| anyhow::anyhow!("settled slugs are canonical"))?;
    for n in 2..1_000 {
        let candidate = base.with_suffix(n).to_string();
        if slug_is_free(db, &candidate, id).await? {
            content.slug = candidate;
            return Ok(());
        }
    }
    Err(AppError::invalid_fields(vec![FieldError {
        field: "slug".into(),
        message: "no free variant; choose one".into(),
    }]))
}

/// Parses, sanitises and checks a patch on top of `base`.
async fn prepare<C: ConnectionTrait>(
    db: &C,
    base: &ArticleContent,
    patch: &Map<String, Value>,
    id: Option<i64>,
) -> AppResult<ArticleContent> {
    let mut parsed = base.clone();
    content::apply(&mut parsed, patch).map_err(AppError::invalid_fields)?;
    let chosen_slug = patch.get("slug").is_some_and(|v| !v.is_null());
    // Shape errors and unknown ids are reported together, each field once.
    let (finished, mut errors) = match content::finish(parsed.clone()) {
        Ok(content) => (Some(content), Vec::new()),
        Err(errors) => (None, errors),
    };
    for error in check_references(db, finished.as_ref().unwrap_or(&parsed)).await? {
        if !errors.iter().any(|e| e.field == error.field) {
            errors.push(error);
        }
    }
    if let Some(i) = id.and_then(|id| parsed.related_ids.iter().position(|r| *r == id)) {
        errors.push(FieldError { field: format!("related_ids[{i}]"), message: "cannot be the article itself".into() });
    }
    let mut next = match finished {
        Some(content) if errors.is_empty() => content,
        _ => return Err(AppError::invalid_fields(errors)),
    };
    if next.slug != base.slug {
        settle_slug(db, &mut next, id, chosen_slug).await?;
    }
    Ok(next)
}

/// Writes the content columns and links of article `id`.
async fn write_content(txn: &DatabaseTransaction, id: i64, content: &ArticleContent) -> AppResult<()> {
    article_author::Entity::delete_many().filter(article_author::Column::ArticleId.eq(id)).exec(txn).await?;
    article_tag::Entity::delete_many().filter(article_tag::Column::ArticleId.eq(id)).exec(txn).await?;
    article_media::Entity::delete_many().filter(article_media::Column::ArticleId.eq(id)).exec(txn).await?;
    article_related::Entity::delete_many().filter(article_related::Column::ArticleId.eq(id)).exec(txn).await?;
    if !content.related_ids.is_empty() {
        article_related::Entity::insert_many(content.related_ids.iter().enumerate().map(|(i, r)| {
            article_related::ActiveModel {
                article_id: Set(id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                related_id: Set(*r),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !content.authors.is_empty() {
        article_author::Entity::insert_many(content.authors.iter().enumerate().map(|(i, b)| {
            article_author::ActiveModel {
                article_id: Set(id),
                position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
                author_id: Set(b.author_id),
                role: Set(b.role.clone()),
            }
        }))
        .exec(txn)
        .await?;
    }
    if !content.tag_ids.is_empty() {
        article_tag::Entity::insert_many(content.tag_ids.iter().enumerate().map(|(i, t)| article_tag::ActiveModel {
            article_id: Set(id),
            tag_id: Set(*t),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        }))
        .exec(txn)
        .await?;
    }
    let used = content::media_ids(content);
    if !used.is_empty() {
        article_media::Entity::insert_many(
            used.into_iter().map(|m| article_media::ActiveModel { article_id: Set(id), media_id: Set(m) }),
        )
        .exec(txn)
        .await?;
    }
    Ok(())
}

fn content_columns(content: &ArticleContent) -> AppResult<article::ActiveModel> {
    Ok(article::ActiveModel {
        slug: Set(content.slug.clone()),
        title: Set(content.title.clone()),
        summary: Set(content.summary.clone()),
        body: Set(serde_json::to_value(&content.body).map_err(|e| AppError::Internal(e.into()))?),
        cover_media_id: Set(content.cover_media_id),
        category_id: Set(content.category_id),
        source_name: Set(content.source.as_ref().map(|s| s.name.clone())),
        source_url: Set(content.source.as_ref().and_then(|s| s.url.clone())),
        meta_title: Set(content.meta_title.clone()),
        meta_description: Set(content.meta_description.clone()),
        canonical_url: Set(content.canonical_url.clone()),
        social_image_id: Set(content.social_image_id),
        ..Default::default()
    })
}

/// Applies `changes` to article `row` if it is still at `row.version`; otherwise 412.
async fn save_version(
    txn: &DatabaseTransaction,
    row: &article::Model,
    mut changes: article::ActiveModel,
) -> AppResult<i32> {
    let next = row.version + 1;
    changes.version = Set(next);
    changes.updated_at = Set(Utc::now());
    let result = article::Entity::update_many()
        .set(changes)
        .filter(article::Column::Id.eq(row.id))
        .filter(article::Column::Version.eq(row.version))
        .exec(txn)
        .await?;
    if result.rows_affected == 0 {
        let current = article::Entity::find_by_id(row.id).one(txn).await?.map_or(row.version, |r| r.version);
        return Err(AppError::StaleVersion { expected: row.version, current });
    }
    Ok(next)
}

/// Starts a write: takes the write lock and loads the article.
async fn begin(state: &AppState, id: i64) -> AppResult<(DatabaseTransaction, article::Model)> {
    let txn = state.db().begin().await?;
    changes::bump(&txn).await?;
    let row = article::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound("article"))?;
    Ok((txn, row))
}

pub(super) fn check_version(row: &article::Model, expected: Option<i32>) -> AppResult<()> {
    match expected {
        None => Err(AppError::VersionRequired),
        Some(v) if v != row.version => Err(AppError::StaleVersion { expected: v, current: row.version }),
        Some(_) => Ok(()),
    }
}

pub(super) fn refuse_trashed(row: &article::Model) -> AppResult<()> {
    if row.deleted_at.is_some() {
        return Err(AppError::Conflict {
            code: "in_trash",
            detail: "the article is in the trash; restore it first".into(),
        });
    }
    Ok(())
}

/// Ends a write: rebuilds the read model, stores the revision and audit entry, commits, and
/// clears what public reads had cached.
async fn finish(
    state: &AppState,
    txn: DatabaseTransaction,
    actor: &Actor,
    id: i64,
    action: &str,
    changed: &[&str],
) -> AppResult<()> {
    read_models::rebuild(&txn, &[id]).await?;
    search::index::index(&txn, &[id]).await?;
    let row = article::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound("article"))?;
    let snapshot = content_of(&txn, &row).await?;
    revisions::store(&txn, actor, &row, action, changed, &snapshot).await?;
    audit::record(
        &txn,
        Some(actor),
        &format!("article.{action}"),
        ("article", Some(id)),
        json!({ "version": row.version, "status": row.status, "changes": changed }),
    )
    .await?;
    txn.commit().await?;
    state.content_changed().await?;
    Ok(())
}

/// Creates a draft. Bylines default to the account's own author profile.
pub async fn create(state: &AppState, actor: &Actor, patch: &Map<String, Value>) -> AppResult<i64> {
    authorize(actor, Action::CreateArticle, None)?;
    let txn = state.db().begin().await?;
    changes::bump(&txn).await?;
    let mut content = prepare(&txn, &ArticleContent::default(), patch, None).await?;
    if content.authors.is_empty()
        && let Some(author_id) = actor.author_id
    {
        content.authors = vec![BylineInput { author_id, role: "writer".into() }];
    }
    let now = Utc::now();
    let mut row = content_columns(&content)?;
    row.status = Set(ArticleStatus::Draft.as_str().to_owned());
    row.published_at = Set(None);
    row.version = Set(1);
    row.created_at = Set(now);
    row.updated_at = Set(now);
    row.deleted_at = Set(None);
    row.word_count = Set(0);
    row.reading_minutes = Set(0);
    row.summary_doc = Set(String::new());
    row.detail_doc = Set(String::new());
    row.created_by = Set(Some(actor.user_id));
    let id = article::Entity::insert(row).exec(&txn).await?.last_insert_id;
    write_content(&txn, id, &content).await?;
    let fields: Vec<&str> = content::changed_fields(&ArticleContent::default(), &content);
    finish(state, txn, actor, id, "create", &fields).await?;
    Ok(id)
}

/// Applies a partial edit at `expected` version.
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: i64,
    expected: Option<i32>,
    patch: &Map<String, Value>,
) -> AppResult<()> {
    let (txn, row) = begin(state, id).await?;
    authorize(actor, Action::EditArticle, Some(facts(&row)))?;
    refuse_trashed(&row)?;
    let before = content_of(&txn, &row).await?;
    let after = prepare(&txn, &before, patch, Some(id)).await?;
    check_version(&row, expected)?;
    apply_content(state, txn, actor, &row, &before, &after, "update").await
}

/// Stores `after` as the new content of `row` (an edit, or a revision restored).
pub(super) async fn apply_content(
    state: &AppState,
    txn: DatabaseTransaction,
    actor: &Actor,
    row: &article::Model,
    before: &ArticleContent,
    after: &ArticleContent,
    action: &str,
) -> AppResult<()> {
    let changed = content::changed_fields(before, after);
    if changed.is_empty() {
        txn.rollback().await?;
        return Ok(());
    }
    save_version(&txn, row, content_columns(after)?).await?;
    write_content(&txn, row.id, after).await?;
    if after.slug != before.slug {
        article_slug::Entity::delete_many().filter(article_slug::Column::Slug.eq(&after.slug)).exec(&txn).await?;
        article_slug::Entity::insert(article_slug::ActiveModel {
            slug: Set(before.slug.clone()),
            article_id: Set(row.id),
            created_at: Set(Utc::now()),
        })
        .exec(&txn)
        .await?;
    }
    finish(state, txn, actor, row.id, action, &changed).await
}

/// Moves an article through the workflow. `publish` takes an optional time: in the future it
/// schedules, otherwise it publishes (now when absent).
pub async fn transition(
    state: &AppState,
    actor: &Actor,
    id: i64,
    transition: Transition,
    expected: Option<i32>,
    published_at: Option<DateTime<Utc>>,
) -> AppResult<()> {
    let (txn, row) = begin(state, id).await?;
    let action = match transition {
        Transition::Submit => Action::SubmitArticle,
        _ => Action::PublishArticle,
    };
    authorize(actor, action, Some(facts(&row)))?;
    if expected.is_some() {
        check_version(&row, expected)?;
    }
    refuse_trashed(&row)?;
    transition.check(status_of(&row)?)?;
    let now = Utc::now();
    let mut changes = article::ActiveModel::default();
    if transition == Transition::Publish {
        let at = published_at.unwrap_or(now);
        changes.published_at = Set(Some(at));
        changes.status = Set(transition.target(at > now).as_str().to_owned());
    } else {
        changes.status = Set(transition.target(false).as_str().to_owned());
    }
    save_version(&txn, &row, changes).await?;
    finish(state, txn, actor, id, transition.name(), &["status"]).await
}

/// Moves an article to the trash (out of every public surface).
pub async fn trash(state: &AppState, actor: &Actor, id: i64, expected: Option<i32>) -> AppResult<()> {
    let (txn, row) = begin(state, id).await?;
    authorize(actor, Action::TrashArticle, Some(facts(&row)))?;
    check_version(&row, expected)?;
    refuse_trashed(&row)?;
    save_version(&txn, &row, article::ActiveModel { deleted_at: Set(Some(Utc::now())), ..Default::default() }).await?;
    finish(state, txn, actor, id, "trash", &["deleted_at"]).await
}

/// Takes an article out of the trash, in the status it had.
pub async fn restore(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let (txn, row) = begin(state, id).await?;
    authorize(actor, Action::RestoreArticle, Some(facts(&row)))?;
    if row.deleted_at.is_none() {
        return Err(AppError::Conflict { code: "not_in_trash", detail: "the article is not in the trash".into() });
    }
    save_version(&txn, &row, article::ActiveModel { deleted_at: Set(None), ..Default::default() }).await?;
    finish(state, txn, actor, id, "restore", &["deleted_at"]).await
}

/// Deletes a trashed article for good, with its revisions and old slugs.
pub async fn purge(state: &AppState, actor: &Actor, id: i64) -> AppResult<()> {
    let (txn, row) = begin(state, id).await?;
    authorize(actor, Action::PurgeArticle, Some(facts(&row)))?;
    if row.deleted_at.is_none() {
        return Err(AppError::Conflict { code: "not_in_trash", detail: "move the article to the trash first".into() });
    }
    article::Entity::delete_by_id(id).exec(&txn).await?;
    audit::record(
        &txn,
        Some(actor),
        "article.purge",
        ("article", Some(id)),
        json!({ "slug": row.slug, "title": row.title }),
    )
    .await?;
    txn.commit().await?;
    state.content_changed().await?;
    Ok(())
}
