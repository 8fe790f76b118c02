//! Who is asking: accounts, roles and tokens. Handlers call [`viewer`] once per request; the
//! service layer decides what each viewer may do (see `services::permissions`).

pub mod limiter;
pub mod passwords;
pub mod tokens;

use actix_web::{HttpMessage, HttpRequest, http::header};
use bantin_entity::user;
use sea_orm::EntityTrait;

use self::tokens::{Claims, Scope};
use crate::{
    error::{AppError, AppResult},
    services::permissions::{Actor, Role},
    state::AppState,
};

/// The reader of a request.
#[derive(Clone, Debug)]
pub enum Viewer {
    /// No token: only public content.
    Public,
    /// A preview token: public content plus this one article, whatever its status.
    Preview { article_id: i64 },
    /// A signed-in newsroom account.
    Staff(Actor),
}

impl Viewer {
    pub fn staff(&self) -> Option<&Actor> {
        match self {
            Viewer::Staff(actor) => Some(actor),
            _ => None,
        }
    }

    /// The signed-in account, or 401.
    pub fn require(self) -> AppResult<Actor> {
        match self {
            Viewer::Staff(actor) => Ok(actor),
            Viewer::Preview { .. } => Err(AppError::Unauthenticated("a preview token only reads its article")),
            Viewer::Public => Err(AppError::Unauthenticated("sign in: send `Authorization: Bearer <access token>`")),
        }
    }
}

/// The bearer token of a request, if it sent one; a malformed header is an error.
pub fn bearer(req: &HttpRequest) -> AppResult<Option<&str>> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| AppError::Unauthenticated("the Authorization header is not text"))?;
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(Some(token.trim()))
        }
        _ => Err(AppError::Unauthenticated("use `Authorization: Bearer <token>`")),
    }
}

/// Refuses a request whose bearer token is not valid, whatever the endpoint: a client sending
/// a broken token learns so, instead of silently getting the anonymous answer. Checks the
/// signature and claims only, and keeps the claims for [`viewer`], which reads the account.
pub fn check_bearer(req: &HttpRequest, state: &AppState) -> AppResult<()> {
    if let Some(token) = bearer(req)? {
        let claims = state.auth.tokens.verify(token)?;
        req.extensions_mut().insert(claims);
    }
    Ok(())
}

/// Resolves a request's token. The account is read again so a deactivated account or a
/// changed role takes effect at once, not when the token expires.
pub async fn viewer(req: &HttpRequest, state: &AppState) -> AppResult<Viewer> {
    let verified = req.extensions().get::<Claims>().cloned();
    let claims = match verified {
        Some(claims) => claims,
        None => match bearer(req)? {
            None => return Ok(Viewer::Public),
            Some(token) => state.auth.tokens.verify(token)?,
        },
    };
    viewer_for_claims(state, claims).await
}

async fn viewer_for_claims(state: &AppState, claims: Claims) -> AppResult<Viewer> {
    let user_id: i64 = claims.sub.parse().map_err(|_| AppError::Unauthenticated("the token is malformed"))?;
    let account = user::Entity::find_by_id(user_id)
        .one(state.db())
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::Unauthenticated("the account is unknown or deactivated"))?;
    match claims.scope {
        Scope::Preview => {
            let article_id = claims.article.ok_or(AppError::Unauthenticated("the token is malformed"))?;
            Ok(Viewer::Preview { article_id })
        }
        Scope::Access => {
            let role =
                Role::parse(&account.role).ok_or_else(|| anyhow::anyhow!("account {user_id} has an unknown role"))?;
            Ok(Viewer::Staff(Actor { user_id, role, author_id: account.author_id }))
        }
    }
}
