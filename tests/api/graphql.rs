//! The GraphQL schema: same data and rules as REST, batched, limited.

use bantin_e2e::{Options, TestApp, anatomy_slug, hidden_demo_articles, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const ARTICLE_PAGE: &str = r#"
query ArticlePage($slug: String!) {
  article(slug: $slug) {
    id slug title summary url publishedAt publishedAtDisplay wordCount readingMinutes
    cover { url caption }
    authors { name role }
    category { slug ancestors { slug } }
    breadcrumb { slug name }
    tags { slug name }
    source { name url }
    seo { metaTitle metaDescription canonicalUrl socialImage { url } }
    body {
      __typename
      ... on ParagraphBlock { kind text }
      ... on ImageBlock { kind image { id url width height alt caption credit } }
      ... on QuoteBlock { text attribution }
    }
    related(first: 6) { slug }
  }
}"#;

const HOMEPAGE: &str = r#"
query Homepage {
  latest: articles(first: 20) {
    edges { cursor node { slug title summary publishedAtDisplay cover { url } category { name } authors { name } tags { slug } } }
    pageInfo { hasNextPage endCursor }
  }
  categories {
    slug name
    children { slug name }
    articles(first: 5) { nodes { slug title cover { url } authors { name } } }
  }
}"#;

#[test]
fn the_committed_sdl_matches_the_code() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema/schema.graphql")).unwrap_or_default();
    assert!(
        committed == bantin_api::graphql::sdl(),
        "schema/schema.graphql is out of date: run `cargo run -p bantin-api -- export-schema` and commit the result"
    );
}

#[tokio::test]
async fn graphql_and_rest_serve_the_same_article_page() {
    let app = spawn_app().await;
    let slug = anatomy_slug();
    let rest = app.get_json(&format!("/api/v1/articles/{slug}")).await;
    let rest_related = app.get_json(&format!("/api/v1/articles/{slug}/related")).await;
    let gql = app.graphql_data(ARTICLE_PAGE, json!({ "slug": slug })).await["article"].clone();

    for (rest_field, gql_field) in [
        ("slug", "slug"),
        ("title", "title"),
        ("summary", "summary"),
        ("url", "url"),
        ("published_at", "publishedAt"),
        ("published_at_display", "publishedAtDisplay"),
        ("word_count", "wordCount"),
        ("reading_minutes", "readingMinutes"),
    ] {
        assert_eq!(rest[rest_field], gql[gql_field], "{rest_field}");
    }
    assert_eq!(rest["id"].to_string(), gql["id"].as_str().expect("id"));
    let pairs = |v: &Value, a: &str, b: &str| -> Vec<(Value, Value)> {
        v.as_array().expect("list").iter().map(|x| (x[a].clone(), x[b].clone())).collect()
    };
    assert_eq!(pairs(&rest["authors"], "name", "role"), pairs(&gql["authors"], "name", "role"));
    assert_eq!(pairs(&rest["tags"], "slug", "name"), pairs(&gql["tags"], "slug", "name"));
    assert_eq!(pairs(&rest["breadcrumb"], "slug", "name"), pairs(&gql["breadcrumb"], "slug", "name"));
    assert_eq!(rest["source"]["name"], gql["source"]["name"]);
    assert_eq!(rest["seo"]["canonical_url"], gql["seo"]["canonicalUrl"]);
    assert_eq!(rest["cover"]["url"], gql["cover"]["url"]);
    let images = |blocks: &Value, image_key: &str| -> Vec<(Value, Value)> {
        blocks
            .as_array()
            .expect("body")
            .iter()
            .filter_map(|b| {
                b.get(image_key).filter(|i| i.is_object()).map(|i| (i["url"].clone(), i["caption"].clone()))
            })
            .collect()
    };
    assert_eq!(images(&rest["body"], "image"), images(&gql["body"], "image"));
    assert_eq!(images(&gql["body"], "image").len(), 3);
    assert_eq!(
        rest["body"].as_array().expect("body").len(),
        gql["body"].as_array().expect("body").len(),
        "same number of blocks"
    );
    let rest_related: Vec<&Value> = rest_related.as_array().expect("related").iter().map(|a| &a["slug"]).collect();
    let gql_related: Vec<&Value> = gql["related"].as_array().expect("related").iter().map(|a| &a["slug"]).collect();
    assert_eq!(rest_related, gql_related);
}

#[tokio::test]
async fn graphql_and_rest_list_the_same_articles_under_the_same_filters() {
    let app = spawn_app().await;
    for (query, filter) in [
        ("", json!({})),
        ("?category=thoi-su", json!({ "category": "thoi-su" })),
        ("?tag=le-chan", json!({ "tag": "le-chan" })),
        ("?author=dao-thi-lan", json!({ "author": "dao-thi-lan" })),
        ("?published_after=2026-11-01T00:00:00%2B07:00", json!({ "publishedAfter": "2026-11-01T00:00:00+07:00" })),
    ] {
        let rest: Vec<Value> = app.walk_articles(query, 100).await.iter().map(|a| a["slug"].clone()).collect();
        let data = app
            .graphql_data(
                "query($f: ArticleFilterInput) { articles(filter: $f, first: 100) { totalCount nodes { slug } } }",
                json!({ "f": filter }),
            )
            .await;
        let gql: Vec<Value> =
            data["articles"]["nodes"].as_array().expect("nodes").iter().map(|a| a["slug"].clone()).collect();
        assert_eq!(rest, gql, "filter {filter}");
        assert_eq!(data["articles"]["totalCount"].as_u64(), Some(rest.len() as u64), "count for {filter}");
    }
}

/// A homepage asks for many first pages at once, answered by one statement: each must be what
/// its list alone answers, whatever order the batch gathered them in.
#[tokio::test]
async fn a_batch_of_first_pages_matches_each_list_alone() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    let query = r#"{ latest: articles(first: 7) { nodes { slug } }
        categories { slug articles(first: 3) { nodes { slug } } children { slug articles(first: 2) { nodes { slug } } } }
        tag(slug: "le-chan") { articles(first: 4) { nodes { slug } } }
        author(slug: "dao-thi-lan") { articles(first: 5) { nodes { slug } } } }"#;
    let slugs = |connection: &Value| -> Vec<Value> {
        connection["nodes"].as_array().expect("nodes").iter().map(|a| a["slug"].clone()).collect()
    };
    for _ in 0..3 {
        let data = app.graphql_data(query, json!({})).await;
        assert_eq!(slugs(&data["latest"]), listed(&app, "/api/v1/articles?limit=7").await);
        assert_eq!(slugs(&data["tag"]["articles"]), listed(&app, "/api/v1/articles?tag=le-chan&limit=4").await);
        assert_eq!(
            slugs(&data["author"]["articles"]),
            listed(&app, "/api/v1/articles?author=dao-thi-lan&limit=5").await
        );
        let mut sections = 0;
        for category in data["categories"].as_array().expect("categories") {
            let slug = category["slug"].as_str().expect("slug");
            assert_eq!(
                slugs(&category["articles"]),
                listed(&app, &format!("/api/v1/articles?category={slug}&limit=3")).await
            );
            for child in category["children"].as_array().expect("children") {
                let slug = child["slug"].as_str().expect("slug");
                assert_eq!(
                    slugs(&child["articles"]),
                    listed(&app, &format!("/api/v1/articles?category={slug}&limit=2")).await
                );
                sections += 1;
            }
            sections += 1;
        }
        assert!(sections >= 5, "{data}");
    }
}

/// The slugs a REST list answers.
async fn listed(app: &TestApp, path: &str) -> Vec<Value> {
    app.get_json(path).await["data"].as_array().expect("data").iter().map(|a| a["slug"].clone()).collect()
}

#[tokio::test]
async fn walking_a_connection_by_cursor_visits_every_article_once() {
    let app = spawn_app().await;
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = app
            .graphql_data(
                "query($after: String) { articles(first: 4, after: $after) { edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage endCursor } } }",
                json!({ "after": after }),
            )
            .await;
        let connection = &data["articles"];
        let edges = connection["edges"].as_array().expect("edges");
        seen.extend(edges.iter().map(|e| e["node"]["slug"].clone()));
        assert_eq!(edges.last().map(|e| &e["cursor"]), Some(&connection["pageInfo"]["endCursor"]));
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], !after.is_null());
        if connection["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }
    let rest: Vec<Value> = app.walk_articles("", 100).await.iter().map(|a| a["slug"].clone()).collect();
    assert_eq!(seen, rest);
}

#[tokio::test]
async fn the_homepage_query_costs_a_constant_number_of_statements() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    app.graphql_data("{ site { name } }", json!({})).await;
    // Each query twice: the first time the summaries not yet in memory take one statement more.
    let mut costs = Vec::new();
    for query in
        [HOMEPAGE.replace("first: 5", "first: 1"), HOMEPAGE.to_owned(), HOMEPAGE.replace("first: 20", "first: 3")]
    {
        for _ in 0..2 {
            let before = app.metric("bantin_db_statements_total").await;
            let data = app.graphql_data(&query, json!({})).await;
            assert!(data["categories"].as_array().expect("categories").len() >= 5);
            costs.push(app.metric("bantin_db_statements_total").await - before);
        }
    }
    assert!(costs.iter().all(|&n| n <= 2), "homepage queries took {costs:?} statements");
    assert!(costs.iter().skip(1).step_by(2).all(|&n| n == 1), "statements must not depend on page sizes: {costs:?}");

    let before = app.metric("bantin_db_statements_total").await;
    app.graphql_data(
        "{ articles(first: 20) { nodes { slug body { __typename } seo { canonicalUrl } related(first: 3) { slug } } } }",
        json!({}),
    )
    .await;
    let spent = app.metric("bantin_db_statements_total").await - before;
    assert!(spent <= 5, "bodies and related news of 20 articles are batched, took {spent} statements");
}

#[tokio::test]
async fn abusive_queries_are_refused_before_execution_and_a_homepage_passes() {
    let app = spawn_app_with(Options { cache: false, ..Options::default() }).await;
    app.graphql_data(HOMEPAGE, json!({})).await;
    for (why, query) in [
        ("complexity", "{ articles(first: 100) { nodes { related(first: 20) { related(first: 20) { title } } } } }"),
        (
            "depth",
            "{ categories { children { children { children { children { children { children { children { children { children { slug } } } } } } } } } } }",
        ),
    ] {
        let before = app.metric("bantin_db_statements_total").await;
        let reply = app.graphql(query, json!({})).await;
        assert_eq!(reply.status, 400, "{why}: {}", reply.body);
        let message = reply.json()["errors"][0]["message"].as_str().expect("message").to_lowercase();
        assert!(message.contains("complex") || message.contains("nested"), "{why}: {message}");
        assert_eq!(app.metric("bantin_db_statements_total").await, before, "{why}: nothing ran");
    }
    let reply = app.graphql("{ articles(first: 101) { nodes { slug } } }", json!({})).await;
    let body = reply.json();
    assert_eq!(body["errors"][0]["extensions"]["code"], "invalid_parameter", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["field"], "first");
}

#[tokio::test]
async fn errors_carry_the_same_codes_as_rest() {
    let app = spawn_app().await;
    let cases = [
        (r#"{ articles(filter: { category: "khong-co" }) { nodes { slug } } }"#, "unknown_filter_value"),
        (r#"{ articles(after: "forged.cursor") { nodes { slug } } }"#, "invalid_parameter"),
        (
            r#"{ articles(filter: { publishedAfter: "2022-10-01T00:00:00Z", publishedBefore: "2022-09-01T00:00:00Z" }) { nodes { slug } } }"#,
            "invalid_range",
        ),
        (r#"{ article(slug: "a", id: "1") { slug } }"#, "invalid_parameter"),
    ];
    for (query, code) in cases {
        let body = app.graphql(query, json!({})).await.json();
        assert_eq!(body["errors"][0]["extensions"]["code"], code, "{query}: {body}");
    }
    let missing = app
        .graphql_data(r#"{ article(slug: "khong-ton-tai") { slug } category(slug: "khong-co") { slug } }"#, json!({}))
        .await;
    assert!(missing["article"].is_null() && missing["category"].is_null());
}

#[tokio::test]
async fn hidden_articles_stay_hidden_through_graphql() {
    let app = spawn_app().await;
    let all =
        app.graphql_data("{ articles(first: 20) { nodes { slug related(first: 20) { slug } } } }", json!({})).await;
    let text = all.to_string();
    for (why, slug) in hidden_demo_articles() {
        let found = app.graphql_data("query($s: String!) { article(slug: $s) { slug } }", json!({ "s": slug })).await;
        assert!(found["article"].is_null(), "{why} article by slug");
        assert!(!text.contains(&format!("\"{slug}\"")), "{why} article in lists or related");
    }
    let tag =
        app.graphql_data(r#"{ tag(slug: "tin-noi-bo") { articles { totalCount nodes { slug } } } }"#, json!({})).await;
    assert_eq!(tag["tag"]["articles"]["totalCount"], 0);
    let author = app.graphql_data(r#"{ author(slug: "le-bao-ngoc") { articles { totalCount } } }"#, json!({})).await;
    assert_eq!(author["author"]["articles"]["totalCount"], 1);
}

#[tokio::test]
async fn categories_walk_as_a_tree_with_parents_and_ancestors() {
    let app = spawn_app().await;
    let data = app
        .graphql_data(r#"{ categories { slug children { slug parent { slug } } } category(slug: "giao-duc") { ancestors { slug } parent { name } } }"#, json!({}))
        .await;
    assert_eq!(data["categories"][0]["slug"], "thoi-su");
    assert_eq!(data["categories"][0]["children"][0]["parent"]["slug"], "thoi-su");
    assert_eq!(data["category"]["ancestors"], json!([{ "slug": "xa-hoi" }]));
    assert_eq!(data["category"]["parent"]["name"], "Xã hội");
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let query = "{ __schema { queryType { name } } }";
    let open = spawn_app().await;
    assert_eq!(open.graphql_data(query, json!({})).await["__schema"]["queryType"]["name"], "Query");
    let closed = spawn_app_with(Options { introspection: false, ..Options::default() }).await;
    let body = closed.graphql(query, json!({})).await.json();
    assert!(body["data"]["__schema"].is_null(), "introspection answers nothing: {body}");
}

#[tokio::test]
async fn every_type_and_field_has_a_description() {
    let app = spawn_app().await;
    let schema = app
        .graphql_data(
            "{ __schema { types { name kind description fields { name description } inputFields { name description } enumValues { name description } } } }",
            json!({}),
        )
        .await;
    let mut missing = Vec::new();
    for ty in schema["__schema"]["types"].as_array().expect("types") {
        let name = ty["name"].as_str().expect("name");
        if name.starts_with("__") || ty["kind"] == "SCALAR" {
            continue;
        }
        if ty["description"].as_str().is_none_or(str::is_empty) {
            missing.push(name.to_owned());
        }
        for list in ["fields", "inputFields", "enumValues"] {
            for member in ty[list].as_array().into_iter().flatten() {
                if member["description"].as_str().is_none_or(str::is_empty) {
                    missing.push(format!("{name}.{}", member["name"].as_str().expect("name")));
                }
            }
        }
    }
    assert!(missing.is_empty(), "undocumented: {missing:?}");
}
