//! The newsroom's writes and reads of articles in any status: content validation, the
//! workflow, revisions, old slugs, the trash and preview tokens. Every function takes the
//! acting account and asks `permissions` first; REST and GraphQL both call these.

pub mod articles;
pub mod content;
pub mod read_models;
pub mod reads;
pub mod revisions;
pub mod taxonomy;
pub mod workflow;

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use self::{content::ArticleContent, workflow::ArticleStatus};

/// Newsroom-only facts about an article, present only in answers to a signed-in account.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Editorial {
    pub status: ArticleStatus,
    /// Increases with every change; send it back (`If-Match` / `expectedVersion`) to edit.
    pub version: i32,
    /// The account that created the article.
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// When the article was moved to the trash.
    pub deleted_at: Option<DateTime<Utc>>,
    /// The editable fields, as `PATCH` takes them.
    pub content: ArticleContent,
}

/// The status line of an article in a newsroom list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EditorialBrief {
    pub status: ArticleStatus,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// The ETag of an article's editable state: it changes with every version.
pub fn version_etag(id: i64, version: i32) -> String {
    format!("\"{id}.{version}\"")
}

/// The version an `If-Match` value names for article `id`: the newsroom's `"{id}.{version}"`
/// or the public page's `"{id}.{version}.{hash}"`. `None` when it names another article or is
/// not an article ETag (which can then never match).
pub fn version_from_etag(id: i64, value: &str) -> Option<i32> {
    let value = value.trim();
    let inner = value.strip_prefix('"')?.strip_suffix('"')?;
    let mut parts = inner.split('.');
    let (article, version) = (parts.next()?, parts.next()?);
    (article.parse::<i64>().ok()? == id).then(|| version.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn etags_round_trip_and_refuse_other_articles() {
        assert_eq!(version_from_etag(12, &version_etag(12, 3)), Some(3));
        assert_eq!(version_from_etag(12, "\"12.3.00ff00ff00ff00ff\""), Some(3), "the public page's ETag");
        assert_eq!(version_from_etag(13, &version_etag(12, 3)), None);
        assert_eq!(version_from_etag(12, "W/\"12.3\""), None);
        assert_eq!(version_from_etag(12, "*"), None);
    }

    proptest! {
        #[test]
        fn any_if_match_value_parses_without_panicking(raw in "\\PC{0,40}", id in 1i64..1000) {
            let _ = version_from_etag(id, &raw);
        }
    }
}
