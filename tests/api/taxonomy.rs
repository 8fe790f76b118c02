use bantin_e2e::spawn_app;

#[tokio::test]
async fn categories_form_an_ordered_two_level_tree() {
    let app = spawn_app().await;
    let tree = app.get_json("/api/v1/categories").await;
    let top: Vec<&str> = tree.as_array().expect("tree").iter().map(|c| c["slug"].as_str().expect("slug")).collect();
    assert_eq!(top, ["thoi-su", "kinh-te", "van-hoa", "xa-hoi", "the-thao"]);
    let news: Vec<&str> =
        tree[0]["children"].as_array().expect("children").iter().map(|c| c["slug"].as_str().expect("slug")).collect();
    assert_eq!(news, ["chinh-tri", "do-thi"]);
    let leaf = app.get_json("/api/v1/categories/giao-duc").await;
    assert_eq!(leaf["parent"]["slug"], "xa-hoi");
    assert_eq!(leaf["breadcrumb"][0]["name"], "Xã hội");
    assert_eq!(leaf["breadcrumb"][1]["name"], "Giáo dục");
    assert_eq!(leaf["article_count"], 1);
}

#[tokio::test]
async fn authors_have_profiles_with_portraits_and_public_article_counts() {
    let app = spawn_app().await;
    let list = app.get_json("/api/v1/authors").await;
    let names: Vec<&str> =
        list["data"].as_array().expect("data").iter().map(|a| a["name"].as_str().expect("name")).collect();
    assert_eq!(names.len(), 5);
    assert!(names.contains(&"Đào Thị Lan"));
    let author = app.get_json("/api/v1/authors/dao-thi-lan").await;
    assert_eq!(author["title"], "Phóng viên");
    assert!(author["avatar"]["url"].as_str().expect("url").contains("/files/"));
    let written = app.walk_articles("?author=dao-thi-lan", 100).await;
    assert_eq!(author["article_count"].as_u64(), Some(written.len() as u64));
}

#[tokio::test]
async fn tags_and_site_settings_are_served() {
    let app = spawn_app().await;
    let tag = app.get_json("/api/v1/tags/le-chan").await;
    assert_eq!(tag["name"], "Lê Chân");
    assert_eq!(tag["article_count"], 3);
    let site = app.get_json("/api/v1/site").await;
    assert_eq!(site["time_zone"], "Asia/Ho_Chi_Minh");
    assert_eq!(site["base_url"], "https://bantin.example.vn");
    assert_eq!(site["social_links"][0]["platform"], "facebook");
}

#[tokio::test]
async fn health_probes_answer() {
    let app = spawn_app().await;
    assert_eq!(app.get_json("/healthz").await["status"], "ok");
    assert_eq!(app.get_json("/readyz").await["status"], "ok");
    assert!(app.get("/metrics").await.body.contains("bantin_db_statements_total"));
    for path in ["/healthz", "/api/v1/khong-co"] {
        let id = app.get(path).await.header("x-request-id").map(str::to_owned);
        assert!(id.is_some_and(|id| id.len() >= 32), "{path} carries a request id");
    }
}

#[tokio::test]
async fn stored_text_is_nfc_and_slugs_fold_vietnamese() {
    use unicode_normalization_check::is_nfc;
    let app = spawn_app().await;
    let body = app.get(&format!("/api/v1/articles/{}", bantin_e2e::anatomy_slug())).await.body;
    assert!(is_nfc(&body), "served text is NFC");
    let author = app.get_json("/api/v1/authors/tran-duc-anh").await;
    assert_eq!(author["name"], "Trần Đức Anh", "đ folds to d in the slug");
}

mod unicode_normalization_check {
    /// NFC check through the server's own normaliser: NFC text is unchanged by it.
    pub fn is_nfc(text: &str) -> bool {
        bantin_api::domain::text::nfc(text) == text.trim()
    }
}
