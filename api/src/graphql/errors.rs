//! Service errors as GraphQL errors, with the same stable `extensions.code` as REST.

use async_graphql::ErrorExtensions;

use crate::error::AppError;

/// Converts an [`AppError`]; internal details are logged, never sent.
pub fn gql(err: AppError) -> async_graphql::Error {
    let code = err.code();
    let message = match &err {
        AppError::Internal(cause) => {
            tracing::error!(error = ?cause, "GraphQL resolver failed");
            "the server failed to answer; the error has been logged".to_owned()
        }
        other => other.to_string(),
    };
    let fields = match &err {
        AppError::BadRequest { errors, .. } | AppError::Unprocessable { errors, .. } => errors.clone(),
        _ => Vec::new(),
    };
    async_graphql::Error::new(message).extend_with(|_, ext| {
        ext.set("code", code);
        if let Some(first) = fields.first() {
            ext.set("field", first.field.clone());
        }
    })
}

/// Loader errors arrive shared; they keep their code.
pub fn gql_shared(err: std::sync::Arc<AppError>) -> async_graphql::Error {
    let code = err.code();
    let message = match err.as_ref() {
        AppError::Internal(_) => "the server failed to answer; the error has been logged".to_owned(),
        other => other.to_string(),
    };
    async_graphql::Error::new(message).extend_with(|_, ext| ext.set("code", code))
}
