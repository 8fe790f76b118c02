//! Writes to what articles show — sections, authors, tags, photos, the site — reach every
//! article that shows them at once, through the cache, on both surfaces.

use bantin_e2e::{anatomy_slug, spawn_app};
use serde_json::json;

#[tokio::test]
async fn renaming_an_author_or_a_section_updates_every_article_at_once() {
    let app = spawn_app().await;
    let admin = app.account("admin").await;
    let slug = anatomy_slug();
    let before = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    let author = before["authors"][0]["slug"].as_str().expect("author").to_owned();
    let section = before["breadcrumb"][0]["slug"].as_str().expect("section").to_owned();

    let renamed = app
        .send(
            "PATCH",
            &format!("/api/v1/authors/{author}"),
            Some(&admin.token),
            Some(json!({ "name": "Phạm Minh Khôi (PV)" })),
            &[],
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let section_reply = app
        .send(
            "PATCH",
            &format!("/api/v1/categories/{section}"),
            Some(&admin.token),
            Some(json!({ "name": "Thời sự – Chính trị" })),
            &[],
        )
        .await;
    assert_eq!(section_reply.status, 200, "{}", section_reply.body);

    let after = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(after["authors"][0]["name"], "Phạm Minh Khôi (PV)");
    assert_eq!(after["breadcrumb"][0]["name"], "Thời sự – Chính trị");
    let listed = app.get_json(&format!("/api/v1/articles?author={author}")).await;
    assert!(
        listed["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|a| a["authors"].to_string().contains("Phạm Minh Khôi (PV)"))
    );
    let tree = app.get_json("/api/v1/categories").await;
    assert!(tree.to_string().contains("Thời sự – Chính trị"), "the category tree snapshot was refreshed");
    let gql = app.graphql_data(&format!("{{ article(slug: \"{slug}\") {{ authors {{ name }} }} }}"), json!({})).await;
    assert_eq!(gql["article"]["authors"][0]["name"], "Phạm Minh Khôi (PV)");
}

#[tokio::test]
async fn photo_captions_and_site_urls_propagate() {
    let app = spawn_app().await;
    let admin = app.account("admin").await;
    let editor = app.account("editor").await;
    let slug = anatomy_slug();
    let article = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    let cover = article["cover"]["id"].as_i64().expect("cover id");
    let reply = app
        .send(
            "PATCH",
            &format!("/api/v1/media/{cover}"),
            Some(&editor.token),
            Some(json!({ "caption": "Chú thích đã sửa", "credit": null })),
            &[],
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let after = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(after["cover"]["caption"], "Chú thích đã sửa");
    assert!(after["cover"]["credit"].is_null());
    let empty_alt = app
        .send("PATCH", &format!("/api/v1/media/{cover}"), Some(&editor.token), Some(json!({ "alt": " " })), &[])
        .await;
    assert_eq!(empty_alt.status, 422);

    let site = app
        .send(
            "PATCH",
            "/api/v1/site",
            Some(&admin.token),
            Some(json!({ "base_url": "https://tin.haiphong.example.vn/", "name": "Tin Cảng Phố" })),
            &[],
        )
        .await;
    assert_eq!(site.status, 200, "{}", site.body);
    let after = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    assert_eq!(after["url"], format!("https://tin.haiphong.example.vn/tin-tuc/{slug}"));
    assert_eq!(app.get_json("/api/v1/site").await["name"], "Tin Cảng Phố");
    let bad = app
        .send(
            "PATCH",
            "/api/v1/site",
            Some(&admin.token),
            Some(json!({ "time_zone": "Mars/Olympus", "base_url": "ftp://x" })),
            &[],
        )
        .await;
    assert_eq!(bad.status, 422);
    let fields: Vec<String> = bad.json()["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(fields, ["base_url", "time_zone"]);
    assert_eq!(
        app.send("PATCH", "/api/v1/site", Some(&editor.token), Some(json!({ "name": "X" })), &[]).await.status,
        403
    );
}

#[tokio::test]
async fn terms_are_created_with_vietnamese_slugs_and_deleted_only_when_free() {
    let app = spawn_app().await;
    let admin = app.account("admin").await;
    let editor = app.account("editor").await;
    let created =
        app.send("POST", "/api/v1/tags", Some(&admin.token), Some(json!({ "name": "Đường sắt đô thị" })), &[]).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.json()["slug"], "duong-sat-do-thi");
    let again =
        app.send("POST", "/api/v1/tags", Some(&admin.token), Some(json!({ "name": "Đường sắt đô thị" })), &[]).await;
    assert_eq!(again.json()["slug"], "duong-sat-do-thi-2");
    assert_eq!(
        app.send("POST", "/api/v1/tags", Some(&editor.token), Some(json!({ "name": "X" })), &[]).await.status,
        403
    );
    assert_eq!(
        app.send("POST", "/api/v1/tags", Some(&admin.token), Some(json!({ "name": "" })), &[]).await.status,
        422
    );
    assert_eq!(
        app.send("POST", "/api/v1/tags", Some(&admin.token), Some(json!({ "name": "Y", "bio": "z" })), &[])
            .await
            .status,
        422
    );

    let section = app
        .send(
            "POST",
            "/api/v1/categories",
            Some(&admin.token),
            Some(json!({ "name": "Khoa học", "parent_id": 1, "position": 9 })),
            &[],
        )
        .await
        .json();
    assert_eq!(section["parent_id"], 1);
    let cycle = app
        .send(
            "PATCH",
            "/api/v1/categories/thoi-su",
            Some(&admin.token),
            Some(json!({ "parent_id": section["id"] })),
            &[],
        )
        .await;
    assert_eq!(cycle.status, 422, "a section cannot go under its own child");
    assert_eq!(app.send("DELETE", "/api/v1/categories/thoi-su", Some(&admin.token), None, &[]).await.status, 409);
    assert_eq!(app.send("DELETE", "/api/v1/categories/khoa-hoc", Some(&admin.token), None, &[]).await.status, 204);
    assert_eq!(app.get("/api/v1/categories/khoa-hoc").await.status, 404);

    let slug = anatomy_slug();
    let tag =
        app.get_json(&format!("/api/v1/articles/{slug}")).await["tags"][0]["slug"].as_str().expect("tag").to_owned();
    assert_eq!(app.send("DELETE", &format!("/api/v1/tags/{tag}"), Some(&admin.token), None, &[]).await.status, 204);
    let after = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    assert!(
        after["tags"].as_array().expect("tags").iter().all(|t| t["slug"] != tag.as_str()),
        "the tag left its articles"
    );
    let author = after["authors"][0]["slug"].as_str().expect("author").to_owned();
    assert_eq!(
        app.send("DELETE", &format!("/api/v1/authors/{author}"), Some(&admin.token), None, &[]).await.status,
        409
    );
}

#[tokio::test]
async fn graphql_mutations_manage_terms_like_rest() {
    let app = spawn_app().await;
    let admin = app.account("admin").await;
    let editor = app.account("editor").await;
    let create = "mutation { createTag(input: { name: \"Giao thông công cộng\" }) { slug } }";
    let reply = app.graphql_as(Some(&admin.token), create, json!({})).await;
    assert_eq!(reply.json()["data"]["createTag"]["slug"], "giao-thong-cong-cong", "{}", reply.body);
    let refused = app.graphql_as(Some(&editor.token), create, json!({})).await;
    assert_eq!(refused.json()["errors"][0]["extensions"]["code"], "forbidden");
    let site = app
        .graphql_as(Some(&admin.token), "mutation { updateSite(input: { locale: \"en-US\" }) { locale } }", json!({}))
        .await;
    assert_eq!(site.json()["data"]["updateSite"]["locale"], "en-US", "{}", site.body);
    assert_eq!(app.get_json("/api/v1/site").await["locale"], "en-US");
}
