//! Public reads of articles: lists, the article page and related news ("Tin khác").

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::{ConnectionTrait, QueryResult};

use super::visibility::push_public;
use crate::{
    domain::slug::Slug,
    error::{AppError, AppResult},
    pagination::{Page, PageMeta, PageRequest, Position, list_fingerprint},
    read_model::{DetailDoc, SummaryDoc},
    sql::Sql,
    state::AppState,
    views::{ArticleDetail, ArticleSummary},
};

/// Related news never lists more than this.
pub const MAX_RELATED: u64 = 20;
/// How many recent articles per shared tag, and of the same category, are scored for
/// related news: bounds the work per request whatever the size of the archive.
const RELATED_CANDIDATES: i64 = 300;

/// The filters of the article list, parsed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ArticleFilter {
    pub category: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
}

/// The filters as they arrive, unparsed.
#[derive(Clone, Copy, Debug, Default)]
pub struct RawFilter<'a> {
    pub category: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub author: Option<&'a str>,
    pub published_after: Option<&'a str>,
    pub published_before: Option<&'a str>,
}

impl ArticleFilter {
    /// Checks the shape of each filter; whether the named category, tag or author exists is
    /// checked when listing. Bare dates are midnight in the site's time zone. Empty values
    /// count as absent.
    pub fn parse(raw: RawFilter<'_>, tz: Tz) -> AppResult<Self> {
        let filter = ArticleFilter {
            category: raw.category.filter(|s| !s.is_empty()).map(str::to_owned),
            tag: raw.tag.filter(|s| !s.is_empty()).map(str::to_owned),
            author: raw.author.filter(|s| !s.is_empty()).map(str::to_owned),
            published_after: raw
                .published_after
                .filter(|s| !s.is_empty())
                .map(|v| parse_instant("published_after", v, tz))
                .transpose()?,
            published_before: raw
                .published_before
                .filter(|s| !s.is_empty())
                .map(|v| parse_instant("published_before", v, tz))
                .transpose()?,
        };
        if let (Some(after), Some(before)) = (filter.published_after, filter.published_before)
            && after >= before
        {
            return Err(AppError::Unprocessable {
                code: "invalid_range",
                detail: "`published_after` must be earlier than `published_before`".into(),
                errors: vec![crate::error::FieldError {
                    field: "published_before".into(),
                    message: "must be later than published_after".into(),
                }],
            });
        }
        Ok(filter)
    }

    /// Identifies this list for cursors: a cursor only continues the list it came from.
    pub fn fingerprint(&self) -> u64 {
        list_fingerprint(&format!(
            "articles|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.category,
            self.tag,
            self.author,
            self.published_after.map(|t| t.timestamp()),
            self.published_before.map(|t| t.timestamp())
        ))
    }
}

fn parse_instant(field: &str, value: &str, tz: Tz) -> AppResult<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|midnight| tz.from_local_datetime(&midnight).earliest())
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| AppError::bad_param(field, "must be an RFC 3339 date-time or a YYYY-MM-DD date"))
}

async fn resolve_id(state: &AppState, table: &str, field: &str, slug: &str) -> AppResult<i64> {
    let unknown = || AppError::unknown_value(field, slug);
    let slug = Slug::parse(slug).ok_or_else(unknown)?;
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push("SELECT id FROM ").push(table).push(" WHERE slug = ").bind(slug.as_str());
    let row = state.db.query_one_raw(sql.build()).await?.ok_or_else(unknown)?;
    Ok(row.try_get::<i64>("", "id")?)
}

fn doc<T: serde::de::DeserializeOwned>(row: &QueryResult, column: &str) -> AppResult<T> {
    let json: String = row.try_get("", column)?;
    serde_json::from_str(&json).map_err(|e| AppError::Internal(anyhow::Error::new(e).context("corrupt read model")))
}

/// Newest public articles first, filtered, one page at a time.
pub async fn list(state: &AppState, filter: &ArticleFilter, page: &PageRequest) -> AppResult<Page<ArticleSummary>> {
    let snapshot = state.snapshot();
    let category_ids = match &filter.category {
        Some(slug) => {
            let category =
                snapshot.categories.by_slug(slug).ok_or_else(|| AppError::unknown_value("category", slug))?;
            Some(snapshot.categories.subtree_ids(category.id))
        }
        None => None,
    };
    let tag_id = match &filter.tag {
        Some(slug) => Some(resolve_id(state, "tags", "tag", slug).await?),
        None => None,
    };
    let author_id = match &filter.author {
        Some(slug) => Some(resolve_id(state, "authors", "author", slug).await?),
        None => None,
    };

    let now = Utc::now();
    let backend = state.db.get_database_backend();
    let where_clause = |sql: &mut Sql| {
        sql.push(" FROM articles a WHERE ");
        push_public(sql, "a", now);
        if let Some(ids) = &category_ids {
            sql.push(" AND a.category_id IN ").bind_list(ids.iter().copied());
        }
        if let Some(id) = tag_id {
            sql.push(" AND a.id IN (SELECT t.article_id FROM article_tags t WHERE t.tag_id = ").bind(id).push(")");
        }
        if let Some(id) = author_id {
            sql.push(" AND a.id IN (SELECT w.article_id FROM article_authors w WHERE w.author_id = ")
                .bind(id)
                .push(")");
        }
        if let Some(after) = filter.published_after {
            sql.push(" AND a.published_at >= ").bind(after);
        }
        if let Some(before) = filter.published_before {
            sql.push(" AND a.published_at < ").bind(before);
        }
    };

    let mut sql = Sql::new(backend);
    sql.push("SELECT a.summary_doc");
    where_clause(&mut sql);
    if let Some(Position::Time { t, i }) = &page.after {
        let at = DateTime::from_timestamp_micros(*t).ok_or_else(|| AppError::bad_param("cursor", "is out of range"))?;
        sql.push(" AND (a.published_at, a.id) < (").bind(at).push(", ").bind(*i).push(")");
    } else if page.after.is_some() {
        return Err(AppError::bad_param("cursor", "does not belong to an article list"));
    }
    sql.push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ").bind(i64::try_from(page.limit + 1).unwrap_or(i64::MAX));
    if page.page.is_some() {
        sql.push(" OFFSET ").bind(i64::try_from(page.offset()).unwrap_or(i64::MAX));
    }
    let rows = state.db.query_all_raw(sql.build()).await?;
    let mut docs = rows.iter().map(|r| doc::<SummaryDoc>(r, "summary_doc")).collect::<AppResult<Vec<_>>>()?;
    let has_more = docs.len() as u64 > page.limit;
    docs.truncate(usize::try_from(page.limit).unwrap_or(usize::MAX));
    let next_cursor = has_more.then(|| docs.last()).flatten().map(|last| {
        let t = last.published_at.unwrap_or_default().timestamp_micros();
        state.cursor_key.encode(filter.fingerprint(), Position::Time { t, i: last.id })
    });

    let mut meta = PageMeta { limit: page.limit, next_cursor, has_more, ..PageMeta::default() };
    if let Some(number) = page.page {
        let mut count = Sql::new(backend);
        count.push("SELECT COUNT(*) AS n");
        where_clause(&mut count);
        let total = match state.db.query_one_raw(count.build()).await? {
            Some(row) => u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or_default(),
            None => 0,
        };
        meta.page = Some(number);
        meta.total = Some(total);
        meta.total_pages = Some(total.div_ceil(page.limit));
    }
    let presenter = &snapshot.presenter;
    Ok(Page { data: docs.into_iter().map(|d| presenter.summary(d)).collect(), meta })
}

/// The whole public article.
pub async fn get(state: &AppState, slug: &str) -> AppResult<ArticleDetail> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound("article"))?;
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push("SELECT a.detail_doc FROM articles a WHERE a.slug = ").bind(slug.as_str()).push(" AND ");
    push_public(&mut sql, "a", Utc::now());
    let row = state.db.query_one_raw(sql.build()).await?.ok_or(AppError::NotFound("article"))?;
    let detail: DetailDoc = doc(&row, "detail_doc")?;
    Ok(state.snapshot().presenter.detail(detail))
}

/// "Tin khác": other public articles ranked by tags shared with this one (two points each)
/// and the same category (one point), then by recency; the latest articles fill the list
/// when few are alike. Never the article itself.
pub async fn related(state: &AppState, slug: &str, limit: u64) -> AppResult<Vec<ArticleSummary>> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound("article"))?;
    let backend = state.db.get_database_backend();
    let now = Utc::now();
    let mut sql = Sql::new(backend);
    sql.push("SELECT a.id, a.category_id, t.tag_id FROM articles a LEFT JOIN article_tags t ON t.article_id = a.id WHERE a.slug = ")
        .bind(slug.as_str())
        .push(" AND ");
    push_public(&mut sql, "a", now);
    let rows = state.db.query_all_raw(sql.build()).await?;
    let first = rows.first().ok_or(AppError::NotFound("article"))?;
    let id: i64 = first.try_get("", "id")?;
    let category_id: i64 = first.try_get("", "category_id")?;
    let tag_ids = rows.iter().map(|r| r.try_get::<Option<i64>>("", "tag_id")).collect::<Result<Vec<_>, _>>()?;

    // Candidates: the latest articles of each shared tag and of the same category; only they
    // are scored, so the cost does not grow with the archive. Ids grow with time, so the
    // highest ids of a tag are its latest articles.
    let mut sql = Sql::new(backend);
    sql.push("SELECT r.summary_doc FROM articles r JOIN (SELECT c.id, SUM(c.points) AS score FROM (");
    for tag_id in tag_ids.into_iter().flatten() {
        sql.push("SELECT x.id, 2 AS points FROM (SELECT article_id AS id FROM article_tags WHERE tag_id = ")
            .bind(tag_id)
            .push(" ORDER BY article_id DESC LIMIT ")
            .bind(RELATED_CANDIDATES)
            .push(") x UNION ALL ");
    }
    // The latest articles, scored zero, fill the list when few articles are alike.
    sql.push("SELECT f.id, 0 AS points FROM (SELECT a.id FROM articles a WHERE ");
    push_public(&mut sql, "a", now);
    sql.push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ")
        .bind(i64::try_from(limit + 1).unwrap_or(i64::MAX))
        .push(") f UNION ALL ");
    sql.push("SELECT s.id, 1 AS points FROM (SELECT a.id FROM articles a WHERE a.category_id = ")
        .bind(category_id)
        .push(" AND ");
    push_public(&mut sql, "a", now);
    sql.push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ")
        .bind(RELATED_CANDIDATES)
        .push(") s) c GROUP BY c.id) ranked ON ranked.id = r.id WHERE r.id <> ")
        .bind(id)
        .push(" AND ");
    push_public(&mut sql, "r", now);
    sql.push(" ORDER BY ranked.score DESC, r.published_at DESC, r.id DESC LIMIT ")
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let rows = state.db.query_all_raw(sql.build()).await?;
    let presenter = &state.snapshot().presenter;
    rows.iter().map(|r| doc::<SummaryDoc>(r, "summary_doc").map(|d| presenter.summary(d))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Ho_Chi_Minh;

    #[test]
    fn bare_dates_are_midnight_in_the_site_time_zone() {
        let at = parse_instant("published_after", "2022-09-20", Ho_Chi_Minh).expect("date");
        assert_eq!(at.to_rfc3339(), "2022-09-19T17:00:00+00:00");
        let at = parse_instant("published_after", "2022-09-20T13:00:00+07:00", Ho_Chi_Minh).expect("date-time");
        assert_eq!(at.to_rfc3339(), "2022-09-20T06:00:00+00:00");
    }

    #[test]
    fn malformed_dates_name_the_parameter() {
        for bad in ["20/09/2022", "2022-13-01", "yesterday", ""] {
            match parse_instant("published_before", bad, Ho_Chi_Minh) {
                Err(AppError::BadRequest { errors, .. }) => assert_eq!(errors[0].field, "published_before"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn different_filters_make_different_cursor_lists() {
        let a = ArticleFilter { category: Some("thoi-su".into()), ..ArticleFilter::default() };
        let b = ArticleFilter { tag: Some("thoi-su".into()), ..ArticleFilter::default() };
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
    }
}
