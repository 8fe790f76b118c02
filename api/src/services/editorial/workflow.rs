//! The publishing workflow: statuses, and which action leads from which status to which.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, FieldError};

/// Where an article is in the workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, async_graphql::Enum)]
#[serde(rename_all = "snake_case")]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum ArticleStatus {
    /// Being written; only the newsroom sees it.
    Draft,
    /// Submitted by its author, waiting for an editor.
    InReview,
    /// Published with a future time; public from that moment, with nothing else to do.
    Scheduled,
    /// Public.
    Published,
    /// Taken out of the lists and pages but kept.
    Archived,
}

impl ArticleStatus {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "draft" => Some(Self::Draft),
            "in_review" => Some(Self::InReview),
            "scheduled" => Some(Self::Scheduled),
            "published" => Some(Self::Published),
            "archived" => Some(Self::Archived),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::InReview => "in_review",
            Self::Scheduled => "scheduled",
            Self::Published => "published",
            Self::Archived => "archived",
        }
    }
}

/// A workflow action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Submit,
    Publish,
    Unpublish,
    Archive,
}

impl Transition {
    pub const ALL: [Transition; 4] =
        [Transition::Submit, Transition::Publish, Transition::Unpublish, Transition::Archive];

    pub fn name(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::Publish => "publish",
            Transition::Unpublish => "unpublish",
            Transition::Archive => "archive",
        }
    }

    fn sources(self) -> &'static [ArticleStatus] {
        use ArticleStatus::*;
        match self {
            Transition::Submit => &[Draft],
            Transition::Publish => &[Draft, InReview, Scheduled, Archived],
            Transition::Unpublish => &[InReview, Scheduled, Published],
            Transition::Archive => &[Published],
        }
    }

    /// The status after the action; `future` says whether a publication time is in the future.
    pub fn target(self, future: bool) -> ArticleStatus {
        match self {
            Transition::Submit => ArticleStatus::InReview,
            Transition::Publish if future => ArticleStatus::Scheduled,
            Transition::Publish => ArticleStatus::Published,
            Transition::Unpublish => ArticleStatus::Draft,
            Transition::Archive => ArticleStatus::Archived,
        }
    }

    /// Refuses the action from `from`, naming the actions that are allowed.
    pub fn check(self, from: ArticleStatus) -> Result<(), AppError> {
        if self.sources().contains(&from) {
            return Ok(());
        }
        let allowed: Vec<&str> =
            Transition::ALL.iter().filter(|t| t.sources().contains(&from)).map(|t| t.name()).collect();
        let message = format!(
            "cannot {} an article that is {}; allowed: {}",
            self.name(),
            from.as_str(),
            if allowed.is_empty() { "none".to_owned() } else { allowed.join(", ") }
        );
        Err(AppError::Unprocessable {
            code: "illegal_transition",
            detail: message.clone(),
            errors: vec![FieldError { field: "status".into(), message }],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn illegal_transitions_name_the_allowed_ones() {
        let err = Transition::Archive.check(ArticleStatus::Draft).expect_err("illegal");
        assert!(err.to_string().contains("allowed: submit, publish"), "{err}");
        assert!(Transition::Publish.check(ArticleStatus::InReview).is_ok());
        assert_eq!(Transition::Publish.target(true), ArticleStatus::Scheduled);
    }
}
