//! RSS, Atom and sitemaps: well-formed XML, public articles only, filters, validators and the
//! cache. `.ci/run` also reads the feeds with Python's `feedparser`.

use bantin_e2e::{TestApp, hidden_demo_articles, spawn_app};
use serde_json::json;

fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed XML ({e}): {xml}"))
}

const ATOM: &str = "http://www.w3.org/2005/Atom";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const MEDIA: &str = "http://search.yahoo.com/mrss/";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

fn texts<'a>(doc: &'a roxmltree::Document<'a>, ns: Option<&str>, name: &str) -> Vec<&'a str> {
    doc.descendants()
        .filter(|n| n.tag_name().name() == name && n.tag_name().namespace() == ns)
        .map(|n| n.text().unwrap_or_default())
        .collect()
}

/// Public URLs of the public list, newest first.
async fn public_urls(app: &TestApp, query: &str) -> Vec<String> {
    app.walk_articles(query, 100).await.iter().map(|a| a["url"].as_str().expect("url").to_owned()).collect()
}

#[tokio::test]
async fn rss_and_atom_carry_the_newest_public_articles_with_authors_and_covers() {
    let app = spawn_app().await;
    let expected = public_urls(&app, "").await;

    let rss = app.get("/api/v1/feeds/rss.xml").await;
    assert_eq!(rss.status, 200);
    assert_eq!(rss.header("content-type"), Some("application/rss+xml; charset=utf-8"));
    let doc = parse(&rss.body);
    let items: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("item")).collect();
    let links: Vec<&str> = items
        .iter()
        .map(|i| i.children().find(|c| c.has_tag_name("link")).and_then(|l| l.text()).expect("link"))
        .collect();
    assert_eq!(links, expected, "newest first, public only, URLs from the site settings");
    assert!(links.iter().all(|l| l.starts_with("https://bantin.example.vn/tin-tuc/")));
    assert!(!texts(&doc, Some(DC), "creator").is_empty(), "authors as dc:creator");
    let enclosures = doc.descendants().filter(|n| n.has_tag_name("enclosure")).count();
    let media = doc
        .descendants()
        .filter(|n| n.tag_name().namespace() == Some(MEDIA) && n.tag_name().name() == "content")
        .count();
    assert!(enclosures >= 10 && enclosures == media, "covers as enclosure and media:content");
    assert_eq!(texts(&doc, None, "language"), ["vi-VN"]);

    let atom = app.get("/api/v1/feeds/atom.xml").await;
    assert_eq!(atom.header("content-type"), Some("application/atom+xml; charset=utf-8"));
    let doc = parse(&atom.body);
    let entries: Vec<_> = doc.descendants().filter(|n| n.has_tag_name((ATOM, "entry"))).collect();
    assert_eq!(entries.len(), expected.len());
    for (entry, url) in entries.iter().zip(&expected) {
        assert_eq!(entry.children().find(|c| c.has_tag_name((ATOM, "id"))).and_then(|c| c.text()), Some(url.as_str()));
        assert!(entry.children().any(|c| c.has_tag_name((ATOM, "updated"))));
        assert!(entry.children().any(|c| c.has_tag_name((ATOM, "author"))));
    }
    for (why, slug) in hidden_demo_articles() {
        assert!(!rss.body.contains(&slug) && !atom.body.contains(&slug), "{why} article in a feed");
    }
}

#[tokio::test]
async fn feeds_follow_a_category_a_tag_or_an_author_and_refuse_unknown_ones() {
    let app = spawn_app().await;
    let ids = app.demo_ids().await;
    for query in
        [format!("category={}", ids.category_slug), format!("tag={}", ids.tag_slug), "author=le-bao-ngoc".to_owned()]
    {
        let expected = public_urls(&app, &format!("?{query}")).await;
        assert!(!expected.is_empty(), "{query}");
        let body = app.get(&format!("/api/v1/feeds/rss.xml?{query}")).await.body;
        let doc = parse(&body);
        let links: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("item"))
            .filter_map(|i| i.children().find(|c| c.has_tag_name("link")).and_then(|l| l.text()))
            .collect();
        assert_eq!(links, expected, "{query}");
        let title = texts(&doc, None, "title")[0];
        assert!(title.contains(" – "), "the feed title names what it follows: {title}");
    }
    let unknown = app.get("/api/v1/feeds/atom.xml?category=khong-co").await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.json()["errors"][0]["field"], "category");
}

#[tokio::test]
async fn feeds_have_validators_and_come_from_the_cache_after_the_first_request() {
    let app = spawn_app().await;
    let first = app.get("/api/v1/feeds/atom.xml?tag=le-chan").await;
    let etag = first.header("etag").expect("etag").to_owned();
    let modified = first.header("last-modified").expect("last-modified").to_owned();
    assert!(first.header("cache-control").expect("cache-control").starts_with("public, max-age="));
    assert!(modified.ends_with(" GMT"), "{modified}");

    let hits = app.metric("bantin_cache_hits_total").await;
    assert_eq!(app.get("/api/v1/feeds/atom.xml?tag=le-chan").await.body, first.body);
    assert_eq!(app.metric("bantin_cache_hits_total").await, hits + 1, "the second request is a cache hit");

    let by_etag = app.get_with("/api/v1/feeds/atom.xml?tag=le-chan", &[("if-none-match", &etag)]).await;
    assert_eq!(by_etag.status, 304);
    let by_date = app.get_with("/api/v1/feeds/atom.xml?tag=le-chan", &[("if-modified-since", &modified)]).await;
    assert_eq!(by_date.status, 304);
    let older = app
        .get_with("/api/v1/feeds/atom.xml?tag=le-chan", &[("if-modified-since", "Mon, 01 Jan 2024 00:00:00 GMT")])
        .await;
    assert_eq!(older.status, 200);
    let both = app
        .get_with(
            "/api/v1/feeds/atom.xml?tag=le-chan",
            &[("if-none-match", "\"other\""), ("if-modified-since", &modified)],
        )
        .await;
    assert_eq!(both.status, 200, "If-None-Match decides when both are sent");
}

#[tokio::test]
async fn sitemaps_list_every_public_article_and_news_the_last_two_days() {
    let app = spawn_app().await;
    let index = app.get("/api/v1/sitemap.xml").await;
    assert_eq!(index.header("content-type"), Some("application/xml; charset=utf-8"));
    let doc = parse(&index.body);
    let pages = texts(&doc, Some(SITEMAP), "loc");
    assert_eq!(pages.len(), 1);
    assert!(pages[0].ends_with("/api/v1/sitemaps/articles-1.xml"), "{pages:?}");
    assert_eq!(texts(&doc, Some(SITEMAP), "lastmod").len(), 1);

    let path = pages[0].split("/api/v1").nth(1).expect("path");
    let urls_xml = app.get(&format!("/api/v1{path}")).await.body;
    let urls = parse(&urls_xml);
    let mut listed: Vec<&str> = texts(&urls, Some(SITEMAP), "loc");
    let mut expected = public_urls(&app, "").await;
    listed.sort_unstable();
    expected.sort();
    assert_eq!(listed, expected);
    assert_eq!(app.get("/api/v1/sitemaps/articles-2.xml").await.status, 404);
    assert_eq!(app.get("/api/v1/sitemaps/articles-0.xml").await.status, 404);
    assert_eq!(app.get("/api/v1/sitemaps/articles-x.xml").await.status, 404);

    let news = parse(&app.get("/api/v1/sitemap-news.xml").await.body)
        .descendants()
        .filter(|n| n.has_tag_name((NEWS, "news")))
        .count();
    assert_eq!(news, 0, "the demo articles are older than two days");
    let editor = app.account("editor").await;
    let ids = app.demo_ids().await;
    let created = app
        .create_article(
            &editor.token,
            json!({ "title": "Tin nóng: mở cửa lại bến phà Bính", "category_id": ids.category, "authors": [{ "author_id": ids.author }] }),
        )
        .await;
    let id = created["id"].as_i64().expect("id");
    let published = app.send("POST", &format!("/api/v1/articles/{id}/publish"), Some(&editor.token), None, &[]).await;
    assert_eq!(published.status, 200);
    let body = app.get("/api/v1/sitemap-news.xml").await.body;
    let doc = parse(&body);
    assert_eq!(texts(&doc, Some(NEWS), "title"), ["Tin nóng: mở cửa lại bến phà Bính"]);
    assert_eq!(texts(&doc, Some(NEWS), "language"), ["vi"]);
    assert_eq!(texts(&doc, Some(NEWS), "name"), [app.get_json("/api/v1/site").await["name"].as_str().expect("name")]);
    assert!(texts(&doc, Some(SITEMAP), "loc")[0].ends_with(created["slug"].as_str().expect("slug")));
}
