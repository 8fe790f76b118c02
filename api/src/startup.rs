//! Building and running the HTTP server.

use std::{
    net::TcpListener,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use actix_web::{
    App, HttpMessage, HttpResponse, HttpServer,
    dev::Server,
    http::{
        Method,
        header::{HeaderName, HeaderValue},
    },
    web,
};
use anyhow::Context;
use futures_util::FutureExt;
use sea_orm::{DatabaseConnection, DbBackend};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    auth::{limiter::LoginLimits, tokens::TokenKeys},
    cache::ResponseCache,
    config::Settings,
    db,
    error::AppError,
    graphql,
    metrics::Metrics,
    pagination::CursorKey,
    rest::{self, fallback::RouteTable},
    secrets, seed,
    services::changes,
    services::site::load_snapshot,
    state::{AppState, Auth, Parts},
};

/// The OpenAPI document of the REST API, generated from the route registrations.
pub fn openapi() -> utoipa::openapi::OpenApi {
    App::new().into_utoipa_app().openapi(rest::base_document()).configure(rest::configure).split_for_parts().1
}

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    base_url: String,
    server: Server,
}

impl Application {
    /// Connects, migrates, loads demo content into an empty database, binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let mut db = db::connect(&settings).await?;
        db::migrate(&db).await?;
        let metrics = Arc::new(Metrics::default());
        let counter = metrics.clone();
        db.set_metric_callback(move |info| counter.record_statement(info.elapsed));
        let media = settings.media()?;
        if seed::demo::load_if_empty(&db, &media).await? {
            tracing::info!("empty database: demo content loaded");
        }
        let listener =
            TcpListener::bind(settings.addr).with_context(|| format!("cannot listen on {}", settings.addr))?;
        let local = listener.local_addr()?;
        let public_url = settings.public_url.clone().unwrap_or_else(|| format!("http://{local}"));
        let snapshot = load_snapshot(&db, &public_url, &media.renditions).await?;
        let secret = secrets::cursor_secret(&settings)?;
        let watcher_db = db::connect_one(&settings).await?;
        let auth = Auth {
            tokens: TokenKeys::from_settings(&settings)?,
            login_limits: LoginLimits::new(settings.login_per_address, settings.login_per_account),
            access_ttl_secs: i64::from(settings.access_token_ttl),
            refresh_ttl_days: i64::from(settings.refresh_token_days),
            preview_ttl_secs: i64::from(settings.preview_token_ttl),
        };
        // The request pools share the configured number of connections.
        let workers = settings.workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        let per_worker = Settings {
            db_pool: (settings.db_pool / u32::try_from(workers).unwrap_or(u32::MAX)).max(1),
            ..settings.clone()
        };
        let on_postgres = db.get_database_backend() == DbBackend::Postgres;
        let (mut worker_pools, mut search_pools) = (Vec::with_capacity(workers), Vec::new());
        let counted = |mut pool: DatabaseConnection| {
            let counter = metrics.clone();
            pool.set_metric_callback(move |info| counter.record_statement(info.elapsed));
            pool
        };
        for _ in 0..workers {
            worker_pools.push(counted(db::connect_lazily(&per_worker).await?));
            if on_postgres {
                search_pools.push(counted(db::connect_for_search(&per_worker).await?));
            }
        }
        let state = web::Data::new(AppState::new(Parts {
            db,
            worker_pools,
            search_pools,
            cursor_key: CursorKey::new(&secret),
            cache: ResponseCache::new(settings.cache, settings.cache_entries),
            media,
            public_url: public_url.clone(),
            snapshot,
            metrics,
            auth,
        }));
        changes::watch(Arc::downgrade(&state.clone().into_inner()), watcher_db);
        let graphql = web::Data::new(graphql::http::Graphql {
            schema: graphql::schema(settings.graphql_limits()),
            documents: graphql::documents::Documents::default(),
        });
        let openapi = openapi();
        let routes = web::Data::new(RouteTable::from_openapi(&openapi));
        let openapi_yaml = openapi.to_yaml().context("cannot render the OpenAPI document")?;

        let query_config = web::QueryConfig::default()
            .error_handler(|err, _req| AppError::bad_param("query", format!("is malformed: {err}")).into());
        let json_config = web::JsonConfig::default()
            .limit(2 * 1024 * 1024)
            .error_handler(|err, _req| AppError::bad_param("body", format!("is not the expected JSON: {err}")).into());
        let path_config = web::PathConfig::default()
            .error_handler(|err, _req| AppError::bad_param("path", format!("is malformed: {err}")).into());

        let started_workers = Arc::new(AtomicUsize::new(0));
        let server = HttpServer::new(move || {
            // Runs once on each worker thread as it starts.
            state.enter_worker(started_workers.fetch_add(1, Ordering::Relaxed));
            let openapi_yaml = openapi_yaml.clone();
            App::new()
                .app_data(state.clone())
                .app_data(routes.clone())
                .app_data(graphql.clone())
                .app_data(query_config.clone())
                .app_data(path_config.clone())
                .app_data(json_config.clone())
                .wrap_fn(|req, srv| {
                    let id = req.extensions().get::<RequestId>().map(ToString::to_string);
                    actix_web::dev::Service::call(srv, req).map(move |res| {
                        res.map(|mut res| {
                            if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                                res.headers_mut().insert(HeaderName::from_static("x-request-id"), value);
                            }
                            res
                        })
                    })
                })
                .wrap_fn(|req, srv| {
                    let refused = match req.app_data::<web::Data<AppState>>() {
                        Some(state) if req.path().starts_with("/api/") => {
                            crate::auth::check_bearer(req.request(), state).err()
                        }
                        _ => None,
                    };
                    match refused {
                        Some(err) => {
                            let response = req.error_response(err);
                            futures_util::future::Either::Left(futures_util::future::ready(Ok(response)))
                        }
                        None => futures_util::future::Either::Right(actix_web::dev::Service::call(srv, req)),
                    }
                })
                .wrap(TracingLogger::default())
                .wrap_fn(|mut req, srv| {
                    // HEAD is GET without a body; the HTTP layer drops the body for HEAD.
                    if req.method() == Method::HEAD {
                        req.head_mut().method = Method::GET;
                    }
                    actix_web::dev::Service::call(srv, req)
                })
                .configure(|cfg| rest::configure(&mut utoipa_actix_web::service_config::ServiceConfig::new(cfg)))
                .service(
                    web::resource("/graphql")
                        .route(web::get().to(graphql::http::graphql_get))
                        .route(web::post().to(graphql::http::graphql_post))
                        .default_service(web::to(graphql::http::graphql_other)),
                )
                .service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi.clone()))
                .route(
                    "/docs",
                    web::get().to(|| async {
                        HttpResponse::PermanentRedirect().insert_header(("Location", "/docs/")).finish()
                    }),
                )
                .route(
                    "/openapi.yaml",
                    web::get().to(move || {
                        let yaml = openapi_yaml.clone();
                        async move { HttpResponse::Ok().content_type("application/yaml").body(yaml) }
                    }),
                )
                .default_service(web::to(rest::fallback::not_routed))
        })
        .workers(workers)
        .listen(listener)?;
        Ok(Application { port: local.port(), base_url: public_url, server: server.run() })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
