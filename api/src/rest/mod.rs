//! The REST API: handlers adapt HTTP to the service layer and describe themselves to OpenAPI.

pub mod articles;
pub mod fallback;
pub mod media;
pub mod respond;
pub mod site;
pub mod taxonomy;

use utoipa::OpenApi;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// The document's fixed parts; paths and schemas are added by the route registrations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bantin",
        description = "Headless content API for a Vietnamese city news portal.\n\n\
            Public reads need no token and only ever show published articles. Errors are \
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
        (name = "health", description = "Probes for orchestrators"),
    )
)]
struct ApiDoc;

pub fn base_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The one route table: every REST endpoint is registered here, and only here.
pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(
        scope::scope("/api/v1")
            .service(articles::list_articles)
            .service(articles::get_article)
            .service(articles::list_related_articles)
            .service(taxonomy::list_categories)
            .service(taxonomy::get_category)
            .service(taxonomy::list_authors)
            .service(taxonomy::get_author)
            .service(taxonomy::list_tags)
            .service(taxonomy::get_tag)
            .service(media::get_media)
            .service(site::get_site),
    )
    .service(media::get_file)
    .service(site::healthz)
    .service(site::readyz)
    .service(site::metrics);
}
