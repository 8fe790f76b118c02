//! Making and storing the files of an image: the cleaned original and its renditions. The
//! pixel work runs on blocking threads; only finished files go to the storage.

use std::io::{Read, Seek, SeekFrom};

use anyhow::Context;
use bantin_entity::media;
use image::DynamicImage;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{DatabaseConnection, EntityTrait, QuerySelect};
use sha2::{Digest, Sha256};

use crate::{
    error::{AppError, AppResult},
    imaging::{
        FileKey, Format, Planned,
        process::{self, EncodedFile, Rejected},
    },
    state::Media,
};

/// A stored image.
#[derive(Clone, Debug)]
pub struct Stored {
    pub key: FileKey,
    pub width: u32,
    pub height: u32,
    /// Size of the served original.
    pub byte_size: i64,
}

/// Files made from one image, not yet stored.
struct Made {
    key: FileKey,
    width: u32,
    height: u32,
    original: Vec<u8>,
    renditions: Vec<EncodedFile>,
}

impl Made {
    async fn store(self, media: &Media) -> anyhow::Result<Stored> {
        let byte_size = i64::try_from(self.original.len()).unwrap_or(i64::MAX);
        for (key, bytes) in self.renditions {
            media.storage.put(&key.to_string(), bytes).await?;
        }
        // The original goes last: once it exists, every file it lists exists too.
        media.storage.put(&self.key.to_string(), self.original).await?;
        Ok(Stored { key: self.key, width: self.width, height: self.height, byte_size })
    }
}

/// The content address of some bytes: 32 hex digits of their SHA-256.
fn stem_of(hasher: Sha256) -> String {
    hasher.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Turns an uploaded file into a stored image: the type comes from the bytes, EXIF orientation
/// is applied, metadata is dropped, and every rendition of the current set is made. A file
/// that is not an accepted image is refused with 415 and nothing is stored.
pub async fn store_upload(media: &Media, mut file: std::fs::File) -> AppResult<Stored> {
    let renditions = media.renditions.clone();
    let made = tokio::task::spawn_blocking(move || -> Result<Made, StoreFailure> {
        let mut hasher = Sha256::new();
        file.seek(SeekFrom::Start(0)).map_err(|e| StoreFailure::Other(e.into()))?;
        std::io::copy(&mut file, &mut hasher).map_err(|e| StoreFailure::Other(e.into()))?;
        file.seek(SeekFrom::Start(0)).map_err(|e| StoreFailure::Other(e.into()))?;
        let decoded = process::decode(&mut file).map_err(StoreFailure::Rejected)?;
        let key = FileKey::original(&stem_of(hasher), decoded.format);
        let original = if decoded.format == Format::Gif {
            // Re-encoding would flatten an animation; GIF carries no EXIF to strip.
            let mut bytes = Vec::new();
            file.seek(SeekFrom::Start(0)).map_err(|e| StoreFailure::Other(e.into()))?;
            file.read_to_end(&mut bytes).map_err(|e| StoreFailure::Other(e.into()))?;
            bytes
        } else {
            process::encode(&decoded.image, decoded.format).map_err(StoreFailure::Other)?
        };
        let (width, height) = (decoded.image.width(), decoded.image.height());
        let plan = renditions.plan(&key, width, height);
        let files = process::render(&decoded.image, &plan).map_err(StoreFailure::Other)?;
        Ok(Made { key, width, height, original, renditions: files })
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    match made {
        Ok(made) => Ok(made.store(media).await?),
        Err(StoreFailure::Rejected(why)) => Err(AppError::UnsupportedMedia(why.to_string())),
        Err(StoreFailure::Other(err)) => Err(AppError::Internal(err)),
    }
}

enum StoreFailure {
    Rejected(Rejected),
    Other(anyhow::Error),
}

/// Stores an image made by the program itself (demo photos) as JPEG with its renditions.
pub async fn store_generated(media: &Media, image: DynamicImage) -> anyhow::Result<Stored> {
    let renditions = media.renditions.clone();
    let made = tokio::task::spawn_blocking(move || -> anyhow::Result<Made> {
        let original = process::encode(&image, Format::Jpeg)?;
        let mut hasher = Sha256::new();
        hasher.update(&original);
        let key = FileKey::original(&stem_of(hasher), Format::Jpeg);
        let (width, height) = (image.width(), image.height());
        let plan = renditions.plan(&key, width, height);
        let files = process::render(&image, &plan)?;
        Ok(Made { key, width, height, original, renditions: files })
    })
    .await??;
    made.store(media).await
}

/// The files of an image that the current set lists but the storage lacks (all of them with
/// `force`).
async fn missing(media: &Media, plan: &[Planned], force: bool) -> anyhow::Result<Vec<Planned>> {
    let mut out = Vec::new();
    for planned in plan.iter().filter(|p| p.key.width.is_some()) {
        if force || media.storage.size(&planned.key.to_string()).await?.is_none() {
            out.push(planned.clone());
        }
    }
    Ok(out)
}

/// What `bantin media regenerate` did.
#[derive(Debug, Default)]
pub struct Regenerated {
    pub images: u64,
    pub files_written: u64,
    /// Originals missing from the storage: their renditions cannot be made.
    pub missing_originals: Vec<String>,
}

/// Makes the renditions of every stored image that the current set lists and the storage
/// lacks (or all of them with `force`), with a progress bar on the terminal.
pub async fn regenerate(db: &DatabaseConnection, media: &Media, force: bool) -> anyhow::Result<Regenerated> {
    let images: Vec<(String, i32, i32)> = media::Entity::find()
        .select_only()
        .column(media::Column::FileKey)
        .column(media::Column::Width)
        .column(media::Column::Height)
        .distinct()
        .into_tuple()
        .all(db)
        .await
        .context("cannot list media")?;
    let bar = ProgressBar::new(images.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} images, {per_sec}, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut report = Regenerated::default();
    for (file_key, width, height) in images {
        bar.inc(1);
        report.images += 1;
        let (Some(original), Ok(width), Ok(height)) =
            (FileKey::parse(&file_key), u32::try_from(width), u32::try_from(height))
        else {
            continue;
        };
        let todo = missing(media, &media.renditions.plan(&original, width, height), force).await?;
        if todo.is_empty() {
            continue;
        }
        let Some(bytes) = media.storage.get(&file_key).await? else {
            report.missing_originals.push(file_key);
            continue;
        };
        let files = tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<EncodedFile>> {
            let decoded = process::decode(std::io::Cursor::new(bytes))
                .map_err(|why| anyhow::anyhow!("{file_key} cannot be read: {why}"))?;
            process::render(&decoded.image, &todo)
        })
        .await??;
        for (key, bytes) in files {
            media.storage.put(&key.to_string(), bytes).await?;
            report.files_written += 1;
        }
    }
    bar.finish_and_clear();
    Ok(report)
}
