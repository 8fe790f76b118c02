//! Who may do what, in one table. Every editorial service function asks [`authorize`]
//! before it changes anything, whichever surface (REST or GraphQL) the request came from.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{AppError, AppResult};

/// A newsroom role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, async_graphql::Enum)]
#[serde(rename_all = "snake_case")]
#[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Everything, including accounts, sections, authors, tags and site settings.
    Admin,
    /// Edits, publishes and trashes any article; edits media metadata.
    Editor,
    /// Writes articles and edits their own drafts until they are submitted.
    Author,
}

impl Role {
    pub fn parse(raw: &str) -> Option<Role> {
        match raw {
            "admin" => Some(Role::Admin),
            "editor" => Some(Role::Editor),
            "author" => Some(Role::Author),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Author => "author",
        }
    }
}

/// A signed-in account acting on the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    /// The byline the account signs with, if linked.
    pub author_id: Option<i64>,
}

/// Something an account may try to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    CreateArticle,
    /// Read a non-public article, its revisions, or ask for its preview token.
    ReadArticle,
    EditArticle,
    SubmitArticle,
    /// Publish, schedule, unpublish, archive.
    PublishArticle,
    TrashArticle,
    RestoreArticle,
    PurgeArticle,
    /// Upload to the media library.
    UploadMedia,
    /// List and search the whole media library.
    BrowseMedia,
    /// Change or delete any media item (authors: see [`authorize_media`]).
    EditMedia,
    ManageTaxonomy,
    ManageSite,
    ManageUsers,
    ReadAudit,
}

/// The article an action is about, as far as permissions care.
#[derive(Clone, Copy, Debug)]
pub struct ArticleFacts<'a> {
    pub created_by: Option<i64>,
    pub status: &'a str,
}

/// Allows or refuses `action`, with a 403 that says why.
pub fn authorize(actor: &Actor, action: Action, article: Option<ArticleFacts<'_>>) -> AppResult<()> {
    if allowed(actor, action, article) {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!("the {} role may not do this ({action:?})", actor.role.as_str())))
    }
}

/// Whether `actor` may change or delete a media item: editors any, authors their own uploads.
pub fn authorize_media(actor: &Actor, uploaded_by: Option<i64>) -> AppResult<()> {
    if actor.role == Role::Author && uploaded_by == Some(actor.user_id) {
        return Ok(());
    }
    authorize(actor, Action::EditMedia, None)
}

fn allowed(actor: &Actor, action: Action, article: Option<ArticleFacts<'_>>) -> bool {
    use Action::*;
    match actor.role {
        Role::Admin => true,
        Role::Editor => !matches!(action, PurgeArticle | ManageTaxonomy | ManageSite | ManageUsers | ReadAudit),
        Role::Author => {
            let own = article.is_some_and(|a| a.created_by == Some(actor.user_id));
            let own_draft = own && article.is_some_and(|a| a.status == "draft");
            match action {
                CreateArticle | UploadMedia | BrowseMedia => true,
                ReadArticle => own,
                EditArticle | SubmitArticle | TrashArticle => own_draft,
                _ => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_edit_only_their_own_drafts() {
        let author = Actor { user_id: 7, role: Role::Author, author_id: None };
        let mine = ArticleFacts { created_by: Some(7), status: "draft" };
        let submitted = ArticleFacts { created_by: Some(7), status: "in_review" };
        let theirs = ArticleFacts { created_by: Some(8), status: "draft" };
        assert!(allowed(&author, Action::EditArticle, Some(mine)));
        assert!(!allowed(&author, Action::EditArticle, Some(submitted)));
        assert!(allowed(&author, Action::ReadArticle, Some(submitted)));
        assert!(!allowed(&author, Action::EditArticle, Some(theirs)));
        assert!(!allowed(&author, Action::PublishArticle, Some(mine)));
    }

    #[test]
    fn only_admins_purge_and_manage_people_and_sections() {
        let editor = Actor { user_id: 1, role: Role::Editor, author_id: None };
        let admin = Actor { user_id: 2, role: Role::Admin, author_id: None };
        for action in [Action::PurgeArticle, Action::ManageUsers, Action::ManageTaxonomy, Action::ReadAudit] {
            assert!(!allowed(&editor, action, None));
            assert!(allowed(&admin, action, None));
        }
        assert!(allowed(&editor, Action::PublishArticle, None));
    }
}
