//! `/graphql` over HTTP, following the GraphQL-over-HTTP specification: JSON or
//! `application/graphql-response+json` by `Accept`, 400 for requests that cannot execute,
//! queries only over GET (cacheable, with `ETag`), GraphiQL for browsers.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, http::header, web};
use async_graphql::{
    ParseRequestError,
    http::{GraphiQLSource, MultipartOptions},
};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;

use super::{
    BantinSchema,
    documents::{self, Documents},
    loaders::Loaders,
    mutation::ClientAddress,
};
use crate::{
    auth::{self, Viewer},
    error::{AppError, AppResult},
    rest::respond::{self, Computed, Fresh},
    state::AppState,
};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// Picks the response media type from `Accept`; `None` when the client accepts neither.
/// Clients that do not name a type (no `Accept`, `*/*`) get `application/json`, which every
/// client understands; the newer type is for those that ask for it.
fn negotiate(req: &HttpRequest) -> Option<&'static str> {
    let Some(accept) = req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(JSON);
    };
    let mut ranges: Vec<(f32, &str)> = accept
        .split(',')
        .map(|range| {
            let mut parts = range.split(';').map(str::trim);
            let media = parts.next().unwrap_or_default();
            let q = parts.find_map(|p| p.strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
            (q, media)
        })
        .filter(|(q, _)| *q > 0.0)
        .collect();
    ranges.sort_by(|a, b| b.0.total_cmp(&a.0));
    ranges.into_iter().find_map(|(_, media)| match media.to_ascii_lowercase().as_str() {
        GRAPHQL_RESPONSE => Some(GRAPHQL_RESPONSE),
        JSON | "application/*" | "*/*" => Some(JSON),
        _ => None,
    })
}

/// A response for a request that never reached execution.
fn request_error(status: StatusCode, media: &'static str, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(media)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(json!({ "errors": [{ "message": message, "extensions": { "code": "bad_request" } }] }))
}

fn not_acceptable() -> HttpResponse {
    request_error(StatusCode::NOT_ACCEPTABLE, JSON, "accept application/graphql-response+json or application/json")
}

/// How an execution went, for the status code.
struct Outcome {
    body: Vec<u8>,
    /// Failed before execution (no `data`).
    request_failed: bool,
    /// No errors at all.
    ok: bool,
    /// A mutation arrived over GET by persisted-query hash.
    write_over_get: bool,
}

/// The schema with the parsed documents it is asked to run.
pub struct Graphql {
    pub schema: BantinSchema,
    pub documents: Documents,
}

/// Executes a request for `viewer`.
async fn execute(
    graphql: &Graphql,
    state: &web::Data<AppState>,
    viewer: Viewer,
    req: &HttpRequest,
    mut request: async_graphql::Request,
) -> AppResult<Outcome> {
    let document = match graphql.documents.prepare(&mut request) {
        Ok(document) => document,
        Err(error) => return never_executed(async_graphql::Response::from_errors(vec![error]), false),
    };
    let via_get = req.method() == actix_web::http::Method::GET;
    if via_get && document.as_deref().is_some_and(|d| documents::writes(&d.document, request.operation_name.as_deref()))
    {
        return never_executed(async_graphql::Response::from_errors(vec![documents::write_over_get()]), true);
    }
    let operation = request.operation_name.clone();
    let client = req.peer_addr().map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string());
    let request = request.data(state.clone()).data(Loaders::new(state)).data(viewer).data(ClientAddress(client));
    let mut response = graphql.schema.execute(request).await;
    // Errors without a path come from parsing or validation: the request never executed.
    // A resolver's error has a path, even when it nulls the whole `data`.
    if response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
    {
        return never_executed(response, false);
    }
    if let Some(parsed) = &document {
        parsed.order(operation.as_deref()).apply(&mut response.data);
    }
    let ok = response.is_ok();
    let body = serde_json::to_vec(&response).map_err(|e| AppError::Internal(e.into()))?;
    Ok(Outcome { body, request_failed: false, ok, write_over_get: false })
}

/// The outcome of a request refused before execution: no `data` entry at all (GraphQL over
/// HTTP §7).
fn never_executed(response: async_graphql::Response, write_over_get: bool) -> AppResult<Outcome> {
    let body = serde_json::to_vec(&json!({ "errors": response.errors })).map_err(|e| AppError::Internal(e.into()))?;
    Ok(Outcome { body, request_failed: true, ok: false, write_over_get })
}

/// The request's viewer; a bad token is answered before anything runs.
async fn viewer_or_reply(
    req: &HttpRequest,
    state: &AppState,
    media: &'static str,
) -> AppResult<Result<Viewer, HttpResponse>> {
    match auth::viewer(req, state).await {
        Ok(viewer) => Ok(Ok(viewer)),
        Err(err @ AppError::Unauthenticated(_)) => Ok(Err(HttpResponse::Unauthorized()
            .content_type(media)
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"bantin\""))
            .json(json!({ "errors": [{ "message": err.to_string(), "extensions": { "code": err.code() } }] })))),
        Err(other) => Err(other),
    }
}

fn executed(media: &'static str, outcome: Outcome) -> HttpResponse {
    if outcome.write_over_get {
        return HttpResponse::MethodNotAllowed()
            .insert_header((header::ALLOW, "POST"))
            .content_type(media)
            .body(outcome.body);
    }
    // With application/json the specification keeps 200 for GraphQL errors; the newer media
    // type reports requests that could not execute as 400.
    let status =
        if outcome.request_failed && media == GRAPHQL_RESPONSE { StatusCode::BAD_REQUEST } else { StatusCode::OK };
    HttpResponse::build(status)
        .content_type(media)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::VARY, "Authorization"))
        .body(outcome.body)
}

/// Queries over GET: cacheable by CDNs and the in-process cache. A browser asking for HTML
/// without a query gets GraphiQL.
pub async fn graphql_get(
    req: HttpRequest,
    state: web::Data<AppState>,
    graphql: web::Data<Graphql>,
) -> AppResult<HttpResponse> {
    let wants_html =
        req.headers().get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    if wants_html && req.query_string().is_empty() {
        return Ok(HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(GraphiQLSource::build().endpoint("/graphql").finish()));
    }
    let Some(media) = negotiate(&req) else { return Ok(not_acceptable()) };
    let request = match async_graphql::http::parse_query_string(req.query_string()) {
        Ok(request) => request,
        Err(err) => return Ok(request_error(StatusCode::BAD_REQUEST, media, &err.to_string())),
    };
    if request.query.is_empty() && !request.extensions.contains_key("persistedQuery") {
        return Ok(request_error(StatusCode::BAD_REQUEST, media, "the `query` parameter is required"));
    }
    let viewer = match viewer_or_reply(&req, &state, media).await? {
        Ok(viewer) => viewer,
        Err(reply) => return Ok(reply),
    };
    if !matches!(viewer, Viewer::Public) {
        return Ok(executed(media, execute(&graphql, &state, viewer, &req, request).await?));
    }
    let key = format!("{media} {}", req.uri());
    respond::cached(&req, &state, key, media, || async {
        let outcome = execute(&graphql, &state, Viewer::Public, &req, request).await?;
        Ok(if outcome.ok {
            Computed::Store(Fresh::bytes(outcome.body))
        } else {
            Computed::Pass(executed(media, outcome))
        })
    })
    .await
}

/// Largest JSON request body.
const MAX_JSON_BODY: usize = 2 * 1024 * 1024;

/// Queries and mutations over POST: a JSON body, or a multipart request carrying files
/// (the GraphQL multipart request specification, for `uploadMedia`).
pub async fn graphql_post(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
    graphql: web::Data<Graphql>,
) -> AppResult<HttpResponse> {
    let Some(media) = negotiate(&req) else { return Ok(not_acceptable()) };
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let request = match essence.as_str() {
        JSON => match json_request(payload, media).await? {
            Ok(request) => request,
            Err(reply) => return Ok(reply),
        },
        "multipart/form-data" => {
            let limit = usize::try_from(state.media.upload_limit).unwrap_or(usize::MAX);
            let options = MultipartOptions::default().max_file_size(limit).max_num_files(4);
            let body = sendable(payload).into_async_read();
            match async_graphql::http::receive_body(Some(content_type), body, options).await {
                Ok(request) => request,
                Err(ParseRequestError::PayloadTooLarge) => {
                    return Err(AppError::PayloadTooLarge { limit: state.media.upload_limit });
                }
                Err(err) => {
                    return Ok(request_error(StatusCode::BAD_REQUEST, media, &format!("bad multipart request: {err}")));
                }
            }
        }
        _ => {
            return Ok(request_error(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                media,
                "send the request as application/json (or multipart/form-data with files)",
            ));
        }
    };
    let viewer = match viewer_or_reply(&req, &state, media).await? {
        Ok(viewer) => viewer,
        Err(reply) => return Ok(reply),
    };
    Ok(executed(media, execute(&graphql, &state, viewer, &req, request).await?))
}

/// The request body as a stream another thread may poll (the multipart parser requires it):
/// a local task forwards the chunks through a small channel, so a slow parser slows the
/// upload instead of buffering it.
fn sendable(mut payload: web::Payload) -> impl futures_util::Stream<Item = std::io::Result<web::Bytes>> + Send {
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<web::Bytes>>(8);
    actix_web::rt::spawn(async move {
        while let Some(chunk) = payload.next().await {
            if tx.send(chunk.map_err(std::io::Error::other)).await.is_err() {
                break;
            }
        }
    });
    futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) })
}

/// Reads and checks a JSON request body; a reply when it is not a GraphQL request.
async fn json_request(
    mut payload: web::Payload,
    media: &'static str,
) -> AppResult<Result<async_graphql::Request, HttpResponse>> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::bad_param("body", format!("could not be read: {e}")))?;
        if body.len() + chunk.len() > MAX_JSON_BODY {
            return Err(AppError::PayloadTooLarge { limit: MAX_JSON_BODY as u64 });
        }
        body.extend_from_slice(&chunk);
    }
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(err) => {
            return Ok(Err(request_error(StatusCode::BAD_REQUEST, media, &format!("the body is not JSON: {err}"))));
        }
    };
    if let Some(problem) = shape_problem(&value) {
        return Ok(Err(request_error(StatusCode::BAD_REQUEST, media, problem)));
    }
    Ok(serde_json::from_value(value).map_err(|err| request_error(StatusCode::BAD_REQUEST, media, &err.to_string())))
}

/// Checks the request object against the specification before handing it to the engine.
fn shape_problem(value: &serde_json::Value) -> Option<&'static str> {
    let Some(object) = value.as_object() else { return Some("the body must be a JSON object") };
    let persisted = object.get("extensions").and_then(|e| e.get("persistedQuery")).is_some();
    match object.get("query") {
        Some(serde_json::Value::String(q)) if !q.is_empty() => {}
        None | Some(serde_json::Value::Null) if persisted => {}
        Some(serde_json::Value::String(_)) | None | Some(serde_json::Value::Null) => {
            return Some("`query` is required");
        }
        Some(_) => return Some("`query` must be a string"),
    }
    if !matches!(object.get("variables"), None | Some(serde_json::Value::Null | serde_json::Value::Object(_))) {
        return Some("`variables` must be an object");
    }
    if !matches!(object.get("operationName"), None | Some(serde_json::Value::Null | serde_json::Value::String(_))) {
        return Some("`operationName` must be a string");
    }
    if !matches!(object.get("extensions"), None | Some(serde_json::Value::Null | serde_json::Value::Object(_))) {
        return Some("`extensions` must be an object");
    }
    None
}

/// Other methods on `/graphql`.
pub async fn graphql_other() -> AppResult<HttpResponse> {
    Err(AppError::MethodNotAllowed { allow: "GET, HEAD, POST".into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn accept_header_picks_the_media_type() {
        let cases = [
            (None, Some(JSON)),
            (Some("application/json"), Some(JSON)),
            (Some("application/graphql-response+json, application/json;q=0.9"), Some(GRAPHQL_RESPONSE)),
            (Some("application/json, application/graphql-response+json;q=0.5"), Some(JSON)),
            (Some("*/*"), Some(JSON)),
            (Some("text/plain"), None),
        ];
        for (accept, expected) in cases {
            let mut req = TestRequest::default();
            if let Some(a) = accept {
                req = req.insert_header((header::ACCEPT, a));
            }
            assert_eq!(negotiate(&req.to_http_request()), expected, "{accept:?}");
        }
    }
}
