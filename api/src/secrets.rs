//! Server secrets: from configuration, or generated once into the data folder.

use std::{fs, io::Write, path::Path};

use anyhow::Context;
use rand::RngCore;

use crate::config::Settings;

/// Bytes that sign cursors. Several processes serving one database must be given the same
/// `BANTIN_SECRET_KEY`; a single machine keeps a generated key in its data folder.
pub fn cursor_secret(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    configured_or_generated(settings.secret_key.as_deref(), "BANTIN_SECRET_KEY", &settings.data_dir, "secret.key")
}

/// Bytes that sign access tokens with HS256 when no key files are configured.
pub fn jwt_secret(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    configured_or_generated(settings.jwt_secret.as_deref(), "BANTIN_JWT_SECRET", &settings.data_dir, "jwt.key")
}

fn configured_or_generated(
    configured: Option<&str>,
    variable: &str,
    data_dir: &Path,
    file_name: &str,
) -> anyhow::Result<Vec<u8>> {
    if let Some(key) = configured {
        anyhow::ensure!(key.len() >= 32, "{variable} must be at least 32 characters long");
        return Ok(key.as_bytes().to_vec());
    }
    let path = data_dir.join(file_name);
    if let Ok(existing) = fs::read_to_string(&path) {
        let key = existing.trim();
        anyhow::ensure!(key.len() >= 32, "{} is too short; delete it to have a new one generated", path.display());
        return Ok(key.as_bytes().to_vec());
    }
    fs::create_dir_all(data_dir).with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut file = fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(key.as_bytes())?;
    tracing::warn!(path = %path.display(), "generated a signing key; set {variable} when running several processes");
    Ok(key.into_bytes())
}
