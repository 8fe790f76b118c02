//! `/graphql` over HTTP: media types, status codes, GET rules, persisted queries, caching.

use bantin_e2e::spawn_app;
use reqwest::Method;
use serde_json::json;
use sha2::{Digest, Sha256};

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let app = spawn_app().await;
    let path = format!("/graphql?query={}", encode("{ site { name } }"));
    for (accept, expected) in [
        (None, Some("application/json")),
        (Some("application/json"), Some("application/json")),
        (Some("application/graphql-response+json"), Some("application/graphql-response+json")),
        (Some("*/*"), Some("application/json")),
    ] {
        let headers: Vec<(&str, &str)> = accept.map(|a| vec![("accept", a)]).unwrap_or_default();
        let reply = app.get_with(&path, &headers).await;
        assert_eq!(reply.status, 200, "{accept:?}");
        assert_eq!(reply.header("content-type"), expected, "{accept:?}");
    }
    assert_eq!(app.get_with(&path, &[("accept", "text/plain")]).await.status, 406);
}

#[tokio::test]
async fn requests_that_cannot_execute_are_400_with_the_new_media_type() {
    let app = spawn_app().await;
    for (path, why) in [
        (format!("/graphql?query={}", encode("{ site { name ")), "syntax error"),
        (format!("/graphql?query={}", encode("{ nope }")), "unknown field"),
        ("/graphql".to_owned(), "no query"),
        (format!("/graphql?query={}&variables=%5B1%5D", encode("{ site { name } }")), "variables not an object"),
    ] {
        let reply = app.get_with(&path, &[("accept", "application/graphql-response+json")]).await;
        assert_eq!(reply.status, 400, "{why}: {}", reply.body);
        assert!(reply.json()["errors"].is_array(), "{why}");
        assert!(reply.json().get("data").is_none(), "{why}: no data entry when nothing executed");
    }
    let legacy =
        app.get_with(&format!("/graphql?query={}", encode("{ nope }")), &[("accept", "application/json")]).await;
    assert_eq!(legacy.status, 200, "application/json keeps 200 for GraphQL errors");
}

#[tokio::test]
async fn post_needs_a_json_body_of_the_right_shape() {
    let app = spawn_app().await;
    let url = format!("{}/graphql", app.address);
    let send = |content_type: &'static str, body: String| {
        app.client
            .post(&url)
            .header("content-type", content_type)
            .header("accept", "application/graphql-response+json")
            .body(body)
            .send()
    };
    assert_eq!(send("text/plain", r#"{"query":"{ site { name } }"}"#.into()).await.expect("sent").status(), 415);
    for body in [r#"{"query":"#, "[]", r#"{"query": 1}"#, r#"{"query":"{ site { name } }","variables":[]}"#, "{}"] {
        assert_eq!(send("application/json", body.into()).await.expect("sent").status(), 400, "{body}");
    }
    let ok = send("application/json; charset=utf-8", r#"{"query":"{ site { name } }","variables":null}"#.into())
        .await
        .expect("sent");
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn mutations_are_refused_over_get_and_other_methods_get_405() {
    let app = spawn_app().await;
    let reply = app.get(&format!("/graphql?query={}", encode("mutation { x }"))).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.header("allow"), Some("POST"));
    let put = app.request(Method::PUT, "/graphql", &[]).await;
    assert_eq!(put.status, 405);
    assert_eq!(put.header("allow"), Some("GET, HEAD, POST"));
}

#[tokio::test]
async fn persisted_queries_over_get_are_cacheable_with_an_etag() {
    let app = spawn_app().await;
    let query = "{ articles(first: 3) { nodes { slug } } }";
    let hash: String = Sha256::digest(query.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let extensions = encode(&json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } }).to_string());
    let short = format!("/graphql?extensions={extensions}");

    let unknown = app.get(&short).await.json();
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound", "{unknown}");
    assert_eq!(unknown["errors"][0]["extensions"]["code"], "persisted_query_not_found", "{unknown}");
    assert!(unknown.get("data").is_none(), "never executed: {unknown}");
    let register = app.get(&format!("{short}&query={}", encode(query))).await;
    assert_eq!(register.status, 200, "{}", register.body);

    let first = app.get(&short).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.json()["data"]["articles"]["nodes"].as_array().map(Vec::len), Some(3));
    assert!(first.header("cache-control").is_some_and(|c| c.starts_with("public, max-age=")));
    let etag = first.header("etag").expect("ETag").to_owned();
    assert_eq!(app.get_with(&short, &[("if-none-match", &etag)]).await.status, 304);
}

#[tokio::test]
async fn a_mutation_named_only_by_its_hash_is_refused_over_get() {
    let app = spawn_app().await;
    let mutation = "mutation { logout(refreshToken: \"không-có\") }";
    let hash: String = Sha256::digest(mutation.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let registered = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": mutation, "extensions": persisted }))
        .send()
        .await
        .expect("request sent");
    assert_eq!(registered.status(), 200, "the mutation ran once over POST");
    let by_hash = app.get(&format!("/graphql?extensions={}", encode(&persisted.to_string()))).await;
    assert_eq!(by_hash.status, 405, "{}", by_hash.body);
    assert_eq!(by_hash.header("allow"), Some("POST"));
    assert_eq!(by_hash.json()["errors"][0]["extensions"]["code"], "mutation_over_get");
}

#[tokio::test]
async fn the_same_query_always_serialises_to_the_same_bytes_in_query_order() {
    let app = spawn_app().await;
    let query = "{ site { name } articles(first: 2) { totalCount nodes { title } } categories { slug } }";
    let first = app.graphql(query, json!({})).await.body;
    for _ in 0..5 {
        assert_eq!(app.graphql(query, json!({})).await.body, first);
    }
    let at = |key: &str| first.find(&format!("\"{key}\"")).unwrap_or_else(|| panic!("{key} in {first}"));
    assert!(at("site") < at("articles") && at("articles") < at("categories"), "query order: {first}");
    assert!(first.find("totalCount").expect("count") < first.find("nodes").expect("nodes"));
}

#[tokio::test]
async fn browsers_get_graphiql() {
    let app = spawn_app().await;
    let page = app.get_with("/graphql", &[("accept", "text/html,application/xhtml+xml")]).await;
    assert_eq!(page.status, 200);
    assert!(page.header("content-type").is_some_and(|c| c.starts_with("text/html")));
    assert!(page.body.to_lowercase().contains("graphiql"));
}
