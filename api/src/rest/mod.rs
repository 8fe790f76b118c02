//! The REST API: handlers adapt HTTP to the service layer and describe themselves to OpenAPI.

pub mod articles;
pub mod auth;
pub mod body;
pub mod editorial;
pub mod fallback;
pub mod feeds;
pub mod media;
pub mod newsroom;
pub mod print;
pub mod qr;
pub mod respond;
pub mod search;
pub mod site;
pub mod taxonomy;
pub mod users;

use utoipa::{
    Modify, OpenApi,
    openapi::security::{Http, HttpAuthScheme, SecurityScheme},
};
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// The document's fixed parts; paths and schemas are added by the route registrations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bantin",
        description = "Headless content API for a Vietnamese city news portal.\n\n\
            Public reads need no token and only ever show published articles. The newsroom \
            signs in at `/api/v1/auth/login` and sends `Authorization: Bearer <access token>`; \
            edits need `If-Match` with the article's ETag. Errors are \
            `application/problem+json` (RFC 9457) with a stable `code`. Lists use cursor \
            pagination (`limit`, `cursor`, `meta.next_cursor`) or `page` numbers. Every GET \
            has an `ETag`; send it back in `If-None-Match` for a `304`.",
        license(name = "MIT")
    ),
    tags(
        (name = "articles", description = "News articles"),
        (name = "categories", description = "Sections of the portal"),
        (name = "authors", description = "People who sign articles"),
        (name = "tags", description = "Topic labels"),
        (name = "media", description = "Photos and their files"),
        (name = "site", description = "Portal settings"),
        (name = "feeds", description = "RSS and Atom feeds, sitemaps for search engines"),
        (name = "health", description = "Probes for orchestrators"),
        (name = "auth", description = "Signing in and out"),
        (name = "editorial", description = "Writing, the publishing workflow, revisions and previews"),
        (name = "users", description = "Newsroom accounts and the audit trail"),
    ),
    modifiers(&BearerScheme)
)]
struct ApiDoc;

/// Declares the `bearer` security scheme the newsroom endpoints name.
struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut scheme = Http::new(HttpAuthScheme::Bearer);
        scheme.bearer_format = Some("JWT".into());
        scheme.description = Some("An access token from `POST /api/v1/auth/login`, or a preview token.".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

pub fn base_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The one route table: every REST endpoint is registered here, and only here.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            .service(articles::list_articles)
            .service(editorial::create_article)
            .service(articles::get_article)
            .service(editorial::update_article)
            .service(editorial::trash_article)
            .service(articles::list_related_articles)
            .service(search::search_articles)
            .service(qr::article_qr_svg)
            .service(qr::article_qr_png)
            .service(print::get_article_print)
            .service(editorial::submit_article)
            .service(editorial::publish_article)
            .service(editorial::unpublish_article)
            .service(editorial::archive_article)
            .service(editorial::restore_article)
            .service(editorial::purge_article)
            .service(editorial::list_revisions)
            .service(editorial::restore_revision)
            .service(editorial::create_preview_token)
            .service(taxonomy::list_categories)
            .service(newsroom::create_category)
            .service(taxonomy::get_category)
            .service(newsroom::update_category)
            .service(newsroom::delete_category)
            .service(taxonomy::list_authors)
            .service(newsroom::create_author)
            .service(taxonomy::get_author)
            .service(newsroom::update_author)
            .service(newsroom::delete_author)
            .service(taxonomy::list_tags)
            .service(newsroom::create_tag)
            .service(taxonomy::get_tag)
            .service(newsroom::update_tag)
            .service(newsroom::delete_tag)
            .service(media::upload_media)
            .service(media::list_media)
            .service(media::get_media)
            .service(media::update_media)
            .service(media::delete_media)
            .service(feeds::rss_feed)
            .service(feeds::atom_feed)
            .service(feeds::sitemap_index)
            .service(feeds::article_sitemap)
            .service(feeds::news_sitemap)
            .service(site::get_site)
            .service(newsroom::update_site)
            .service(qr::social_qr_svg)
            .service(qr::social_qr_png)
            .service(auth::login)
            .service(auth::refresh)
            .service(auth::logout)
            .service(auth::me)
            .service(users::list_users)
            .service(users::create_user)
            .service(users::update_user)
            .service(users::list_audit),
    )
    .service(media::get_file)
    .service(site::healthz)
    .service(site::readyz)
    .service(site::metrics);
}
