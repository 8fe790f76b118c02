//! Database migrations, append-only once landed: a change to the schema is a new file.

pub use sea_orm_migration::prelude::*;

mod m20261127_000001_content_model;
mod m20261128_000001_editorial;
mod m20261128_000002_media_library;
mod m20261128_000003_search_and_related;
mod m20261128_000004_search_words;
mod m20261129_000001_related_candidates;
mod m20261129_000002_fast_compression;
mod m20261129_000003_title_terms;

/// Runs Bantin's migrations in order; `bantin migrate` and server start-up both use it.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_content_model::Migration),
            Box::new(m20261128_000001_editorial::Migration),
            Box::new(m20261128_000002_media_library::Migration),
            Box::new(m20261128_000003_search_and_related::Migration),
            Box::new(m20261128_000004_search_words::Migration),
            Box::new(m20261129_000001_related_candidates::Migration),
            Box::new(m20261129_000002_fast_compression::Migration),
            Box::new(m20261129_000003_title_terms::Migration),
        ]
    }
}
