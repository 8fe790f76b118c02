//! The print edition: self-contained, script-free, escaped, with the QR code inline.

use bantin_e2e::{anatomy_slug, hidden_demo_articles, spawn_app};
use serde_json::json;

/// Every `src="…"` and `href="…"` of a page.
fn links(page: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut rest = page;
        while let Some(at) = rest.find(attribute) {
            let value = &rest[at + attribute.len()..];
            let end = value.find('"').expect("closed attribute");
            out.push(value[..end].to_owned());
            rest = &value[end..];
        }
    }
    out
}

#[tokio::test]
async fn the_print_page_has_the_whole_article_and_nothing_from_elsewhere() {
    let app = spawn_app().await;
    let slug = anatomy_slug();
    let article = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    let reply = app.get(&format!("/api/v1/articles/{slug}/print")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.header("content-type"), Some("text/html; charset=utf-8"));
    let policy = reply.header("content-security-policy").expect("a CSP");
    assert!(policy.starts_with("default-src 'none'"), "{policy}");
    assert!(reply.header("etag").is_some());
    let page = &reply.body;
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("@page{size:A4"));
    assert!(!page.to_ascii_lowercase().contains("<script"));
    assert!(!page.contains(" on"), "no event handler attributes");
    for text in [&article["title"], &article["published_at_display"], &article["source"]["name"]] {
        let text = text.as_str().expect("text");
        assert!(page.contains(&html_escape(text)), "{text}");
    }
    for block in article["body"].as_array().expect("body").iter().filter(|b| b["type"] == "image") {
        let caption = block["image"]["caption"].as_str().expect("caption");
        assert!(page.contains(&html_escape(caption)), "{caption}");
    }
    for author in article["authors"].as_array().expect("authors") {
        assert!(page.contains(author["name"].as_str().expect("name")));
    }
    assert!(page.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""), "the QR code is inline SVG");
    let url = article["url"].as_str().expect("url");
    for link in links(page) {
        assert!(
            link.starts_with(&format!("{}/files/", app.address)) || link == url,
            "only this API's files and the article's own URL: {link}"
        );
    }
    assert!(links(page).iter().any(|l| l.contains("/files/")), "the photos are printed");
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[tokio::test]
async fn print_text_is_escaped_and_hidden_articles_have_no_print_page() {
    let app = spawn_app().await;
    for (why, slug) in hidden_demo_articles() {
        assert_eq!(app.get(&format!("/api/v1/articles/{slug}/print")).await.status, 404, "{why}");
    }
    let editor = app.account("editor").await;
    let ids = app.demo_ids().await;
    let created = app
        .create_article(
            &editor.token,
            json!({
                "title": "Tiêu đề <img src=x onerror=alert(1)> & \"ngoặc\"",
                "summary": "Sapo <script>alert(1)</script>",
                "category_id": ids.category,
                "body": [
                    { "type": "paragraph", "text": "Đoạn <b>đậm</b> <a href=\"javascript:alert(1)\">liên kết</a>" },
                    { "type": "image", "media_id": ids.image, "caption": "Chú thích <i>riêng</i>" }
                ]
            }),
        )
        .await;
    let id = created["id"].as_i64().expect("id");
    let published = app.send("POST", &format!("/api/v1/articles/{id}/publish"), Some(&editor.token), None, &[]).await;
    assert_eq!(published.status, 200, "{}", published.body);
    let page = app.get(&format!("/api/v1/articles/{id}/print")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    let body = page.body.to_ascii_lowercase();
    assert!(
        !body.contains("<script") && !body.contains("<img src=x") && !body.contains("javascript:"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Tiêu đề &lt;img src=x onerror=alert(1)&gt; &amp; \"ngoặc\""));
    assert!(page.body.contains("<b>đậm</b>"), "sanitised inline markup passes");
    assert!(page.body.contains("Chú thích &lt;i&gt;riêng&lt;/i&gt;"), "the per-use caption, escaped");
}
