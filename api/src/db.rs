//! Connecting to the database (SQLite or PostgreSQL) and bringing its schema up to date.

use std::time::Duration;

use anyhow::Context;
use bantin_migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

use crate::config::Settings;

/// How long a pooled connection may sit unused before it is checked again on checkout (like
/// HikariCP's bypass window, which skips the check for connections used moments ago).
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// How much of a SQLite database file is memory-mapped.
const MMAP_BYTES: u64 = 64 << 30;

/// Opens the pool. SQLite runs in WAL mode so readers never wait for the writer.
pub async fn connect(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    open(settings, false).await
}

/// A pool that opens its connections when first used, on the thread that uses it: for the
/// server's workers (see [`crate::state::AppState::db`]).
pub async fn connect_lazily(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    open(settings, true).await
}

/// Like [`connect_lazily`], for full-text statements on PostgreSQL: its sessions plan each
/// statement for the values it is run with (see [`crate::state::AppState::search_db`]).
pub async fn connect_for_search(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    open_with(settings, true, "force_custom_plan").await
}

async fn open(settings: &Settings, lazily: bool) -> anyhow::Result<DatabaseConnection> {
    // Public reads are a handful of statement shapes run thousands of times: plan each once
    // per connection instead of on every execution.
    open_with(settings, lazily, "force_generic_plan").await
}

async fn open_with(settings: &Settings, lazily: bool, plans: &'static str) -> anyhow::Result<DatabaseConnection> {
    let url = settings.database_url();
    if settings.database_url.is_none() {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("cannot create the data folder {}", settings.data_dir.display()))?;
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(settings.db_pool)
        .min_connections(u32::from(!lazily))
        .connect_lazy(lazily)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10))
        // By default sqlx pings a connection at every checkout as well as at every return:
        // three round trips per statement instead of two. Only a connection idle long enough
        // for a server or firewall to have dropped it is checked; a request that meets one the
        // database closed sooner gets a 503 (see `error::lost_connection`).
        .test_before_acquire_if_idle_for(IDLE_BEFORE_PING)
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // Reads go through the OS page cache without copying (up to 64 GB of file:
                // the ceiling is raised in `.cargo/config.toml`), and each connection keeps a
                // useful share of the hot pages (the default is 2 MB).
                .pragma("mmap_size", MMAP_BYTES.to_string())
                .pragma("cache_size", "-32768")
                .create_if_missing(true)
        })
        .map_sqlx_postgres_opts(move |opts| opts.options([("plan_cache_mode", plans)]));
    let scheme = url.split(':').next().unwrap_or_default();
    Database::connect(options)
        .await
        .with_context(|| format!("cannot connect to the {scheme} database (check DATABASE_URL)"))
}

/// One more connection, outside the request pool, for background work.
pub async fn connect_one(settings: &Settings) -> anyhow::Result<DatabaseConnection> {
    connect(&Settings { db_pool: 1, ..settings.clone() }).await
}

/// Applies pending migrations, then fills what a migration added but only Bantin can compute;
/// safe to run on every start.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("database migration failed")?;
    let filled = crate::services::editorial::read_models::fill_title_terms(db)
        .await
        .context("cannot fill the title terms of related news")?;
    if filled > 0 {
        tracing::info!(articles = filled, "title terms filled");
    }
    if crate::services::search::index::resume_merging(db).await.context("cannot check the search index's merging")? {
        tracing::warn!("a bulk load of the search index was cut short; merging is back on");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    use super::*;

    /// The settings of a command line that sets nothing.
    fn defaults() -> Settings {
        #[derive(clap::Parser)]
        struct Command {
            #[command(flatten)]
            settings: Settings,
        }
        <Command as clap::Parser>::parse_from(["bantin"]).settings
    }

    /// The SQLite build plans each statement once and maps large files whole; without the flags
    /// in `.cargo/config.toml` every public read would be compiled again on each execution.
    #[tokio::test]
    async fn sqlite_plans_statements_once_and_maps_large_files() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let parsed = defaults();
        let settings = Settings { database_url: None, data_dir: dir.path().to_owned(), ..parsed };
        let db = connect(&settings).await.expect("database");
        let one = |sql: &'static str| {
            let db = db.clone();
            async move {
                let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, sql)).await.expect("query");
                row.expect("a row").try_get_by_index::<i64>(0).expect("a number")
            }
        };
        assert_eq!(one("SELECT sqlite_compileoption_used('ENABLE_QPSG')").await, 1);
        assert_eq!(one("PRAGMA mmap_size").await, i64::try_from(MMAP_BYTES).expect("fits"));
    }

    /// On PostgreSQL (`TEST_DATABASE_URL`), request sessions reuse one plan per statement and
    /// search sessions plan each statement for its values.
    #[tokio::test]
    async fn search_sessions_plan_for_their_values_and_the_others_once() {
        let Some(url) = std::env::var("TEST_DATABASE_URL").ok().filter(|u| u.starts_with("postgres")) else {
            return;
        };
        let parsed = defaults();
        let settings = Settings { database_url: Some(url), db_pool: 1, ..parsed };
        for (db, expected) in [
            (connect(&settings).await.expect("pool"), "force_generic_plan"),
            (connect_for_search(&settings).await.expect("search pool"), "force_custom_plan"),
        ] {
            let row = db
                .query_one_raw(Statement::from_string(DbBackend::Postgres, "SHOW plan_cache_mode"))
                .await
                .expect("setting")
                .expect("a row");
            assert_eq!(row.try_get_by_index::<String>(0).expect("text"), expected);
        }
    }
}
