use bantin_e2e::{anatomy_slug, spawn_app};
use serde_json::Value;

/// The image objects of an article's body, in order.
fn body_images(article: &Value) -> Vec<&Value> {
    article["body"].as_array().expect("body").iter().filter(|b| b["type"] == "image").map(|b| &b["image"]).collect()
}

fn slugs(items: &[Value]) -> Vec<String> {
    items.iter().map(|a| a["slug"].as_str().expect("slug").to_owned()).collect()
}

#[tokio::test]
async fn the_list_is_newest_first_and_holds_summaries_without_bodies() {
    let app = spawn_app().await;
    let page = app.get_json("/api/v1/articles").await;
    let items = page["data"].as_array().expect("list");
    assert!(items.len() >= 12, "the demo has at least 12 public articles, got {}", items.len());
    let times: Vec<&str> = items.iter().map(|a| a["published_at"].as_str().expect("time")).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");
    for item in items {
        assert!(item.get("body").is_none(), "list items carry no body");
        for field in ["title", "slug", "summary", "url", "category", "authors", "published_at", "published_at_display"]
        {
            assert!(!item[field].is_null(), "summary field {field} in {item}");
        }
        assert!(item["cover"]["url"].as_str().expect("cover url").contains("/files/"));
    }
}

#[tokio::test]
async fn the_article_page_has_the_whole_anatomy_of_the_reference_page() {
    let app = spawn_app().await;
    let slug = anatomy_slug();
    let article = app.get_json(&format!("/api/v1/articles/{slug}")).await;

    assert_eq!(article["published_at"], "2022-09-20T13:00:00+07:00");
    assert_eq!(article["published_at_display"], "Thứ Ba, 20/09/2022 13:00");
    assert_eq!(article["url"], format!("https://bantin.example.vn/tin-tuc/{slug}"));
    assert!(article["summary"].as_str().expect("lead").starts_with("Chiều 20/9"));

    let images = body_images(&article);
    assert_eq!(images.len(), 3, "three photos in the body");
    for image in &images {
        for field in ["url", "width", "height", "alt", "caption", "credit"] {
            assert!(!image[field].is_null(), "image field {field} in {image}");
        }
    }
    assert!(article["body"].as_array().expect("body").iter().filter(|b| b["type"] == "paragraph").count() >= 4);

    let bylines: Vec<(&str, &str)> = article["authors"]
        .as_array()
        .expect("authors")
        .iter()
        .map(|a| (a["name"].as_str().expect("name"), a["role"].as_str().expect("role")))
        .collect();
    assert_eq!(bylines, [("Phạm Minh Khôi", "writer"), ("Trần Đức Anh", "photographer")]);
    assert_eq!(article["source"]["name"], "Ban Tổ chức Thành ủy");
    let breadcrumb: Vec<&str> = article["breadcrumb"]
        .as_array()
        .expect("breadcrumb")
        .iter()
        .map(|c| c["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(breadcrumb, ["thoi-su", "chinh-tri"]);
    assert_eq!(article["category"]["slug"], "chinh-tri");
    assert!(article["tags"].as_array().expect("tags").iter().any(|t| t["slug"] == "le-chan"));
    assert!(article["word_count"].as_i64().expect("words") > 150);
    assert!(article["reading_minutes"].as_i64().expect("minutes") >= 1);
    assert_eq!(article["seo"]["meta_title"], article["title"]);
    assert_eq!(article["seo"]["canonical_url"], article["url"]);
    assert_eq!(article["seo"]["social_image"]["id"], article["cover"]["id"]);
}

#[tokio::test]
async fn a_per_use_caption_overrides_the_media_caption_in_that_article_only() {
    let app = spawn_app().await;
    let article = app.get_json(&format!("/api/v1/articles/{}", anatomy_slug())).await;
    let images = body_images(&article);
    let overridden = images[1];
    assert_eq!(overridden["caption"], "Bí thư Quận ủy Lê Chân trình bày báo cáo tại buổi làm việc.");
    let media = app.get_json(&format!("/api/v1/media/{}", overridden["id"])).await;
    assert_eq!(media["caption"], "Lãnh đạo Quận ủy Lê Chân báo cáo kết quả thực hiện nghị quyết.");
    assert_eq!(images[0]["caption"], "Quang cảnh buổi làm việc.", "no override: the media's own caption");
}

#[tokio::test]
async fn the_category_filter_includes_sub_categories() {
    let app = spawn_app().await;
    let all = app.walk_articles("?category=thoi-su", 100).await;
    let categories: std::collections::BTreeSet<&str> =
        all.iter().map(|a| a["category"]["slug"].as_str().expect("slug")).collect();
    assert_eq!(categories.into_iter().collect::<Vec<_>>(), ["chinh-tri", "do-thi"]);
    let leaf = app.walk_articles("?category=do-thi", 100).await;
    assert!(leaf.iter().all(|a| a["category"]["slug"] == "do-thi"));
    assert!(leaf.len() < all.len());
}

#[tokio::test]
async fn tag_author_and_date_filters_narrow_the_list() {
    let app = spawn_app().await;
    let tagged = app.walk_articles("?tag=le-chan", 100).await;
    assert_eq!(tagged.len(), 3, "three public articles are tagged Lê Chân: {:?}", slugs(&tagged));
    for item in &tagged {
        let detail = app.get_json(&format!("/api/v1/articles/{}", item["slug"].as_str().expect("slug"))).await;
        assert!(detail["tags"].as_array().expect("tags").iter().any(|t| t["slug"] == "le-chan"));
    }
    let by_author = app.walk_articles("?author=nguyen-thu-ha", 100).await;
    assert!(!by_author.is_empty());
    assert!(
        by_author.iter().all(|a| a["authors"]
            .as_array()
            .expect("authors")
            .iter()
            .any(|w| w["slug"] == "nguyen-thu-ha"))
    );

    let november = app.walk_articles("?published_after=2026-11-01&published_before=2026-11-16", 100).await;
    assert!(!november.is_empty());
    for item in &november {
        let at = item["published_at"].as_str().expect("time");
        assert!(("2026-11-01T00:00:00+07:00".."2026-11-16T00:00:00+07:00").contains(&at), "{at}");
    }
    let combined = app.walk_articles("?category=kinh-te&tag=cang-bien", 100).await;
    assert!(
        combined
            .iter()
            .all(|a| ["kinh-te", "cang-bien", "doanh-nghiep"].contains(&a["category"]["slug"].as_str().expect("slug")))
    );
    assert!(!combined.is_empty());
}

#[tokio::test]
async fn related_news_ranks_shared_tags_first_and_never_lists_the_article_itself() {
    let app = spawn_app().await;
    let slug = anatomy_slug();
    let related = app.get_json(&format!("/api/v1/articles/{slug}/related?limit=20")).await;
    let related = related.as_array().expect("list");
    assert!(!related.is_empty());
    assert!(related.iter().all(|a| a["slug"] != slug.as_str()), "never itself");
    // The conference on the sea-economy resolution shares the tag "Nghị quyết" and the category.
    assert_eq!(related[0]["slug"], "hoi-nghi-trien-khai-nghi-quyet-ve-phat-trien-kinh-te-bien");
    let default = app.get_json(&format!("/api/v1/articles/{slug}/related")).await;
    assert_eq!(default.as_array().expect("list").len(), 6, "six by default");
}
