//! Accounts and sessions: creating and managing newsroom accounts, signing in with a
//! password, rotating refresh tokens, signing out.

use bantin_entity::{author, refresh_token, user};
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{
    audit,
    permissions::{Action, Actor, Role, authorize},
};
use crate::{
    auth::{passwords, tokens::Scope},
    domain::text::nfc,
    error::{AppError, AppResult, FieldError},
    state::AppState,
};

/// A newsroom account as the API shows it (never its password hash).
#[derive(Clone, Debug, Serialize, ToSchema, async_graphql::SimpleObject)]
pub struct User {
    /// The account id (`sub` of its tokens).
    pub id: i64,
    /// Sign-in email, lower-cased.
    #[schema(example = "bientap@example.vn")]
    pub email: String,
    /// Name shown in the newsroom.
    #[schema(example = "Nguyễn Thu Hà")]
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// Inactive accounts cannot sign in, and their tokens stop working at once.
    pub active: bool,
    /// The author profile the account signs articles with.
    pub author_id: Option<i64>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

fn view(row: user::Model) -> AppResult<User> {
    Ok(User {
        role: Role::parse(&row.role).ok_or_else(|| anyhow::anyhow!("account {} has an unknown role", row.id))?,
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        active: row.active,
        author_id: row.author_id,
        created_at: row.created_at,
    })
}

/// A new account.
#[derive(Clone, Debug, Deserialize, ToSchema, async_graphql::InputObject)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Sign-in email; unique, case-insensitive.
    pub email: String,
    /// Name shown in the newsroom, 1 to 120 characters.
    pub display_name: String,
    /// What the account may do.
    pub role: Role,
    /// 10 to 256 characters.
    pub password: String,
    /// The author profile the account signs articles with.
    pub author_id: Option<i64>,
}

/// Changes to an account; absent fields stay as they are.
#[derive(Clone, Debug, Default, Deserialize, ToSchema, async_graphql::InputObject)]
#[serde(deny_unknown_fields)]
pub struct UserChanges {
    /// New display name.
    pub display_name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// False deactivates the account and ends its sessions.
    pub active: Option<bool>,
    /// New password (10 to 256 characters); ends the account's sessions.
    pub password: Option<String>,
    /// Link to an author profile.
    pub author_id: Option<i64>,
}

/// A signed-in session: a short-lived access token and a refresh token to get the next one.
#[derive(Clone, Debug, Serialize, ToSchema, async_graphql::SimpleObject)]
pub struct Session {
    /// Send as `Authorization: Bearer <access_token>`.
    pub access_token: String,
    /// Always `Bearer`.
    #[schema(example = "Bearer")]
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Single use: `POST /api/v1/auth/refresh` returns a new one with the next access token.
    pub refresh_token: String,
    /// When the refresh token stops working.
    pub refresh_expires_at: DateTime<Utc>,
    /// The signed-in account.
    pub user: User,
}

fn normalise_email(raw: &str) -> String {
    nfc(raw.trim()).to_lowercase()
}

fn check_email(email: &str) -> AppResult<()> {
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !email.contains(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(AppError::invalid_fields(vec![FieldError {
            field: "email".into(),
            message: "is not an email address".into(),
        }]))
    }
}

async fn check_author<C: ConnectionTrait>(db: &C, author_id: Option<i64>) -> AppResult<()> {
    if let Some(id) = author_id
        && author::Entity::find_by_id(id).one(db).await?.is_none()
    {
        return Err(AppError::invalid_fields(vec![FieldError {
            field: "author_id".into(),
            message: format!("no author has id {id}"),
        }]));
    }
    Ok(())
}

/// Creates an account. `actor` is `None` only for the command line (`bantin user create`).
pub async fn create(db: &sea_orm::DatabaseConnection, actor: Option<&Actor>, new: NewUser) -> AppResult<User> {
    if let Some(actor) = actor {
        authorize(actor, Action::ManageUsers, None)?;
    }
    let email = normalise_email(&new.email);
    check_email(&email)?;
    passwords::validate("password", &new.password)?;
    let display_name = nfc(new.display_name.trim());
    if display_name.is_empty() || display_name.chars().count() > 120 {
        return Err(AppError::invalid_fields(vec![FieldError {
            field: "display_name".into(),
            message: "must be 1 to 120 characters".into(),
        }]));
    }
    let txn = db.begin().await?;
    check_author(&txn, new.author_id).await?;
    if user::Entity::find().filter(user::Column::Email.eq(&email)).one(&txn).await?.is_some() {
        return Err(AppError::Conflict { code: "email_taken", detail: "an account with this email exists".into() });
    }
    let now = Utc::now();
    let hash = passwords::hash(&new.password)?;
    let inserted = user::Entity::insert(user::ActiveModel {
        email: Set(email),
        display_name: Set(display_name),
        role: Set(new.role.as_str().to_owned()),
        active: Set(true),
        password_hash: Set(hash),
        author_id: Set(new.author_id),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    audit::record(&txn, actor, "user.create", ("user", Some(inserted.id)), json!({ "role": inserted.role })).await?;
    txn.commit().await?;
    view(inserted)
}

pub async fn list(state: &AppState, actor: &Actor) -> AppResult<Vec<User>> {
    authorize(actor, Action::ManageUsers, None)?;
    user::Entity::find().order_by_asc(user::Column::Id).all(state.db()).await?.into_iter().map(view).collect()
}

pub async fn update(state: &AppState, actor: &Actor, id: i64, changes: UserChanges) -> AppResult<User> {
    authorize(actor, Action::ManageUsers, None)?;
    let txn = state.db().begin().await?;
    let row = user::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound("user"))?;
    let mut update = user::ActiveModel { id: Set(id), updated_at: Set(Utc::now()), ..Default::default() };
    if let Some(name) = &changes.display_name {
        let name = nfc(name.trim());
        if name.is_empty() || name.chars().count() > 120 {
            return Err(AppError::invalid_fields(vec![FieldError {
                field: "display_name".into(),
                message: "must be 1 to 120 characters".into(),
            }]));
        }
        update.display_name = Set(name);
    }
    if let Some(password) = &changes.password {
        passwords::validate("password", password)?;
        update.password_hash = Set(passwords::hash(password)?);
    }
    if id == actor.user_id && (changes.active == Some(false) || changes.role.is_some_and(|r| r != Role::Admin)) {
        return Err(AppError::Conflict {
            code: "own_account",
            detail: "an admin cannot deactivate or demote their own account".into(),
        });
    }
    if let Some(role) = changes.role {
        update.role = Set(role.as_str().to_owned());
    }
    if let Some(active) = changes.active {
        update.active = Set(active);
    }
    if changes.author_id.is_some() {
        check_author(&txn, changes.author_id).await?;
        update.author_id = Set(changes.author_id);
    }
    let updated = user::Entity::update(update).exec(&txn).await?;
    if changes.active == Some(false) || changes.password.is_some() {
        revoke_all(&txn, id).await?;
    }
    audit::record(
        &txn,
        Some(actor),
        "user.update",
        ("user", Some(id)),
        json!({ "role": updated.role, "active": updated.active, "password_changed": changes.password.is_some(), "was": row.role }),
    )
    .await?;
    txn.commit().await?;
    view(updated)
}

pub async fn me(state: &AppState, actor: &Actor) -> AppResult<User> {
    view(user::Entity::find_by_id(actor.user_id).one(state.db()).await?.ok_or(AppError::NotFound("user"))?)
}

fn token_hash(token: &str) -> String {
    format!("{:x}", Sha256::digest(token.as_bytes()))
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

async fn revoke_all<C: ConnectionTrait>(db: &C, user_id: i64) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn open_session<C: ConnectionTrait>(
    state: &AppState,
    db: &C,
    account: user::Model,
    family: String,
) -> AppResult<Session> {
    let refresh = random_token();
    let now = Utc::now();
    let refresh_expires_at = now + Duration::days(state.auth.refresh_ttl_days);
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        user_id: Set(account.id),
        token_hash: Set(token_hash(&refresh)),
        family: Set(family),
        expires_at: Set(refresh_expires_at),
        revoked_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(db)
    .await?;
    let ttl = state.auth.access_ttl_secs;
    let access_token = state.auth.tokens.issue(account.id, &account.role, Scope::Access, None, ttl)?;
    Ok(Session {
        access_token,
        token_type: "Bearer".into(),
        expires_in: ttl,
        refresh_token: refresh,
        refresh_expires_at,
        user: view(account)?,
    })
}

/// Signs in. A wrong email and a wrong password get the same answer, in the same time.
pub async fn login(state: &AppState, client: &str, email: &str, password: &str) -> AppResult<Session> {
    let limits = &state.auth.login_limits;
    limits.per_address.hit(client)?;
    let email = normalise_email(email);
    limits.per_account.check(&email)?;
    let account = user::Entity::find().filter(user::Column::Email.eq(&email)).one(state.db()).await?;
    let password_ok = passwords::verify(password, account.as_ref().map(|a| a.password_hash.as_str()));
    let account = match account {
        Some(account) if password_ok && account.active => account,
        _ => {
            limits.per_account.hit(&email)?;
            return Err(AppError::Unauthenticated("wrong email or password"));
        }
    };
    limits.per_account.reset(&email);
    let txn = state.db().begin().await?;
    let session = open_session(state, &txn, account, random_token()).await?;
    audit::record(&txn, None, "auth.login", ("user", Some(session.user.id)), json!({ "client": client })).await?;
    txn.commit().await?;
    Ok(session)
}

/// Trades a refresh token for a new session. A token is good once: presenting a used one
/// again (a sign it was stolen) ends every session of its family.
pub async fn refresh(state: &AppState, token: &str) -> AppResult<Session> {
    let txn = state.db().begin().await?;
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash(token)))
        .one(&txn)
        .await?
        .ok_or(AppError::Unauthenticated("unknown refresh token"))?;
    if stored.revoked_at.is_some() {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .filter(refresh_token::Column::Family.eq(&stored.family))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        return Err(AppError::Unauthenticated("the refresh token was already used; sign in again"));
    }
    if stored.expires_at <= Utc::now() {
        return Err(AppError::Unauthenticated("the refresh token has expired; sign in again"));
    }
    let used = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(refresh_token::Column::Id.eq(stored.id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if used.rows_affected != 1 {
        return Err(AppError::Unauthenticated("the refresh token was already used; sign in again"));
    }
    let account = user::Entity::find_by_id(stored.user_id)
        .one(&txn)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::Unauthenticated("the account is unknown or deactivated"))?;
    let session = open_session(state, &txn, account, stored.family).await?;
    txn.commit().await?;
    Ok(session)
}

/// Ends the session the refresh token belongs to.
pub async fn logout(state: &AppState, token: &str) -> AppResult<()> {
    let stored = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash(token)))
        .one(state.db())
        .await?
        .ok_or(AppError::Unauthenticated("unknown refresh token"))?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, sea_orm::sea_query::Expr::value(Utc::now()))
        .filter(refresh_token::Column::Family.eq(&stored.family))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(state.db())
        .await?;
    audit::record(state.db(), None, "auth.logout", ("user", Some(stored.user_id)), json!({})).await?;
    Ok(())
}
