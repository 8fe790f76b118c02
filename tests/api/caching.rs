use bantin_e2e::{Options, anatomy_slug, spawn_app, spawn_app_with};
use serde_json::{Value, json};

fn public_paths() -> Vec<String> {
    let slug = anatomy_slug();
    vec![
        "/api/v1/articles".into(),
        "/api/v1/articles?category=thoi-su&limit=3".into(),
        format!("/api/v1/articles/{slug}"),
        format!("/api/v1/articles/{slug}/related"),
        "/api/v1/categories".into(),
        "/api/v1/categories/thoi-su".into(),
        "/api/v1/authors".into(),
        "/api/v1/authors/pham-minh-khoi".into(),
        "/api/v1/tags".into(),
        "/api/v1/tags/le-chan".into(),
        "/api/v1/media/1".into(),
        "/api/v1/site".into(),
    ]
}

#[tokio::test]
async fn every_public_get_has_an_etag_a_cache_control_and_answers_304_when_unchanged() {
    for cache in [true, false] {
        let app = spawn_app_with(Options { cache, ..Options::default() }).await;
        for path in public_paths() {
            let first = app.get(&path).await;
            assert_eq!(first.status, 200, "{path}");
            let etag = first.header("etag").unwrap_or_else(|| panic!("ETag on {path}")).to_owned();
            let cache_control = first.header("cache-control").expect("Cache-Control");
            assert!(cache_control.starts_with("public, max-age="), "{path}: {cache_control}");
            let vary: Vec<&str> = first.headers.get_all("vary").iter().filter_map(|v| v.to_str().ok()).collect();
            assert!(
                vary.iter().any(|v| v.contains("Authorization")),
                "{path}: shared caches keep signed-in answers apart: {vary:?}"
            );
            let again = app.get_with(&path, &[("if-none-match", &etag)]).await;
            assert_eq!(again.status, 304, "{path} (cache {cache})");
            assert!(again.body.is_empty());
            assert_eq!(again.header("etag"), Some(etag.as_str()));
            let other = app.get_with(&path, &[("if-none-match", "\"something-else\"")]).await;
            assert_eq!(other.status, 200, "{path}: a different ETag gets the body");
        }
    }
}

#[tokio::test]
async fn the_same_content_has_the_same_etag_with_or_without_the_cache() {
    let cached = spawn_app_with(Options { cache: true, ..Options::default() }).await;
    let first = cached.get("/api/v1/categories").await;
    let second = cached.get("/api/v1/categories").await;
    assert_eq!(first.header("etag"), second.header("etag"));
    assert_eq!(first.body, second.body);
}

/// A list is one statement choosing its articles, and one more reading the summaries not yet
/// in memory; never one per item.
#[tokio::test]
async fn sql_statements_per_list_do_not_grow_with_the_page_size() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    app.get("/api/v1/site").await;
    for limit in [1, 5, 13, 40] {
        for path in
            [format!("/api/v1/articles?limit={limit}"), format!("/api/v1/articles?category=thoi-su&limit={limit}")]
        {
            for (time, expected) in [("first", 1..=2), ("again", 1..=1)] {
                let before = app.metric("bantin_db_statements_total").await;
                assert_eq!(app.get(&path).await.status, 200);
                let spent = app.metric("bantin_db_statements_total").await - before;
                assert!(expected.contains(&spent), "{path}, {time}: {spent} statements");
            }
        }
    }
    let before = app.metric("bantin_db_statements_total").await;
    app.get(&format!("/api/v1/articles/{}", anatomy_slug())).await;
    assert!(app.metric("bantin_db_statements_total").await - before <= 1, "the article page is one statement");
}

/// Summaries and article pages come from memory only within the content generation they were
/// read in: an edit, a renamed author or a change of the site's base URL shows in the next
/// list and page, on both surfaces, with no response cache in between.
#[tokio::test]
async fn lists_and_pages_show_edits_and_site_changes_at_once() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    let editor = app.account("editor").await;
    let admin = app.account("admin").await;
    let slug = anatomy_slug();
    let path = format!("/api/v1/articles/{slug}");
    let page = app.get_json(&path).await;
    let category = page["breadcrumb"][0]["slug"].as_str().expect("section").to_owned();
    let author = page["authors"][0]["slug"].as_str().expect("author").to_owned();
    let lists = ["/api/v1/articles?limit=100".to_owned(), format!("/api/v1/articles?category={category}&limit=50")];
    for path in &lists {
        app.get_json(path).await;
    }
    let page_query = "query($slug: String!) { article(slug: $slug) { title url authors { name } } }";
    let graphql_page = || async { app.graphql_data(page_query, json!({ "slug": slug })).await["article"].clone() };
    graphql_page().await;

    let edited = app.edit_article(&editor.token, &path, json!({ "title": "Tiêu đề mới sau khi sửa" })).await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let titled =
        |list: &Value| list["data"].as_array().expect("data").iter().find(|a| a["slug"] == slug.as_str()).cloned();
    for path in &lists {
        let shown = titled(&app.get_json(path).await).unwrap_or_else(|| panic!("{slug} in {path}"));
        assert_eq!(shown["title"], "Tiêu đề mới sau khi sửa", "{path}");
    }
    assert_eq!(app.get_json(&path).await["title"], "Tiêu đề mới sau khi sửa");
    assert_eq!(graphql_page().await["title"], "Tiêu đề mới sau khi sửa");
    let homepage = app.graphql_data("{ articles(first: 100) { nodes { slug title } } }", json!({})).await;
    assert!(
        homepage["articles"]["nodes"]
            .as_array()
            .expect("nodes")
            .iter()
            .any(|a| a["title"] == "Tiêu đề mới sau khi sửa"),
        "{homepage}"
    );

    let renamed = app
        .send(
            "PATCH",
            &format!("/api/v1/authors/{author}"),
            Some(&admin.token),
            Some(json!({ "name": "Bút danh mới" })),
            &[],
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    assert_eq!(app.get_json(&path).await["authors"][0]["name"], "Bút danh mới", "the version did not change");
    assert_eq!(graphql_page().await["authors"][0]["name"], "Bút danh mới");

    let site = app
        .send("PATCH", "/api/v1/site", Some(&admin.token), Some(json!({ "base_url": "https://tin.example.vn" })), &[])
        .await;
    assert_eq!(site.status, 200, "{}", site.body);
    for path in &lists {
        for article in app.get_json(path).await["data"].as_array().expect("data") {
            let url = article["url"].as_str().expect("url");
            assert!(url.starts_with("https://tin.example.vn/tin-tuc/"), "{path}: {url}");
        }
    }
    for url in [app.get_json(&path).await["url"].clone(), graphql_page().await["url"].clone()] {
        assert!(url.as_str().expect("url").starts_with("https://tin.example.vn/tin-tuc/"), "{url}");
    }
}

/// Related news is two statements on either back end the first time (the article with its
/// tags and pins, then the winners' summaries), one more when a candidate list has to be read,
/// and one once the ranking is in memory (the subject and the winners still public?); never
/// one per tag.
#[tokio::test]
async fn related_news_statements_do_not_grow_with_the_number_of_tags() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    let list = app.get_json("/api/v1/articles?limit=100").await;
    let mut by_tags: Vec<(usize, String)> = list["data"]
        .as_array()
        .expect("articles")
        .iter()
        .map(|a| (a["tags"].as_array().map_or(0, Vec::len), a["slug"].as_str().expect("slug").to_owned()))
        .collect();
    by_tags.sort();
    let (fewest, most) = (by_tags.first().expect("an article"), by_tags.last().expect("an article"));
    assert!(fewest.0 + 1 < most.0, "the demo has articles with different numbers of tags: {by_tags:?}");
    for (_, slug) in [most, fewest] {
        let path = format!("/api/v1/articles/{slug}/related");
        for (time, expected) in [("first", 2..=3), ("again", 1..=1)] {
            let before = app.metric("bantin_db_statements_total").await;
            assert_eq!(app.get(&path).await.status, 200);
            let spent = app.metric("bantin_db_statements_total").await - before;
            assert!(expected.contains(&spent), "related news of {slug}, {time}: {spent} statements");
        }
    }
}

#[tokio::test]
async fn a_repeated_public_read_is_served_from_the_cache_without_sql() {
    let app = spawn_app().await;
    let path = format!("/api/v1/articles/{}", anatomy_slug());
    app.get(&path).await;
    let before = app.metric("bantin_db_statements_total").await;
    let hits = app.metric("bantin_cache_hits_total").await;
    let reply = app.get(&path).await;
    assert_eq!(reply.status, 200);
    assert_eq!(app.metric("bantin_db_statements_total").await, before, "no SQL for a cached response");
    assert_eq!(app.metric("bantin_cache_hits_total").await, hits + 1);
}

#[tokio::test]
async fn media_files_are_immutable_and_answer_ranges_and_304() {
    let app = spawn_app().await;
    let media = app.get_json("/api/v1/media/1").await;
    let path = media["url"].as_str().expect("url").trim_start_matches(&app.address).to_owned();
    let full = app.get(&path).await;
    let etag = full.header("etag").expect("ETag").to_owned();
    assert_eq!(app.get_with(&path, &[("if-none-match", &etag)]).await.status, 304);
    let part = app.get_with(&path, &[("range", "bytes=0-9")]).await;
    assert_eq!(part.status, 206);
    assert_eq!(part.header("content-length"), Some("10"));
}
