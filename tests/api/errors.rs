use bantin_e2e::{Options, anatomy_slug, spawn_app, spawn_app_with};
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn bad_parameters_get_problem_json_naming_the_parameter() {
    let app = spawn_app().await;
    let slug = anatomy_slug();
    let cases: Vec<(String, u16, &str, &str)> = vec![
        ("/api/v1/articles?limit=0".into(), 400, "limit", "limit below 1"),
        ("/api/v1/articles?limit=101".into(), 400, "limit", "limit above 100"),
        ("/api/v1/articles?limit=abc".into(), 400, "limit", "limit not a number"),
        ("/api/v1/articles?limit=".into(), 400, "limit", "empty limit"),
        ("/api/v1/articles?page=0".into(), 400, "page", "page below 1"),
        ("/api/v1/articles?page=2&cursor=x.y".into(), 400, "cursor", "garbage cursor"),
        (
            "/api/v1/articles?cursor=eyJsIjoxLCJwIjp7ImsiOiJ0IiwidCI6MCwiaSI6MX19.AAAAAAAAAAAAAAAA".into(),
            400,
            "cursor",
            "forged cursor",
        ),
        ("/api/v1/articles?category=khong-co".into(), 422, "category", "unknown category"),
        ("/api/v1/articles?category=Thời%20sự".into(), 422, "category", "a name instead of a slug"),
        ("/api/v1/articles?tag=khong-co".into(), 422, "tag", "unknown tag"),
        ("/api/v1/articles?author=khong-co".into(), 422, "author", "unknown author"),
        ("/api/v1/articles?published_after=20/09/2022".into(), 400, "published_after", "a date in the wrong format"),
        ("/api/v1/articles?published_before=tomorrow".into(), 400, "published_before", "not a date"),
        (
            "/api/v1/articles?published_after=2022-10-01&published_before=2022-09-01".into(),
            422,
            "published_before",
            "an empty range",
        ),
        (format!("/api/v1/articles/{slug}/related?limit=0"), 400, "limit", "related limit below 1"),
        (format!("/api/v1/articles/{slug}/related?limit=21"), 400, "limit", "related limit above 20"),
        ("/api/v1/tags?limit=-3".into(), 400, "limit", "negative tag page size"),
        ("/api/v1/authors?page=x".into(), 400, "page", "author page not a number"),
        ("/api/v1/media/abc".into(), 400, "id", "media id not a number"),
        ("/api/v1/articles?limit=1&limit=2".into(), 400, "query", "a repeated parameter"),
    ];
    for (path, status, field, why) in cases {
        let reply = app.get(&path).await;
        assert_eq!(reply.status, status, "{why}: {path} answered {}", reply.body);
        assert_eq!(reply.header("content-type"), Some("application/problem+json"), "{why}");
        let problem = reply.json();
        assert_eq!(problem["status"], status, "{why}");
        assert!(problem["code"].as_str().is_some_and(|c| !c.is_empty()), "{why}: a stable code");
        assert!(problem["type"].as_str().is_some_and(|t| t.starts_with("urn:bantin:problem:")), "{why}");
        assert_eq!(problem["errors"][0]["field"], field, "{why}: {problem}");
    }
}

#[tokio::test]
async fn unknown_resources_are_404_problems() {
    let app = spawn_app().await;
    for path in [
        "/api/v1/articles/khong-ton-tai",
        "/api/v1/articles/KHONG-hop-le",
        "/api/v1/articles/khong-ton-tai/related",
        "/api/v1/categories/khong-co",
        "/api/v1/authors/khong-co",
        "/api/v1/tags/khong-co",
        "/api/v1/media/999999",
        "/api/v1/khong-co",
        "/files/..%2Fsecret.key",
        "/files/0123456789abcdef0123456789abcdef.jpg",
        "/",
    ] {
        let reply = app.get(path).await;
        assert_eq!(reply.status, 404, "{path}: {}", reply.body);
        assert_eq!(reply.header("content-type"), Some("application/problem+json"), "{path}");
        assert_eq!(reply.json()["code"], "not_found");
    }
}

#[tokio::test]
async fn a_method_the_route_lacks_is_405_with_allow() {
    let app = spawn_app().await;
    for (method, path, allow) in [
        (reqwest::Method::PUT, "/api/v1/articles", "GET, HEAD, POST"),
        (reqwest::Method::DELETE, "/api/v1/site", "GET, HEAD, PATCH"),
        (reqwest::Method::PUT, "/api/v1/articles/some-slug", "GET, HEAD, PATCH, DELETE"),
        (reqwest::Method::GET, "/api/v1/articles/some-slug/publish", "POST"),
        (reqwest::Method::PUT, "/api/v1/categories/thoi-su", "GET, HEAD, PATCH, DELETE"),
        (reqwest::Method::from_bytes(b"TRACE").expect("method"), "/api/v1/tags", "GET, HEAD, POST"),
        (reqwest::Method::POST, "/healthz", "GET, HEAD"),
    ] {
        let reply = app.request(method.clone(), path, &[]).await;
        assert_eq!(reply.status, 405, "{method} {path}");
        assert_eq!(reply.header("allow"), Some(allow), "{method} {path}");
        assert_eq!(reply.json()["code"], "method_not_allowed");
    }
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    let reply = app.request(reqwest::Method::HEAD, "/api/v1/site", &[]).await;
    assert_eq!(reply.status, 200);
    assert!(reply.header("etag").is_some());
    assert!(reply.body.is_empty());
}

/// Connections the database closed (a restart, a failover, an administrator) answer 503 with
/// `Retry-After` while the pool replaces them, never a 500, and reads work again at once.
#[tokio::test]
async fn connections_the_database_closed_answer_503_until_replaced() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    if !app.database_url.starts_with("postgres") {
        return;
    }
    let path = format!("/api/v1/articles/{}", anatomy_slug());
    for _ in 0..40 {
        assert_eq!(app.get(&path).await.status, 200, "before the connections are closed");
    }
    let db = sea_orm::Database::connect(&app.database_url).await.expect("database");
    db.execute_unprepared(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await
    .expect("the server's connections closed");
    let mut statuses = Vec::new();
    for _ in 0..120 {
        let reply = app.get(&path).await;
        if reply.status == 503 {
            assert_eq!(reply.header("retry-after"), Some("1"));
            assert_eq!(reply.json()["code"], "unavailable", "{}", reply.body);
        }
        statuses.push(reply.status);
    }
    assert!(statuses.iter().all(|s| [200, 503].contains(s)), "{statuses:?}");
    assert!(statuses[statuses.len() - 40..].iter().all(|s| *s == 200), "the pool did not recover: {statuses:?}");
}
