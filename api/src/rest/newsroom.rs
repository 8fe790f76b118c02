//! Admin and editor writes to what articles show: categories, authors, tags, media
//! metadata and the site settings. Handlers only adapt HTTP to `services::editorial::taxonomy`.

use actix_web::{HttpRequest, HttpResponse, delete, http::StatusCode, patch, post, web};

use super::{body::JsonObject, respond::private_json};
use crate::{
    auth,
    error::{AppResult, Problem},
    services::{
        editorial::taxonomy::{self, SiteInput, Term, TermInput, TermRecord},
        site::{self, Site},
    },
    state::AppState,
};

async fn save(
    req: &HttpRequest,
    state: &AppState,
    term: Term,
    key: Option<&str>,
    input: TermInput,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(req, state).await?.require()?;
    let record = taxonomy::save_term(state, &actor, term, key, input).await?;
    let mut response = private_json(&record)?;
    if key.is_none() {
        *response.status_mut() = StatusCode::CREATED;
    }
    Ok(response)
}

async fn remove(req: &HttpRequest, state: &AppState, term: Term, key: &str) -> AppResult<HttpResponse> {
    let actor = auth::viewer(req, state).await?.require()?;
    taxonomy::delete_term(state, &actor, term, key).await?;
    Ok(HttpResponse::NoContent().finish())
}

macro_rules! term_endpoints {
    ($term:expr, $tag:literal, $base:literal, $item:literal, $create:ident, $update:ident, $delete:ident, $create_id:literal, $update_id:literal, $delete_id:literal, $what:literal) => {
        #[doc = concat!("Create a ", $what, " (admins).")]
        #[utoipa::path(
            operation_id = $create_id,
            tag = $tag,
            security(("bearer" = [])),
            request_body = TermInput,
            responses(
                (status = 201, description = "Created", body = TermRecord),
                (status = 400, description = "The body is not the expected JSON", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "Only admins manage these", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[post($base)]
        pub async fn $create(req: HttpRequest, state: web::Data<AppState>, body: JsonObject<TermInput>) -> AppResult<HttpResponse> {
            save(&req, &state, $term, None, body.0).await
        }

        #[doc = concat!("Change a ", $what, " (admins); every article showing it is updated at once.")]
        #[utoipa::path(
            operation_id = $update_id,
            tag = $tag,
            security(("bearer" = [])),
            params(("slug" = String, Path, description = "Slug, or numeric id")),
            request_body = TermInput,
            responses(
                (status = 200, description = "Changed", body = TermRecord),
                (status = 400, description = "The body is not the expected JSON", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "Only admins manage these", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[patch($item)]
        pub async fn $update(
            req: HttpRequest,
            state: web::Data<AppState>,
            key: web::Path<String>,
            body: JsonObject<TermInput>,
        ) -> AppResult<HttpResponse> {
            save(&req, &state, $term, Some(&key), body.0).await
        }

        #[doc = concat!("Delete a ", $what, " (admins).")]
        #[utoipa::path(
            operation_id = $delete_id,
            tag = $tag,
            security(("bearer" = [])),
            params(("slug" = String, Path, description = "Slug, or numeric id")),
            responses(
                (status = 204, description = "Deleted"),
                (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
                (status = 403, description = "Only admins manage these", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "Not found", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = "Still in use", body = Problem, content_type = "application/problem+json"),
            )
        )]
        #[delete($item)]
        pub async fn $delete(req: HttpRequest, state: web::Data<AppState>, key: web::Path<String>) -> AppResult<HttpResponse> {
            remove(&req, &state, $term, &key).await
        }
    };
}

term_endpoints!(
    Term::Category,
    "categories",
    "/categories",
    "/categories/{slug}",
    create_category,
    update_category,
    delete_category,
    "create_category",
    "update_category",
    "delete_category",
    "category (refused while it has articles or sub-categories)"
);
term_endpoints!(
    Term::Author,
    "authors",
    "/authors",
    "/authors/{slug}",
    create_author,
    update_author,
    delete_author,
    "create_author",
    "update_author",
    "delete_author",
    "author profile (refused while it signs articles)"
);
term_endpoints!(
    Term::Tag,
    "tags",
    "/tags",
    "/tags/{slug}",
    create_tag,
    update_tag,
    delete_tag,
    "create_tag",
    "update_tag",
    "delete_tag",
    "tag (deleting takes it off its articles)"
);

/// Change the site settings (admins).
#[utoipa::path(
    operation_id = "update_site",
    tag = "site",
    security(("bearer" = [])),
    request_body = SiteInput,
    responses(
        (status = 200, description = "The site settings", body = Site),
        (status = 400, description = "The body is not the expected JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins change the site", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/site")]
pub async fn update_site(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonObject<SiteInput>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    taxonomy::save_site(&state, &actor, body.0).await?;
    private_json(&site::get(&state))
}
