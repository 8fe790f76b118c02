//! The mutation root: the newsroom's writes, each a thin call into the same services as the
//! REST endpoints, so permissions, validation and the workflow behave identically.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject, Upload};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Map, Value, json};

use super::{
    errors::gql,
    types::{Article, state},
    viewer,
};
use crate::{
    error::AppError,
    services::{
        articles::SharedDetail,
        editorial::{
            articles, reads, revisions,
            taxonomy::{self, SiteInput, Term, TermInput, TermRecord},
            workflow::Transition,
        },
        media::library::{self, Deleted, LibraryItem, MediaInput, UploadMeta},
        permissions::Actor,
        site::{self, Site},
        users::{self, NewUser, Session, User, UserChanges},
    },
    views::Image,
};

/// One byline: who and in what role.
#[derive(InputObject)]
pub struct BylineInput {
    /// The author's id.
    pub author_id: ID,
    /// writer, photographer, editor, translator, contributor or illustrator (default writer).
    pub role: Option<String>,
}

/// Where the news came from.
#[derive(InputObject)]
pub struct SourceInput {
    /// Name of the source, printed under "Nguồn tin".
    pub name: String,
    /// Link to the source (http or https).
    pub url: Option<String>,
}

/// Article fields to set. Omitted fields stay as they are; `null` clears an optional field
/// (`slug: null` makes a new slug from the title). Errors name fields as the REST API does
/// (`body[2].media_id`), in `extensions.field`.
#[derive(InputObject, Default)]
pub struct ArticleInput {
    /// Headline, 1 to 300 characters; required to create.
    pub title: Option<String>,
    /// URL slug; made from the title when absent or null, numbered when taken.
    pub slug: MaybeUndefined<String>,
    /// The lead (sapo), up to 1,000 characters.
    pub summary: MaybeUndefined<String>,
    /// Body blocks, as in REST: `{"type": "paragraph", "text": "…"}`, `{"type": "image",
    /// "media_id": 3, "caption": "…"}`, heading (`level` 2–6), quote, list.
    pub body: Option<async_graphql::Json<Value>>,
    /// The article's category; required to create.
    pub category_id: Option<ID>,
    /// Cover photo (a media item id).
    pub cover_media_id: MaybeUndefined<ID>,
    /// Photo for social cards, when not the cover.
    pub social_image_id: MaybeUndefined<ID>,
    /// Bylines in order; the account's own author profile when omitted on create.
    pub authors: Option<Vec<BylineInput>>,
    /// Tags in order.
    pub tag_ids: Option<Vec<ID>>,
    /// Related articles to pin, in order (up to 20); `related` lists them first while they are
    /// public and fills the rest by relevance.
    pub related_ids: Option<Vec<ID>>,
    /// Where the news came from.
    pub source: MaybeUndefined<SourceInput>,
    /// `<title>` when not the headline, up to 120 characters.
    pub meta_title: MaybeUndefined<String>,
    /// Meta description when not the lead, up to 320 characters.
    pub meta_description: MaybeUndefined<String>,
    /// Canonical URL when not the article's own.
    pub canonical_url: MaybeUndefined<String>,
}

/// An id as the services read it: a number when it is one, else the text (refused there).
fn id_value(id: &ID) -> Value {
    id.parse::<i64>().map_or_else(|_| Value::String(id.to_string()), Value::from)
}

fn maybe<T>(map: &mut Map<String, Value>, key: &str, value: MaybeUndefined<T>, convert: impl FnOnce(T) -> Value) {
    match value {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => {
            map.insert(key.to_owned(), Value::Null);
        }
        MaybeUndefined::Value(v) => {
            map.insert(key.to_owned(), convert(v));
        }
    }
}

impl ArticleInput {
    /// The same JSON document `PATCH /api/v1/articles/{article}` takes.
    fn into_patch(self) -> Map<String, Value> {
        let mut map = Map::new();
        if let Some(title) = self.title {
            map.insert("title".into(), title.into());
        }
        maybe(&mut map, "slug", self.slug, Value::from);
        maybe(&mut map, "summary", self.summary, Value::from);
        if let Some(body) = self.body {
            map.insert("body".into(), body.0);
        }
        if let Some(id) = self.category_id {
            map.insert("category_id".into(), id_value(&id));
        }
        maybe(&mut map, "cover_media_id", self.cover_media_id, |id| id_value(&id));
        maybe(&mut map, "social_image_id", self.social_image_id, |id| id_value(&id));
        if let Some(authors) = self.authors {
            let list = authors
                .into_iter()
                .map(|b| json!({ "author_id": id_value(&b.author_id), "role": b.role }))
                .collect::<Vec<_>>();
            map.insert("authors".into(), Value::Array(list));
        }
        if let Some(tags) = self.tag_ids {
            map.insert("tag_ids".into(), Value::Array(tags.iter().map(id_value).collect()));
        }
        if let Some(related) = self.related_ids {
            map.insert("related_ids".into(), Value::Array(related.iter().map(id_value).collect()));
        }
        maybe(&mut map, "source", self.source, |s| json!({ "name": s.name, "url": s.url }));
        maybe(&mut map, "meta_title", self.meta_title, Value::from);
        maybe(&mut map, "meta_description", self.meta_description, Value::from);
        maybe(&mut map, "canonical_url", self.canonical_url, Value::from);
        map
    }
}

/// A preview token for one article.
#[derive(SimpleObject)]
pub struct PreviewToken {
    /// Send as `Authorization: Bearer <token>` to read this article through `article(id:)` or
    /// REST, whatever its status.
    pub token: String,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
}

fn actor(ctx: &Context<'_>) -> Result<Actor> {
    viewer(ctx)?.clone().require().map_err(gql)
}

fn article_id(id: &ID) -> Result<i64> {
    id.parse::<i64>().map_err(|_| gql(AppError::bad_param("id", "must be an article id")))
}

/// The article as the newsroom sees it after a write.
async fn staff_article(ctx: &Context<'_>, actor: &Actor, id: i64) -> Result<Article> {
    let detail = reads::staff_article(state(ctx)?, actor, &id.to_string()).await.map_err(gql)?;
    Ok(Article::from_detail(SharedDetail::new(detail)))
}

pub struct MutationRoot;

/// The newsroom's writes. Every mutation but `login` and `refresh` needs an access token.
#[Object(name = "Mutation")]
impl MutationRoot {
    /// Sign in. A wrong email and a wrong password get the same error; attempts are limited.
    async fn login(&self, ctx: &Context<'_>, email: String, password: String) -> Result<Session> {
        let client = ctx.data_opt::<ClientAddress>().map_or("unknown", |c| c.0.as_str());
        users::login(state(ctx)?, client, &email, &password).await.map_err(gql)
    }

    /// Trade a refresh token (single use) for a new session.
    async fn refresh(&self, ctx: &Context<'_>, refresh_token: String) -> Result<Session> {
        users::refresh(state(ctx)?, &refresh_token).await.map_err(gql)
    }

    /// End the session of this refresh token.
    async fn logout(&self, ctx: &Context<'_>, refresh_token: String) -> Result<bool> {
        users::logout(state(ctx)?, &refresh_token).await.map_err(gql)?;
        Ok(true)
    }

    /// Create a draft; `title` and `categoryId` are required.
    async fn create_article(&self, ctx: &Context<'_>, input: ArticleInput) -> Result<Article> {
        let actor = actor(ctx)?;
        let id = articles::create(state(ctx)?, &actor, &input.into_patch()).await.map_err(gql)?;
        staff_article(ctx, &actor, id).await
    }

    /// Edit an article at `expectedVersion`; a stale version is refused (`version_conflict`).
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: i32,
        input: ArticleInput,
    ) -> Result<Article> {
        let actor = actor(ctx)?;
        let id = article_id(&id)?;
        articles::update(state(ctx)?, &actor, id, Some(expected_version), &input.into_patch()).await.map_err(gql)?;
        staff_article(ctx, &actor, id).await
    }

    /// Submit a draft for review.
    async fn submit_article(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i32>) -> Result<Article> {
        self.act(ctx, id, Transition::Submit, expected_version, None).await
    }

    /// Publish now, or schedule with a future `publishedAt`.
    async fn publish_article(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i32>,
        published_at: Option<DateTime<FixedOffset>>,
    ) -> Result<Article> {
        self.act(ctx, id, Transition::Publish, expected_version, published_at.map(|t| t.with_timezone(&Utc))).await
    }

    /// Back to draft: out of review, or off the site.
    async fn unpublish_article(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i32>) -> Result<Article> {
        self.act(ctx, id, Transition::Unpublish, expected_version, None).await
    }

    /// Archive a published article.
    async fn archive_article(&self, ctx: &Context<'_>, id: ID, expected_version: Option<i32>) -> Result<Article> {
        self.act(ctx, id, Transition::Archive, expected_version, None).await
    }

    /// Move an article to the trash.
    async fn trash_article(&self, ctx: &Context<'_>, id: ID, expected_version: i32) -> Result<Article> {
        let actor = actor(ctx)?;
        let id = article_id(&id)?;
        articles::trash(state(ctx)?, &actor, id, Some(expected_version)).await.map_err(gql)?;
        staff_article(ctx, &actor, id).await
    }

    /// Take an article out of the trash.
    async fn restore_article(&self, ctx: &Context<'_>, id: ID) -> Result<Article> {
        let actor = actor(ctx)?;
        let id = article_id(&id)?;
        articles::restore(state(ctx)?, &actor, id).await.map_err(gql)?;
        staff_article(ctx, &actor, id).await
    }

    /// Delete a trashed article for good (admins).
    async fn purge_article(&self, ctx: &Context<'_>, id: ID) -> Result<bool> {
        let actor = actor(ctx)?;
        articles::purge(state(ctx)?, &actor, article_id(&id)?).await.map_err(gql)?;
        Ok(true)
    }

    /// Make a revision's content current again.
    async fn restore_revision(
        &self,
        ctx: &Context<'_>,
        id: ID,
        revision_id: ID,
        expected_version: i32,
    ) -> Result<Article> {
        let actor = actor(ctx)?;
        let id = article_id(&id)?;
        let revision =
            revision_id.parse::<i64>().map_err(|_| gql(AppError::bad_param("revisionId", "must be an id")))?;
        revisions::restore(state(ctx)?, &actor, id, revision, Some(expected_version)).await.map_err(gql)?;
        staff_article(ctx, &actor, id).await
    }

    /// A short-lived token to preview one article through the public API.
    async fn create_preview_token(&self, ctx: &Context<'_>, id: ID) -> Result<PreviewToken> {
        let actor = actor(ctx)?;
        let (_, token, expires_at) =
            reads::preview_token(state(ctx)?, &actor, &article_id(&id)?.to_string()).await.map_err(gql)?;
        Ok(PreviewToken { token, expires_at })
    }

    /// Create a section (admins).
    async fn create_category(&self, ctx: &Context<'_>, input: TermInput) -> Result<TermRecord> {
        save_term(ctx, Term::Category, None, input).await
    }

    /// Change a section by slug or id (admins); its articles show the change at once.
    async fn update_category(&self, ctx: &Context<'_>, slug: String, input: TermInput) -> Result<TermRecord> {
        save_term(ctx, Term::Category, Some(&slug), input).await
    }

    /// Delete a section with no articles and no sub-sections (admins).
    async fn delete_category(&self, ctx: &Context<'_>, slug: String) -> Result<bool> {
        delete_term(ctx, Term::Category, &slug).await
    }

    /// Create an author profile (admins).
    async fn create_author(&self, ctx: &Context<'_>, input: TermInput) -> Result<TermRecord> {
        save_term(ctx, Term::Author, None, input).await
    }

    /// Change an author profile by slug or id (admins); bylines show the change at once.
    async fn update_author(&self, ctx: &Context<'_>, slug: String, input: TermInput) -> Result<TermRecord> {
        save_term(ctx, Term::Author, Some(&slug), input).await
    }

    /// Delete an author profile that signs no article (admins).
    async fn delete_author(&self, ctx: &Context<'_>, slug: String) -> Result<bool> {
        delete_term(ctx, Term::Author, &slug).await
    }

    /// Create a tag (admins).
    async fn create_tag(&self, ctx: &Context<'_>, input: TermInput) -> Result<TermRecord> {
        save_term(ctx, Term::Tag, None, input).await
    }

    /// Change a tag by slug or id (admins).
    async fn update_tag(&self, ctx: &Context<'_>, slug: String, input: TermInput) -> Result<TermRecord> {
        save_term(ctx, Term::Tag, Some(&slug), input).await
    }

    /// Delete a tag, taking it off its articles (admins).
    async fn delete_tag(&self, ctx: &Context<'_>, slug: String) -> Result<bool> {
        delete_term(ctx, Term::Tag, &slug).await
    }

    /// Upload a photo to the media library (editors and authors), sent as a GraphQL
    /// multipart request. The file's bytes decide its type (JPEG, PNG, WebP, GIF); EXIF
    /// orientation is applied, metadata removed, and every rendition made.
    async fn upload_media(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The image file.")] file: Upload,
        #[graphql(desc = "Text alternative for screen readers, caption and credit.")] input: Option<UploadMeta>,
    ) -> Result<LibraryItem> {
        let actor = actor(ctx)?;
        let upload = file.value(ctx).map_err(|_| gql(AppError::bad_param("file", "is not an uploaded file")))?;
        library::upload(state(ctx)?, &actor, upload.content, input.unwrap_or_default()).await.map_err(gql)
    }

    /// Change a photo's alt text, caption or credit (editors; authors their own uploads).
    async fn update_media(&self, ctx: &Context<'_>, id: ID, input: MediaInput) -> Result<Image> {
        let actor = actor(ctx)?;
        let id = id.parse::<i64>().map_err(|_| gql(AppError::bad_param("id", "must be a media id")))?;
        Ok(library::update(state(ctx)?, &actor, id, input).await.map_err(gql)?.image)
    }

    /// Delete a photo (editors; authors their own uploads). Refused while articles use it,
    /// unless `force`, which first takes it out of them.
    async fn delete_media(&self, ctx: &Context<'_>, id: ID, force: Option<bool>) -> Result<Deleted> {
        let actor = actor(ctx)?;
        let id = id.parse::<i64>().map_err(|_| gql(AppError::bad_param("id", "must be a media id")))?;
        library::delete(state(ctx)?, &actor, id, force.unwrap_or(false)).await.map_err(gql)
    }

    /// Change the site settings (admins).
    async fn update_site(&self, ctx: &Context<'_>, input: SiteInput) -> Result<Site> {
        let actor = actor(ctx)?;
        let state = state(ctx)?;
        taxonomy::save_site(state, &actor, input).await.map_err(gql)?;
        Ok(site::get(state))
    }

    /// Create a newsroom account (admins).
    async fn create_user(&self, ctx: &Context<'_>, input: NewUser) -> Result<User> {
        let actor = actor(ctx)?;
        users::create(state(ctx)?.db(), Some(&actor), input).await.map_err(gql)
    }

    /// Change a newsroom account (admins).
    async fn update_user(&self, ctx: &Context<'_>, id: ID, input: UserChanges) -> Result<User> {
        let actor = actor(ctx)?;
        let id = id.parse::<i64>().map_err(|_| gql(AppError::bad_param("id", "must be an account id")))?;
        users::update(state(ctx)?, &actor, id, input).await.map_err(gql)
    }
}

impl MutationRoot {
    async fn act(
        &self,
        ctx: &Context<'_>,
        id: ID,
        transition: Transition,
        expected_version: Option<i32>,
        published_at: Option<DateTime<Utc>>,
    ) -> Result<Article> {
        let actor = actor(ctx)?;
        let id = article_id(&id)?;
        articles::transition(state(ctx)?, &actor, id, transition, expected_version, published_at).await.map_err(gql)?;
        staff_article(ctx, &actor, id).await
    }
}

async fn save_term(ctx: &Context<'_>, term: Term, key: Option<&str>, input: TermInput) -> Result<TermRecord> {
    let actor = actor(ctx)?;
    taxonomy::save_term(state(ctx)?, &actor, term, key, input).await.map_err(gql)
}

async fn delete_term(ctx: &Context<'_>, term: Term, key: &str) -> Result<bool> {
    let actor = actor(ctx)?;
    taxonomy::delete_term(state(ctx)?, &actor, term, key).await.map_err(gql)?;
    Ok(true)
}

/// The client's address, for the login limits.
pub struct ClientAddress(pub String);
