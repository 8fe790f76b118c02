use bantin_e2e::spawn_app;

#[tokio::test]
async fn walking_every_page_by_cursor_returns_each_public_article_once_in_order() {
    let app = spawn_app().await;
    let reference = app.walk_articles("", 100).await;
    assert!(reference.len() >= 12);
    for limit in [1, 2, 5, 7] {
        let walked = app.walk_articles("", limit).await;
        let ids: Vec<i64> = walked.iter().map(|a| a["id"].as_i64().expect("id")).collect();
        let expected: Vec<i64> = reference.iter().map(|a| a["id"].as_i64().expect("id")).collect();
        assert_eq!(ids, expected, "limit {limit}");
    }
}

#[tokio::test]
async fn cursor_pages_link_to_the_next_page_and_the_last_page_has_no_cursor() {
    let app = spawn_app().await;
    let first = app.get("/api/v1/articles?limit=3&category=thoi-su").await;
    let page = first.json();
    let cursor = page["meta"]["next_cursor"].as_str().expect("more pages");
    let link = first.header("link").expect("Link header");
    assert!(link.ends_with("rel=\"next\""), "{link}");
    assert!(link.contains(&format!("cursor={cursor}")) && link.contains("category=thoi-su"), "{link}");
    let next = link.trim_start_matches('<').split('>').next().expect("url").trim_start_matches(&app.address).to_owned();
    let second = app.get_json(&next).await;
    assert_eq!(second["meta"]["has_more"], false);
    assert!(second["meta"]["next_cursor"].is_null());
}

#[tokio::test]
async fn page_numbers_report_totals_and_agree_with_cursor_pages() {
    let app = spawn_app().await;
    let all = app.walk_articles("", 100).await;
    let page2 = app.get("/api/v1/articles?limit=5&page=2").await;
    let body = page2.json();
    assert_eq!(body["meta"]["page"], 2);
    assert_eq!(body["meta"]["total"].as_u64(), Some(all.len() as u64));
    assert_eq!(body["meta"]["total_pages"].as_u64(), Some((all.len() as u64).div_ceil(5)));
    let ids: Vec<&serde_json::Value> = body["data"].as_array().expect("data").iter().map(|a| &a["id"]).collect();
    let expected: Vec<&serde_json::Value> = all[5..10].iter().map(|a| &a["id"]).collect();
    assert_eq!(ids, expected);
    let link = page2.header("link").expect("Link");
    for rel in ["first", "prev", "next", "last"] {
        assert!(link.contains(&format!("rel=\"{rel}\"")), "{rel} in {link}");
    }
}

#[tokio::test]
async fn a_cursor_only_continues_the_list_it_came_from() {
    let app = spawn_app().await;
    let page = app.get_json("/api/v1/articles?limit=2&category=thoi-su").await;
    let cursor = page["meta"]["next_cursor"].as_str().expect("cursor").to_owned();
    for path in [
        format!("/api/v1/articles?limit=2&category=kinh-te&cursor={cursor}"),
        format!("/api/v1/articles?limit=2&cursor={cursor}"),
        format!("/api/v1/tags?cursor={cursor}"),
    ] {
        let reply = app.get(&path).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.body);
        assert_eq!(reply.json()["errors"][0]["field"], "cursor");
    }
}

#[tokio::test]
async fn authors_and_tags_page_alphabetically_by_slug() {
    let app = spawn_app().await;
    let mut slugs = Vec::new();
    let mut path = "/api/v1/tags?limit=4".to_owned();
    loop {
        let page = app.get_json(&path).await;
        slugs.extend(
            page["data"].as_array().expect("data").iter().map(|t| t["slug"].as_str().expect("slug").to_owned()),
        );
        match page["meta"]["next_cursor"].as_str() {
            Some(cursor) => path = format!("/api/v1/tags?limit=4&cursor={cursor}"),
            None => break,
        }
    }
    let mut sorted = slugs.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(slugs, sorted, "ordered, no repeats");
    assert_eq!(slugs.len(), 16);
    let authors = app.get_json("/api/v1/authors?page=1&limit=2").await;
    assert_eq!(authors["meta"]["total"], 5);
    assert_eq!(authors["meta"]["total_pages"], 3);
}
