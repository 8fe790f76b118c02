//! The query documents of GraphQL requests: parsed once per distinct query text and kept, with
//! Automatic Persisted Queries (a hash standing for a query text sent before). Frontends send
//! the same few queries thousands of times, and parsing one was a tenth of serving it.
//!
//! This lives in the HTTP layer rather than in schema extensions: with any extension installed,
//! async-graphql sends every field of every response through the extension chain, which cost
//! more than the extensions did.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use async_graphql::{
    ErrorExtensionValues, Request, ServerError,
    parser::{
        parse_query,
        types::{ExecutableDocument, OperationType},
    },
};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::ordering::Order;

/// Distinct query texts kept parsed.
const PARSED: u64 = 1_024;
/// Longest query text kept parsed; longer ones are parsed each time.
const MAX_PARSED_CHARS: usize = 32 * 1024;
/// Persisted queries kept by hash.
const PERSISTED: u64 = 4_096;

/// The `extensions.code` of a mutation refused over GET; the HTTP layer answers it with 405.
pub const WRITE_OVER_GET: &str = "mutation_over_get";

/// Parsed documents by query text, and query texts by persisted-query hash.
pub struct Documents {
    parsed: moka::sync::Cache<String, Arc<Parsed>>,
    persisted: moka::sync::Cache<String, String>,
}

impl Default for Documents {
    fn default() -> Self {
        Documents { parsed: moka::sync::Cache::new(PARSED), persisted: moka::sync::Cache::new(PERSISTED) }
    }
}

/// A query text's document, and the response order of each of its operations run so far.
#[derive(Debug)]
pub struct Parsed {
    pub document: ExecutableDocument,
    orders: Mutex<HashMap<Option<String>, Arc<Order>>>,
}

impl Parsed {
    fn new(document: ExecutableDocument) -> Self {
        Parsed { document, orders: Mutex::default() }
    }

    /// The response order of `operation`; call only once the document has executed (so it
    /// has passed validation).
    pub fn order(&self, operation: Option<&str>) -> Arc<Order> {
        let key = operation.map(str::to_owned);
        if let Some(order) = self.orders.lock().ok().and_then(|orders| orders.get(&key).cloned()) {
            return order;
        }
        let order = Arc::new(Order::of(&self.document, operation));
        if let Ok(mut orders) = self.orders.lock() {
            orders.insert(key, order.clone());
        }
        order
    }
}

/// The `persistedQuery` request extension.
#[derive(Deserialize)]
struct PersistedQuery {
    version: i32,
    #[serde(rename = "sha256Hash")]
    sha256_hash: String,
}

impl Documents {
    /// Resolves a persisted query's hash to its text (or records the text under its hash) and
    /// hands `request` its parsed document, which is also returned for putting the response in
    /// query order. `None` when the text does not parse: executing the request reports why.
    pub fn prepare(&self, request: &mut Request) -> Result<Option<Arc<Parsed>>, ServerError> {
        let persisted = match request.extensions.remove("persistedQuery") {
            Some(value) => Some(self.persisted_query(request, value)?),
            None => None,
        };
        let parsed = match self.parsed.get(&request.query) {
            Some(parsed) => parsed,
            None => {
                let Ok(document) = parse_query(&request.query) else { return Ok(None) };
                let parsed = Arc::new(Parsed::new(document));
                if request.query.len() <= MAX_PARSED_CHARS {
                    self.parsed.insert(request.query.clone(), parsed.clone());
                }
                parsed
            }
        };
        if let Some(hash) = persisted {
            self.persisted.insert(hash, request.query.clone());
        }
        request.set_parsed_query(parsed.document.clone());
        Ok(Some(parsed))
    }

    /// Applies the `persistedQuery` extension to `request`: fills in the text of a known hash,
    /// or checks a text sent with its hash. Answers the hash to record once the text parses.
    fn persisted_query(&self, request: &mut Request, value: async_graphql::Value) -> Result<String, ServerError> {
        let asked: PersistedQuery = async_graphql::from_value(value)
            .map_err(|_| ServerError::new("Invalid \"PersistedQuery\" extension configuration.", None))?;
        if asked.version != 1 {
            return Err(ServerError::new(
                format!("only version 1 of the persisted-query extension is supported, not {}", asked.version),
                None,
            ));
        }
        if request.query.is_empty() {
            let Some(text) = self.persisted.get(&asked.sha256_hash) else {
                let mut error = ServerError::new("PersistedQueryNotFound", None);
                let mut extensions = ErrorExtensionValues::default();
                extensions.set("code", "persisted_query_not_found");
                error.extensions = Some(extensions);
                return Err(error);
            };
            request.query = text;
        } else if format!("{:x}", Sha256::digest(request.query.as_bytes())) != asked.sha256_hash {
            return Err(ServerError::new("provided sha does not match query", None));
        }
        Ok(asked.sha256_hash)
    }
}

/// Whether the operation `request` runs (its named one, or any when it names none) writes.
pub fn writes(document: &ExecutableDocument, operation: Option<&str>) -> bool {
    document
        .operations
        .iter()
        .filter(|(name, _)| operation.is_none() || name.map(|n| n.as_str()) == operation)
        .any(|(_, op)| op.node.ty != OperationType::Query)
}

/// The error of a mutation sent over GET.
pub fn write_over_get() -> ServerError {
    let mut error = ServerError::new("mutations must be sent with POST", None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", WRITE_OVER_GET);
    error.extensions = Some(extensions);
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(query: &str) -> ExecutableDocument {
        parse_query(query).expect("parses")
    }

    #[test]
    fn mutations_are_recognised_by_operation() {
        assert!(writes(&parsed("mutation { a }"), None));
        assert!(!writes(&parsed("query { a }"), None));
        assert!(!writes(&parsed("{ a }"), None));
        assert!(writes(&parsed("query Q { a } mutation M { b }"), Some("M")));
        assert!(!writes(&parsed("query Q { a } mutation M { b }"), Some("Q")));
        assert!(writes(&parsed("query Q { a } mutation M { b }"), None), "either may run");
    }

    #[test]
    fn a_query_is_parsed_once_and_shared() {
        let documents = Documents::default();
        let mut first = Request::new("{ site { name } }");
        let mut second = Request::new("{ site { name } }");
        let a = documents.prepare(&mut first).expect("prepared").expect("parsed");
        let b = documents.prepare(&mut second).expect("prepared").expect("parsed");
        assert!(Arc::ptr_eq(&a, &b));
        assert!(documents.prepare(&mut Request::new("{ site {")).expect("prepared").is_none());
    }

    #[test]
    fn a_persisted_query_is_found_by_its_hash_once_sent_with_it() {
        let documents = Documents::default();
        let text = "{ site { name } }";
        let hash = format!("{:x}", Sha256::digest(text.as_bytes()));
        let extension = |hash: &str| {
            async_graphql::Value::from_json(serde_json::json!({ "version": 1, "sha256Hash": hash })).expect("value")
        };
        let by_hash = |hash: &str| {
            let mut request = Request::new("");
            request.extensions.insert("persistedQuery".into(), extension(hash));
            request
        };
        let unknown = documents.prepare(&mut by_hash(&hash)).expect_err("not sent yet");
        assert_eq!(unknown.message, "PersistedQueryNotFound");

        let mut wrong = Request::new(text);
        wrong.extensions.insert("persistedQuery".into(), extension(&"0".repeat(64)));
        assert!(documents.prepare(&mut wrong).is_err(), "a hash must match its text");
        let mut sent = Request::new(text);
        sent.extensions.insert("persistedQuery".into(), extension(&hash));
        documents.prepare(&mut sent).expect("recorded");

        let mut later = by_hash(&hash);
        assert!(documents.prepare(&mut later).expect("found").is_some());
        assert_eq!(later.query, text);
    }
}
