//! The permission matrix: every role against every editorial action, over REST and GraphQL.
//! Both surfaces call one service layer, so they must agree cell by cell.

use bantin_e2e::{Account, TestApp, spawn_app};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Allowed,
    /// 404 over REST, null over GraphQL: the public rule, for someone without a token.
    Hidden,
    Unauthenticated,
    Forbidden,
}
use Outcome::*;

#[derive(Clone, Copy, Debug)]
enum Surface {
    Rest,
    Graphql,
}

struct Cast {
    owner: Account,
    other: Account,
    editor: Account,
    admin: Account,
}

impl Cast {
    /// Tokens in matrix order: anonymous, owner, another author, editor, admin.
    fn tokens(&self) -> [Option<&str>; 5] {
        [None, Some(&self.owner.token), Some(&self.other.token), Some(&self.editor.token), Some(&self.admin.token)]
    }
}

async fn fresh_draft(app: &TestApp, cast: &Cast, trashed: bool) -> i64 {
    let ids = app.demo_ids().await;
    let created = app
        .create_article(&cast.owner.token, json!({ "title": "Bài của ma trận quyền", "category_id": ids.category }))
        .await;
    let id = created["id"].as_i64().expect("id");
    if trashed {
        let reply = app
            .send(
                "DELETE",
                &format!("/api/v1/articles/{id}"),
                Some(&cast.owner.token),
                None,
                &[("if-match", &format!("\"{id}.1\""))],
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    id
}

fn rest_outcome(status: u16, body: &str) -> Outcome {
    match status {
        200..=299 => Allowed,
        401 => Unauthenticated,
        403 => Forbidden,
        404 => Hidden,
        other => panic!("unexpected status {other}: {body}"),
    }
}

fn graphql_outcome(reply: &bantin_e2e::Reply, field: &str) -> Outcome {
    let body = reply.json();
    match body["errors"][0]["extensions"]["code"].as_str() {
        Some("unauthenticated") => Unauthenticated,
        Some("forbidden") => Forbidden,
        Some("not_found") => Hidden,
        Some(other) => panic!("unexpected code {other}: {}", reply.body),
        None if body["data"][field].is_null() => Hidden,
        None => Allowed,
    }
}

async fn attempt(app: &TestApp, surface: Surface, action: &str, token: Option<&str>, id: i64) -> Outcome {
    let version = format!("\"{id}.1\"");
    let if_match = [("if-match", version.as_str())];
    let (method, path, body, headers): (&str, String, Option<Value>, &[(&str, &str)]) = match action {
        "read" => ("GET", format!("/api/v1/articles/{id}"), None, &[]),
        "edit" => ("PATCH", format!("/api/v1/articles/{id}"), Some(json!({ "summary": "Sửa" })), &if_match),
        "submit" => ("POST", format!("/api/v1/articles/{id}/submit"), None, &[]),
        "publish" => ("POST", format!("/api/v1/articles/{id}/publish"), None, &[]),
        "trash" => ("DELETE", format!("/api/v1/articles/{id}"), None, &if_match),
        "purge" => ("POST", format!("/api/v1/articles/{id}/purge"), None, &[]),
        "preview" => ("POST", format!("/api/v1/articles/{id}/preview-token"), None, &[]),
        "revisions" => ("GET", format!("/api/v1/articles/{id}/revisions"), None, &[]),
        "create" => ("POST", "/api/v1/articles".into(), Some(json!({ "title": "Mới", "category_id": 2 })), &[]),
        "restore" => ("POST", format!("/api/v1/articles/{id}/restore"), None, &[]),
        "tag" => ("POST", "/api/v1/tags".into(), Some(json!({ "name": format!("Nhãn {id}") })), &[]),
        "media" => ("PATCH", "/api/v1/media/1".into(), Some(json!({ "caption": "Chú thích" })), &[]),
        "site" => ("PATCH", "/api/v1/site".into(), Some(json!({ "description": "Mô tả" })), &[]),
        "users" => ("GET", "/api/v1/users".into(), None, &[]),
        "audit" => ("GET", "/api/v1/audit".into(), None, &[]),
        other => panic!("no action {other}"),
    };
    match surface {
        Surface::Rest => {
            let reply = app.send(method, &path, token, body, headers).await;
            rest_outcome(reply.status, &reply.body)
        }
        Surface::Graphql => {
            let (field, query) = match action {
                "read" => ("article", format!("{{ article(id: {id}) {{ id status }} }}")),
                "edit" => (
                    "updateArticle",
                    format!(
                        "mutation {{ updateArticle(id: {id}, expectedVersion: 1, input: {{ summary: \"Sửa\" }}) {{ id }} }}"
                    ),
                ),
                "submit" => ("submitArticle", format!("mutation {{ submitArticle(id: {id}) {{ id }} }}")),
                "publish" => ("publishArticle", format!("mutation {{ publishArticle(id: {id}) {{ id }} }}")),
                "trash" => {
                    ("trashArticle", format!("mutation {{ trashArticle(id: {id}, expectedVersion: 1) {{ id }} }}"))
                }
                "purge" => ("purgeArticle", format!("mutation {{ purgeArticle(id: {id}) }}")),
                "preview" => ("createPreviewToken", format!("mutation {{ createPreviewToken(id: {id}) {{ token }} }}")),
                "revisions" => ("revisions", format!("{{ revisions(articleId: {id}) {{ id }} }}")),
                "create" => (
                    "createArticle",
                    "mutation { createArticle(input: { title: \"Mới\", categoryId: 2 }) { id } }".into(),
                ),
                "restore" => ("restoreArticle", format!("mutation {{ restoreArticle(id: {id}) {{ id }} }}")),
                "tag" => ("createTag", format!("mutation {{ createTag(input: {{ name: \"Nhãn {id}\" }}) {{ id }} }}")),
                "media" => {
                    ("updateMedia", "mutation { updateMedia(id: 1, input: { caption: \"Chú thích\" }) { id } }".into())
                }
                "site" => ("updateSite", "mutation { updateSite(input: { description: \"Mô tả\" }) { name } }".into()),
                "users" => ("users", "{ users { id } }".into()),
                "audit" => ("auditLog", "{ auditLog { id } }".into()),
                other => panic!("no action {other}"),
            };
            let reply = app.graphql_as(token, &query, json!({})).await;
            graphql_outcome(&reply, field)
        }
    }
}

#[tokio::test]
async fn every_role_meets_the_same_rules_on_both_surfaces() {
    let app = spawn_app().await;
    let cast = Cast {
        owner: app.account("author").await,
        other: app.account("author").await,
        editor: app.account("editor").await,
        admin: app.account("admin").await,
    };
    //                 anonymous        owner      other author  editor     admin
    let matrix: [(&str, bool, [Outcome; 5]); 15] = [
        ("read", false, [Hidden, Allowed, Forbidden, Allowed, Allowed]),
        ("edit", false, [Unauthenticated, Allowed, Forbidden, Allowed, Allowed]),
        ("submit", false, [Unauthenticated, Allowed, Forbidden, Allowed, Allowed]),
        ("publish", false, [Unauthenticated, Forbidden, Forbidden, Allowed, Allowed]),
        ("trash", false, [Unauthenticated, Allowed, Forbidden, Allowed, Allowed]),
        ("purge", true, [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed]),
        ("restore", true, [Unauthenticated, Forbidden, Forbidden, Allowed, Allowed]),
        ("tag", false, [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed]),
        ("media", false, [Unauthenticated, Forbidden, Forbidden, Allowed, Allowed]),
        ("site", false, [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed]),
        ("preview", false, [Unauthenticated, Allowed, Forbidden, Allowed, Allowed]),
        ("revisions", false, [Unauthenticated, Allowed, Forbidden, Allowed, Allowed]),
        ("create", false, [Unauthenticated, Allowed, Allowed, Allowed, Allowed]),
        ("users", false, [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed]),
        ("audit", false, [Unauthenticated, Forbidden, Forbidden, Forbidden, Allowed]),
    ];
    let mut wrong = Vec::new();
    for (action, trashed, expected) in matrix {
        for surface in [Surface::Rest, Surface::Graphql] {
            for (who, (token, want)) in cast.tokens().into_iter().zip(expected).enumerate() {
                let id = fresh_draft(&app, &cast, trashed).await;
                let got = attempt(&app, surface, action, token, id).await;
                if got != want {
                    wrong.push(format!("{action} by #{who} over {surface:?}: {got:?}, expected {want:?}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[tokio::test]
async fn an_author_cannot_edit_once_submitted_but_an_editor_can() {
    let app = spawn_app().await;
    let author = app.account("author").await;
    let editor = app.account("editor").await;
    let ids = app.demo_ids().await;
    let created =
        app.create_article(&author.token, json!({ "title": "Bài đã nộp", "category_id": ids.category })).await;
    let id = created["id"].as_i64().expect("id");
    let submitted = app.send("POST", &format!("/api/v1/articles/{id}/submit"), Some(&author.token), None, &[]).await;
    let tag = submitted.header("etag").expect("etag").to_owned();
    let by_author = app
        .send(
            "PATCH",
            &format!("/api/v1/articles/{id}"),
            Some(&author.token),
            Some(json!({ "title": "Đổi" })),
            &[("if-match", &tag)],
        )
        .await;
    assert_eq!(by_author.status, 403);
    let by_editor = app
        .send(
            "PATCH",
            &format!("/api/v1/articles/{id}"),
            Some(&editor.token),
            Some(json!({ "title": "Đổi" })),
            &[("if-match", &tag)],
        )
        .await;
    assert_eq!(by_editor.status, 200, "{}", by_editor.body);
}

#[tokio::test]
async fn graphql_reports_every_invalid_field_like_rest() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let reply = app
        .graphql_as(
            Some(&editor.token),
            "mutation { createArticle(input: { title: \"\", categoryId: 999999, body: [{ type: \"image\", media_id: 0 }, { type: \"heading\", level: 9, text: \"x\" }, { type: \"image\", media_id: 999999 }] }) { id } }",
            json!({}),
        )
        .await;
    let body = reply.json();
    let extensions = &body["errors"][0]["extensions"];
    assert_eq!(extensions["code"], "validation_failed", "{}", reply.body);
    let fields: Vec<&str> =
        extensions["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["title", "body[0].media_id", "body[1].level", "category_id", "body[2].media_id"]);
    assert!(body["data"].is_null());
}
