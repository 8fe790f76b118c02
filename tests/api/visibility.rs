//! The public never sees a draft, an article in review, a scheduled one before its time, an
//! archived one or one in the trash — on any endpoint, in any count.

use bantin_e2e::{Options, hidden_demo_articles, spawn_app, spawn_app_with};

#[tokio::test]
async fn hidden_articles_are_invisible_on_every_public_endpoint() {
    let app = spawn_app().await;
    let hidden = hidden_demo_articles();
    let public = app.walk_articles("", 7).await;
    let public_slugs: Vec<&str> = public.iter().map(|a| a["slug"].as_str().expect("slug")).collect();

    for (why, slug) in &hidden {
        let detail = app.get(&format!("/api/v1/articles/{slug}")).await;
        assert_eq!(detail.status, 404, "{why} article detail");
        assert_eq!(detail.header("content-type"), Some("application/problem+json"));
        assert_eq!(app.get(&format!("/api/v1/articles/{slug}/related")).await.status, 404, "{why} related");
        assert!(!public_slugs.contains(&slug.as_str()), "{why} article in the list");
    }
    for category in app
        .get_json("/api/v1/categories")
        .await
        .as_array()
        .expect("tree")
        .iter()
        .flat_map(|c| std::iter::once(c.clone()).chain(c["children"].as_array().expect("children").iter().cloned()))
    {
        let slug = category["slug"].as_str().expect("slug");
        let listed = app.walk_articles(&format!("?category={slug}"), 100).await;
        let page = app.get_json(&format!("/api/v1/categories/{slug}")).await;
        assert_eq!(page["article_count"].as_u64(), Some(listed.len() as u64), "count of {slug}");
        for (why, hidden_slug) in &hidden {
            assert!(listed.iter().all(|a| a["slug"] != hidden_slug.as_str()), "{why} article in category {slug}");
        }
    }
    for article in &public {
        let related = app
            .get_json(&format!("/api/v1/articles/{}/related?limit=20", article["slug"].as_str().expect("slug")))
            .await;
        for (why, slug) in &hidden {
            assert!(
                related.as_array().expect("list").iter().all(|a| a["slug"] != slug.as_str()),
                "{why} article in related"
            );
        }
    }
    // Every hidden article carries this tag, and one author signs only hidden articles plus one.
    assert_eq!(app.get_json("/api/v1/tags/tin-noi-bo").await["article_count"], 0);
    assert!(app.walk_articles("?tag=tin-noi-bo", 100).await.is_empty());
    let ngoc = app.walk_articles("?author=le-bao-ngoc", 100).await;
    assert_eq!(ngoc.len(), 1, "only her published article");
    assert_eq!(app.get_json("/api/v1/authors/le-bao-ngoc").await["article_count"], 1);
    let paged = app.get_json("/api/v1/articles?page=1&limit=5").await;
    assert_eq!(paged["meta"]["total"].as_u64(), Some(public.len() as u64), "the total counts public articles only");
}

#[tokio::test]
async fn photos_used_only_by_hidden_articles_are_not_public() {
    let app = spawn_app().await;
    // Media 22 and 24–26 are the covers of the scheduled, draft, deleted and in-review articles.
    for id in [22, 24, 25, 26] {
        let reply = app.get(&format!("/api/v1/media/{id}")).await;
        assert_eq!(reply.status, 404, "media {id}: {}", reply.body);
    }
    let public = app.get_json("/api/v1/media/1").await;
    let file = app.get(public["url"].as_str().expect("url").trim_start_matches(&app.address)).await;
    assert_eq!(file.status, 200);
    assert_eq!(file.header("content-type"), Some("image/jpeg"));
    assert_eq!(file.header("cache-control"), Some("public, max-age=31536000, immutable"));
}

#[tokio::test]
async fn a_scheduled_article_appears_exactly_when_due_even_through_the_cache() {
    let app = spawn_app_with(Options { cache: true, ..Options::default() }).await;
    let (_, slug) = hidden_demo_articles().into_iter().find(|(why, _)| *why == "scheduled").expect("scheduled");
    let due = chrono::Utc::now() + chrono::Duration::seconds(3);
    let due_sql = match app.database_url.starts_with("postgres") {
        true => format!("'{}'", due.to_rfc3339()),
        false => format!("'{}'", due.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false)),
    };
    app.execute(&format!("UPDATE articles SET published_at = {due_sql} WHERE slug = '{slug}'")).await;

    let before = app.get("/api/v1/articles?limit=100").await;
    assert!(!before.body.contains(slug.as_str()), "not yet due");
    let max_age: i64 = before
        .header("cache-control")
        .and_then(|v| v.strip_prefix("public, max-age="))
        .and_then(|v| v.parse().ok())
        .expect("max-age");
    assert!(max_age <= 3, "shared caches may not keep it past the publication time, got {max_age}");
    assert_eq!(app.get(&format!("/api/v1/articles/{slug}")).await.status, 404);

    tokio::time::sleep(std::time::Duration::from_millis(3_500)).await;
    let after = app.get("/api/v1/articles?limit=100").await;
    assert!(after.body.contains(slug.as_str()), "due now, the cached list must not hide it");
    assert_eq!(app.get(&format!("/api/v1/articles/{slug}")).await.status, 200);
}
