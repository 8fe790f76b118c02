//! Vietnamese full-text search: folding, ranking, phrases and prefixes, filters, bad input,
//! GraphQL parity, and an index that follows every write.

use bantin_e2e::{Account, Options, TestApp, hidden_demo_articles, spawn_app, spawn_app_with};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

/// Publishes an article with `title` and one paragraph, at `published_at` (RFC 3339).
async fn publish(app: &TestApp, editor: &Account, title: &str, text: &str, published_at: &str) -> String {
    let ids = app.demo_ids().await;
    let created = app
        .create_article(
            &editor.token,
            json!({
                "title": title,
                "summary": "Tin thử nghiệm.",
                "body": [{ "type": "paragraph", "text": text }],
                "category_id": ids.category,
                "authors": [{ "author_id": ids.author }],
            }),
        )
        .await;
    let id = created["id"].as_i64().expect("id");
    let published = app
        .send(
            "POST",
            &format!("/api/v1/articles/{id}/publish"),
            Some(&editor.token),
            Some(json!({ "published_at": published_at })),
            &[],
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    created["slug"].as_str().expect("slug").to_owned()
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn search(app: &TestApp, query: &str) -> Value {
    search_with(app, query, "").await
}

async fn search_with(app: &TestApp, query: &str, extra: &str) -> Value {
    let reply = app.get(&format!("/api/v1/search?limit=100&q={}{extra}", encode(query))).await;
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    reply.json()
}

fn slugs(results: &Value) -> Vec<String> {
    results["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|h| h["article"]["slug"].as_str().expect("slug").to_owned())
        .collect()
}

fn position(results: &Value, slug: &str) -> usize {
    slugs(results).iter().position(|s| s == slug).unwrap_or_else(|| panic!("{slug} not found in {:?}", slugs(results)))
}

#[tokio::test]
async fn accents_case_form_and_d_bar_do_not_change_what_is_found() {
    let app = spawn_app().await;
    let nfd: String = "Lê Chân".nfd().collect();
    let expected = slugs(&search(&app, "le chan").await);
    assert!(expected.len() >= 2, "the demo has several articles about Lê Chân: {expected:?}");
    for spelling in ["Lê Chân", "LÊ CHÂN", nfd.as_str(), "lê   chân", "LE CHAN"] {
        let mut found = slugs(&search(&app, spelling).await);
        let mut want = expected.clone();
        found.sort();
        want.sort();
        assert_eq!(found, want, "{spelling:?}");
    }
    let with_bar = slugs(&search(&app, "Đoàn kiểm tra").await);
    let without = slugs(&search(&app, "doan kiem tra").await);
    assert!(!with_bar.is_empty());
    assert_eq!(with_bar.len(), without.len());
}

#[tokio::test]
async fn exact_accents_rank_first_then_title_then_body_then_newest() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let ha =
        publish(&app, &editor, "Hà Khẩu mở thêm tuyến xe buýt", "Tuyến xe mới.", "2026-01-01T08:00:00+07:00").await;
    let ha_low = publish(&app, &editor, "Hạ Khẩu thay đèn chiếu sáng", "Đèn mới.", "2026-01-02T08:00:00+07:00").await;
    let body_only = publish(
        &app,
        &editor,
        "Thông báo lịch cắt điện",
        "Khu vực Hà Khẩu mất điện sáng mai.",
        "2026-01-03T08:00:00+07:00",
    )
    .await;

    let exact = search(&app, "Hà Khẩu").await;
    assert!(position(&exact, &ha) < position(&exact, &ha_low), "Hà above Hạ for `Hà Khẩu`");
    assert!(position(&exact, &ha_low) < position(&exact, &body_only), "title matches above text matches");
    let first = &exact["data"][0];
    assert_eq!(first["score"], 1.0);
    assert_eq!(first["matched_in"], "title");
    assert_eq!(first["exact_accents"], true);
    assert_eq!(first["highlights"]["title"], "<mark>Hà Khẩu</mark> mở thêm tuyến xe buýt");

    let other = search(&app, "Hạ Khẩu").await;
    assert!(position(&other, &ha_low) < position(&other, &ha), "Hạ above Hà for `Hạ Khẩu`");

    let folded = search(&app, "ha khau").await;
    assert!(position(&folded, &ha_low) < position(&folded, &ha), "unaccented: equal titles, newest first");
    let hit = &folded["data"][position(&folded, &body_only)];
    assert_eq!(hit["matched_in"], "body");
    assert!(hit["highlights"]["body"].as_str().expect("body").contains("<mark>Hà Khẩu</mark>"), "{hit}");
}

#[tokio::test]
async fn phrases_match_together_and_the_last_word_is_a_prefix() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let together =
        publish(&app, &editor, "Nghị quyết mới về cảng biển", "Nội dung nghị quyết.", "2026-02-01T08:00:00+07:00")
            .await;
    let apart =
        publish(&app, &editor, "Quyết tâm hoàn thành hội nghị", "Nghị sự kéo dài.", "2026-02-02T08:00:00+07:00").await;

    let phrase = slugs(&search(&app, "\"nghi quyet\"").await);
    assert!(phrase.contains(&together) && !phrase.contains(&apart), "{phrase:?}");
    let words = slugs(&search(&app, "nghi quyet ").await);
    assert!(words.contains(&together) && words.contains(&apart), "both have both words: {words:?}");
    let typing = search(&app, "nghi quy").await;
    assert!(slugs(&typing).contains(&together), "{:?}", slugs(&typing));
    let hit = &typing["data"][position(&typing, &together)];
    assert_eq!(hit["highlights"]["title"], "<mark>Nghị quyết</mark> mới về cảng biển");
    assert!(slugs(&search(&app, "nghi quy ").await).iter().all(|s| s != &together), "a finished word is whole");
}

/// Prefixes of lengths the full-text index keeps no prefix index for (one character is never
/// a prefix; four and more are completed from the index's word list) find the same articles,
/// in both spellings, and words of articles published after start-up complete too.
#[tokio::test]
async fn long_prefixes_complete_to_indexed_words() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let resettled =
        publish(&app, &editor, "Khu tái định cư Vĩnh Niệm", "Bàn giao nhà tái định cư.", "2026-02-03T08:00:00+07:00")
            .await;
    let decided =
        publish(&app, &editor, "Quyết định về zirconi", "Nhà máy zirconi mới.", "2026-02-04T08:00:00+07:00").await;

    for (query, slug) in [
        ("tai dinh", &resettled),
        ("tai đinh", &resettled),
        ("tái địn", &resettled),
        ("nha may zirc", &decided),
        ("nhà máy zirconi", &decided),
        ("quyet dinh ve zircon", &decided),
    ] {
        let found = search(&app, query).await;
        assert!(slugs(&found).contains(slug), "{query}: {:?}", slugs(&found));
    }
    let exact = search(&app, "tái định").await;
    let hit = &exact["data"][position(&exact, &resettled)];
    assert_eq!((hit["exact_accents"].as_bool(), hit["matched_in"].as_str()), (Some(true), Some("title")), "{hit}");
    assert!(!slugs(&search(&app, "nha may zirca").await).contains(&decided), "no indexed word starts so");
    let counted = search_with(&app, "quyet dinh ve zirco", "&page=1").await;
    assert_eq!(counted["meta"]["total"], 1, "{counted}");
    let unknown = search_with(&app, "zirconi qzxw ", "&page=1").await;
    assert_eq!(
        (unknown["data"].as_array().map(Vec::len), &unknown["meta"]["total"]),
        (Some(0), &json!(0)),
        "{unknown}"
    );
}

#[tokio::test]
async fn bad_queries_are_refused_by_name_or_answered_never_failed() {
    let app = spawn_app().await;
    let long = "ha ".repeat(3_400);
    for (query, expected) in [
        ("", 400),
        ("   ", 400),
        (long.as_str(), 400),
        ("***", 400),
        ("-", 400),
        (":", 400),
        ("NEAR(", 200),
        ("NEAR(le chan, 2)", 200),
        ("\"le chan", 200),
        ("le\" chan\"\"", 200),
        ("title:le -chan OR *", 200),
        ("'; DROP TABLE articles; --", 200),
        ("le^chan {title} AND", 200),
        ("𝔥𝔞 ☃ 😀 chân", 200),
    ] {
        let reply = app.get(&format!("/api/v1/search?q={}", encode(query))).await;
        assert_eq!(reply.status, expected, "{query:?}: {}", reply.body);
        let lower = reply.body.to_lowercase();
        assert!(!lower.contains("sql") && !lower.contains("fts5") && !lower.contains("syntax"), "{}", reply.body);
        if expected == 400 {
            assert_eq!(reply.header("content-type"), Some("application/problem+json"));
            assert_eq!(reply.json()["errors"][0]["field"], "q", "{query:?}");
        }
    }
    assert_eq!(app.get("/api/v1/search").await.status, 400, "q is required");
    let unknown = app.get("/api/v1/search?q=le+chan&category=khong-co").await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.json()["errors"][0]["field"], "category");
    assert_eq!(app.get("/api/v1/search?q=le+chan&page=51&limit=20").await.status, 400, "past the reachable results");
}

#[tokio::test]
async fn filters_narrow_results_and_hidden_articles_are_never_found_or_counted() {
    let app = spawn_app().await;
    let ids = app.demo_ids().await;
    let all = search(&app, "le chan").await;
    let in_category = search_with(&app, "le chan", &format!("&category={}", ids.category_slug)).await;
    let narrowed = slugs(&in_category);
    assert!(!narrowed.is_empty() && narrowed.iter().all(|s| slugs(&all).contains(s)));
    for hit in in_category["data"].as_array().expect("data") {
        assert_eq!(hit["article"]["category"]["slug"], ids.category_slug.as_str());
    }
    for (why, slug) in hidden_demo_articles() {
        let query = slug.replace('-', " ");
        let found = app.get_json(&format!("/api/v1/search?page=1&limit=100&q={}", encode(&query))).await;
        assert!(slugs(&found).iter().all(|s| s != &slug), "{why} article found by its own title");
        assert_eq!(found["meta"]["total"].as_u64(), Some(slugs(&found).len() as u64), "{why} article counted");
    }
}

#[tokio::test]
async fn graphql_serves_the_same_results_and_cursors_walk_them_once() {
    let app = spawn_app().await;
    let rest = slugs(&search(&app, "le chan").await);
    let mut walked = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .graphql_data(
                "query($q: String!, $after: String) { search(query: $q, first: 1, after: $after) { edges { cursor score matchedIn exactAccents highlights { title body } node { slug } } pageInfo { hasNextPage endCursor } } }",
                json!({ "q": "le chan", "after": after }),
            )
            .await;
        let page = &data["search"];
        for edge in page["edges"].as_array().expect("edges") {
            walked.push(edge["node"]["slug"].as_str().expect("slug").to_owned());
            assert!(edge["highlights"]["title"].as_str().expect("title").contains("<mark>"), "{edge}");
            assert_eq!(edge["matchedIn"], "TITLE");
        }
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(walked, rest);
    let bad = app.graphql("{ search(query: \"***\") { edges { cursor } } }", json!({})).await.json();
    assert_eq!(bad["errors"][0]["extensions"]["code"], "invalid_parameter", "{bad}");
}

#[tokio::test]
async fn the_index_follows_edits_and_unpublishing() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let slug = publish(&app, &editor, "Khánh thành cầu Kiền mới", "Cầu dài 1,2 km.", "2026-03-01T08:00:00+07:00").await;
    assert!(slugs(&search(&app, "cau kien").await).contains(&slug));

    let article = app.send("GET", &format!("/api/v1/articles/{slug}"), Some(&editor.token), None, &[]).await;
    let id = article.json()["id"].as_i64().expect("id");
    let edited = app
        .send(
            "PATCH",
            &format!("/api/v1/articles/{id}"),
            Some(&editor.token),
            Some(json!({ "title": "Khánh thành cầu Rào mới" })),
            &[("if-match", article.header("etag").expect("etag"))],
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let new_slug = edited.json()["slug"].as_str().expect("slug").to_owned();
    assert!(!slugs(&search(&app, "cau kien").await).contains(&new_slug), "the old title is gone from the index");
    assert!(slugs(&search(&app, "cau rao moi").await).contains(&new_slug));

    let unpublished =
        app.send("POST", &format!("/api/v1/articles/{id}/unpublish"), Some(&editor.token), None, &[]).await;
    assert_eq!(unpublished.status, 200, "{}", unpublished.body);
    assert!(!slugs(&search(&app, "cau rao moi").await).contains(&new_slug), "unpublished");
}

/// The index knows the second of publication without reading the article; within that second
/// the article's exact time decides, so a scheduled article is found neither a moment early nor
/// late.
#[tokio::test]
async fn a_scheduled_article_is_found_from_its_exact_moment() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let now = chrono::Utc::now();
    let second = now.timestamp() + 2;
    let due = chrono::DateTime::from_timestamp(second, 600_000_000).expect("time");
    let slug = publish(&app, &editor, "Lịch cắt điện khu Vĩnh Niệm", "Điện cắt từ 7 giờ.", &due.to_rfc3339()).await;
    let wait_until =
        |at: chrono::DateTime<chrono::Utc>| tokio::time::sleep((at - chrono::Utc::now()).to_std().unwrap_or_default());
    wait_until(due - chrono::Duration::milliseconds(400)).await;
    let early = search(&app, "cat dien vinh niem").await;
    assert!(chrono::Utc::now() < due, "the check ran before the due time");
    assert!(!slugs(&early).contains(&slug), "found in its second but before its moment");
    wait_until(due + chrono::Duration::milliseconds(100)).await;
    assert!(slugs(&search(&app, "cat dien vinh niem").await).contains(&slug), "due, in the same second");
}

/// The same queries give the same best result on SQLite (FTS5) and PostgreSQL (tsvector): this
/// table runs on whichever back end the suite runs on, and `.ci/run` runs it on both.
#[tokio::test]
async fn a_table_of_vietnamese_queries_finds_the_same_best_result() {
    let app = spawn_app().await;
    for (query, best) in [
        ("lach tray", "mo-rong-tuyen-duong-ven-song-lach-tray-giam-un-tac-gio-cao-diem"),
        ("Lạch Tray ùn tắc", "mo-rong-tuyen-duong-ven-song-lach-tray-giam-un-tac-gio-cao-diem"),
        ("NGÔ QUYỀN", "quan-ngo-quyen-chinh-trang-12-tuyen-pho-truoc-mua-le-hoi"),
        ("chuyen doi so", "doanh-nghiep-nho-tai-hong-bang-tang-toc-chuyen-doi-so"),
        ("\"hoa phượng\"", "mua-hoa-phuong-do-keo-du-khach-ve-thanh-pho-cang"),
        ("tuyen sinh lop 10", "hon-17-000-hoc-sinh-lop-9-buoc-vao-ky-thi-tuyen-sinh-lop-10"),
        ("cap cuu", "benh-vien-quan-le-chan-dua-vao-hoat-dong-khoa-cap-cuu-moi"),
        ("nghị quyết kinh tế biển", "hoi-nghi-trien-khai-nghi-quyet-ve-phat-trien-kinh-te-bien"),
        ("thu vien", "thu-vien-cong-dong-mo-cua-mien-phi-vao-buoi-toi"),
        ("kho bai", "gia-thue-kho-bai-quanh-khu-cong-nghiep-tang-nhe-cuoi-nam"),
        (
            "to chuc dang",
            "doan-kiem-tra-cua-thanh-uy-lam-viec-voi-quan-uy-le-chan-ve-phat-trien-to-chuc-dang-trong-doanh",
        ),
        ("container", "san-luong-hang-container-qua-cang-tang-14-trong-chin-thang"),
        ("sân nh", "doi-bong-da-thanh-pho-gianh-chien-thang-thuyet-phuc-tren-san-nha"),
    ] {
        let found = slugs(&search(&app, query).await);
        assert_eq!(found.first().map(String::as_str), Some(best), "{query:?} gave {found:?}");
    }
}

/// PostgreSQL stores the vectors Bantin writes out itself; for real text they are the vectors
/// its own `to_tsvector` made from the same words, so an index written either way is one index.
#[tokio::test]
async fn postgresql_stores_the_vectors_its_own_parser_would_make() {
    use bantin_api::domain::search::{IndexedText, tsvector::tsvector};
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    if !app.database_url.starts_with("postgres") {
        return;
    }
    let db = sea_orm::Database::connect(&app.database_url).await.expect("database");
    let repeated = "cảng ".repeat(300);
    for (title, body) in [
        (
            "Đường Lạch Tray mở rộng",
            "Sáng 20/9, UBND quận Lê Chân khởi công dự án 2022 với 120 tỷ đồng; xe a1b đi qua.",
        ),
        ("", "Chỉ có thân bài."),
        ("Cảng Hải Phòng", repeated.as_str()),
        ("Hà Nội — Hạ Long: 3 giờ", "ĐƯỜNG đường Đường, Nghị quyết 45-NQ/TW."),
    ] {
        let (title, body) = (IndexedText::of(title), IndexedText::of(body));
        for (ours, left, right) in [
            (tsvector(&[&title.folded, &body.folded]), &title.folded, &body.folded),
            (tsvector(&[&title.exact, &body.exact]), &title.exact, &body.exact),
        ] {
            let row = db
                .query_one_raw(sea_orm::Statement::from_sql_and_values(
                    sea_orm::DbBackend::Postgres,
                    "SELECT CAST(CAST($1 AS tsvector) AS text) AS ours, \
                     CAST(to_tsvector('simple', $2) || to_tsvector('simple', $3) AS text) AS theirs",
                    [ours.clone().into(), left.clone().into(), right.clone().into()],
                ))
                .await
                .expect("vectors")
                .expect("a row");
            let stored: String = row.try_get("", "ours").expect("ours");
            let parsed: String = row.try_get("", "theirs").expect("theirs");
            assert_eq!(stored, parsed, "{left:?} + {right:?}");
            assert_eq!(stored, ours, "PostgreSQL keeps the text as written");
        }
    }
}

/// A match far down a long body is shown around it, and a title match with no match in the
/// body shows the lead's opening.
#[tokio::test]
async fn snippets_find_matches_deep_in_long_bodies() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let ids = app.demo_ids().await;
    let filler = "Người dân phường ven biển tiếp tục dọn dẹp đường làng sau đợt triều cường. ".repeat(8);
    let mut body: Vec<Value> = (0..12).map(|_| json!({ "type": "paragraph", "text": filler })).collect();
    body.push(json!({ "type": "paragraph", "text": "Cuối cùng, đội múa lân Kỳ Sơn biểu diễn tại sân đình." }));
    let created = app
        .create_article(
            &editor.token,
            json!({
                "title": "Phường Đông Hải chuẩn bị đón Tết",
                "summary": "Bản tin dài về phường.",
                "body": body,
                "category_id": ids.category,
                "authors": [{ "author_id": ids.author }],
            }),
        )
        .await;
    let id = created["id"].as_i64().expect("id");
    let published =
        app.send("POST", &format!("/api/v1/articles/{id}/publish"), Some(&editor.token), Some(json!({})), &[]).await;
    assert_eq!(published.status, 200, "{}", published.body);

    let deep = search(&app, "ky son").await;
    let hit = &deep["data"][0];
    assert_eq!(hit["article"]["id"], id, "{deep}");
    let snippet = hit["highlights"]["body"].as_str().expect("body");
    assert!(snippet.contains("<mark>Kỳ Sơn</mark>"), "{snippet}");

    let title_only = search(&app, "dong hai").await;
    let hit = &title_only["data"][0];
    assert_eq!(hit["article"]["id"], id, "{title_only}");
    assert_eq!(hit["highlights"]["body"], "Bản tin dài về phường.");
}

/// SQLite's full-text merge settings, as its tables store them (`None`: FTS5's default).
async fn merge_settings(app: &TestApp) -> Vec<(String, Option<i64>)> {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(&app.database_url).await.expect("database");
    let mut found = Vec::new();
    for table in ["search_fts", "search_titles"] {
        for key in ["automerge", "crisismerge"] {
            let row = db
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Sqlite,
                    format!("SELECT CAST(v AS INTEGER) AS v FROM {table}_config WHERE k = '{key}'"),
                ))
                .await
                .expect("config");
            found.push((format!("{table}.{key}"), row.map(|r| r.try_get("", "v").expect("value"))));
        }
    }
    found
}

/// A bulk load leaves SQLite's full-text index merging its segments again (it merges them
/// once at the end instead of after every batch), and what it wrote is found.
#[tokio::test]
async fn a_bulk_load_leaves_the_index_merging_as_it_goes() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    let db = sea_orm::Database::connect(&app.database_url).await.expect("database");
    let media = app.settings.media().expect("media storage");
    bantin_api::seed::synthetic::generate(&db, &media, 300).await.expect("seeding");
    let found: Value = app.get_json("/api/v1/search?q=cang&limit=5&page=1").await;
    assert!(found["meta"]["total"].as_u64().expect("total") > 20, "{found}");
    if app.database_url.starts_with("postgres") {
        return;
    }
    for (setting, value) in merge_settings(&app).await {
        let default = if setting.ends_with("automerge") { 4 } else { 16 };
        assert_eq!(value, Some(default), "{setting}");
    }
}

/// A bulk load cut short (the process killed) leaves merging off; the next start puts it back.
#[tokio::test]
async fn merging_a_cut_short_bulk_load_switched_off_is_back_on_at_the_next_start() {
    let first = spawn_app().await;
    if first.database_url.starts_with("postgres") {
        return;
    }
    for table in ["search_fts", "search_titles"] {
        first
            .execute(&format!(
                "INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0); \
                 INSERT INTO {table} ({table}, rank) VALUES ('crisismerge', 200)"
            ))
            .await;
    }
    assert!(merge_settings(&first).await.iter().all(|(_, v)| matches!(v, Some(0 | 200))));
    let again = spawn_app_with(Options {
        reuse: Some((first.data_dir.clone(), first.database_url.clone())),
        ..Options::default()
    })
    .await;
    for (setting, value) in merge_settings(&again).await {
        let default = if setting.ends_with("automerge") { 4 } else { 16 };
        assert_eq!(value, Some(default), "{setting}");
    }
}
