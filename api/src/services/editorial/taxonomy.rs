//! Writes to what articles embed: categories, authors, tags, media metadata and the site
//! settings. Each change rebuilds the read models of every article that shows the record,
//! in the same transaction, so public reads never mix old and new names.

use std::collections::HashSet;

use async_graphql::{InputObject, MaybeUndefined};
use bantin_entity::{article, article_author, article_tag, author, category, media, site, social_link, tag};
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{content::is_web_url, read_models};
use crate::{
    domain::{slug::Slug, text::nfc},
    error::{AppError, AppResult, FieldError},
    services::{
        audit, changes,
        permissions::{Action, Actor, authorize},
    },
    state::AppState,
};

/// A category, section or tag as stored, for the newsroom.
#[derive(Clone, Debug, Serialize, ToSchema, async_graphql::SimpleObject)]
pub struct TermRecord {
    /// The record's id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Categories only.
    pub description: Option<String>,
    /// Categories only: the parent section.
    pub parent_id: Option<i64>,
    /// Categories only: order among siblings.
    pub position: Option<i32>,
}

/// Fields of a category, author or tag to set; omitted fields stay, `null` clears.
#[derive(Clone, Debug, Default, Deserialize, ToSchema, InputObject)]
#[serde(default, deny_unknown_fields)]
pub struct TermInput {
    /// Display name, 1 to 120 characters; required to create.
    pub name: Option<String>,
    /// URL slug; made from the name when absent (numbered when taken).
    pub slug: Option<String>,
    /// Categories: a description for the section page.
    #[schema(value_type = Option<String>)]
    pub description: MaybeUndefined<String>,
    /// Categories: the parent section (`null` for a top-level section).
    #[schema(value_type = Option<i64>)]
    pub parent_id: MaybeUndefined<i64>,
    /// Categories: order among siblings.
    pub position: Option<i32>,
    /// Authors: position at the newsroom, e.g. "Phóng viên".
    #[schema(value_type = Option<String>)]
    pub title: MaybeUndefined<String>,
    /// Authors: a short biography.
    #[schema(value_type = Option<String>)]
    pub bio: MaybeUndefined<String>,
    /// Authors: portrait photo (a media item id).
    #[schema(value_type = Option<i64>)]
    pub avatar_media_id: MaybeUndefined<i64>,
}

/// One social account of the portal.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema, InputObject)]
#[serde(deny_unknown_fields)]
pub struct SocialLinkInput {
    /// Network: facebook, youtube, zalo …
    pub platform: String,
    /// Text shown with the link.
    pub label: String,
    /// Address of the account, http(s).
    pub url: String,
}

/// Site settings to set.
#[derive(Clone, Debug, Default, Deserialize, ToSchema, InputObject)]
#[serde(default, deny_unknown_fields)]
pub struct SiteInput {
    /// Name of the portal.
    pub name: Option<String>,
    /// One-sentence description of the portal.
    pub description: Option<String>,
    /// Base of public article URLs, http(s).
    pub base_url: Option<String>,
    /// IANA time zone, e.g. Asia/Ho_Chi_Minh.
    pub time_zone: Option<String>,
    /// BCP 47 language tag, e.g. vi-VN.
    pub locale: Option<String>,
    /// Replaces the whole list, in display order.
    pub social_links: Option<Vec<SocialLinkInput>>,
}

/// Which kind of term a write is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Term {
    Category,
    Author,
    Tag,
}

impl Term {
    fn name(self) -> &'static str {
        match self {
            Term::Category => "category",
            Term::Author => "author",
            Term::Tag => "tag",
        }
    }
}

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::invalid_fields(vec![FieldError { field: field.to_owned(), message: message.into() }])
}

fn clean_name(raw: &str) -> AppResult<String> {
    let name = nfc(raw.trim());
    if name.is_empty() || name.chars().count() > 120 {
        return Err(invalid("name", "must be 1 to 120 characters"));
    }
    Ok(name)
}

fn optional_text(value: MaybeUndefined<String>) -> Option<Option<String>> {
    Option::<Option<String>>::from(value).map(|v| v.map(|t| nfc(t.trim())).filter(|t| !t.is_empty()))
}

async fn slug_taken(txn: &DatabaseTransaction, term: Term, slug: &str, except: Option<i64>) -> AppResult<bool> {
    let found = match term {
        Term::Category => {
            let mut q = category::Entity::find().filter(category::Column::Slug.eq(slug));
            if let Some(id) = except {
                q = q.filter(category::Column::Id.ne(id));
            }
            q.count(txn).await?
        }
        Term::Author => {
            let mut q = author::Entity::find().filter(author::Column::Slug.eq(slug));
            if let Some(id) = except {
                q = q.filter(author::Column::Id.ne(id));
            }
            q.count(txn).await?
        }
        Term::Tag => {
            let mut q = tag::Entity::find().filter(tag::Column::Slug.eq(slug));
            if let Some(id) = except {
                q = q.filter(tag::Column::Id.ne(id));
            }
            q.count(txn).await?
        }
    };
    Ok(found > 0)
}

/// The slug to store: a chosen one must be canonical and free; a generated one is numbered.
async fn settle_slug(
    txn: &DatabaseTransaction,
    term: Term,
    chosen: Option<&str>,
    name: &str,
    except: Option<i64>,
) -> AppResult<String> {
    if let Some(chosen) = chosen {
        let slug = Slug::parse(chosen)
            .filter(|s| !s.as_str().bytes().all(|b| b.is_ascii_digit() || b == b'-'))
            .ok_or_else(|| invalid("slug", "must be lower-case letters, digits and single hyphens, with a letter"))?;
        if slug_taken(txn, term, slug.as_str(), except).await? {
            return Err(invalid("slug", format!("is already used by another {}", term.name())));
        }
        return Ok(slug.to_string());
    }
    let base = Slug::from_text(name).ok_or_else(|| invalid("slug", "cannot be made from the name; give one"))?;
    for n in 1..1_000 {
        let candidate = if n == 1 { base.clone() } else { base.with_suffix(n) };
        if !slug_taken(txn, term, candidate.as_str(), except).await? {
            return Ok(candidate.to_string());
        }
    }
    Err(invalid("slug", "no free variant; choose one"))
}

async fn media_exists(txn: &DatabaseTransaction, field: &str, id: Option<i64>) -> AppResult<()> {
    if let Some(id) = id
        && media::Entity::find_by_id(id).one(txn).await?.is_none()
    {
        return Err(invalid(field, format!("no media item has id {id}")));
    }
    Ok(())
}

/// Article ids whose read models show category `id` (its own or a descendant's articles).
async fn articles_under_category(txn: &DatabaseTransaction, id: i64) -> AppResult<Vec<i64>> {
    let rows = category::Entity::find().all(txn).await?;
    let mut ids = HashSet::from([id]);
    loop {
        let before = ids.len();
        for row in &rows {
            if row.parent_id.is_some_and(|p| ids.contains(&p)) {
                ids.insert(row.id);
            }
        }
        if ids.len() == before {
            break;
        }
    }
    Ok(article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(article::Column::CategoryId.is_in(ids))
        .into_tuple::<i64>()
        .all(txn)
        .await?)
}

async fn affected(txn: &DatabaseTransaction, term: Term, id: i64) -> AppResult<Vec<i64>> {
    Ok(match term {
        Term::Category => articles_under_category(txn, id).await?,
        Term::Author => {
            let mut ids: Vec<i64> = article_author::Entity::find()
                .select_only()
                .column(article_author::Column::ArticleId)
                .filter(article_author::Column::AuthorId.eq(id))
                .into_tuple::<i64>()
                .all(txn)
                .await?;
            ids.dedup();
            ids
        }
        Term::Tag => {
            article_tag::Entity::find()
                .select_only()
                .column(article_tag::Column::ArticleId)
                .filter(article_tag::Column::TagId.eq(id))
                .into_tuple::<i64>()
                .all(txn)
                .await?
        }
    })
}

/// Whether making `parent` the parent of `id` would put the category under itself.
async fn makes_cycle(txn: &DatabaseTransaction, id: i64, parent: i64) -> AppResult<bool> {
    let rows = category::Entity::find().all(txn).await?;
    let mut at = Some(parent);
    for _ in 0..=rows.len() {
        match at {
            None => return Ok(false),
            Some(current) if current == id => return Ok(true),
            Some(current) => at = rows.iter().find(|r| r.id == current).and_then(|r| r.parent_id),
        }
    }
    Ok(true)
}

fn record_of_category(row: category::Model) -> TermRecord {
    TermRecord {
        id: row.id,
        slug: row.slug,
        name: row.name,
        description: row.description,
        parent_id: row.parent_id,
        position: Some(row.position),
    }
}

async fn commit(state: &AppState, txn: DatabaseTransaction) -> AppResult<()> {
    txn.commit().await?;
    state.content_changed().await?;
    Ok(())
}

/// A term by numeric id or slug.
async fn find_id(txn: &DatabaseTransaction, term: Term, key: &str) -> AppResult<i64> {
    let by_id = key.parse::<i64>().ok();
    let found = match term {
        Term::Category => match by_id {
            Some(id) => category::Entity::find_by_id(id).one(txn).await?.map(|r| r.id),
            None => category::Entity::find().filter(category::Column::Slug.eq(key)).one(txn).await?.map(|r| r.id),
        },
        Term::Author => match by_id {
            Some(id) => author::Entity::find_by_id(id).one(txn).await?.map(|r| r.id),
            None => author::Entity::find().filter(author::Column::Slug.eq(key)).one(txn).await?.map(|r| r.id),
        },
        Term::Tag => match by_id {
            Some(id) => tag::Entity::find_by_id(id).one(txn).await?.map(|r| r.id),
            None => tag::Entity::find().filter(tag::Column::Slug.eq(key)).one(txn).await?.map(|r| r.id),
        },
    };
    found.ok_or(AppError::NotFound(term.name()))
}

/// Creates (`key: None`) or changes a category, author or tag (admins).
pub async fn save_term(
    state: &AppState,
    actor: &Actor,
    term: Term,
    key: Option<&str>,
    input: TermInput,
) -> AppResult<TermRecord> {
    authorize(actor, Action::ManageTaxonomy, None)?;
    let not_for = |field: &str, present: bool, allowed: bool| {
        if present && !allowed { Err(invalid(field, format!("is not a field of a {}", term.name()))) } else { Ok(()) }
    };
    not_for("description", !input.description.is_undefined(), term == Term::Category)?;
    not_for("parent_id", !input.parent_id.is_undefined(), term == Term::Category)?;
    not_for("position", input.position.is_some(), term == Term::Category)?;
    not_for("title", !input.title.is_undefined(), term == Term::Author)?;
    not_for("bio", !input.bio.is_undefined(), term == Term::Author)?;
    not_for("avatar_media_id", !input.avatar_media_id.is_undefined(), term == Term::Author)?;

    let txn = state.db().begin().await?;
    changes::bump(&txn).await?;
    let id = match key {
        Some(key) => Some(find_id(&txn, term, key).await?),
        None => None,
    };
    let name = match (&input.name, id) {
        (Some(name), _) => Some(clean_name(name)?),
        (None, None) => return Err(invalid("name", "is required")),
        (None, Some(_)) => None,
    };
    let slug = match (&input.slug, &name, id) {
        (Some(chosen), _, _) => Some(settle_slug(&txn, term, Some(chosen), "", id).await?),
        (None, Some(name), None) => Some(settle_slug(&txn, term, None, name, None).await?),
        _ => None,
    };
    let now = Utc::now();
    let record = match term {
        Term::Category => {
            let parent = Option::<Option<i64>>::from(input.parent_id);
            if let Some(Some(parent_id)) = parent {
                if category::Entity::find_by_id(parent_id).one(&txn).await?.is_none() {
                    return Err(invalid("parent_id", format!("no category has id {parent_id}")));
                }
                if let Some(id) = id
                    && makes_cycle(&txn, id, parent_id).await?
                {
                    return Err(invalid("parent_id", "would put the category under itself"));
                }
            }
            let mut row = category::ActiveModel { updated_at: Set(now), ..Default::default() };
            if let Some(name) = name {
                row.name = Set(name);
            }
            if let Some(slug) = slug {
                row.slug = Set(slug);
            }
            if let Some(description) = optional_text(input.description) {
                row.description = Set(description);
            }
            if let Some(parent) = parent {
                row.parent_id = Set(parent);
            }
            if let Some(position) = input.position {
                row.position = Set(position);
            }
            let saved = match id {
                Some(id) => {
                    row.id = Set(id);
                    category::Entity::update(row).exec(&txn).await?
                }
                None => {
                    if row.description.is_not_set() {
                        row.description = Set(None);
                    }
                    if row.parent_id.is_not_set() {
                        row.parent_id = Set(None);
                    }
                    if row.position.is_not_set() {
                        row.position = Set(0);
                    }
                    row.created_at = Set(now);
                    category::Entity::insert(row).exec_with_returning(&txn).await?
                }
            };
            record_of_category(saved)
        }
        Term::Author => {
            let avatar = Option::<Option<i64>>::from(input.avatar_media_id);
            media_exists(&txn, "avatar_media_id", avatar.flatten()).await?;
            let mut row = author::ActiveModel { updated_at: Set(now), ..Default::default() };
            if let Some(name) = name {
                row.name = Set(name);
            }
            if let Some(slug) = slug {
                row.slug = Set(slug);
            }
            if let Some(title) = optional_text(input.title) {
                row.title = Set(title);
            }
            if let Some(bio) = optional_text(input.bio) {
                row.bio = Set(bio);
            }
            if let Some(avatar) = avatar {
                row.avatar_media_id = Set(avatar);
            }
            let saved = match id {
                Some(id) => {
                    row.id = Set(id);
                    author::Entity::update(row).exec(&txn).await?
                }
                None => {
                    if row.title.is_not_set() {
                        row.title = Set(None);
                    }
                    if row.bio.is_not_set() {
                        row.bio = Set(None);
                    }
                    if row.avatar_media_id.is_not_set() {
                        row.avatar_media_id = Set(None);
                    }
                    row.created_at = Set(now);
                    author::Entity::insert(row).exec_with_returning(&txn).await?
                }
            };
            TermRecord {
                id: saved.id,
                slug: saved.slug,
                name: saved.name,
                description: None,
                parent_id: None,
                position: None,
            }
        }
        Term::Tag => {
            let mut row = tag::ActiveModel::default();
            if let Some(name) = name {
                row.name = Set(name);
            }
            if let Some(slug) = slug {
                row.slug = Set(slug);
            }
            let saved = match id {
                Some(id) => {
                    row.id = Set(id);
                    tag::Entity::update(row).exec(&txn).await?
                }
                None => {
                    row.created_at = Set(now);
                    tag::Entity::insert(row).exec_with_returning(&txn).await?
                }
            };
            TermRecord {
                id: saved.id,
                slug: saved.slug,
                name: saved.name,
                description: None,
                parent_id: None,
                position: None,
            }
        }
    };
    if id.is_some() {
        let ids = affected(&txn, term, record.id).await?;
        read_models::rebuild(&txn, &ids).await?;
    }
    let action = format!("{}.{}", term.name(), if id.is_some() { "update" } else { "create" });
    audit::record(&txn, Some(actor), &action, (term.name(), Some(record.id)), json!({ "slug": record.slug })).await?;
    commit(state, txn).await?;
    Ok(record)
}

/// Deletes a category, author or tag (admins). A category with articles or sub-categories,
/// and an author with bylines, are refused; a tag is taken off its articles.
pub async fn delete_term(state: &AppState, actor: &Actor, term: Term, key: &str) -> AppResult<()> {
    authorize(actor, Action::ManageTaxonomy, None)?;
    let txn = state.db().begin().await?;
    changes::bump(&txn).await?;
    let id = find_id(&txn, term, key).await?;
    match term {
        Term::Category => {
            let children = category::Entity::find().filter(category::Column::ParentId.eq(id)).count(&txn).await?;
            let articles = article::Entity::find().filter(article::Column::CategoryId.eq(id)).count(&txn).await?;
            if children + articles > 0 {
                return Err(AppError::Conflict {
                    code: "in_use",
                    detail: format!(
                        "the category has {articles} articles and {children} sub-categories; move them first"
                    ),
                });
            }
            category::Entity::delete_by_id(id).exec(&txn).await?;
        }
        Term::Author => {
            let bylines =
                article_author::Entity::find().filter(article_author::Column::AuthorId.eq(id)).count(&txn).await?;
            if bylines > 0 {
                return Err(AppError::Conflict {
                    code: "in_use",
                    detail: format!("the author signs {bylines} articles; change their bylines first"),
                });
            }
            author::Entity::delete_by_id(id).exec(&txn).await?;
        }
        Term::Tag => {
            let ids = affected(&txn, term, id).await?;
            article_tag::Entity::delete_many().filter(article_tag::Column::TagId.eq(id)).exec(&txn).await?;
            tag::Entity::delete_by_id(id).exec(&txn).await?;
            read_models::rebuild(&txn, &ids).await?;
        }
    }
    audit::record(&txn, Some(actor), &format!("{}.delete", term.name()), (term.name(), Some(id)), json!({})).await?;
    commit(state, txn).await
}

/// Changes the site settings (admins).
pub async fn save_site(state: &AppState, actor: &Actor, input: SiteInput) -> AppResult<()> {
    authorize(actor, Action::ManageSite, None)?;
    let mut errors = Vec::new();
    let mut row = site::ActiveModel { id: Set(1), updated_at: Set(Utc::now()), ..Default::default() };
    if let Some(name) = &input.name {
        match clean_name(name) {
            Ok(name) => row.name = Set(name),
            Err(_) => errors.push(FieldError { field: "name".into(), message: "must be 1 to 120 characters".into() }),
        }
    }
    if let Some(description) = &input.description {
        row.description = Set(nfc(description.trim()));
    }
    if let Some(base_url) = &input.base_url {
        let trimmed = base_url.trim().trim_end_matches('/');
        if is_web_url(trimmed) {
            row.base_url = Set(trimmed.to_owned());
        } else {
            errors.push(FieldError { field: "base_url".into(), message: "must be an http(s) URL".into() });
        }
    }
    if let Some(zone) = &input.time_zone {
        if zone.parse::<chrono_tz::Tz>().is_ok() {
            row.time_zone = Set(zone.clone());
        } else {
            errors.push(FieldError { field: "time_zone".into(), message: "is not an IANA time zone".into() });
        }
    }
    if let Some(locale) = &input.locale {
        let ok =
            !locale.is_empty() && locale.len() <= 35 && locale.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok {
            row.locale = Set(locale.clone());
        } else {
            errors.push(FieldError { field: "locale".into(), message: "must be a BCP 47 tag such as vi-VN".into() });
        }
    }
    for (i, link) in input.social_links.iter().flatten().enumerate() {
        if !is_web_url(&link.url) {
            errors
                .push(FieldError { field: format!("social_links[{i}].url"), message: "must be an http(s) URL".into() });
        }
        if link.platform.trim().is_empty() || link.label.trim().is_empty() {
            errors.push(FieldError {
                field: format!("social_links[{i}]"),
                message: "needs a platform and a label".into(),
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let txn = state.db().begin().await?;
    changes::bump(&txn).await?;
    site::Entity::update(row).exec(&txn).await?;
    if let Some(links) = input.social_links {
        social_link::Entity::delete_many().exec(&txn).await?;
        for (position, link) in links.into_iter().enumerate() {
            social_link::Entity::insert(social_link::ActiveModel {
                platform: Set(nfc(link.platform.trim())),
                label: Set(nfc(link.label.trim())),
                url: Set(link.url),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                ..Default::default()
            })
            .exec(&txn)
            .await?;
        }
    }
    audit::record(&txn, Some(actor), "site.update", ("site", Some(1)), json!({})).await?;
    commit(state, txn).await
}
