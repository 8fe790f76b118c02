//! Signing in, sessions, and every way a token can be wrong.

use bantin_e2e::{Options, TEST_JWT_SECRET, TestApp, spawn_app, spawn_app_with};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use serde_json::{Value, json};

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims(sub: i64) -> Value {
    json!({
        "iss": "bantin", "aud": "bantin-api", "sub": sub.to_string(), "scope": "access", "role": "admin",
        "iat": now(), "nbf": now(), "exp": now() + 600
    })
}

fn sign(alg: Algorithm, secret: &str, claims: &Value) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret.as_bytes())).expect("sign")
}

async fn me(app: &TestApp, token: &str) -> bantin_e2e::Reply {
    app.send("GET", "/api/v1/me", Some(token), None, &[]).await
}

#[tokio::test]
async fn login_gives_a_session_that_rotates_and_ends() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let who = me(&app, &editor.token).await;
    assert_eq!(who.status, 200, "{}", who.body);
    assert_eq!(who.json()["email"], editor.email.as_str());
    assert_eq!(who.json()["role"], "editor");
    assert!(who.json().get("password_hash").is_none());
    assert_eq!(who.header("cache-control"), Some("private, no-store"));

    let refreshed = app
        .send("POST", "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": editor.refresh_token })), &[])
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    let next = refreshed.json();
    assert_ne!(next["refresh_token"], editor.refresh_token.as_str());
    assert_eq!(me(&app, next["access_token"].as_str().expect("token")).await.status, 200);

    // Presenting the used token again looks like theft: the whole session ends.
    let replay = app
        .send("POST", "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": editor.refresh_token })), &[])
        .await;
    assert_eq!(replay.status, 401);
    let after_theft = app
        .send("POST", "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": next["refresh_token"] })), &[])
        .await;
    assert_eq!(after_theft.status, 401, "the rotated token died with its family");

    let other = app.account("author").await;
    let out =
        app.send("POST", "/api/v1/auth/logout", None, Some(json!({ "refresh_token": other.refresh_token })), &[]).await;
    assert_eq!(out.status, 204);
    let dead = app
        .send("POST", "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": other.refresh_token })), &[])
        .await;
    assert_eq!(dead.status, 401);
}

#[tokio::test]
async fn a_wrong_email_and_a_wrong_password_look_the_same() {
    let app = spawn_app().await;
    let editor = app.account("editor").await;
    let wrong_password = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": editor.email, "password": "không phải mật khẩu" })),
            &[],
        )
        .await;
    let wrong_email = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": "ai.do@example.vn", "password": editor.password })),
            &[],
        )
        .await;
    assert_eq!(wrong_password.status, 401);
    assert_eq!(wrong_email.status, 401);
    assert_eq!(wrong_password.body, wrong_email.body);
    assert_eq!(wrong_password.header("content-type"), Some("application/problem+json"));
    let upper = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": editor.email.to_uppercase(), "password": editor.password })),
            &[],
        )
        .await;
    assert_eq!(upper.status, 200, "emails are case-insensitive");
}

#[tokio::test]
async fn forged_and_stale_tokens_are_refused_with_401() {
    let app = spawn_app().await;
    let admin = app.account("admin").await;
    let good = claims(admin.id);
    assert_eq!(me(&app, &sign(Algorithm::HS256, TEST_JWT_SECRET, &good)).await.status, 200, "the test signer is right");

    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(good.to_string())
    );
    let mut tampered_parts: Vec<String> = admin.token.split('.').map(str::to_owned).collect();
    let mut payload: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&tampered_parts[1]).expect("b64")).expect("json");
    payload["sub"] = json!("999");
    tampered_parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    let with = |key: &str, value: Value| {
        let mut c = good.clone();
        c[key] = value;
        sign(Algorithm::HS256, TEST_JWT_SECRET, &c)
    };
    let cases = [
        ("alg none", unsigned),
        ("another algorithm", sign(Algorithm::HS512, TEST_JWT_SECRET, &good)),
        ("bad signature", sign(Algorithm::HS256, "another secret of the same generous length", &good)),
        ("tampered payload", tampered_parts.join(".")),
        ("wrong issuer", with("iss", json!("someone-else"))),
        ("wrong audience", with("aud", json!("another-api"))),
        ("expired", with("exp", json!(now() - 3_600))),
        ("not yet valid", with("nbf", json!(now() + 3_600))),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (why, token) in cases {
        for path in ["/api/v1/me", "/api/v1/articles"] {
            let reply = app.send("GET", path, Some(&token), None, &[]).await;
            assert_eq!(reply.status, 401, "{why} on {path}: {}", reply.body);
            assert_eq!(reply.header("content-type"), Some("application/problem+json"), "{why}");
            assert_eq!(reply.json()["code"], "unauthenticated");
            assert!(reply.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")));
        }
        let gql = app.graphql_as(Some(&token), "{ me { id } }", json!({})).await;
        assert_eq!(gql.status, 401, "{why} over GraphQL");
    }
    let no_scheme = app.send("GET", "/api/v1/me", None, None, &[("authorization", "Basic YWRtaW46YWRtaW4=")]).await;
    assert_eq!(no_scheme.status, 401);
}

#[tokio::test]
async fn a_deactivated_account_is_locked_out_at_once() {
    let app = spawn_app().await;
    let admin = app.account("admin").await;
    let author = app.account("author").await;
    let off = app
        .send(
            "PATCH",
            &format!("/api/v1/users/{}", author.id),
            Some(&admin.token),
            Some(json!({ "active": false })),
            &[],
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);
    assert_eq!(me(&app, &author.token).await.status, 401, "the unexpired token stops working");
    let login = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": author.email, "password": author.password })),
            &[],
        )
        .await;
    assert_eq!(login.status, 401);
    let refresh = app
        .send("POST", "/api/v1/auth/refresh", None, Some(json!({ "refresh_token": author.refresh_token })), &[])
        .await;
    assert_eq!(refresh.status, 401);
    let self_lockout = app
        .send(
            "PATCH",
            &format!("/api/v1/users/{}", admin.id),
            Some(&admin.token),
            Some(json!({ "role": "author" })),
            &[],
        )
        .await;
    assert_eq!(self_lockout.status, 409);
}

#[tokio::test]
async fn logins_are_limited_per_address_and_per_account() {
    let app = spawn_app_with(Options { login_per_address: 8, ..Options::default() }).await;
    let editor = app.account("editor").await;
    for _ in 0..5 {
        let reply = app
            .send(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(json!({ "email": editor.email, "password": "sai mật khẩu rồi" })),
                &[],
            )
            .await;
        assert_eq!(reply.status, 401);
    }
    let locked = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": editor.email, "password": editor.password })),
            &[],
        )
        .await;
    assert_eq!(locked.status, 429, "the account is locked even for the right password: {}", locked.body);
    assert!(locked.header("retry-after").and_then(|v| v.parse::<u64>().ok()).is_some_and(|s| s > 0));
    assert_eq!(locked.json()["code"], "rate_limited");

    let other = "nguoi.khac@example.vn";
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let reply = app
            .send("POST", "/api/v1/auth/login", None, Some(json!({ "email": other, "password": "x".repeat(12) })), &[])
            .await;
        statuses.push(reply.status);
    }
    assert_eq!(statuses.last(), Some(&429), "the address ran out of attempts: {statuses:?}");
}

#[tokio::test]
async fn admins_create_accounts_and_others_may_not() {
    let app = spawn_app().await;
    let admin = app.account("admin").await;
    let editor = app.account("editor").await;
    let new = json!({ "email": "phong.vien@example.vn", "display_name": "Phóng viên Mới", "role": "author", "password": "một mật khẩu dài" });
    let refused = app.send("POST", "/api/v1/users", Some(&editor.token), Some(new.clone()), &[]).await;
    assert_eq!(refused.status, 403);
    let created = app.send("POST", "/api/v1/users", Some(&admin.token), Some(new.clone()), &[]).await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(app.send("POST", "/api/v1/users", Some(&admin.token), Some(new), &[]).await.status, 409);
    let short = json!({ "email": "a@example.vn", "display_name": "A", "role": "author", "password": "ngắn" });
    let reply = app.send("POST", "/api/v1/users", Some(&admin.token), Some(short), &[]).await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.json()["errors"][0]["field"], "password");
    let login = app
        .send(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": "phong.vien@example.vn", "password": "một mật khẩu dài" })),
            &[],
        )
        .await;
    assert_eq!(login.status, 200);
}
