//! The server's signing secret: from configuration, or generated once into the data folder.

use std::{fs, io::Write};

use anyhow::Context;
use rand::RngCore;

use crate::config::Settings;

const FILE_NAME: &str = "secret.key";

/// Bytes that sign cursors. Several processes serving one database must be given the same
/// `BANTIN_SECRET_KEY`; a single machine keeps a generated key in its data folder.
pub fn cursor_secret(settings: &Settings) -> anyhow::Result<Vec<u8>> {
    if let Some(key) = &settings.secret_key {
        anyhow::ensure!(key.len() >= 32, "BANTIN_SECRET_KEY must be at least 32 characters long");
        return Ok(key.as_bytes().to_vec());
    }
    let path = settings.data_dir.join(FILE_NAME);
    if let Ok(existing) = fs::read_to_string(&path) {
        let key = existing.trim();
        anyhow::ensure!(key.len() >= 32, "{} is too short; delete it to have a new one generated", path.display());
        return Ok(key.as_bytes().to_vec());
    }
    fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("cannot create the data folder {}", settings.data_dir.display()))?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let key: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut file = fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(key.as_bytes())?;
    tracing::warn!(path = %path.display(), "generated a signing key; set BANTIN_SECRET_KEY when running several processes");
    Ok(key.into_bytes())
}
