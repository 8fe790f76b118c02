//! Typed settings from command-line flags and environment variables. Every setting has a
//! default that works on one machine; a bad value stops start-up with a message naming it.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, ValueEnum};

use crate::{imaging::RenditionSet, state::Media, storage::Storage};

/// Settings shared by every subcommand.
#[derive(Args, Clone, Debug)]
pub struct Settings {
    /// Address the HTTP server listens on.
    #[arg(long, env = "BANTIN_ADDR", default_value = "127.0.0.1:8080", global = true)]
    pub addr: SocketAddr,

    /// Folder for the embedded SQLite database, media files and the generated secret key.
    #[arg(long, env = "BANTIN_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,

    /// Database to use instead of the embedded SQLite file, e.g. postgres://user@host/db.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,

    /// Database connections for requests, shared out among the worker threads (each has a pool;
    /// on PostgreSQL as many again for searches). Default: twice the processor cores, for a
    /// database on the same machine; raise it for one across a network.
    #[arg(long, env = "BANTIN_DB_POOL", default_value_t = default_db_pool(), value_parser = clap::value_parser!(u32).range(1..=256), global = true)]
    pub db_pool: u32,

    /// Public origin of this API (used in media URLs and Link headers); defaults to http://ADDR.
    #[arg(long, env = "BANTIN_PUBLIC_URL", value_parser = parse_origin, global = true)]
    pub public_url: Option<String>,

    /// Secret that signs cursors; processes sharing a database must share it. Generated once
    /// into the data folder when unset.
    #[arg(long, env = "BANTIN_SECRET_KEY", hide_env_values = true, global = true)]
    pub secret_key: Option<String>,

    /// Secret that signs access tokens with HS256 (at least 32 characters). When neither this
    /// nor a key file is set, a key is generated once into the data folder.
    #[arg(long, env = "BANTIN_JWT_SECRET", hide_env_values = true, global = true)]
    pub jwt_secret: Option<String>,

    /// PEM private key (Ed25519 for EdDSA, or RSA for RS256) that signs access tokens; needs
    /// `--jwt-public-key`. Takes precedence over `BANTIN_JWT_SECRET`.
    #[arg(long, env = "BANTIN_JWT_PRIVATE_KEY", requires = "jwt_public_key", global = true)]
    pub jwt_private_key: Option<PathBuf>,

    /// PEM public key matching `--jwt-private-key`.
    #[arg(long, env = "BANTIN_JWT_PUBLIC_KEY", requires = "jwt_private_key", global = true)]
    pub jwt_public_key: Option<PathBuf>,

    /// `iss` of the tokens this server issues and accepts.
    #[arg(long, env = "BANTIN_JWT_ISSUER", default_value = "bantin", global = true)]
    pub jwt_issuer: String,

    /// `aud` of the tokens this server issues and accepts.
    #[arg(long, env = "BANTIN_JWT_AUDIENCE", default_value = "bantin-api", global = true)]
    pub jwt_audience: String,

    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "BANTIN_ACCESS_TOKEN_TTL", default_value_t = 900, value_parser = clap::value_parser!(u32).range(10..=86_400), global = true)]
    pub access_token_ttl: u32,

    /// Lifetime of a refresh token, in days.
    #[arg(long, env = "BANTIN_REFRESH_TOKEN_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=365), global = true)]
    pub refresh_token_days: u32,

    /// Lifetime of an article preview token, in seconds.
    #[arg(long, env = "BANTIN_PREVIEW_TOKEN_TTL", default_value_t = 3_600, value_parser = clap::value_parser!(u32).range(10..=604_800), global = true)]
    pub preview_token_ttl: u32,

    /// Login attempts allowed per client address per minute.
    #[arg(long, env = "BANTIN_LOGIN_PER_ADDRESS", default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub login_per_address: u32,

    /// Failed logins allowed per account per 15 minutes.
    #[arg(long, env = "BANTIN_LOGIN_PER_ACCOUNT", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub login_per_account: u32,

    /// Where media files are stored: a folder, or `s3://bucket/prefix` for S3-compatible object
    /// storage (credentials, region and endpoint from the usual `AWS_*` variables). Default: the
    /// `media` folder inside the data folder.
    #[arg(long, env = "BANTIN_STORAGE", global = true)]
    pub storage: Option<String>,

    /// Largest media upload accepted, in bytes.
    #[arg(long, env = "BANTIN_UPLOAD_MAX_BYTES", default_value_t = 20 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1024..=1 << 30), global = true)]
    pub upload_max_bytes: u64,

    /// Widths, in pixels, that images are served at (WebP and their own format). After a
    /// change, `bantin media regenerate` makes the missing files.
    #[arg(long, env = "BANTIN_RENDITION_WIDTHS", default_value = "320,640,1024,1600", value_parser = RenditionSet::parse, global = true)]
    pub rendition_widths: RenditionSet,

    /// In-process cache of public responses (on|off).
    #[arg(long, env = "BANTIN_CACHE", default_value = "on", value_parser = parse_switch, action = clap::ArgAction::Set, global = true)]
    pub cache: bool,

    /// Most public responses kept in the cache.
    #[arg(long, env = "BANTIN_CACHE_ENTRIES", default_value_t = 20_000, global = true)]
    pub cache_entries: u64,

    /// Deepest GraphQL query accepted.
    #[arg(long, env = "BANTIN_GRAPHQL_MAX_DEPTH", default_value_t = 10, value_parser = clap::value_parser!(u16).range(2..=64), global = true)]
    pub graphql_max_depth: u16,

    /// Highest GraphQL query complexity accepted (each field counts 1, lists multiply by `first`).
    #[arg(long, env = "BANTIN_GRAPHQL_MAX_COMPLEXITY", default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(10..), global = true)]
    pub graphql_max_complexity: u32,

    /// Largest `first` a GraphQL list accepts.
    #[arg(long, env = "BANTIN_GRAPHQL_MAX_PAGE_SIZE", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=1000), global = true)]
    pub graphql_max_page_size: u64,

    /// GraphQL introspection (on|off); GraphiQL needs it.
    #[arg(long, env = "BANTIN_GRAPHQL_INTROSPECTION", default_value = "on", value_parser = parse_switch, action = clap::ArgAction::Set, global = true)]
    pub graphql_introspection: bool,

    /// HTTP worker threads (default: one per CPU core).
    #[arg(long, env = "BANTIN_WORKERS", global = true)]
    pub workers: Option<usize>,

    /// Log format.
    #[arg(long, env = "BANTIN_LOG_FORMAT", value_enum, default_value = "pretty", global = true)]
    pub log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

impl Settings {
    /// The connection string: `DATABASE_URL`, or the SQLite file in the data folder.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("bantin.db").display()),
        }
    }

    pub fn graphql_limits(&self) -> crate::graphql::Limits {
        crate::graphql::Limits {
            max_depth: usize::from(self.graphql_max_depth),
            max_complexity: usize::try_from(self.graphql_max_complexity).unwrap_or(usize::MAX),
            max_page_size: self.graphql_max_page_size,
            introspection: self.graphql_introspection,
        }
    }

    /// The media store named by `--storage` (or the data folder's `media` folder), with the
    /// rendition widths and the upload limit.
    pub fn media(&self) -> anyhow::Result<Media> {
        let storage = match &self.storage {
            Some(location) => Storage::open(location)?,
            None => Storage::local(&self.data_dir.join("media"))?,
        };
        Ok(Media { storage, renditions: self.rendition_widths.clone(), upload_limit: self.upload_max_bytes })
    }
}

/// Twice the processor cores. More connections than that only queue inside a database on the
/// same machine, where the waiting stretches the slowest responses: on 2 cores at 32 client
/// connections, 16 database connections gave related news a p99 of 25 ms, 4 gave 15 ms, for the
/// same throughput (docs/benchmarks.md).
fn default_db_pool() -> u32 {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    u32::try_from(cores.saturating_mul(2)).unwrap_or(256).clamp(2, 256)
}

fn parse_origin(raw: &str) -> Result<String, String> {
    let trimmed = raw.trim_end_matches('/');
    let scheme_ok = trimmed.starts_with("http://") || trimmed.starts_with("https://");
    let host = trimmed.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
    if scheme_ok && !host.is_empty() && !host.contains(char::is_whitespace) {
        Ok(trimmed.to_owned())
    } else {
        Err(format!("`{raw}` is not an http(s) origin such as https://api.example.vn"))
    }
}

fn parse_switch(raw: &str) -> Result<bool, String> {
    match raw.to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" => Ok(false),
        _ => Err(format!("`{raw}` is not on or off")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_must_be_http_urls() {
        assert_eq!(parse_origin("https://api.example.vn/").as_deref(), Ok("https://api.example.vn"));
        for bad in ["api.example.vn", "ftp://x", "https://", "http://a b"] {
            assert!(parse_origin(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn switches_accept_common_spellings() {
        assert_eq!(parse_switch("OFF"), Ok(false));
        assert_eq!(parse_switch("on"), Ok(true));
        assert!(parse_switch("maybe").is_err());
    }

    #[test]
    fn the_default_pool_is_two_connections_per_core() {
        #[derive(clap::Parser)]
        struct Command {
            #[command(flatten)]
            settings: Settings,
        }
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let settings = <Command as clap::Parser>::try_parse_from(["bantin"]).expect("no flags").settings;
        assert_eq!(usize::try_from(settings.db_pool).expect("small"), (2 * cores).max(2));
        let settings =
            <Command as clap::Parser>::try_parse_from(["bantin", "--db-pool", "3"]).expect("a flag").settings;
        assert_eq!(settings.db_pool, 3);
    }
}
