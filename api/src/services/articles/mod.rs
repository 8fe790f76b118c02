//! Public reads of articles: lists, the article page and related news ("Tin khác").
//! Every query here applies the visibility rule; batched forms serve GraphQL, where many
//! lists or articles are asked for in one request, with a constant number of statements.

mod candidates;
mod list;
mod pages;
mod related;
mod shared;
mod summaries;

pub use candidates::CandidateLists;
pub(crate) use list::{Resolved, push_conditions, resolve_one};
pub use list::{count, cursor_of, first_pages, list};
pub use pages::{PageMemo, SharedDetail, details_by_ids, get, get_following, get_versioned};
pub use related::{Rankings, related, related_limit, related_many};
pub use summaries::{SharedSummary, SummaryMemo};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use sea_orm::QueryResult;

use crate::{
    error::{AppError, AppResult},
    pagination::list_fingerprint,
};

/// The filters of the article list, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleFilter {
    pub category: Option<String>,
    pub tag: Option<String>,
    pub author: Option<String>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
}

/// The filters as they arrive, unparsed.
#[derive(Clone, Copy, Debug, Default)]
pub struct RawFilter<'a> {
    pub category: Option<&'a str>,
    pub tag: Option<&'a str>,
    pub author: Option<&'a str>,
    pub published_after: Option<&'a str>,
    pub published_before: Option<&'a str>,
}

impl ArticleFilter {
    /// Checks the shape of each filter; whether the named category, tag or author exists is
    /// checked when listing. Bare dates are midnight in the site's time zone. Empty values
    /// count as absent.
    pub fn parse(raw: RawFilter<'_>, tz: Tz) -> AppResult<Self> {
        let filter = ArticleFilter {
            category: raw.category.filter(|s| !s.is_empty()).map(str::to_owned),
            tag: raw.tag.filter(|s| !s.is_empty()).map(str::to_owned),
            author: raw.author.filter(|s| !s.is_empty()).map(str::to_owned),
            published_after: raw
                .published_after
                .filter(|s| !s.is_empty())
                .map(|v| parse_instant("published_after", v, tz))
                .transpose()?,
            published_before: raw
                .published_before
                .filter(|s| !s.is_empty())
                .map(|v| parse_instant("published_before", v, tz))
                .transpose()?,
        };
        filter.validated()
    }

    /// Refuses a date range that ends before it starts.
    pub fn validated(self) -> AppResult<Self> {
        ordered_range(("published_after", self.published_after), ("published_before", self.published_before))?;
        Ok(self)
    }

    /// Identifies this list for cursors: a cursor only continues the list it came from.
    pub fn fingerprint(&self) -> u64 {
        list_fingerprint(&format!(
            "articles|{:?}|{:?}|{:?}|{:?}|{:?}",
            self.category,
            self.tag,
            self.author,
            self.published_after.map(|t| t.timestamp()),
            self.published_before.map(|t| t.timestamp())
        ))
    }
}

/// Refuses a time range whose end (`before`) is not later than its start (`after`).
pub(crate) fn ordered_range(
    after: (&str, Option<DateTime<Utc>>),
    before: (&str, Option<DateTime<Utc>>),
) -> AppResult<()> {
    match (after.1, before.1) {
        (Some(start), Some(end)) if start >= end => Err(AppError::Unprocessable {
            code: "invalid_range",
            detail: format!("`{}` must be earlier than `{}`", after.0, before.0),
            errors: vec![crate::error::FieldError {
                field: before.0.to_owned(),
                message: format!("must be later than {}", after.0),
            }],
        }),
        _ => Ok(()),
    }
}

pub(crate) fn parse_instant(field: &str, value: &str, tz: Tz) -> AppResult<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(at.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|midnight| tz.from_local_datetime(&midnight).earliest())
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| AppError::bad_param(field, "must be an RFC 3339 date-time or a YYYY-MM-DD date"))
}

/// Reads a read-model document (JSON text) from a row.
pub(crate) fn doc<T: serde::de::DeserializeOwned>(row: &QueryResult, column: &str) -> AppResult<T> {
    parse_doc(&row.try_get::<String>("", column)?)
}

/// Reads a read-model document from its JSON text.
pub(crate) fn parse_doc<T: serde::de::DeserializeOwned>(json: &str) -> AppResult<T> {
    serde_json::from_str(json).map_err(|e| AppError::Internal(anyhow::Error::new(e).context("corrupt read model")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::Asia::Ho_Chi_Minh;

    #[test]
    fn bare_dates_are_midnight_in_the_site_time_zone() {
        let at = parse_instant("published_after", "2022-09-20", Ho_Chi_Minh).expect("date");
        assert_eq!(at.to_rfc3339(), "2022-09-19T17:00:00+00:00");
        let at = parse_instant("published_after", "2022-09-20T13:00:00+07:00", Ho_Chi_Minh).expect("date-time");
        assert_eq!(at.to_rfc3339(), "2022-09-20T06:00:00+00:00");
    }

    #[test]
    fn malformed_dates_name_the_parameter() {
        for bad in ["20/09/2022", "2022-13-01", "yesterday", ""] {
            match parse_instant("published_before", bad, Ho_Chi_Minh) {
                Err(AppError::BadRequest { errors, .. }) => assert_eq!(errors[0].field, "published_before"),
                other => panic!("{bad:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn different_filters_make_different_cursor_lists() {
        let a = ArticleFilter { category: Some("thoi-su".into()), ..ArticleFilter::default() };
        let b = ArticleFilter { tag: Some("thoi-su".into()), ..ArticleFilter::default() };
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
    }
}
