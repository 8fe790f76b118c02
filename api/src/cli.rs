//! The `bantin` command.

use std::{path::PathBuf, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::{
    config::Settings,
    db,
    error::AppError,
    graphql, seed,
    services::{
        media::files,
        permissions::Role,
        search,
        users::{self, NewUser},
    },
    startup, telemetry,
};

/// Bantin — headless content API for news portals.
///
/// Environment: BANTIN_ADDR, BANTIN_DATA_DIR, DATABASE_URL, BANTIN_DB_POOL, BANTIN_PUBLIC_URL,
/// BANTIN_SECRET_KEY, BANTIN_JWT_SECRET, BANTIN_JWT_PRIVATE_KEY, BANTIN_JWT_PUBLIC_KEY,
/// BANTIN_JWT_ISSUER, BANTIN_JWT_AUDIENCE, BANTIN_ACCESS_TOKEN_TTL, BANTIN_REFRESH_TOKEN_DAYS,
/// BANTIN_PREVIEW_TOKEN_TTL, BANTIN_LOGIN_PER_ADDRESS, BANTIN_LOGIN_PER_ACCOUNT, BANTIN_CACHE, BANTIN_CACHE_ENTRIES, BANTIN_GRAPHQL_MAX_DEPTH,
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
    /// Manage newsroom accounts. Reads DATABASE_URL and BANTIN_DATA_DIR.
    #[command(subcommand)]
    User(UserCommand),
    /// Work on stored media files. Reads DATABASE_URL, BANTIN_DATA_DIR, BANTIN_STORAGE and
    /// BANTIN_RENDITION_WIDTHS.
    #[command(subcommand)]
    Media(MediaCommand),
    /// Work on the full-text search index. Reads DATABASE_URL and BANTIN_DATA_DIR.
    #[command(subcommand)]
    Search(SearchCommand),
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

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create an account, e.g. the first admin. The password is asked for at the terminal
    /// (not echoed), or read from the first line of standard input when it is not a terminal;
    /// it is never a command-line argument.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Name shown in the newsroom (defaults to the part of the email before `@`).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum MediaCommand {
    /// Make the renditions the current width set lists and the storage lacks, e.g. after
    /// changing BANTIN_RENDITION_WIDTHS; shows a progress bar.
    Regenerate {
        /// Rewrite every rendition, not only the missing ones (after an encoder change).
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand, Debug)]
enum SearchCommand {
    /// Rebuild the index from the articles, in one transaction (searches keep answering from
    /// the old index until it is done); shows a progress bar.
    Reindex,
}

fn parse_role(raw: &str) -> Result<Role, String> {
    Role::parse(raw).ok_or_else(|| format!("`{raw}` is not admin, editor or author"))
}

fn read_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Again: ")?;
        anyhow::ensure!(first == again, "the passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
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
                if seed::demo::load_if_empty(&db, &settings.media()?).await? {
                    println!("demo content loaded");
                } else {
                    println!("the database already has articles; demo content not loaded");
                }
            }
            if let Some(n) = args.synthetic {
                let report = seed::synthetic::generate(&db, &settings.media()?, n).await?;
                println!("{report}");
            }
            Ok(())
        }
        Command::User(UserCommand::Create { email, role, name }) => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let password = read_password()?;
            let display_name = name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
            let new = NewUser { email, display_name, role, password, author_id: None };
            let user = users::create(&db, None, new).await.map_err(|err| match err {
                AppError::Unprocessable { detail, errors, .. } => {
                    let fields: Vec<String> = errors.iter().map(|e| format!("{} {}", e.field, e.message)).collect();
                    anyhow::anyhow!("{detail}: {}", fields.join("; "))
                }
                other => anyhow::anyhow!("{other}"),
            })?;
            println!("created {} account {} (id {})", user.role.as_str(), user.email, user.id);
            Ok(())
        }
        Command::Media(MediaCommand::Regenerate { force }) => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let media = settings.media()?;
            let report = files::regenerate(&db, &media, force).await?;
            println!(
                "{} images checked in {}, {} rendition files written",
                report.images, media.storage.description, report.files_written
            );
            anyhow::ensure!(
                report.missing_originals.is_empty(),
                "originals missing from the storage: {}",
                report.missing_originals.join(", ")
            );
            Ok(())
        }
        Command::Search(SearchCommand::Reindex) => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            let held = search::index::reindex(&db).await?;
            println!("search index rebuilt: {held} public or scheduled articles");
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
