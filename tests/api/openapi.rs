use bantin_e2e::spawn_app;

#[test]
fn the_committed_openapi_yaml_matches_the_code() {
    let generated = bantin_api::startup::openapi().to_yaml().expect("render");
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml")).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi.yaml is out of date: run `cargo run -p bantin-api -- export-openapi` and commit the result"
    );
}

#[tokio::test]
async fn the_document_is_served_and_describes_every_operation() {
    let app = spawn_app().await;
    let doc = app.get_json("/openapi.json").await;
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/api/v1/articles",
        "/api/v1/articles/{article}",
        "/api/v1/articles/{article}/related",
        "/api/v1/categories",
        "/api/v1/categories/{slug}",
        "/api/v1/authors",
        "/api/v1/authors/{slug}",
        "/api/v1/tags",
        "/api/v1/tags/{slug}",
        "/api/v1/media/{id}",
        "/api/v1/site",
        "/files/{key}",
        "/healthz",
        "/readyz",
    ] {
        let get = &paths.get(path).unwrap_or_else(|| panic!("{path} is documented"))["get"];
        assert!(get["operationId"].is_string(), "{path} has an operation id");
        assert!(get["summary"].is_string(), "{path} has a summary");
    }
    for (method, path) in [
        ("post", "/api/v1/articles"),
        ("patch", "/api/v1/articles/{article}"),
        ("delete", "/api/v1/articles/{article}"),
        ("post", "/api/v1/articles/{article}/submit"),
        ("post", "/api/v1/articles/{article}/publish"),
        ("post", "/api/v1/articles/{article}/unpublish"),
        ("post", "/api/v1/articles/{article}/archive"),
        ("post", "/api/v1/articles/{article}/restore"),
        ("post", "/api/v1/articles/{article}/purge"),
        ("get", "/api/v1/articles/{article}/revisions"),
        ("post", "/api/v1/articles/{article}/revisions/{revision}/restore"),
        ("post", "/api/v1/articles/{article}/preview-token"),
        ("get", "/api/v1/me"),
        ("get", "/api/v1/users"),
        ("post", "/api/v1/users"),
        ("patch", "/api/v1/users/{id}"),
        ("get", "/api/v1/audit"),
    ] {
        let operation = &paths[path][method];
        assert!(operation["operationId"].is_string(), "{method} {path} is documented");
        assert_eq!(operation["security"][0]["bearer"], serde_json::json!([]), "{method} {path} names its security");
        assert!(operation["responses"]["401"].is_object(), "{method} {path} documents 401");
    }
    for path in ["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout"] {
        assert!(paths[path]["post"]["operationId"].is_string(), "{path} is documented");
    }
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    let problem = &doc["paths"]["/api/v1/articles"]["get"]["responses"]["400"]["content"]["application/problem+json"];
    assert!(problem.is_object(), "errors are documented as problem+json");
    let yaml = app.get("/openapi.yaml").await;
    assert_eq!(yaml.status, 200);
    assert!(yaml.body.starts_with("openapi: 3"));
}

#[tokio::test]
async fn the_docs_page_works_offline() {
    let app = spawn_app().await;
    assert_eq!(app.get("/docs").await.status, 308);
    let page = app.get("/docs/").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("swagger-ui"));
    for external in ["https://", "http://", "//cdn", "unpkg", "jsdelivr"] {
        let src = format!("src=\"{external}");
        assert!(!page.body.contains(&src), "the docs page loads nothing from {external}");
    }
    let init = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(init.status, 200);
    assert!(init.body.contains("/openapi.json"));
    assert_eq!(app.get("/docs/swagger-ui-bundle.js").await.status, 200);
}
