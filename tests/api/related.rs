//! Related news, version 2: pinned articles first, then relevance (tags, a shared title term,
//! category) with recency as the tie-break, the same through REST and GraphQL.

use bantin_e2e::{Account, Options, TestApp, anatomy_slug, spawn_app, spawn_app_with};
use serde_json::{Value, json};

/// Publishes an article; returns its id and slug.
async fn publish(app: &TestApp, editor: &Account, fields: Value, at: &str) -> (i64, String) {
    let created = app.create_article(&editor.token, fields).await;
    let id = created["id"].as_i64().expect("id");
    let reply = app
        .send(
            "POST",
            &format!("/api/v1/articles/{id}/publish"),
            Some(&editor.token),
            Some(json!({ "published_at": at })),
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    (id, created["slug"].as_str().expect("slug").to_owned())
}

/// Creates the tag `name`; returns what an article of the demo category with that tag and a
/// given title is created with.
async fn tagged_articles(app: &TestApp, name: &str) -> impl Fn(&str) -> Value {
    let admin = app.account("admin").await;
    let ids = app.demo_ids().await;
    let created = app.send("POST", "/api/v1/tags", Some(&admin.token), Some(json!({ "name": name })), &[]).await;
    assert_eq!(created.status, 201, "{}", created.body);
    let tag = created.json()["id"].as_i64().expect("tag id");
    move |title: &str| json!({ "title": title, "category_id": ids.category, "tag_ids": [tag], "authors": [{ "author_id": ids.author }] })
}

async fn related(app: &TestApp, slug: &str) -> Vec<String> {
    let list = app.get_json(&format!("/api/v1/articles/{slug}/related?limit=10")).await;
    list.as_array().expect("list").iter().map(|a| a["slug"].as_str().expect("slug").to_owned()).collect()
}

#[tokio::test]
async fn pinned_articles_come_first_in_order_and_only_while_public() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let ids = app.demo_ids().await;
    let fields =
        |title: &str| json!({ "title": title, "category_id": ids.category, "authors": [{ "author_id": ids.author }] });
    let (a, a_slug) = publish(&app, &editor, fields("Bài chính về giao thông"), "2025-05-01T08:00:00+07:00").await;
    let (b, b_slug) = publish(&app, &editor, fields("Bài cũ thứ nhất"), "2019-01-01T08:00:00+07:00").await;
    let (c, c_slug) = publish(&app, &editor, fields("Bài cũ thứ hai"), "2019-02-01T08:00:00+07:00").await;

    let reply =
        app.edit_article(&editor.token, &format!("/api/v1/articles/{a}"), json!({ "related_ids": [c, b] })).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.json()["editorial"]["content"]["related_ids"], json!([c, b]));
    let list = related(&app, &a_slug).await;
    assert_eq!(list[..2], [c_slug.clone(), b_slug.clone()], "pins first, in the editor's order");
    assert_eq!(list.len(), 10, "the rest filled automatically");
    assert_eq!(list.iter().filter(|s| **s == b_slug || **s == c_slug).count(), 2, "no pin listed twice");

    let data = app
        .graphql_data(
            "query($s: String!) { article(slug: $s) { related(first: 10) { slug } } }",
            json!({ "s": a_slug }),
        )
        .await;
    let through_graphql: Vec<&str> = data["article"]["related"]
        .as_array()
        .expect("related")
        .iter()
        .map(|r| r["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(through_graphql, list, "REST and GraphQL serve the same list");

    let unpublished =
        app.send("POST", &format!("/api/v1/articles/{c}/unpublish"), Some(&editor.token), None, &[]).await;
    assert_eq!(unpublished.status, 200);
    let list = related(&app, &a_slug).await;
    assert_eq!(list[0], b_slug, "an unpublished pin drops out");
    assert!(!list.contains(&c_slug));
    let short = app.get_json(&format!("/api/v1/articles/{a_slug}/related?limit=1")).await;
    assert_eq!(short[0]["slug"], b_slug.as_str());
}

#[tokio::test]
async fn pins_are_validated_by_field() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let ids = app.demo_ids().await;
    let (a, _) = publish(
        &app,
        &editor,
        json!({ "title": "Bài có tin liên quan", "category_id": ids.category, "authors": [{ "author_id": ids.author }] }),
        "2025-05-01T08:00:00+07:00",
    )
    .await;
    for (patch, field) in [
        (json!({ "related_ids": [a] }), "related_ids[0]"),
        (json!({ "related_ids": [1, 999_999] }), "related_ids[1]"),
        (json!({ "related_ids": [1, 1] }), "related_ids[1]"),
        (json!({ "related_ids": "1,2" }), "related_ids"),
        (json!({ "related_ids": [1, "x"] }), "related_ids[1]"),
        (json!({ "related_ids": (1..=21).collect::<Vec<i64>>() }), "related_ids"),
    ] {
        let reply = app.edit_article(&editor.token, &format!("/api/v1/articles/{a}"), patch.clone()).await;
        assert_eq!(reply.status, 422, "{patch}: {}", reply.body);
        let problem = reply.json();
        let fields: Vec<&str> =
            problem["errors"].as_array().expect("errors").iter().map(|e| e["field"].as_str().expect("field")).collect();
        assert!(fields.contains(&field), "{patch}: {fields:?}");
    }
}

#[tokio::test]
async fn a_shared_title_term_outranks_the_same_category() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let article = tagged_articles(&app, "Cầu phà thử").await;
    let (_, anchor) = publish(&app, &editor, article("Sửa chữa mặt cầu Tràng Kênh"), "2025-06-01T08:00:00+07:00").await;
    let (_, alike) =
        publish(&app, &editor, article("CẦU TRANG KÊNH thông xe trở lại"), "2018-03-01T08:00:00+07:00").await;
    let (_, newer) = publish(&app, &editor, article("Lát lại vỉa hè phố Cầu Đất"), "2024-03-01T08:00:00+07:00").await;
    let list = related(&app, &anchor).await;
    assert_eq!(
        list[..2],
        [alike, newer],
        "same tag and category; the shared title term (whatever its case and accents) decides before recency"
    );
}

/// Articles stored before title terms existed get them when the server starts again, so their
/// related news goes on counting shared title terms; writes keep them current.
#[tokio::test]
async fn title_terms_missing_from_older_articles_are_filled_at_start() {
    use bantin_api::domain::title_terms::title_terms;
    use bantin_entity::article;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let first = spawn_app().await;
    let db = sea_orm::Database::connect(&first.database_url).await.expect("database");
    let anatomy = || article::Entity::find().filter(article::Column::Slug.eq(anatomy_slug())).one(&db);
    let stored = anatomy().await.expect("query").expect("the article");
    let written = stored.title_terms.clone();
    assert_eq!(written.as_deref(), Some(title_terms(&stored.title).as_str()), "terms written with the article");
    first.execute("UPDATE articles SET title_terms = NULL").await;
    let _again = spawn_app_with(Options {
        reuse: Some((first.data_dir.clone(), first.database_url.clone())),
        ..Options::default()
    })
    .await;
    assert_eq!(anatomy().await.expect("query").expect("the article").title_terms, written);
    let missing =
        article::Entity::find().filter(article::Column::TitleTerms.is_null()).count(&db).await.expect("count");
    assert_eq!(missing, 0);
}

/// Related news of many articles at once (one statement for a whole GraphQL list) gives each
/// article the list it gets alone through REST.
#[tokio::test]
async fn related_news_of_a_whole_list_matches_each_article_alone() {
    let app = spawn_app().await;
    let data =
        app.graphql_data("{ articles(first: 12) { nodes { slug related(first: 4) { slug } } } }", json!({})).await;
    let nodes = data["articles"]["nodes"].as_array().expect("nodes");
    assert_eq!(nodes.len(), 12);
    for node in nodes {
        let slug = node["slug"].as_str().expect("slug");
        let alone = app.get_json(&format!("/api/v1/articles/{slug}/related?limit=4")).await;
        let alone: Vec<&Value> = alone.as_array().expect("list").iter().map(|a| &a["slug"]).collect();
        let batched: Vec<&Value> = node["related"].as_array().expect("related").iter().map(|a| &a["slug"]).collect();
        assert_eq!(batched.len(), 4, "{slug}");
        assert_eq!(batched, alone, "{slug}");
    }
}

/// The candidate lists and rankings are kept in memory between requests, yet related news
/// never lags the database: an article published after a list was read is ranked at once, and
/// a scheduled one the moment it is due, with no write in between.
#[tokio::test]
async fn related_news_follows_writes_and_the_schedule() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    let editor = app.account("editor").await;
    let article = tagged_articles(&app, "Đê biển thử").await;
    let (_, anchor) = publish(&app, &editor, article("Gia cố tuyến đê biển Tây"), "2025-06-01T08:00:00+07:00").await;
    let (_, older) = publish(&app, &editor, article("Trồng rừng ngập mặn"), "2018-03-01T08:00:00+07:00").await;
    assert_eq!(related(&app, &anchor).await[0], older);

    let (_, newer) = publish(&app, &editor, article("Nạo vét cửa sông"), "2019-03-01T08:00:00+07:00").await;
    assert_eq!(
        related(&app, &anchor).await[..2],
        [newer.clone(), older.clone()],
        "published after the lists were read"
    );

    let created = app.create_article(&editor.token, article("Khánh thành kè chắn sóng")).await;
    let id = created["id"].as_i64().expect("id");
    let due = chrono::Utc::now() + chrono::Duration::seconds(4);
    let reply = app
        .send(
            "POST",
            &format!("/api/v1/articles/{id}/publish"),
            Some(&editor.token),
            Some(json!({ "published_at": due.to_rfc3339() })),
            &[],
        )
        .await;
    assert_eq!(reply.json()["editorial"]["status"], "scheduled", "{}", reply.body);
    let scheduled = created["slug"].as_str().expect("slug").to_owned();
    // Past the second in which the server hears of its own write again (it polls the content
    // generation), so the ranking read now is the one kept until the publication is due.
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    for _ in 0..2 {
        assert!(!related(&app, &anchor).await.contains(&scheduled), "not before it is due");
    }
    let wait = (due - chrono::Utc::now()).to_std().unwrap_or_default() + std::time::Duration::from_millis(300);
    tokio::time::sleep(wait).await;
    assert_eq!(related(&app, &anchor).await[..3], [scheduled, newer, older], "due now, with no write since");
}

/// Another process's trashing hides the article's related news at once: rankings are kept in
/// memory until this process sees the write (within a second), but the statement that reads
/// the winners also checks the article itself is still public.
#[tokio::test]
async fn related_news_of_an_article_trashed_by_another_process_is_gone_at_once() {
    let writer = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    let reader = spawn_app_with(Options {
        cache: false,
        reuse: Some((writer.data_dir.clone(), writer.database_url.clone())),
        ..Options::default()
    })
    .await;
    let editor = writer.account("editor").await;
    let slug = anatomy_slug();
    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;
    for _ in 0..2 {
        assert!(!related(&reader, &slug).await.is_empty());
    }
    let page = writer
        .get_with(&format!("/api/v1/articles/{slug}"), &[("authorization", &format!("Bearer {}", editor.token))])
        .await;
    let version = page.header("etag").expect("the article's ETag");
    let trashed = writer
        .send("DELETE", &format!("/api/v1/articles/{slug}"), Some(&editor.token), None, &[("if-match", version)])
        .await;
    assert_eq!(trashed.status, 200, "{}", trashed.body);
    assert_eq!(reader.get(&format!("/api/v1/articles/{slug}/related?limit=10")).await.status, 404);
    assert_eq!(reader.get(&format!("/api/v1/articles/{slug}")).await.status, 404);
}
