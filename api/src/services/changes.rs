//! Telling every process that public content changed. Each write bumps a generation number
//! in the same transaction; the writing process clears its caches at once, and every other
//! process sharing the database sees the new number within a second and does the same.

use std::{sync::Weak, time::Duration};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

use crate::{error::AppResult, sql::Sql, state::AppState};

const POLL: Duration = Duration::from_secs(1);

/// Marks a change; call inside the write's transaction.
pub async fn bump<C: ConnectionTrait>(db: &C) -> AppResult<()> {
    let mut sql = Sql::new(db.get_database_backend());
    sql.push("UPDATE content_state SET generation = generation + 1, changed_at = ")
        .bind(Utc::now())
        .push(" WHERE id = 1");
    db.execute_raw(sql.build()).await?;
    Ok(())
}

/// When public content last changed (to the second, as HTTP dates go); `None` before the
/// first write through the API.
pub async fn last_change<C: ConnectionTrait>(db: &C) -> AppResult<Option<DateTime<Utc>>> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT changed_at FROM content_state WHERE id = 1",
        ))
        .await?;
    let at = match row {
        Some(row) => row.try_get::<Option<DateTime<Utc>>>("", "changed_at")?,
        None => None,
    };
    Ok(at.and_then(|t| DateTime::from_timestamp(t.timestamp(), 0)))
}

async fn generation(db: &DatabaseConnection) -> Result<i64, sea_orm::DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT generation FROM content_state WHERE id = 1",
        ))
        .await?;
    Ok(row.map(|r| r.try_get::<i64>("", "generation")).transpose()?.unwrap_or_default())
}

/// Watches the generation on its own connection (so request metrics stay exact) until the
/// server's state is dropped.
pub fn watch(state: Weak<AppState>, db: DatabaseConnection) {
    tokio::spawn(async move {
        let mut seen = generation(&db).await.ok();
        loop {
            tokio::time::sleep(POLL).await;
            let Some(state) = state.upgrade() else { return };
            match generation(&db).await {
                Ok(now) if seen != Some(now) => {
                    seen = Some(now);
                    if let Err(err) = state.content_changed().await {
                        tracing::warn!(error = ?err, "cannot refresh after a content change");
                    }
                }
                Ok(_) => {}
                Err(err) => tracing::debug!(error = %err, "cannot read the content generation"),
            }
        }
    });
}
