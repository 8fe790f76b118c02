//! Rebuilds the read models (`summary_doc`, `detail_doc`) of stored articles from their rows
//! and links, inside the caller's transaction. Article writes rebuild their article; changes
//! to an author, category, tag, media item or the site rebuild every article that shows it.

use std::collections::HashMap;

use bantin_entity::{article, article_author, article_tag, author, category, media, tag};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::content::media_ids;
use crate::{
    domain::{blocks::Block, title_terms::title_terms},
    error::AppResult,
    read_model::{ArticleParts, Byline, CategoryRef, Source, TagRef, build},
    services::{categories::CategoryTree, media::image_doc},
    sql::Sql,
};

/// Articles per round trip.
const CHUNK: usize = 200;

pub async fn rebuild<C: ConnectionTrait>(db: &C, ids: &[i64]) -> AppResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let tree =
        CategoryTree::from_rows(category::Entity::find().order_by_asc(category::Column::Position).all(db).await?);
    for chunk in ids.chunks(CHUNK) {
        rebuild_chunk(db, &tree, chunk).await?;
    }
    Ok(())
}

async fn rebuild_chunk<C: ConnectionTrait>(db: &C, tree: &CategoryTree, ids: &[i64]) -> AppResult<()> {
    let rows = article::Entity::find().filter(article::Column::Id.is_in(ids.to_vec())).all(db).await?;
    let bylines = article_author::Entity::find()
        .filter(article_author::Column::ArticleId.is_in(ids.to_vec()))
        .order_by_asc(article_author::Column::Position)
        .all(db)
        .await?;
    let tag_links = article_tag::Entity::find()
        .filter(article_tag::Column::ArticleId.is_in(ids.to_vec()))
        .order_by_asc(article_tag::Column::Position)
        .all(db)
        .await?;
    let mut author_ids: Vec<i64> = bylines.iter().map(|b| b.author_id).collect();
    author_ids.sort_unstable();
    author_ids.dedup();
    let authors: HashMap<i64, author::Model> = author::Entity::find()
        .filter(author::Column::Id.is_in(author_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    let mut tag_ids: Vec<i64> = tag_links.iter().map(|t| t.tag_id).collect();
    tag_ids.sort_unstable();
    tag_ids.dedup();
    let tags: HashMap<i64, TagRef> = tag::Entity::find()
        .filter(tag::Column::Id.is_in(tag_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, TagRef { id: t.id, slug: t.slug, name: t.name }))
        .collect();
    let bodies: HashMap<i64, Vec<Block>> = rows
        .iter()
        .map(|r| {
            Ok((
                r.id,
                serde_json::from_value(r.body.clone())
                    .map_err(|e| anyhow::anyhow!("article {} has a corrupt body: {e}", r.id))?,
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    let mut wanted_media: Vec<i64> = rows
        .iter()
        .flat_map(|r| {
            media_ids(&super::content::ArticleContent {
                cover_media_id: r.cover_media_id,
                social_image_id: r.social_image_id,
                body: bodies.get(&r.id).cloned().unwrap_or_default(),
                ..Default::default()
            })
        })
        .collect();
    wanted_media.sort_unstable();
    wanted_media.dedup();
    let media = media::Entity::find()
        .filter(media::Column::Id.is_in(wanted_media))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, image_doc(m)))
        .collect();

    for row in rows {
        let path: Vec<CategoryRef> = tree.path(row.category_id);
        let article_bylines = bylines
            .iter()
            .filter(|b| b.article_id == row.id)
            .filter_map(|b| {
                authors.get(&b.author_id).map(|a| Byline {
                    id: a.id,
                    slug: a.slug.clone(),
                    name: a.name.clone(),
                    title: a.title.clone(),
                    role: b.role.clone(),
                })
            })
            .collect();
        let article_tags =
            tag_links.iter().filter(|t| t.article_id == row.id).filter_map(|t| tags.get(&t.tag_id).cloned()).collect();
        let body = bodies.get(&row.id).cloned().unwrap_or_default();
        let built = build(&ArticleParts {
            id: row.id,
            slug: &row.slug,
            title: &row.title,
            summary: &row.summary,
            body: &body,
            cover_media_id: row.cover_media_id,
            social_image_id: row.social_image_id,
            category_path: &path,
            authors: article_bylines,
            tags: article_tags,
            source: row.source_name.clone().map(|name| Source { name, url: row.source_url.clone() }),
            meta_title: row.meta_title.as_deref(),
            meta_description: row.meta_description.as_deref(),
            canonical_url: row.canonical_url.as_deref(),
            media: &media,
            published_at: row.published_at,
            updated_at: row.updated_at,
        })
        .map_err(|e| anyhow::anyhow!("cannot build the read model of article {}: {e}", row.id))?;
        article::Entity::update(article::ActiveModel {
            id: Set(row.id),
            summary_doc: Set(built.summary_doc),
            detail_doc: Set(built.detail_doc),
            title_terms: Set(Some(built.title_terms)),
            word_count: Set(built.word_count),
            reading_minutes: Set(built.reading_minutes),
            ..Default::default()
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Fills the title terms of the articles stored before `articles.title_terms` existed: the
/// migration that added the column cannot fold text, Bantin can. Runs after every migration;
/// once every article has its terms it costs one indexed probe.
pub async fn fill_title_terms<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    let mut filled = 0;
    loop {
        let rows: Vec<(i64, String)> = article::Entity::find()
            .select_only()
            .column(article::Column::Id)
            .column(article::Column::Title)
            .filter(article::Column::TitleTerms.is_null())
            .limit(CHUNK as u64)
            .into_tuple()
            .all(db)
            .await?;
        if rows.is_empty() {
            return Ok(filled);
        }
        let mut sql = Sql::new(db.get_database_backend());
        sql.push("UPDATE articles SET title_terms = CASE id");
        for (id, title) in &rows {
            sql.push(" WHEN ").bind(*id).push(" THEN ").bind(title_terms(title));
        }
        sql.push(" END WHERE id IN ").bind_list(rows.iter().map(|(id, _)| *id));
        db.execute_raw(sql.build()).await?;
        filled += rows.len() as u64;
    }
}
