//! The publishing workflow end to end: transitions, scheduling, the trash, revisions,
//! previews and the audit trail, checking after each step that nothing leaks to the public.

use std::time::Duration;

use bantin_e2e::{Account, Options, TestApp, spawn_app, spawn_app_with};
use serde_json::{Value, json};

/// Every public surface an article could appear on, by slug.
async fn public_sightings(app: &TestApp, slug: &str, tag: &str, category: &str) -> Vec<String> {
    let mut seen = Vec::new();
    if app.get(&format!("/api/v1/articles/{slug}")).await.status != 404 {
        seen.push("article page".to_owned());
    }
    for (what, query) in
        [("latest", String::new()), ("tag", format!("?tag={tag}")), ("category", format!("?category={category}"))]
    {
        if app.walk_articles(&query, 100).await.iter().any(|a| a["slug"] == slug) {
            seen.push(format!("{what} list"));
        }
    }
    let counted = app.get_json(&format!("/api/v1/articles?tag={tag}&page=1&limit=100")).await;
    let listed = counted["data"].as_array().expect("data").len() as u64;
    if counted["meta"]["total"].as_u64() != Some(listed) {
        seen.push("count".to_owned());
    }
    let words = slug.replace('-', " ");
    let searched = app.get_json(&format!("/api/v1/search?page=1&limit=100&q={}", words.replace(' ', "+"))).await;
    let found = searched["data"].as_array().expect("data");
    if found.iter().any(|hit| hit["article"]["slug"] == slug) {
        seen.push("search".to_owned());
    }
    if searched["meta"]["total"].as_u64() != Some(found.len() as u64) {
        seen.push("search count".to_owned());
    }
    let data = app
        .graphql_data(
            "query($s: String!, $t: String!, $q: String!) { article(slug: $s) { id } articles(first: 40) { edges { node { slug related(first: 6) { slug } } } } tag(slug: $t) { articles(first: 50) { totalCount edges { node { slug } } } } search(query: $q) { edges { node { slug } } } }",
            json!({ "s": slug, "t": tag, "q": words }),
        )
        .await;
    if !data["article"].is_null() {
        seen.push("graphql article".to_owned());
    }
    let text = data.to_string();
    if text.contains(&format!("\"{slug}\"")) {
        seen.push("graphql lists or related".to_owned());
    }
    seen
}

async fn create(app: &TestApp, who: &Account, title: &str) -> (i64, String) {
    let ids = app.demo_ids().await;
    let created = app
        .create_article(
            &who.token,
            json!({ "title": title, "category_id": ids.category, "tag_ids": [ids.tag], "authors": [{ "author_id": ids.author }] }),
        )
        .await;
    (created["id"].as_i64().expect("id"), created["slug"].as_str().expect("slug").to_owned())
}

async fn act(app: &TestApp, who: &Account, id: i64, action: &str, body: Option<Value>) -> bantin_e2e::Reply {
    app.send("POST", &format!("/api/v1/articles/{id}/{action}"), Some(&who.token), body, &[]).await
}

#[tokio::test]
async fn nothing_leaks_at_any_step_and_illegal_moves_name_the_legal_ones() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let ids = app.demo_ids().await;
    let (id, slug) = create(&app, &editor, "Bài kiểm tra rò rỉ bản nháp").await;
    let hidden = |seen: Vec<String>, step: &str| assert!(seen.is_empty(), "after {step} the public saw it on {seen:?}");

    hidden(public_sightings(&app, &slug, &ids.tag_slug, &ids.category_slug).await, "create");
    let archive_draft = act(&app, &editor, id, "archive", None).await;
    assert_eq!(archive_draft.status, 422);
    let problem = archive_draft.json();
    assert_eq!(problem["code"], "illegal_transition");
    assert!(problem["detail"].as_str().expect("detail").contains("allowed: submit, publish"), "{problem}");

    assert_eq!(act(&app, &editor, id, "submit", None).await.status, 200);
    hidden(public_sightings(&app, &slug, &ids.tag_slug, &ids.category_slug).await, "submit");
    assert_eq!(act(&app, &editor, id, "submit", None).await.status, 422, "already in review");

    let later = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    let scheduled = act(&app, &editor, id, "publish", Some(json!({ "published_at": later }))).await;
    assert_eq!(scheduled.json()["editorial"]["status"], "scheduled");
    hidden(public_sightings(&app, &slug, &ids.tag_slug, &ids.category_slug).await, "schedule");

    let published = act(&app, &editor, id, "publish", None).await;
    assert_eq!(published.json()["editorial"]["status"], "published");
    let seen = public_sightings(&app, &slug, &ids.tag_slug, &ids.category_slug).await;
    for surface in ["article page", "tag list", "search"] {
        assert!(seen.contains(&surface.to_owned()), "{surface} missing from {seen:?}");
    }

    assert_eq!(act(&app, &editor, id, "archive", None).await.status, 200);
    hidden(public_sightings(&app, &slug, &ids.tag_slug, &ids.category_slug).await, "archive");
    assert_eq!(act(&app, &editor, id, "publish", None).await.status, 200);
    let etag = app.send("GET", &format!("/api/v1/articles/{id}"), Some(&editor.token), None, &[]).await;
    let trash = app
        .send(
            "DELETE",
            &format!("/api/v1/articles/{id}"),
            Some(&editor.token),
            None,
            &[("if-match", etag.header("etag").expect("etag"))],
        )
        .await;
    assert_eq!(trash.status, 200);
    hidden(public_sightings(&app, &slug, &ids.tag_slug, &ids.category_slug).await, "trash");
    let in_trash = app.send("GET", "/api/v1/articles?status=trash", Some(&editor.token), None, &[]).await.json();
    assert!(in_trash["data"].as_array().expect("data").iter().any(|a| a["id"] == id));
    assert_eq!(act(&app, &editor, id, "restore", None).await.status, 200);
    let restored = public_sightings(&app, &slug, &ids.tag_slug, &ids.category_slug).await;
    assert!(restored.contains(&"article page".to_owned()) && restored.contains(&"search".to_owned()), "{restored:?}");
    assert_eq!(act(&app, &editor, id, "unpublish", None).await.status, 200);
    hidden(public_sightings(&app, &slug, &ids.tag_slug, &ids.category_slug).await, "unpublish");
}

#[tokio::test]
async fn a_scheduled_article_appears_when_due_through_the_cache() {
    let app = spawn_app_with(Options { cache: true, ..Options::default() }).await;
    let editor = app.account("editor").await;
    let (id, slug) = create(&app, &editor, "Bài hẹn giờ đăng sau hai giây").await;
    let before = app.get("/api/v1/articles?limit=1").await;
    let due = chrono::Utc::now() + chrono::Duration::seconds(2);
    let reply = act(&app, &editor, id, "publish", Some(json!({ "published_at": due.to_rfc3339() }))).await;
    assert_eq!(reply.json()["editorial"]["status"], "scheduled");
    let waiting = app.get("/api/v1/articles?limit=1").await;
    assert_ne!(waiting.json()["data"][0]["slug"], slug.as_str());
    assert_eq!(waiting.header("etag"), before.header("etag"), "nothing public changed yet");
    tokio::time::sleep(Duration::from_millis(2_300)).await;
    let after = app.get("/api/v1/articles?limit=1").await;
    assert_eq!(after.json()["data"][0]["slug"], slug.as_str(), "public the moment it is due");
    assert_eq!(app.get(&format!("/api/v1/articles/{slug}")).await.status, 200);
}

#[tokio::test]
async fn every_write_is_visible_at_once_through_the_cache() {
    let app = spawn_app_with(Options { cache: true, ..Options::default() }).await;
    let editor = app.account("editor").await;
    let (id, slug) = create(&app, &editor, "Bài sửa khi đang được lưu đệm").await;
    act(&app, &editor, id, "publish", None).await;
    let first = app.get(&format!("/api/v1/articles/{slug}")).await;
    let again = app.get(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(first.header("etag"), again.header("etag"));
    let edited =
        app.edit_article(&editor.token, &format!("/api/v1/articles/{id}"), json!({ "summary": "Tóm tắt mới" })).await;
    assert_eq!(edited.status, 200);
    let fresh = app.get(&format!("/api/v1/articles/{slug}")).await;
    assert_ne!(fresh.header("etag"), first.header("etag"));
    assert_eq!(fresh.json()["summary"], "Tóm tắt mới");
    let gql = app.get(&format!("/graphql?query={{article(slug:\"{slug}\"){{summary}}}}")).await;
    assert_eq!(gql.json()["data"]["article"]["summary"], "Tóm tắt mới");
}

#[tokio::test]
async fn revisions_record_every_change_and_restore_one() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let (id, _) = create(&app, &editor, "Tiêu đề ban đầu").await;
    let path = format!("/api/v1/articles/{id}");
    let v1 = format!("\"{id}.1\"");
    app.send("PATCH", &path, Some(&editor.token), Some(json!({ "title": "Tiêu đề thứ hai" })), &[("if-match", &v1)])
        .await;
    act(&app, &editor, id, "submit", None).await;
    let revisions = app.send("GET", &format!("{path}/revisions"), Some(&editor.token), None, &[]).await.json();
    let list = revisions.as_array().expect("list");
    let actions: Vec<&str> = list.iter().map(|r| r["action"].as_str().expect("action")).collect();
    assert_eq!(actions, ["submit", "update", "create"]);
    assert_eq!(list[1]["changes"], json!(["title"]));
    assert_eq!(list[1]["actor_id"], editor.id);
    let first = list[2]["id"].as_i64().expect("id");

    let stale = app
        .send("POST", &format!("{path}/revisions/{first}/restore"), Some(&editor.token), None, &[("if-match", &v1)])
        .await;
    assert_eq!(stale.status, 412);
    let restored = app
        .send(
            "POST",
            &format!("{path}/revisions/{first}/restore"),
            Some(&editor.token),
            None,
            &[("if-match", &format!("\"{id}.3\""))],
        )
        .await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    let article = restored.json();
    assert_eq!(article["title"], "Tiêu đề ban đầu");
    assert_eq!(article["editorial"]["status"], "in_review", "restoring content keeps the status");
    let after = app.send("GET", &format!("{path}/revisions"), Some(&editor.token), None, &[]).await.json();
    assert_eq!(after[0]["action"], "restore_revision");
    assert_eq!(
        app.send(
            "POST",
            &format!("{path}/revisions/999999/restore"),
            Some(&editor.token),
            None,
            &[("if-match", &format!("\"{id}.4\""))]
        )
        .await
        .status,
        404
    );
}

#[tokio::test]
async fn a_preview_token_opens_one_draft_for_a_while() {
    let app = spawn_app_with(Options { preview_token_ttl: 2, ..Options::default() }).await;
    let author = app.account("author").await;
    let (id, slug) = create(&app, &author, "Bản nháp để xem trước").await;
    let (other, other_slug) = create(&app, &author, "Bản nháp khác").await;
    let token =
        app.send("POST", &format!("/api/v1/articles/{id}/preview-token"), Some(&author.token), None, &[]).await.json()
            ["token"]
            .as_str()
            .expect("token")
            .to_owned();
    let preview = app.send("GET", &format!("/api/v1/articles/{slug}"), Some(&token), None, &[]).await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert_eq!(preview.json()["title"], "Bản nháp để xem trước");
    assert_eq!(preview.header("cache-control"), Some("private, no-store"));
    assert!(preview.json().get("editorial").is_none());
    let gql = app.graphql_as(Some(&token), &format!("{{ article(id: {id}) {{ title }} }}"), json!({})).await;
    assert_eq!(gql.json()["data"]["article"]["title"], "Bản nháp để xem trước");

    assert_eq!(app.send("GET", &format!("/api/v1/articles/{other_slug}"), Some(&token), None, &[]).await.status, 404);
    assert_eq!(app.send("GET", &format!("/api/v1/articles/{other}"), Some(&token), None, &[]).await.status, 404);
    assert_eq!(
        app.send("GET", "/api/v1/me", Some(&token), None, &[]).await.status,
        401,
        "a preview token is not a session"
    );
    let write =
        app.send("PATCH", &format!("/api/v1/articles/{id}"), Some(&token), Some(json!({ "title": "x" })), &[]).await;
    assert_eq!(write.status, 401);
    assert_eq!(app.get(&format!("/api/v1/articles/{slug}")).await.status, 404, "without the token it stays hidden");

    // Token times are whole seconds and the verifier allows one second of clock skew.
    tokio::time::sleep(Duration::from_millis(4_200)).await;
    let expired = app.send("GET", &format!("/api/v1/articles/{slug}"), Some(&token), None, &[]).await;
    assert_eq!(expired.status, 401, "{}", expired.body);
}

#[tokio::test]
async fn admins_read_the_audit_trail_of_editorial_actions() {
    let app = spawn_app().await;
    let admin = app.account("admin").await;
    let editor = app.account("editor").await;
    let (id, _) = create(&app, &editor, "Bài để ghi nhật ký").await;
    act(&app, &editor, id, "publish", None).await;
    let entries = app.send("GET", "/api/v1/audit?limit=10", Some(&admin.token), None, &[]).await.json();
    let list = entries.as_array().expect("list");
    assert_eq!(list[0]["action"], "article.publish");
    assert_eq!(list[0]["actor_id"], editor.id);
    assert_eq!(list[0]["target_type"], "article");
    assert_eq!(list[0]["target_id"], id);
    assert_eq!(list[1]["action"], "article.create");
    let older = app
        .send("GET", &format!("/api/v1/audit?limit=10&before={}", list[0]["id"]), Some(&admin.token), None, &[])
        .await
        .json();
    assert_eq!(older[0]["id"], list[1]["id"]);
    assert_eq!(app.send("GET", "/api/v1/audit?limit=0", Some(&admin.token), None, &[]).await.status, 400);
}

#[tokio::test]
async fn inline_html_is_sanitised_on_the_way_in() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let ids = app.demo_ids().await;
    let payloads = [
        "<script>alert('x')</script>Chào",
        "<img src=x onerror=alert(1)>ảnh",
        "<a href=\"javascript:alert(1)\">liên kết</a>",
        "<a href=\"https://example.vn\" onmouseover=\"alert(1)\">an toàn</a>",
        "<iframe src=\"https://evil.example\"></iframe>khung",
        "<svg><script>alert(1)</script></svg>",
        "<b style=\"color:red\" onclick=\"x()\">đậm</b>",
        "<a href=\"  JAVASCRIPT:alert(1)\">hoa</a>",
    ];
    let body: Vec<Value> = payloads.iter().map(|p| json!({ "type": "paragraph", "text": p })).collect();
    let created = app
        .create_article(&editor.token, json!({ "title": "Bài thử XSS", "category_id": ids.category, "body": body, "summary": "<script>x</script>" }))
        .await;
    for block in created["body"].as_array().expect("body") {
        let text = block["text"].as_str().expect("text").to_ascii_lowercase();
        for bad in ["<script", "onerror", "onclick", "onmouseover", "javascript:", "<iframe", "style=", "<svg", "<img"]
        {
            assert!(!text.contains(bad), "{bad} survived in {text}");
        }
    }
    assert_eq!(created["body"][6]["text"], "<b>đậm</b>");
    assert_eq!(created["body"][3]["text"], "<a href=\"https://example.vn\" rel=\"noopener noreferrer\">an toàn</a>");
    assert_eq!(created["summary"], "<script>x</script>", "plain-text fields are kept as text; clients escape them");
}

/// With the response cache, and without it (article pages are still kept in memory).
#[tokio::test]
async fn another_process_on_the_same_database_sees_a_write_within_a_second() {
    for cache in [true, false] {
        let writer = spawn_app_with(Options { cache, ..Options::default() }).await;
        let reader = spawn_app_with(Options {
            cache,
            reuse: Some((writer.data_dir.clone(), writer.database_url.clone())),
            ..Options::default()
        })
        .await;
        let editor = writer.account("editor").await;
        let slug = bantin_e2e::anatomy_slug();
        let path = format!("/api/v1/articles/{slug}");
        let cached = reader.get(&path).await;
        assert_eq!(reader.get(&path).await.header("etag"), cached.header("etag"), "the reader keeps it");
        let edited = writer.edit_article(&editor.token, &path, json!({ "summary": "Sửa ở tiến trình khác" })).await;
        assert_eq!(edited.status, 200, "{}", edited.body);
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        let seen = reader.get(&path).await;
        assert_eq!(seen.json()["summary"], "Sửa ở tiến trình khác", "cache {cache}: the reader dropped its copy");
        assert_ne!(seen.header("etag"), cached.header("etag"));
        let version = edited.header("etag").expect("the edit's ETag");
        let trashed = writer.send("DELETE", &path, Some(&editor.token), None, &[("if-match", version)]).await;
        assert!(trashed.status < 300, "{}", trashed.body);
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_eq!(reader.get(&path).await.status, 404, "cache {cache}: a trashed article is gone");
    }
}
