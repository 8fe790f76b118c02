//! Sitemaps for search engines: an index of article sitemaps (oldest articles first, so a
//! page's list only changes when one of its articles does) and a Google News sitemap of the
//! last two days. Public articles only, URLs from the site settings.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use quick_xml::escape::escape;
use sea_orm::ConnectionTrait;

use super::visibility::push_public;
use crate::{
    error::{AppError, AppResult},
    sql::Sql,
    state::AppState,
};

/// URLs per sitemap file, the protocol's limit.
pub const URLS_PER_SITEMAP: u64 = 50_000;
/// Google News reads articles of the last two days, at most 1,000 of them.
const NEWS_WINDOW_HOURS: i64 = 48;
const NEWS_MAX: i64 = 1_000;

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

fn w3c(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The sitemap index: one entry per article sitemap, with the latest change in it.
pub async fn index(state: &AppState) -> AppResult<String> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT p.page AS page, MAX(p.updated_at) AS updated_at FROM (SELECT (ROW_NUMBER() OVER (ORDER BY a.published_at, a.id) - 1) / ")
        .bind(i64::try_from(URLS_PER_SITEMAP).unwrap_or(i64::MAX))
        .push(" AS page, a.updated_at FROM articles a WHERE ");
    push_public(&mut sql, "a", Utc::now());
    sql.push(") p GROUP BY p.page ORDER BY p.page");
    let api_base = &state.snapshot().presenter.api_base;
    let mut xml = String::from(XML_HEAD);
    xml.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for row in state.db().query_all_raw(sql.build()).await? {
        let page: i64 = row.try_get("", "page")?;
        let updated: DateTime<Utc> = row.try_get("", "updated_at")?;
        xml.push_str(&format!(
            "<sitemap><loc>{}</loc><lastmod>{}</lastmod></sitemap>\n",
            escape(format!("{api_base}/sitemaps/articles-{}.xml", page + 1)),
            w3c(updated)
        ));
    }
    xml.push_str("</sitemapindex>\n");
    Ok(xml)
}

/// Article sitemap number `page` (from 1); a page past the last is not found.
pub async fn articles(state: &AppState, page: u64) -> AppResult<String> {
    let offset = page
        .checked_sub(1)
        .and_then(|p| p.checked_mul(URLS_PER_SITEMAP))
        .and_then(|o| i64::try_from(o).ok())
        .ok_or(AppError::NotFound("sitemap"))?;
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT a.slug, a.updated_at FROM articles a WHERE ");
    push_public(&mut sql, "a", Utc::now());
    sql.push(" ORDER BY a.published_at, a.id LIMIT ")
        .bind(i64::try_from(URLS_PER_SITEMAP).unwrap_or(i64::MAX))
        .push(" OFFSET ")
        .bind(offset);
    let rows = state.db().query_all_raw(sql.build()).await?;
    if rows.is_empty() && page > 1 {
        return Err(AppError::NotFound("sitemap"));
    }
    let presenter = &state.snapshot().presenter;
    let mut xml = String::with_capacity(64 + rows.len() * 160);
    xml.push_str(XML_HEAD);
    xml.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for row in rows {
        let slug: String = row.try_get("", "slug")?;
        let updated: DateTime<Utc> = row.try_get("", "updated_at")?;
        xml.push_str(&format!(
            "<url><loc>{}</loc><lastmod>{}</lastmod></url>\n",
            escape(presenter.article_url(&slug)),
            w3c(updated)
        ));
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}

/// The Google News sitemap: public articles of the last 48 hours, newest first.
pub async fn news(state: &AppState) -> AppResult<String> {
    let now = Utc::now();
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT a.slug, a.title, a.published_at FROM articles a WHERE ");
    push_public(&mut sql, "a", now);
    sql.push(" AND a.published_at > ")
        .bind(now - Duration::hours(NEWS_WINDOW_HOURS))
        .push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ")
        .bind(NEWS_MAX);
    let rows = state.db().query_all_raw(sql.build()).await?;
    let snapshot = state.snapshot();
    let presenter = &snapshot.presenter;
    let publication = escape(&snapshot.site.name).into_owned();
    let mut xml = String::from(XML_HEAD);
    xml.push_str(
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
    );
    for row in rows {
        let slug: String = row.try_get("", "slug")?;
        let title: String = row.try_get("", "title")?;
        let published: DateTime<Utc> = row.try_get("", "published_at")?;
        xml.push_str(&format!(
            "<url><loc>{}</loc><news:news><news:publication><news:name>{publication}</news:name>\
             <news:language>vi</news:language></news:publication>\
             <news:publication_date>{}</news:publication_date><news:title>{}</news:title></news:news></url>\n",
            escape(presenter.article_url(&slug)),
            published.with_timezone(&presenter.tz).to_rfc3339_opts(SecondsFormat::Secs, true),
            escape(&title)
        ));
    }
    xml.push_str("</urlset>\n");
    Ok(xml)
}
