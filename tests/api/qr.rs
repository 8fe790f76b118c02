//! QR codes decode to the public URLs they stand for.

use bantin_e2e::{TestApp, anatomy_slug, hidden_demo_articles, spawn_app};

async fn bytes(app: &TestApp, path: &str) -> (u16, Option<String>, Vec<u8>) {
    let response = app.client.get(format!("{}{path}", app.address)).send().await.expect("request sent");
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, content_type, response.bytes().await.expect("body").to_vec())
}

fn decode(png: &[u8]) -> String {
    let image = image::load_from_memory(png).expect("a PNG").to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(image);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one code in the image");
    grids[0].decode().expect("a readable code").1
}

#[tokio::test]
async fn article_codes_decode_to_the_public_url() {
    let app = spawn_app().await;
    let slug = anatomy_slug();
    let article = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    let url = article["url"].as_str().expect("url").to_owned();
    assert_eq!(article["qr_code_url"], format!("{}/api/v1/articles/{slug}/qr.svg", app.address));

    let (status, content_type, png) = bytes(&app, &format!("/api/v1/articles/{slug}/qr.png?size=400&margin=4")).await;
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("image/png"));
    assert_eq!(decode(&png), url);
    assert_eq!(image::load_from_memory(&png).expect("png").width(), 400);

    let (status, content_type, svg) = bytes(&app, &format!("/api/v1/articles/{slug}/qr.svg")).await;
    assert_eq!(status, 200);
    assert_eq!(content_type.as_deref(), Some("image/svg+xml"));
    assert!(
        String::from_utf8(svg).expect("text").starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"256\"")
    );

    let gql =
        app.graphql_data(&format!("{{ article(slug: \"{slug}\") {{ qrCodeUrl }} }}"), serde_json::json!({})).await;
    assert_eq!(gql["article"]["qrCodeUrl"], article["qr_code_url"]);
}

#[tokio::test]
async fn codes_follow_the_visibility_rule_and_bounds() {
    let app = spawn_app().await;
    for (why, slug) in hidden_demo_articles() {
        assert_eq!(app.get(&format!("/api/v1/articles/{slug}/qr.svg")).await.status, 404, "{why}");
        assert_eq!(app.get(&format!("/api/v1/articles/{slug}/qr.png")).await.status, 404, "{why}");
    }
    let slug = anatomy_slug();
    for bad in ["size=10", "size=5000", "size=abc", "margin=17", "margin=-1"] {
        let reply = app.get(&format!("/api/v1/articles/{slug}/qr.png?{bad}")).await;
        assert_eq!(reply.status, 400, "{bad}");
        assert_eq!(reply.header("content-type"), Some("application/problem+json"));
    }
}

#[tokio::test]
async fn social_links_have_codes_too() {
    let app = spawn_app().await;
    let site = app.get_json("/api/v1/site").await;
    for link in site["social_links"].as_array().expect("links") {
        let platform = link["platform"].as_str().expect("platform");
        assert_eq!(link["qr_code_url"], format!("{}/api/v1/site/social-links/{platform}/qr.svg", app.address));
        let (status, _, png) = bytes(&app, &format!("/api/v1/site/social-links/{platform}/qr.png")).await;
        assert_eq!(status, 200);
        assert_eq!(decode(&png), link["url"].as_str().expect("url"));
    }
    assert_eq!(app.get("/api/v1/site/social-links/myspace/qr.svg").await.status, 404);
}
