//! Service errors as GraphQL errors, with the same stable `extensions.code` as REST.

use async_graphql::ErrorExtensions;

use crate::error::AppError;

/// Converts an [`AppError`]; internal details are logged, never sent.
pub fn gql(err: AppError) -> async_graphql::Error {
    if let AppError::Internal(cause) = &err {
        tracing::error!(error = ?cause, "GraphQL resolver failed");
    }
    convert(&err)
}

/// Loader errors arrive shared by every resolver waiting on the batch; they keep their code.
pub fn gql_shared(err: std::sync::Arc<AppError>) -> async_graphql::Error {
    if let AppError::Internal(cause) = err.as_ref() {
        tracing::error!(error = ?cause, "GraphQL loader failed");
    }
    convert(&err)
}

fn convert(err: &AppError) -> async_graphql::Error {
    let message = match err {
        AppError::Internal(_) => "the server failed to answer; the error has been logged".to_owned(),
        other => other.to_string(),
    };
    let fields = match err {
        AppError::BadRequest { errors, .. } | AppError::Unprocessable { errors, .. } => errors.clone(),
        _ => Vec::new(),
    };
    let code = err.code();
    async_graphql::Error::new(message).extend_with(|_, ext| {
        ext.set("code", code);
        if let Some(first) = fields.first() {
            ext.set("field", first.field.clone());
        }
        if !fields.is_empty() {
            let list = fields
                .iter()
                .map(|f| {
                    let mut entry = indexmap::IndexMap::new();
                    entry.insert(async_graphql::Name::new("field"), async_graphql::Value::from(f.field.clone()));
                    entry.insert(async_graphql::Name::new("message"), async_graphql::Value::from(f.message.clone()));
                    async_graphql::Value::Object(entry)
                })
                .collect::<Vec<_>>();
            ext.set("errors", async_graphql::Value::List(list));
        }
    })
}
