//! The end-to-end test kit: boots the real server on a random port with a fresh database
//! (SQLite in a temporary folder, or a new PostgreSQL database when `TEST_DATABASE_URL` is
//! set) and talks HTTP to it.

use std::{
    path::PathBuf,
    sync::atomic::{AtomicU32, Ordering},
};

use bantin_api::{
    config::{LogFormat, Settings},
    imaging::RenditionSet,
    startup::Application,
};
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;

/// A running server with its own database.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    /// The connection string the server uses, for tests that arrange data directly.
    pub database_url: String,
    pub data_dir: PathBuf,
    /// The server's settings, for tests that run the command-line tasks on its data.
    pub settings: Settings,
    _temp: Option<tempfile::TempDir>,
    postgres: Option<(String, String)>,
}

/// How a test wants its server.
#[derive(Clone, Debug)]
pub struct Options {
    pub cache: bool,
    pub introspection: bool,
    /// Reuse this data folder and database (to restart a server on the same data).
    pub reuse: Option<(PathBuf, String)>,
    pub access_token_ttl: u32,
    pub preview_token_ttl: u32,
    pub login_per_address: u32,
    pub upload_max_bytes: u64,
    /// Widths of image renditions, e.g. `320,640`.
    pub rendition_widths: &'static str,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            cache: true,
            introspection: true,
            reuse: None,
            access_token_ttl: 900,
            preview_token_ttl: 3_600,
            login_per_address: 1_000,
            upload_max_bytes: 20 * 1024 * 1024,
            rendition_widths: "320,640,1024,1600",
        }
    }
}

/// The HS256 secret test servers sign tokens with, so tests can forge tokens on purpose.
pub const TEST_JWT_SECRET: &str = "a test secret that is long enough to sign tokens";

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn init_logs() {
    if std::env::var_os("TEST_LOG").is_some() {
        bantin_api::telemetry::init(LogFormat::Pretty, "info");
    }
}

/// Creates a fresh PostgreSQL database on the `TEST_DATABASE_URL` server.
async fn fresh_postgres(admin_url: &str) -> (String, String) {
    let name = format!("bantin_test_{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
    let admin = Database::connect(admin_url).await.expect("TEST_DATABASE_URL must name a reachable PostgreSQL server");
    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}")).await.expect("drop old test database");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
    let base = admin_url.rsplit_once('/').map_or(admin_url, |(base, _)| base);
    (format!("{base}/{name}"), name)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    init_logs();
    let (temp, data_dir) = match &options.reuse {
        Some((dir, _)) => (None, dir.clone()),
        None => {
            let temp = tempfile::tempdir().expect("temporary folder");
            let path = temp.path().to_path_buf();
            (Some(temp), path)
        }
    };
    let admin_url = std::env::var("TEST_DATABASE_URL").ok().filter(|u| !u.is_empty());
    let (database_url, postgres) = match (&options.reuse, &admin_url) {
        (Some((_, url)), _) => (Some(url.clone()), None),
        (None, Some(admin)) => {
            let (url, name) = fresh_postgres(admin).await;
            (Some(url), Some((admin.clone(), name)))
        }
        (None, None) => (None, None),
    };
    // With `TEST_S3_URL` (e.g. s3://bantin-test, credentials and endpoint in AWS_*), media
    // files go to that bucket, under a prefix of their own for each test.
    let storage = std::env::var("TEST_S3_URL").ok().filter(|u| !u.is_empty()).map(|base| {
        format!("{}/t{}-{}", base.trim_end_matches('/'), std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
    });
    let settings = Settings {
        addr: "127.0.0.1:0".parse().expect("address"),
        data_dir: data_dir.clone(),
        database_url: database_url.clone(),
        db_pool: 4,
        public_url: None,
        secret_key: Some("a test secret that is long enough to sign cursors".into()),
        jwt_secret: Some(TEST_JWT_SECRET.into()),
        jwt_private_key: None,
        jwt_public_key: None,
        jwt_issuer: "bantin".into(),
        jwt_audience: "bantin-api".into(),
        access_token_ttl: options.access_token_ttl,
        refresh_token_days: 30,
        preview_token_ttl: options.preview_token_ttl,
        login_per_address: options.login_per_address,
        login_per_account: 5,
        storage,
        upload_max_bytes: options.upload_max_bytes,
        rendition_widths: RenditionSet::parse(options.rendition_widths).expect("rendition widths"),
        cache: options.cache,
        cache_entries: 1_000,
        graphql_max_depth: 10,
        graphql_max_complexity: 2_000,
        graphql_max_page_size: 100,
        graphql_introspection: options.introspection,
        workers: Some(1),
        log_format: LogFormat::Pretty,
    };
    let database_url = settings.database_url();
    let app = Application::build(settings.clone()).await.expect("the server starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client"),
        database_url,
        data_dir,
        settings,
        _temp: temp,
        postgres,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else { return };
        // Best effort: a leftover database is harmless and dropped by the next run's names.
        std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
            runtime.block_on(async {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                }
            });
        });
    }
}

/// A response read whole.
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Reply {
    /// Sends a prepared request and reads the whole answer.
    pub async fn read(request: reqwest::RequestBuilder) -> Reply {
        let response = request.send().await.expect("request sent");
        Reply {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body read"),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn get(&self, path: &str) -> Reply {
        self.request(reqwest::Method::GET, path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.request(reqwest::Method::GET, path, headers).await
    }

    pub async fn request(&self, method: reqwest::Method, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(method.as_str(), path, None, None, headers).await
    }

    /// GETs a path that must answer 200 with JSON.
    pub async fn get_json(&self, path: &str) -> Value {
        let reply = self.get(path).await;
        assert_eq!(reply.status, 200, "GET {path}: {}", reply.body);
        reply.json()
    }

    /// Every public article of `GET /api/v1/articles{query}`, walking all pages by cursor.
    pub async fn walk_articles(&self, query: &str, limit: u32) -> Vec<Value> {
        let separator = if query.is_empty() { "?" } else { "&" };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..10_000 {
            let mut path = format!("/api/v1/articles{query}{separator}limit={limit}");
            if let Some(c) = &cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            let page = self.get_json(&path).await;
            items.extend(page["data"].as_array().expect("data is a list").iter().cloned());
            match page["meta"]["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => return items,
            }
        }
        panic!("the cursor walk did not end");
    }

    /// POSTs a GraphQL query; returns the whole reply.
    pub async fn graphql(&self, query: &str, variables: Value) -> Reply {
        self.graphql_as(None, query, variables).await
    }

    /// POSTs a GraphQL query that must succeed; returns `data`.
    pub async fn graphql_data(&self, query: &str, variables: Value) -> Value {
        let reply = self.graphql(query, variables).await;
        let body = reply.json();
        assert_eq!(reply.status, 200, "{query}: {}", reply.body);
        assert!(body.get("errors").is_none(), "{query}: {}", reply.body);
        body["data"].clone()
    }

    /// The value of a counter at `/metrics`.
    pub async fn metric(&self, name: &str) -> u64 {
        let text = self.get("/metrics").await.body;
        text.lines()
            .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.trim().parse().ok()))
            .unwrap_or_else(|| panic!("no metric {name}"))
    }

    /// Runs SQL against the server's database, to arrange situations the API cannot yet create.
    pub async fn execute(&self, sql: &str) {
        let db = Database::connect(&self.database_url).await.expect("connect to the test database");
        db.execute_unprepared(sql).await.expect("arranging SQL runs");
    }
}

/// Slugs of the demo articles the public must never see, with why.
pub fn hidden_demo_articles() -> Vec<(&'static str, String)> {
    [
        ("draft", "Phương án phân luồng giao thông dịp cuối năm"),
        ("in review", "Tiêm chủng mở rộng: lịch mới cho trẻ dưới 5 tuổi"),
        ("scheduled", "Chương trình khuyến mại du lịch biển mùa hè"),
        ("archived", "Lịch thi đấu giải bóng đá phong trào"),
        ("deleted", "Thông báo tạm dừng tuyến phà"),
    ]
    .into_iter()
    .map(|(why, title)| (why, bantin_api::domain::slug::Slug::from_text(title).expect("slug").to_string()))
    .collect()
}

/// Slug of the demo article with the full anatomy of the reference page.
pub fn anatomy_slug() -> String {
    bantin_api::domain::slug::Slug::from_text(
        "Đoàn kiểm tra của Thành ủy làm việc với Quận ủy Lê Chân về phát triển tổ chức đảng trong doanh nghiệp",
    )
    .expect("slug")
    .to_string()
}

/// A signed-in newsroom account of a test server.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub password: String,
    pub token: String,
    pub refresh_token: String,
}

static ACCOUNTS: AtomicU32 = AtomicU32::new(0);

impl TestApp {
    /// Creates an account with `role` (admin, editor, author) and signs it in.
    pub async fn account(&self, role: &str) -> Account {
        self.account_linked(role, None).await
    }

    /// Like [`TestApp::account`], signing articles as author profile `author_id`.
    pub async fn account_linked(&self, role: &str, author_id: Option<i64>) -> Account {
        let n = ACCOUNTS.fetch_add(1, Ordering::Relaxed);
        let email = format!("{role}{n}@toasoan.example.vn");
        let password = format!("mật khẩu thử {n} đủ dài");
        let db = Database::connect(&self.database_url).await.expect("connect to the test database");
        let user = bantin_api::services::users::create(
            &db,
            None,
            bantin_api::services::users::NewUser {
                email: email.clone(),
                display_name: format!("Người thử {n}"),
                role: bantin_api::services::permissions::Role::parse(role).expect("a known role"),
                password: password.clone(),
                author_id,
            },
        )
        .await
        .expect("account created");
        let session = self
            .send(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({ "email": email, "password": password })),
                &[],
            )
            .await;
        assert_eq!(session.status, 200, "login: {}", session.body);
        let session = session.json();
        Account {
            id: user.id,
            email,
            password,
            token: session["access_token"].as_str().expect("access token").to_owned(),
            refresh_token: session["refresh_token"].as_str().expect("refresh token").to_owned(),
        }
    }

    /// Any request, with an optional bearer token and JSON body.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("an HTTP method");
        let mut request = self.client.request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::read(request).await
    }

    /// PATCHes the article at `path` (`/api/v1/articles/{slug or id}`) with `patch`, sending
    /// the ETag of its current version as `If-Match`, as an editor's client does.
    pub async fn edit_article(&self, token: &str, path: &str, patch: Value) -> Reply {
        let current = self.send("GET", path, Some(token), None, &[]).await;
        let etag = current.header("etag").expect("an ETag on the article");
        self.send("PATCH", path, Some(token), Some(patch), &[("if-match", etag)]).await
    }

    /// POSTs a GraphQL operation with a bearer token.
    pub async fn graphql_as(&self, token: Option<&str>, query: &str, variables: Value) -> Reply {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("accept", "application/graphql-response+json")
            .json(&serde_json::json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Reply::read(request).await
    }

    /// Creates a draft through the API as `token`; returns the article as answered.
    pub async fn create_article(&self, token: &str, fields: Value) -> Value {
        let reply = self.send("POST", "/api/v1/articles", Some(token), Some(fields), &[]).await;
        assert_eq!(reply.status, 201, "create: {}", reply.body);
        reply.json()
    }

    /// Ids of a demo category, tag, author and photo, for building articles.
    pub async fn demo_ids(&self) -> DemoIds {
        let article = self.get_json(&format!("/api/v1/articles/{}", anatomy_slug())).await;
        let image = article["body"]
            .as_array()
            .expect("body")
            .iter()
            .find(|b| b["type"] == "image")
            .expect("an image block")["image"]["id"]
            .as_i64()
            .expect("image id");
        DemoIds {
            category: article["category"]["id"].as_i64().expect("category id"),
            category_slug: article["category"]["slug"].as_str().expect("category slug").to_owned(),
            tag: article["tags"][0]["id"].as_i64().expect("tag id"),
            tag_slug: article["tags"][0]["slug"].as_str().expect("tag slug").to_owned(),
            author: article["authors"][0]["id"].as_i64().expect("author id"),
            image,
        }
    }
}

/// Ids from the demo content.
#[derive(Clone, Debug)]
pub struct DemoIds {
    pub category: i64,
    pub category_slug: String,
    pub tag: i64,
    pub tag_slug: String,
    pub author: i64,
    pub image: i64,
}
