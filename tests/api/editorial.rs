//! The newsroom writes through the API: drafts, edits, the workflow, revisions, old slugs,
//! the trash and previews, with nothing leaking to the public on the way.

use bantin_e2e::{TestApp, spawn_app};
use serde_json::{Value, json};

async fn draft(app: &TestApp, token: &str, title: &str) -> Value {
    let ids = app.demo_ids().await;
    app.create_article(
        token,
        json!({
            "title": title,
            "summary": "Tóm tắt bài viết thử nghiệm.",
            "category_id": ids.category,
            "tag_ids": [ids.tag],
            "authors": [{ "author_id": ids.author, "role": "writer" }],
            "body": [
                { "type": "paragraph", "text": "Đoạn mở đầu <b>đậm</b>." },
                { "type": "image", "media_id": ids.image, "caption": "Chú thích riêng cho bài này" }
            ]
        }),
    )
    .await
}

fn etag(reply: &bantin_e2e::Reply) -> String {
    reply.header("etag").expect("an ETag").to_owned()
}

#[tokio::test]
async fn an_article_goes_from_draft_to_public_and_back() {
    let app = spawn_app().await;
    let author = app.account("author").await;
    let editor = app.account("editor").await;
    let created = draft(&app, &author.token, "Khánh thành cầu mới qua sông Lạch Tray").await;
    let slug = created["slug"].as_str().expect("slug").to_owned();
    assert_eq!(slug, "khanh-thanh-cau-moi-qua-song-lach-tray");
    assert_eq!(created["editorial"]["status"], "draft");
    assert_eq!(created["body"][0]["text"], "Đoạn mở đầu <b>đậm</b>.");
    assert_eq!(created["body"][1]["image"]["caption"], "Chú thích riêng cho bài này");
    let id = created["id"].as_i64().expect("id");

    assert_eq!(app.get(&format!("/api/v1/articles/{slug}")).await.status, 404);
    let submitted = app.send("POST", &format!("/api/v1/articles/{id}/submit"), Some(&author.token), None, &[]).await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.json()["editorial"]["status"], "in_review");
    assert_eq!(app.get(&format!("/api/v1/articles/{slug}")).await.status, 404);

    let published = app.send("POST", &format!("/api/v1/articles/{id}/publish"), Some(&editor.token), None, &[]).await;
    assert_eq!(published.status, 200, "{}", published.body);
    let public = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(public["title"], "Khánh thành cầu mới qua sông Lạch Tray");
    assert!(public.get("editorial").is_none(), "the public never sees editorial facts");
    let newest = app.get_json("/api/v1/articles?limit=1").await;
    assert_eq!(newest["data"][0]["slug"], slug.as_str());

    let unpublished =
        app.send("POST", &format!("/api/v1/articles/{id}/unpublish"), Some(&editor.token), None, &[]).await;
    assert_eq!(unpublished.status, 200);
    assert_eq!(app.get(&format!("/api/v1/articles/{slug}")).await.status, 404);
    assert_ne!(app.get_json("/api/v1/articles?limit=1").await["data"][0]["slug"], slug.as_str());
}

#[tokio::test]
async fn edits_need_the_current_version_and_two_racing_edits_have_one_winner() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let created = draft(&app, &editor.token, "Bài để sửa đồng thời").await;
    let id = created["id"].as_i64().expect("id");
    let path = format!("/api/v1/articles/{id}");
    let current = app.send("GET", &path, Some(&editor.token), None, &[]).await;
    let tag = etag(&current);
    assert_eq!(tag, format!("\"{id}.1\""));

    let missing = app.send("PATCH", &path, Some(&editor.token), Some(json!({ "title": "X" })), &[]).await;
    assert_eq!(missing.status, 428, "{}", missing.body);
    let wrong =
        app.send("PATCH", &path, Some(&editor.token), Some(json!({ "title": "X" })), &[("if-match", "\"1.99\"")]).await;
    assert_eq!(wrong.status, 412);

    let if_match = [("if-match", tag.as_str())];
    let first = app.send("PATCH", &path, Some(&editor.token), Some(json!({ "title": "Phiên bản A" })), &if_match);
    let second = app.send("PATCH", &path, Some(&editor.token), Some(json!({ "summary": "Phiên bản B" })), &if_match);
    let (a, b) = tokio::join!(first, second);
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412], "{} / {}", a.body, b.body);
    let problem = if a.status == 412 { a.json() } else { b.json() };
    assert_eq!(problem["code"], "version_conflict");

    let now = app.send("GET", &path, Some(&editor.token), None, &[]).await.json();
    assert_eq!(now["editorial"]["version"], 2);
    let revisions = app.send("GET", &format!("{path}/revisions"), Some(&editor.token), None, &[]).await.json();
    assert_eq!(revisions.as_array().expect("list").len(), 2, "create + the winning edit");
}

#[tokio::test]
async fn validation_reports_every_bad_field_with_its_path() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let ids = app.demo_ids().await;
    let cases = [
        (json!({ "category_id": ids.category }), "title"),
        (json!({ "title": "Có tiêu đề" }), "category_id"),
        (json!({ "title": "T", "category_id": 999_999 }), "category_id"),
        (
            json!({ "title": "T", "category_id": ids.category, "body": [{ "type": "image", "media_id": 999_999 }] }),
            "body[0].media_id",
        ),
        (json!({ "title": "T", "category_id": ids.category, "body": [{ "type": "video", "url": "x" }] }), "body[0]"),
        (
            json!({ "title": "T", "category_id": ids.category, "authors": [{ "author_id": 999_999 }] }),
            "authors[0].author_id",
        ),
        (json!({ "title": "T", "category_id": ids.category, "tag_ids": [ids.tag, 999_999] }), "tag_ids[1]"),
        (json!({ "title": "T", "category_id": ids.category, "canonical_url": "javascript:alert(1)" }), "canonical_url"),
        (json!({ "title": "T", "category_id": ids.category, "slug": "Không Hợp Lệ" }), "slug"),
        (json!({ "title": "T".repeat(301), "category_id": ids.category }), "title"),
        (json!({ "title": "T", "category_id": ids.category, "colour": "đỏ" }), "colour"),
    ];
    for (body, field) in cases {
        let reply = app.send("POST", "/api/v1/articles", Some(&editor.token), Some(body.clone()), &[]).await;
        assert_eq!(reply.status, 422, "{body}: {}", reply.body);
        assert_eq!(reply.header("content-type"), Some("application/problem+json"));
        let problem = reply.json();
        let fields: Vec<&str> =
            problem["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
        assert!(fields.contains(&field), "{body}: expected {field} in {fields:?}");
    }
    for bad in [json!([1, 2]), json!("chữ")] {
        let reply = app.send("POST", "/api/v1/articles", Some(&editor.token), Some(bad), &[]).await;
        assert_eq!(reply.status, 400, "{}", reply.body);
    }
    let drafts =
        app.send("GET", "/api/v1/articles?status=draft&limit=100", Some(&editor.token), None, &[]).await.json();
    assert!(drafts["data"].as_array().expect("list").iter().all(|a| a["title"] != "T"), "nothing was stored");
}

#[tokio::test]
async fn slugs_are_unique_and_a_changed_slug_redirects() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let one = draft(&app, &editor.token, "Lễ hội hoa phượng đỏ").await;
    let two = draft(&app, &editor.token, "Lễ hội hoa phượng đỏ").await;
    assert_eq!(one["slug"], "le-hoi-hoa-phuong-do");
    assert_eq!(two["slug"], "le-hoi-hoa-phuong-do-2");
    let taken = app
        .send(
            "PATCH",
            &format!("/api/v1/articles/{}", two["id"]),
            Some(&editor.token),
            Some(json!({ "slug": "le-hoi-hoa-phuong-do" })),
            &[("if-match", &format!("\"{}.1\"", two["id"]))],
        )
        .await;
    assert_eq!(taken.status, 422);

    let id = one["id"].as_i64().expect("id");
    let published = app.send("POST", &format!("/api/v1/articles/{id}/publish"), Some(&editor.token), None, &[]).await;
    let tag = etag(&published);
    let renamed = app
        .send(
            "PATCH",
            &format!("/api/v1/articles/{id}"),
            Some(&editor.token),
            Some(json!({ "slug": "le-hoi-hoa-phuong-do-2026" })),
            &[("if-match", &tag)],
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let old = app.get("/api/v1/articles/le-hoi-hoa-phuong-do").await;
    assert_eq!(old.status, 301);
    assert_eq!(old.header("location"), Some("/api/v1/articles/le-hoi-hoa-phuong-do-2026"));
    assert_eq!(app.get("/api/v1/articles/le-hoi-hoa-phuong-do-2026").await.status, 200);
    let data = app.graphql_data("{ article(slug: \"le-hoi-hoa-phuong-do\") { slug } }", json!({})).await;
    assert_eq!(data["article"]["slug"], "le-hoi-hoa-phuong-do-2026");
    let stolen = app
        .send(
            "POST",
            "/api/v1/articles",
            Some(&editor.token),
            Some(json!({ "title": "Khác", "category_id": one["category"]["id"], "slug": "le-hoi-hoa-phuong-do" })),
            &[],
        )
        .await;
    assert_eq!(stolen.status, 422, "an old slug stays reserved for its redirect: {}", stolen.body);
}

#[tokio::test]
async fn the_public_page_etag_carries_the_version_if_match_wants() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let created = draft(&app, &editor.token, "Bài có ETag theo phiên bản").await;
    let id = created["id"].as_i64().expect("id");
    app.send("POST", &format!("/api/v1/articles/{id}/publish"), Some(&editor.token), None, &[]).await;
    let page = app.get(&format!("/api/v1/articles/{}", created["slug"].as_str().expect("slug"))).await;
    let tag = etag(&page);
    assert!(tag.starts_with(&format!("\"{id}.2.")), "{tag}");
    let edited = app
        .send(
            "PATCH",
            &format!("/api/v1/articles/{id}"),
            Some(&editor.token),
            Some(json!({ "summary": "Sửa từ trang công khai" })),
            &[("if-match", &tag)],
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let again = app
        .send(
            "PATCH",
            &format!("/api/v1/articles/{id}"),
            Some(&editor.token),
            Some(json!({ "summary": "Lần hai" })),
            &[("if-match", &tag)],
        )
        .await;
    assert_eq!(again.status, 412, "the page's ETag is stale after the edit");
}
