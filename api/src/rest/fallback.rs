//! Answers for requests no route takes: 405 with `Allow` when the path exists with other
//! methods, 404 otherwise — both problem+json. The known paths come from the OpenAPI document,
//! which is generated from the route registrations, so this table cannot drift from them.

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::error::AppError;

/// Path templates and the methods each answers.
pub struct RouteTable(Vec<(Vec<Segment>, String)>);

enum Segment {
    Literal(String),
    Param,
}

impl RouteTable {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(|s| if s.starts_with('{') { Segment::Param } else { Segment::Literal(s.to_owned()) })
                    .collect();
                let mut methods: Vec<&str> = Vec::new();
                if item.get.is_some() {
                    methods.extend(["GET", "HEAD"]);
                }
                for (present, name) in [
                    (item.post.is_some(), "POST"),
                    (item.put.is_some(), "PUT"),
                    (item.patch.is_some(), "PATCH"),
                    (item.delete.is_some(), "DELETE"),
                ] {
                    if present {
                        methods.push(name);
                    }
                }
                (segments, methods.join(", "))
            })
            .collect();
        RouteTable(routes)
    }

    fn allowed(&self, path: &str) -> Option<&str> {
        let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.0.iter().find_map(|(segments, methods)| {
            let matches = segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(segment, part)| match segment {
                    Segment::Literal(literal) => literal == part,
                    Segment::Param => !part.is_empty(),
                });
            matches.then_some(methods.as_str())
        })
    }
}

pub async fn not_routed(req: HttpRequest, table: web::Data<RouteTable>) -> Result<HttpResponse, AppError> {
    Err(match table.allowed(req.path()) {
        Some(allow) => AppError::MethodNotAllowed { allow: allow.to_owned() },
        None => AppError::NotFound("resource"),
    })
}
