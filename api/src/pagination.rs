//! Keyset pagination shared by every list: `limit`, an opaque signed `cursor`, and page
//! numbers for web UIs that need them.
//!
//! A cursor records where the previous page ended and which list (with which filters) it
//! belongs to. It is signed, so a forged cursor is refused rather than read, and a cursor from
//! another list is refused rather than silently applied to this one.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};

pub const DEFAULT_LIMIT: u64 = 20;
pub const MAX_LIMIT: u64 = 100;
/// Deep offset pages are costly and never what a reader wants; cursors have no such limit.
pub const MAX_PAGE: u64 = 10_000;
const TAG_LEN: usize = 12;
const MAX_CURSOR_LEN: usize = 512;

/// Where a page ended, in the list's sort order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "k")]
pub enum Position {
    /// Newest-first lists: publication time (microseconds since the epoch) then id.
    #[serde(rename = "t")]
    Time { t: i64, i: i64 },
    /// Alphabetical lists: the last slug.
    #[serde(rename = "s")]
    Slug { s: String },
    /// Ranked lists (search results): how many results came before.
    #[serde(rename = "o")]
    Offset { o: u64 },
}

#[derive(Serialize, Deserialize)]
struct Payload {
    /// Fingerprint of the list and its filters.
    l: u64,
    p: Position,
}

/// The key cursors are signed with; shared by every process serving the same database.
#[derive(Clone)]
pub struct CursorKey(Vec<u8>);

impl CursorKey {
    pub fn new(secret: &[u8]) -> Self {
        CursorKey(secret.to_vec())
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        #[expect(clippy::expect_used, reason = "HMAC accepts keys of any length")]
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(payload);
        mac
    }

    pub fn encode(&self, list: u64, position: Position) -> String {
        let payload = serde_json::to_vec(&Payload { l: list, p: position }).unwrap_or_default();
        let tag = self.mac(&payload).finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode(&tag[..TAG_LEN]))
    }

    /// Reads a cursor for the list `list`; any failure is the client's (400), never a 500.
    pub fn decode(&self, list: u64, cursor: &str) -> AppResult<Position> {
        let invalid = || AppError::bad_param("cursor", "is not a cursor this server issued");
        if cursor.len() > MAX_CURSOR_LEN {
            return Err(invalid());
        }
        let (payload, tag) = cursor.split_once('.').ok_or_else(invalid)?;
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| invalid())?;
        let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| invalid())?;
        if tag.len() != TAG_LEN {
            return Err(invalid());
        }
        self.mac(&payload).verify_truncated_left(&tag).map_err(|_| invalid())?;
        let payload: Payload = serde_json::from_slice(&payload).map_err(|_| invalid())?;
        if payload.l != list {
            return Err(AppError::bad_param("cursor", "belongs to a different list or filter; start again without it"));
        }
        Ok(payload.p)
    }
}

/// What page of a list the client asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRequest {
    pub limit: u64,
    pub after: Option<Position>,
    /// 1-based page number, when the client paginates by number instead of cursor.
    pub page: Option<u64>,
}

impl PageRequest {
    /// Validates the raw `limit`, `cursor` and `page` parameters of a request.
    /// An empty cursor counts as absent (a form's untouched field); an empty number does not.
    pub fn parse<'a>(
        key: &CursorKey,
        list: u64,
        limit: Option<&'a str>,
        cursor: Option<&'a str>,
        page: Option<&'a str>,
    ) -> AppResult<PageRequest> {
        let cursor = cursor.filter(|c| !c.is_empty());
        let limit = match limit {
            None => DEFAULT_LIMIT,
            Some(raw) => raw
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| AppError::bad_param("limit", format!("must be an integer from 1 to {MAX_LIMIT}")))?,
        };
        let page = page
            .map(|raw| {
                raw.parse::<u64>()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE).contains(n))
                    .ok_or_else(|| AppError::bad_param("page", format!("must be an integer from 1 to {MAX_PAGE}")))
            })
            .transpose()?;
        let after = cursor.map(|c| key.decode(list, c)).transpose()?;
        if after.is_some() && page.is_some() {
            return Err(AppError::bad_param("page", "cannot be combined with `cursor`; use one or the other"));
        }
        Ok(PageRequest { limit, after, page })
    }

    /// Rows to skip for page-number requests.
    pub fn offset(&self) -> u64 {
        self.page.map_or(0, |p| (p - 1) * self.limit)
    }
}

/// One page of a list.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub data: Vec<T>,
    pub meta: PageMeta,
}

/// Where this page sits in the list and how to get the next one.
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct PageMeta {
    /// The page size used.
    #[schema(example = 20)]
    pub limit: u64,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Whether another page follows.
    pub has_more: bool,
    /// The page number, when the request used `page`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// Number of items in the whole list, when the request used `page`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Number of pages, when the request used `page`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<u64>,
}

/// A fingerprint of a list and its filters, so a cursor cannot cross lists.
pub fn list_fingerprint(description: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(description.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> CursorKey {
        CursorKey::new(b"test key")
    }

    #[test]
    fn a_cursor_reads_back_its_position() {
        let position = Position::Time { t: 1_663_653_600_000_000, i: 42 };
        let cursor = key().encode(7, position.clone());
        assert_eq!(key().decode(7, &cursor).expect("valid"), position);
    }

    #[test]
    fn a_cursor_of_another_list_or_key_is_refused() {
        let cursor = key().encode(7, Position::Slug { s: "le-chan".into() });
        assert!(key().decode(8, &cursor).is_err(), "other list");
        assert!(CursorKey::new(b"other").decode(7, &cursor).is_err(), "other key");
    }

    #[test]
    fn limits_and_pages_are_validated_with_the_parameter_named() {
        let cases = [
            (Some("0"), None, "limit"),
            (Some("101"), None, "limit"),
            (Some("abc"), None, "limit"),
            (Some("-1"), None, "limit"),
            (None, Some("0"), "page"),
            (None, Some("x"), "page"),
            (Some(" 5"), None, "limit"),
        ];
        for (limit, page, field) in cases {
            match PageRequest::parse(&key(), 1, limit, None, page) {
                Err(AppError::BadRequest { errors, .. }) => assert_eq!(errors[0].field, field, "{limit:?} {page:?}"),
                other => panic!("{limit:?} {page:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn an_empty_cursor_counts_as_absent_but_an_empty_number_is_refused() {
        let page = PageRequest::parse(&key(), 1, None, Some(""), None).expect("defaults");
        assert_eq!(page, PageRequest { limit: DEFAULT_LIMIT, after: None, page: None });
        assert!(PageRequest::parse(&key(), 1, Some(""), None, None).is_err());
        assert!(PageRequest::parse(&key(), 1, None, None, Some("")).is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_cursor_text_is_refused_not_panicked(s in "\\PC{0,600}") {
            prop_assert!(key().decode(1, &s).is_err());
        }

        #[test]
        fn a_tampered_cursor_is_refused(t in any::<i64>(), i in any::<i64>(), flip in 0usize..40) {
            let cursor = key().encode(3, Position::Time { t, i });
            let mut bytes = cursor.into_bytes();
            let at = flip % bytes.len();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).expect("ascii");
            if let Ok(position) = key().decode(3, &tampered) {
                // Only a change that decodes to the same bytes (base64 padding bits) may pass.
                prop_assert_eq!(position, Position::Time { t, i });
            }
        }
    }
}
