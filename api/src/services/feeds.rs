//! RSS 2.0 and Atom feeds of the newest public articles, for the whole site or one category,
//! tag or author. Built with the `rss` and `atom_syndication` crates from the same list the
//! article API serves, so a feed never holds what the public may not see.

use std::{
    collections::{BTreeMap, HashMap},
    sync::Arc,
};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{
    articles::{self, ArticleFilter, SharedSummary},
    authors, changes, tags,
};
use crate::{
    error::{AppError, AppResult},
    pagination::PageRequest,
    sql::Sql,
    state::AppState,
};

/// Articles per feed.
pub const FEED_SIZE: u64 = 50;

const MEDIA_RSS: &str = "http://search.yahoo.com/mrss/";
const DUBLIN_CORE: &str = "http://purl.org/dc/elements/1.1/";

/// A feed's content, whatever its format.
pub struct Feed {
    pub title: String,
    pub description: String,
    /// The portal's home page.
    pub home: String,
    /// This feed's own URL.
    pub self_url: String,
    pub language: String,
    /// When public content last changed (or the newest article, before any API write).
    pub updated: DateTime<Utc>,
    pub items: Vec<FeedItem>,
}

pub struct FeedItem {
    pub article: Arc<SharedSummary>,
    pub updated_at: DateTime<Utc>,
}

/// The newest public articles under `filter` (only category, tag and author are used).
pub async fn feed(state: &AppState, filter: &ArticleFilter, self_url: String) -> AppResult<Feed> {
    let page = PageRequest { limit: FEED_SIZE, after: None, page: None };
    let list = articles::list(state, filter, &page).await?;
    let snapshot = state.snapshot();
    let site = &snapshot.site;
    let mut scope = Vec::new();
    if let Some(slug) = &filter.category
        && let Some(category) = snapshot.categories.by_slug(slug)
    {
        scope.push(category.name.clone());
    }
    if let Some(slug) = &filter.tag {
        scope.push(format!("#{}", tags::find(state, slug).await?.name));
    }
    if let Some(slug) = &filter.author {
        scope.push(authors::find(state, slug).await?.name);
    }
    let title = if scope.is_empty() { site.name.clone() } else { format!("{} – {}", site.name, scope.join(", ")) };
    let updated_at = updated_times(state, &list.data).await?;
    let newest = updated_at.values().copied().max();
    let updated = changes::last_change(state.db()).await?.or(newest).unwrap_or_else(Utc::now);
    let items = list
        .data
        .into_iter()
        .map(|article| FeedItem { updated_at: updated_at.get(&article.id).copied().unwrap_or(updated), article })
        .collect();
    Ok(Feed {
        title,
        description: site.description.clone(),
        home: snapshot.presenter.site_base.clone(),
        self_url,
        language: site.locale.clone(),
        updated,
        items,
    })
}

async fn updated_times(state: &AppState, items: &[Arc<SharedSummary>]) -> AppResult<HashMap<i64, DateTime<Utc>>> {
    if items.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT id, updated_at FROM articles WHERE id IN ").bind_list(items.iter().map(|a| a.id));
    state
        .db()
        .query_all_raw(sql.build())
        .await?
        .iter()
        .map(|row| Ok((row.try_get::<i64>("", "id")?, row.try_get::<DateTime<Utc>>("", "updated_at")?)))
        .collect()
}

fn written(result: Result<Vec<u8>, String>) -> AppResult<Vec<u8>> {
    result.map_err(|e| AppError::Internal(anyhow::anyhow!("cannot write a feed: {e}")))
}

/// The feed as RSS 2.0, with Dublin Core creators and Media RSS cover images.
pub fn rss(feed: &Feed) -> AppResult<Vec<u8>> {
    use rss::{
        Category, Channel, Enclosure, Guid, Item,
        extension::{Extension, atom::AtomExtension, dublincore::DublinCoreExtension},
    };
    let items: Vec<Item> = feed
        .items
        .iter()
        .map(|FeedItem { article, .. }| {
            let mut item = Item::default();
            item.set_title(article.title.clone());
            item.set_link(article.url.clone());
            item.set_description(article.summary.clone());
            let mut guid = Guid::default();
            guid.set_value(article.url.clone());
            guid.set_permalink(true);
            item.set_guid(guid);
            item.set_pub_date(article.published_at.to_rfc2822());
            let mut category = Category::default();
            category.set_name(article.category.name.clone());
            item.set_categories(vec![category]);
            let mut creators = DublinCoreExtension::default();
            creators.set_creators(article.authors.iter().map(|a| a.name.clone()).collect::<Vec<_>>());
            item.set_dublin_core_ext(creators);
            if let Some(cover) = &article.cover {
                let mut enclosure = Enclosure::default();
                enclosure.set_url(cover.url.clone());
                enclosure.set_mime_type(cover.mime.clone());
                // The byte size is not part of the read model; RSS asks for 0 when unknown.
                enclosure.set_length("0");
                item.set_enclosure(enclosure);
                let attrs = BTreeMap::from([
                    ("url".to_owned(), cover.url.clone()),
                    ("medium".to_owned(), "image".to_owned()),
                    ("type".to_owned(), cover.mime.clone()),
                    ("width".to_owned(), cover.width.to_string()),
                    ("height".to_owned(), cover.height.to_string()),
                ]);
                let description = Extension {
                    name: "media:description".into(),
                    value: Some(cover.caption.clone().unwrap_or_else(|| cover.alt.clone())),
                    ..Extension::default()
                };
                let content = Extension {
                    name: "media:content".into(),
                    attrs,
                    children: BTreeMap::from([("description".to_owned(), vec![description])]),
                    ..Extension::default()
                };
                item.set_extensions(BTreeMap::from([(
                    "media".to_owned(),
                    BTreeMap::from([("content".to_owned(), vec![content])]),
                )]));
            }
            item
        })
        .collect();
    let mut channel = Channel::default();
    channel.set_title(feed.title.clone());
    channel.set_link(feed.home.clone());
    channel.set_description(feed.description.clone());
    channel.set_language(feed.language.clone());
    channel.set_last_build_date(feed.updated.to_rfc2822());
    channel.set_generator("Bantin".to_owned());
    channel.set_ttl("5".to_owned());
    let mut self_link = rss::extension::atom::Link::default();
    self_link.set_href(feed.self_url.clone());
    self_link.set_rel("self");
    self_link.set_mime_type("application/rss+xml".to_owned());
    let mut atom = AtomExtension::default();
    atom.set_links(vec![self_link]);
    channel.set_atom_ext(atom);
    channel.set_namespaces(BTreeMap::from([
        ("media".to_owned(), MEDIA_RSS.to_owned()),
        ("dc".to_owned(), DUBLIN_CORE.to_owned()),
    ]));
    channel.set_items(items);
    written(channel.write_to(Vec::new()).map_err(|e| e.to_string()))
}

/// The feed as Atom 1.0.
pub fn atom(feed: &Feed) -> AppResult<Vec<u8>> {
    use atom_syndication::{Category, Entry, Feed as AtomFeed, Generator, Link, Person, Text};
    let link = |href: &str, rel: &str, mime: Option<&str>| {
        let mut link = Link::default();
        link.set_href(href);
        link.set_rel(rel);
        link.set_mime_type(mime.map(str::to_owned));
        link
    };
    let entries: Vec<Entry> = feed
        .items
        .iter()
        .map(|FeedItem { article, updated_at }| {
            let mut entry = Entry::default();
            entry.set_id(article.url.clone());
            entry.set_title(Text::plain(article.title.clone()));
            entry.set_published(Some(article.published_at));
            entry.set_updated(updated_at.fixed_offset().max(article.published_at));
            entry.set_summary(Some(Text::plain(article.summary.clone())));
            entry.set_authors(
                article
                    .authors
                    .iter()
                    .map(|a| {
                        let mut person = Person::default();
                        person.set_name(a.name.clone());
                        person
                    })
                    .collect::<Vec<_>>(),
            );
            let mut category = Category::default();
            category.set_term(article.category.slug.clone());
            category.set_label(Some(article.category.name.clone()));
            entry.set_categories(vec![category]);
            let mut links = vec![link(&article.url, "alternate", Some("text/html"))];
            if let Some(cover) = &article.cover {
                links.push(link(&cover.url, "enclosure", Some(&cover.mime)));
            }
            entry.set_links(links);
            entry
        })
        .collect();
    let mut atom = AtomFeed::default();
    atom.set_id(feed.self_url.clone());
    atom.set_title(Text::plain(feed.title.clone()));
    atom.set_subtitle(Some(Text::plain(feed.description.clone())));
    atom.set_updated(feed.updated.fixed_offset());
    atom.set_lang(Some(feed.language.clone()));
    atom.set_links(vec![
        link(&feed.self_url, "self", Some("application/atom+xml")),
        link(&feed.home, "alternate", Some("text/html")),
    ]);
    let mut generator = Generator::default();
    generator.set_value("Bantin");
    atom.set_generator(Some(generator));
    atom.set_entries(entries);
    written(atom.write_to(Vec::new()).map_err(|e| e.to_string()))
}
