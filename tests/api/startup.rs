use bantin_e2e::{Options, spawn_app, spawn_app_with};

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
