//! The media library: uploads decided by their bytes, renditions, the library itself, and the
//! files as served.

use bantin_e2e::{Options, Reply, TestApp, anatomy_slug, spawn_app, spawn_app_with};
use image::{DynamicImage, ImageEncoder, Rgb, RgbImage, codecs::jpeg::JpegEncoder};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const RED: Rgb<u8> = Rgb([220, 20, 20]);
const BLUE: Rgb<u8> = Rgb([20, 20, 220]);

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgb8)
        .expect("jpeg");
    out
}

/// A photo as a phone stores it: pixels sideways, EXIF orientation 6 ("turn 90° clockwise to
/// show") and a GPS position. Left half red, right half blue.
fn phone_photo(width: u32, height: u32) -> Vec<u8> {
    let pixels = RgbImage::from_fn(width, height, |x, _| if x < width / 2 { RED } else { BLUE });
    let plain = jpeg(&pixels);
    let entry = |tag: u16, kind: u16, count: u32, value: [u8; 4]| {
        let mut e = Vec::new();
        e.extend(tag.to_le_bytes());
        e.extend(kind.to_le_bytes());
        e.extend(count.to_le_bytes());
        e.extend(value);
        e
    };
    // TIFF header, IFD0 at 8 (orientation, GPS pointer), GPS IFD at 38, its latitude at 68.
    let mut tiff = vec![b'I', b'I', 42, 0, 8, 0, 0, 0];
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0112, 3, 1, [6, 0, 0, 0]));
    tiff.extend(entry(0x8825, 4, 1, 38u32.to_le_bytes()));
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, [b'N', 0, 0, 0]));
    tiff.extend(entry(0x0002, 5, 3, 68u32.to_le_bytes()));
    tiff.extend(0u32.to_le_bytes());
    for (num, den) in [(20u32, 1u32), (51, 1), (4711, 100)] {
        tiff.extend(num.to_le_bytes());
        tiff.extend(den.to_le_bytes());
    }
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(app1.len() + 2).expect("short segment").to_be_bytes());
    out.extend(app1);
    out.extend(&plain[2..]);
    out
}

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    file: Vec<u8>,
    name: &str,
    mime: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let mut form = Form::new().part("file", Part::bytes(file).file_name(name.to_owned()).mime_str(mime).expect("mime"));
    for (key, value) in fields {
        form = form.text((*key).to_owned(), (*value).to_owned());
    }
    let mut request = app.client.post(format!("{}/api/v1/media", app.address)).multipart(form);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    Reply::read(request).await
}

async fn fetch(
    app: &TestApp,
    url: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = app.client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.expect("body").to_vec())
}

async fn library_total(app: &TestApp, token: &str) -> u64 {
    let reply = app.send("GET", "/api/v1/media?page=1&limit=1", Some(token), None, &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.json()["meta"]["total"].as_u64().expect("total")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn a_phone_photo_is_turned_upright_stripped_and_served_in_every_size() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let reply = upload(
        &app,
        Some(&editor.token),
        phone_photo(2000, 1000),
        "anh.jpg",
        "image/jpeg",
        &[("caption", "Người dân đi bộ trên phố Lê Chân"), ("credit", "Đào Trọng Đức")],
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.body);
    let item = reply.json();
    let image = &item["image"];
    assert_eq!(
        (image["width"].as_i64(), image["height"].as_i64()),
        (Some(1000), Some(2000)),
        "EXIF orientation applied"
    );
    assert_eq!(image["alt"], "Người dân đi bộ trên phố Lê Chân", "the caption stands in for a missing alt");
    assert_eq!(image["mime"], "image/jpeg");
    assert_eq!(item["uploaded_by"], editor.id);
    assert_eq!(reply.header("location"), Some(format!("/api/v1/media/{}", image["id"]).as_str()));

    let sizes: Vec<(String, i64, i64)> = image["renditions"]
        .as_array()
        .expect("renditions")
        .iter()
        .map(|r| {
            (
                r["mime"].as_str().expect("mime").to_owned(),
                r["width"].as_i64().expect("w"),
                r["height"].as_i64().expect("h"),
            )
        })
        .collect();
    let expected: Vec<(String, i64, i64)> =
        [("image/webp", 320, 640), ("image/webp", 640, 1280), ("image/webp", 1000, 2000)]
            .into_iter()
            .chain([("image/jpeg", 320, 640), ("image/jpeg", 640, 1280), ("image/jpeg", 1000, 2000)])
            .map(|(m, w, h)| (m.to_owned(), w, h))
            .collect();
    assert_eq!(sizes, expected, "never upscaled: 1024 and 1600 are wider than the photo");

    // Not used by a public article yet: the newsroom sees the files, the public does not.
    let original = image["url"].as_str().expect("url");
    assert_eq!(fetch(&app, original, None, &[]).await.0, 404);
    let (status, headers, bytes) = fetch(&app, original, Some(&editor.token), &[]).await;
    assert_eq!(status, 200);
    assert!(headers["cache-control"].to_str().expect("ascii").starts_with("private"));
    assert!(!contains(&bytes, b"Exif"), "no EXIF block is served");
    assert!(!contains(&bytes, &4711u32.to_le_bytes()), "no GPS position is served");
    let upright = image::load_from_memory(&bytes).expect("a JPEG").to_rgb8();
    assert_eq!(upright.dimensions(), (1000, 2000));
    let top = upright.get_pixel(500, 200);
    let bottom = upright.get_pixel(500, 1800);
    assert!(top[0] > 150 && top[2] < 100, "the left (red) half is now on top: {top:?}");
    assert!(bottom[2] > 150 && bottom[0] < 100, "the right (blue) half is now below: {bottom:?}");

    for rendition in image["renditions"].as_array().expect("renditions") {
        let (status, headers, bytes) =
            fetch(&app, rendition["url"].as_str().expect("url"), Some(&editor.token), &[]).await;
        assert_eq!(status, 200, "{rendition}");
        assert_eq!(headers["content-type"], rendition["mime"].as_str().expect("mime"));
        let decoded = image::load_from_memory(&bytes).expect("decodes");
        assert_eq!(i64::from(decoded.width()), rendition["width"].as_i64().expect("w"));
        assert_eq!(i64::from(decoded.height()), rendition["height"].as_i64().expect("h"));
        assert!(!contains(&bytes, b"Exif"));
    }

    // The same bytes again: the same files, a second library item with its own caption.
    let again =
        upload(&app, Some(&editor.token), phone_photo(2000, 1000), "x.jpg", "image/jpeg", &[("alt", "Ảnh khác")]).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.json()["image"]["url"], image["url"]);
    assert_ne!(again.json()["image"]["id"], image["id"]);
    let other =
        upload(&app, Some(&editor.token), phone_photo(1000, 1000), "y.jpg", "image/jpeg", &[("alt", "Ảnh")]).await;
    assert_ne!(other.json()["image"]["url"], image["url"], "different bytes, different file");
}

#[tokio::test]
async fn files_that_are_not_accepted_images_are_refused_and_nothing_is_stored() {
    let app = spawn_app_with(Options { upload_max_bytes: 64 * 1024, ..Options::default() }).await;
    let editor = app.account("editor").await;
    let before = library_total(&app, &editor.token).await;
    let photo = jpeg(&RgbImage::from_pixel(64, 64, RED));
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::from_pixel(64, 64, BLUE))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"#;
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "an HTML page named .jpg",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec(),
            "anh.jpg",
            "image/jpeg",
        ),
        ("an SVG", svg.to_vec(), "logo.svg", "image/svg+xml"),
        ("a truncated JPEG", photo[..photo.len() / 2].to_vec(), "cut.jpg", "image/jpeg"),
        ("a truncated PNG", png[..png.len() / 2].to_vec(), "cut.png", "image/png"),
        ("a PDF named .png", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj".to_vec(), "doc.png", "image/png"),
    ];
    for (why, bytes, name, mime) in cases {
        let reply = upload(&app, Some(&editor.token), bytes, name, mime, &[("alt", "Ảnh")]).await;
        assert_eq!(reply.status, 415, "{why}: {}", reply.body);
        assert_eq!(reply.header("content-type"), Some("application/problem+json"), "{why}");
        assert_eq!(reply.json()["code"], "unsupported_media_type", "{why}");
    }

    let big = vec![0xFFu8; 100 * 1024];
    let reply = upload(&app, Some(&editor.token), big, "big.jpg", "image/jpeg", &[("alt", "Ảnh")]).await;
    assert_eq!(reply.status, 413, "{}", reply.body);
    assert_eq!(reply.json()["code"], "payload_too_large");

    let reply = upload(&app, Some(&editor.token), photo.clone(), "a.jpg", "image/jpeg", &[]).await;
    assert_eq!(reply.status, 422, "{}", reply.body);
    assert_eq!(reply.json()["errors"][0]["field"], "alt");
    let reply =
        upload(&app, Some(&editor.token), photo.clone(), "a.jpg", "image/jpeg", &[("alt", "Ảnh"), ("owner", "x")])
            .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["errors"][0]["field"], "owner");
    let no_file = app
        .client
        .post(format!("{}/api/v1/media", app.address))
        .bearer_auth(&editor.token)
        .multipart(Form::new().text("alt", "Ảnh"))
        .send()
        .await
        .expect("sent");
    assert_eq!(no_file.status().as_u16(), 400);
    let json_body = app.send("POST", "/api/v1/media", Some(&editor.token), Some(json!({ "alt": "Ảnh" })), &[]).await;
    assert_eq!(json_body.status, 415);
    let anonymous = upload(&app, None, photo, "a.jpg", "image/jpeg", &[("alt", "Ảnh")]).await;
    assert_eq!(anonymous.status, 401);

    assert_eq!(library_total(&app, &editor.token).await, before, "no refused upload reached the library");
    let stored = std::fs::read_dir(app.data_dir.join("media")).map(|d| d.count()).unwrap_or(0);
    let demo = spawn_app().await;
    let demo_files = std::fs::read_dir(demo.data_dir.join("media")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, demo_files, "no file was written for a refused upload");
}

#[tokio::test]
async fn public_images_carry_renditions_served_forever_with_ranges_and_etags() {
    let app = spawn_app().await;
    let article = app.get_json(&format!("/api/v1/articles/{}", anatomy_slug())).await;
    let cover = &article["cover"];
    let renditions = cover["renditions"].as_array().expect("renditions");
    assert!(!renditions.is_empty());
    for image in article["body"].as_array().expect("body").iter().filter(|b| b["type"] == "image") {
        assert!(!image["image"]["renditions"].as_array().expect("list").is_empty());
    }
    let webp = renditions.iter().find(|r| r["mime"] == "image/webp").expect("a WebP rendition");
    let url = webp["url"].as_str().expect("url");
    let (status, headers, bytes) = fetch(&app, url, None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(headers["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(headers["content-type"], "image/webp");
    let etag = headers["etag"].to_str().expect("etag").to_owned();
    assert_eq!(image::load_from_memory(&bytes).expect("webp").width() as i64, webp["width"].as_i64().expect("w"));

    let (status, headers, part) = fetch(&app, url, None, &[("range", "bytes=10-29")]).await;
    assert_eq!(status, 206);
    assert_eq!(part, bytes[10..30].to_vec());
    assert_eq!(headers["content-range"], format!("bytes 10-29/{}", bytes.len()).as_str());
    let (status, headers, _) = fetch(&app, url, None, &[("range", "bytes=999999999-")]).await;
    assert_eq!(status, 416);
    assert_eq!(headers["content-range"], format!("bytes */{}", bytes.len()).as_str());
    let (status, _, body) = fetch(&app, url, None, &[("if-none-match", &etag)]).await;
    assert_eq!((status, body.len()), (304, 0));

    // A width outside the set, or a name that is not ours, is not a file.
    let stem = url.rsplit('/').next().expect("name").split('-').next().expect("stem");
    for bad in [format!("{stem}-500.webp"), format!("{stem}-320.gif"), "..%2Fbantin.db".into()] {
        assert_eq!(app.get(&format!("/files/{bad}")).await.status, 404, "{bad}");
    }
    let gql = app
        .graphql_data(
            &format!(
                "{{ article(slug: \"{}\") {{ cover {{ renditions {{ url width height mime }} }} }} }}",
                anatomy_slug()
            ),
            json!({}),
        )
        .await;
    assert_eq!(gql["article"]["cover"]["renditions"], cover["renditions"]);
}

#[tokio::test]
async fn the_library_lists_filters_describes_and_deletes() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let author = app.account("author").await;
    let other_author = app.account("author").await;
    let photo = |shade: u8| jpeg(&RgbImage::from_pixel(50, 40, Rgb([shade, 90, 90])));
    let mine =
        upload(&app, Some(&author.token), photo(1), "a.jpg", "image/jpeg", &[("alt", "Cầu Rào lúc hoàng hôn")]).await;
    assert_eq!(mine.status, 201, "{}", mine.body);
    let mine = mine.json()["image"]["id"].as_i64().expect("id");
    let theirs =
        upload(&app, Some(&editor.token), photo(2), "b.jpg", "image/jpeg", &[("alt", "Chợ Sắt buổi sáng")]).await;
    let theirs = theirs.json()["image"]["id"].as_i64().expect("id");

    let found = app.send("GET", "/api/v1/media?q=CAU%20rao", Some(&author.token), None, &[]).await;
    assert_eq!(found.status, 200, "{}", found.body);
    let ids: Vec<i64> =
        found.json()["data"].as_array().expect("data").iter().map(|i| i["image"]["id"].as_i64().expect("id")).collect();
    assert_eq!(ids, vec![mine], "diacritics and case are ignored");
    let by_editor =
        app.send("GET", &format!("/api/v1/media?uploaded_by={}", editor.id), Some(&editor.token), None, &[]).await;
    let ids: Vec<i64> = by_editor.json()["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|i| i["image"]["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, vec![theirs]);
    let future = app.send("GET", "/api/v1/media?uploaded_after=2999-01-01", Some(&editor.token), None, &[]).await;
    assert_eq!(future.json()["data"], json!([]));
    let backwards = app
        .send(
            "GET",
            "/api/v1/media?uploaded_after=2025-01-02&uploaded_before=2025-01-01",
            Some(&editor.token),
            None,
            &[],
        )
        .await;
    assert_eq!(backwards.status, 422);
    assert_eq!(app.get("/api/v1/media").await.status, 401);

    // Walking the library by cursor visits every item once.
    let total = library_total(&app, &editor.token).await;
    let mut seen = Vec::new();
    let mut path = "/api/v1/media?limit=7".to_owned();
    loop {
        let page = app.send("GET", &path, Some(&editor.token), None, &[]).await.json();
        seen.extend(page["data"].as_array().expect("data").iter().map(|i| i["image"]["id"].as_i64().expect("id")));
        match page["meta"]["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/media?limit=7&cursor={cursor}"),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!((seen.len() as u64, unique.len() as u64), (total, total));

    let patch = |token: String, id: i64, body: Value| {
        let app = &app;
        async move { app.send("PATCH", &format!("/api/v1/media/{id}"), Some(&token), Some(body), &[]).await }
    };
    assert_eq!(patch(author.token.clone(), mine, json!({ "caption": "Cầu Rào" })).await.status, 200);
    assert_eq!(patch(other_author.token.clone(), mine, json!({ "caption": "Không" })).await.status, 403);
    assert_eq!(patch(author.token.clone(), theirs, json!({ "caption": "Không" })).await.status, 403);
    let found = app.send("GET", "/api/v1/media?q=cau%20rao", Some(&editor.token), None, &[]).await;
    assert_eq!(found.json()["data"][0]["image"]["caption"], "Cầu Rào");

    // A photo the anatomy article shows: refused, then taken out of the article with force.
    let slug = anatomy_slug();
    let article = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    let used = article["body"].as_array().expect("body").iter().find(|b| b["type"] == "image").expect("image")["image"]
        ["id"]
        .as_i64()
        .expect("id");
    let refused = app.send("DELETE", &format!("/api/v1/media/{used}"), Some(&editor.token), None, &[]).await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(refused.json()["code"], "media_in_use");
    assert_eq!(
        app.send("DELETE", &format!("/api/v1/media/{used}?force=maybe"), Some(&editor.token), None, &[]).await.status,
        400
    );
    assert_eq!(
        app.send("DELETE", &format!("/api/v1/media/{used}?force=true"), Some(&author.token), None, &[]).await.status,
        403
    );
    let forced = app.send("DELETE", &format!("/api/v1/media/{used}?force=true"), Some(&editor.token), None, &[]).await;
    assert_eq!(forced.status, 200, "{}", forced.body);
    assert_eq!(forced.json()["detached_from"], json!([article["id"]]));
    let after = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    assert!(after["body"].as_array().expect("body").iter().all(|b| b["image"]["id"] != used));
    assert_eq!(app.get(&format!("/api/v1/media/{used}")).await.status, 404);

    // An unused upload of one's own goes at once, and so do its files.
    let url = app.send("GET", &format!("/api/v1/media/{mine}"), Some(&author.token), None, &[]).await.json()["url"]
        .as_str()
        .expect("url")
        .to_owned();
    let deleted = app.send("DELETE", &format!("/api/v1/media/{mine}"), Some(&author.token), None, &[]).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let gone = app.send("GET", &format!("/api/v1/media/{mine}"), Some(&editor.token), None, &[]).await;
    assert_eq!(gone.status, 404, "{}", gone.body);
    assert_eq!(fetch(&app, &url, Some(&editor.token), &[]).await.0, 404, "{url}");
}

#[tokio::test]
async fn graphql_uploads_follow_the_multipart_request_spec() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let operations = json!({
        "query": "mutation ($file: Upload!) { uploadMedia(file: $file, input: { alt: \"Bến Bính\" }) { image { id width height renditions { width } } usedBy } }",
        "variables": { "file": null }
    });
    let send = |file: Vec<u8>, token: Option<String>| {
        let form = Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.file"] }).to_string())
            .part("0", Part::bytes(file).file_name("anh.png").mime_str("image/png").expect("mime"));
        let mut request = app.client.post(format!("{}/graphql", app.address)).multipart(form);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.expect("sent").json::<Value>().await.expect("json") }
    };
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::from_pixel(700, 350, BLUE))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("png");
    let reply = send(png.clone(), Some(editor.token.clone())).await;
    let item = &reply["data"]["uploadMedia"];
    assert_eq!(item["image"]["width"], 700, "{reply}");
    assert_eq!(item["usedBy"], 0);
    let widths: Vec<i64> =
        item["image"]["renditions"].as_array().expect("list").iter().map(|r| r["width"].as_i64().expect("w")).collect();
    assert_eq!(widths, vec![320, 640, 700, 320, 640, 700]);

    let refused = send(b"<html></html>".to_vec(), Some(editor.token.clone())).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "unsupported_media_type", "{refused}");
    let anonymous = send(png, None).await;
    assert_eq!(anonymous["errors"][0]["extensions"]["code"], "unauthenticated", "{anonymous}");
    let library = app
        .graphql_as(
            Some(&editor.token),
            "{ mediaLibrary(filter: { text: \"ben binh\" }) { items { image { alt } } hasMore } }",
            json!({}),
        )
        .await;
    assert_eq!(library.json()["data"]["mediaLibrary"]["items"][0]["image"]["alt"], "Bến Bính", "{}", library.body);
}
