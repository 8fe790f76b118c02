use bantin_e2e::{Options, spawn_app, spawn_app_with};
use sea_orm::ConnectionTrait;

#[tokio::test]
async fn starting_twice_on_the_same_data_loads_the_demo_only_once() {
    let first = spawn_app().await;
    let before = first.get_json("/api/v1/articles?page=1").await["meta"]["total"].clone();
    let tags_before = first.get_json("/api/v1/tags?page=1").await["meta"]["total"].clone();
    let again = spawn_app_with(Options {
        reuse: Some((first.data_dir.clone(), first.database_url.clone())),
        ..Options::default()
    })
    .await;
    assert_eq!(again.get_json("/api/v1/articles?page=1").await["meta"]["total"], before);
    assert_eq!(again.get_json("/api/v1/tags?page=1").await["meta"]["total"], tags_before);
}

/// On PostgreSQL the large values (documents, bodies, search vectors, revisions) are written
/// with LZ4. SQLite stores values as they are, so there is nothing to check there.
#[tokio::test]
async fn postgresql_compresses_large_values_with_lz4() {
    let app = spawn_app().await;
    if !app.database_url.starts_with("postgres") {
        return;
    }
    let db = sea_orm::Database::connect(&app.database_url).await.expect("database");
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT attrelid::regclass::text || '.' || attname AS col, attcompression::text AS method FROM pg_attribute \
             WHERE (attrelid = 'articles'::regclass AND attname IN ('detail_doc', 'body')) \
             OR (attrelid = 'search_docs'::regclass AND attname IN ('folded', 'exact')) \
             OR (attrelid = 'article_revisions'::regclass AND attname = 'snapshot') ORDER BY 1",
        ))
        .await
        .expect("catalog");
    let methods: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.try_get("", "col").expect("column"), r.try_get("", "method").expect("method")))
        .collect();
    assert_eq!(methods.len(), 5, "{methods:?}");
    assert!(methods.iter().all(|(_, method)| method == "l"), "{methods:?}");
}
