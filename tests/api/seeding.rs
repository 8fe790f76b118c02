use bantin_e2e::{Options, spawn_app_with};
use serde_json::Value;

/// `bantin seed --synthetic N` writes N articles in batches (concurrently on PostgreSQL) with
/// the read models the API serves: every public one is listed exactly once, with Vietnamese
/// text, bylines, tags, a cover and photos in a 400–1,200-word body.
#[tokio::test]
async fn a_synthetic_archive_is_listed_whole_with_realistic_articles() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    let demo: Vec<Value> = app.walk_articles("", 100).await.iter().map(|a| a["slug"].clone()).collect();
    let db = sea_orm::Database::connect(&app.database_url).await.expect("database");
    let media = app.settings.media().expect("media storage");
    let count = 2_100;
    bantin_api::seed::synthetic::generate(&db, &media, count).await.expect("seeding");

    let listed = app.walk_articles("", 100).await;
    let mut slugs: Vec<&str> = listed.iter().map(|a| a["slug"].as_str().expect("slug")).collect();
    slugs.sort_unstable();
    slugs.dedup();
    assert_eq!(slugs.len(), listed.len(), "each article once");
    let added = listed.len() - demo.len();
    // A few in every hundred are drafts, archived or scheduled, as in a real archive.
    assert!((count as usize * 9 / 10..count as usize).contains(&added), "{added} of {count} are public");

    for summary in listed.iter().filter(|a| !demo.contains(&a["slug"])).step_by(97).take(12) {
        let slug = summary["slug"].as_str().expect("slug");
        let article: Value = app.get_json(&format!("/api/v1/articles/{slug}")).await;
        let title = article["title"].as_str().expect("title");
        assert!(!title.is_ascii(), "Vietnamese title: {title}");
        let words = article["word_count"].as_u64().expect("word count");
        assert!((400..=1_400).contains(&words), "{slug}: {words} words");
        let photos = article["body"].as_array().expect("body").iter().filter(|b| b["type"] == "image").count();
        assert!(article["cover"]["url"].is_string(), "{slug} has a cover");
        assert!((1..=2).contains(&photos), "{slug}: {photos} photos besides the cover");
        assert!(!article["authors"].as_array().expect("authors").is_empty());
        assert!(!article["tags"].as_array().expect("tags").is_empty());
    }
}
