//! The `bantin` command.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::{config::Settings, db, graphql, seed, startup, telemetry};

/// Bantin — headless content API for news portals.
///
/// Environment: BANTIN_ADDR, BANTIN_DATA_DIR, DATABASE_URL, BANTIN_DB_POOL, BANTIN_PUBLIC_URL,
/// BANTIN_SECRET_KEY, BANTIN_CACHE, BANTIN_CACHE_ENTRIES, BANTIN_GRAPHQL_MAX_DEPTH,
/// BANTIN_GRAPHQL_MAX_COMPLEXITY, BANTIN_GRAPHQL_MAX_PAGE_SIZE, BANTIN_GRAPHQL_INTROSPECTION,
/// BANTIN_WORKERS, BANTIN_LOG_FORMAT, RUST_LOG. Each has a flag of the same name (see below).
#[derive(Parser, Debug)]
#[command(name = "bantin", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the HTTP server (the default): migrates the database and loads the demo content
    /// when it is empty. Reads every BANTIN_* variable and DATABASE_URL.
    Serve,
    /// Apply pending database migrations and exit. Reads DATABASE_URL and BANTIN_DATA_DIR.
    Migrate,
    /// Load content: the Vietnamese demo site, or N synthetic articles for benchmarks.
    /// Reads DATABASE_URL and BANTIN_DATA_DIR.
    Seed(SeedArgs),
    /// Write the OpenAPI document of the REST API (YAML). Reads nothing.
    ExportOpenapi {
        /// Where to write it.
        #[arg(long, short, default_value = "openapi.yaml")]
        output: PathBuf,
    },
    /// Write the GraphQL schema (SDL). Reads nothing.
    ExportSchema {
        /// Where to write it.
        #[arg(long, short, default_value = "schema/schema.graphql")]
        output: PathBuf,
    },
}

#[derive(clap::Args, Debug)]
#[group(required = true, multiple = false)]
struct SeedArgs {
    /// Load the demo content (skipped when the database already has articles).
    #[arg(long)]
    demo: bool,
    /// Generate this many synthetic articles (Vietnamese text, images, tags, five years of dates).
    #[arg(long, value_name = "N")]
    synthetic: Option<u64>,
}

/// Parses the command line and runs it; errors are printed with their causes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(cli.settings.log_format, "info,sqlx=warn,sea_orm=warn");
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = cli.settings;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = startup::Application::build(settings).await?;
            let base = app.base_url().to_owned();
            println!("Bantin is listening on {base}");
            println!("  REST API      {base}/api/v1/articles");
            println!("  OpenAPI       {base}/openapi.json  ({base}/openapi.yaml)");
            println!("  API docs      {base}/docs/");
            println!("  GraphQL       {base}/graphql  (GraphiQL in a browser)");
            app.run_until_stopped().await.context("the server stopped with an error")
        }
        Command::Migrate => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Seed(args) => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            if args.demo {
                if seed::demo::load_if_empty(&db, &settings.media_dir()).await? {
                    println!("demo content loaded");
                } else {
                    println!("the database already has articles; demo content not loaded");
                }
            }
            if let Some(n) = args.synthetic {
                let report = seed::synthetic::generate(&db, &settings.media_dir(), n).await?;
                println!("{report}");
            }
            Ok(())
        }
        Command::ExportSchema { output } => {
            std::fs::write(&output, graphql::sdl()).with_context(|| format!("cannot write {}", output.display()))?;
            println!("wrote {}", output.display());
            Ok(())
        }
        Command::ExportOpenapi { output } => {
            let yaml = startup::openapi().to_yaml().context("cannot render the OpenAPI document")?;
            std::fs::write(&output, yaml).with_context(|| format!("cannot write {}", output.display()))?;
            println!("wrote {}", output.display());
            Ok(())
        }
    }
}
