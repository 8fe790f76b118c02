//! Where media files live: a local folder (the embedded default) or an S3-compatible bucket,
//! behind one interface from the `object_store` crate. Keys are content-addressed file names,
//! so a write never changes what an existing name serves.

use std::{ops::Range, path::Path, sync::Arc};

use anyhow::Context;
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream::BoxStream};
use object_store::{
    GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload, aws::AmazonS3Builder, local::LocalFileSystem,
    path::Path as ObjectPath,
};

/// The media store.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Where files go, for start-up messages.
    pub description: String,
}

impl Storage {
    /// Files in a folder, created if missing.
    pub fn local(dir: &Path) -> anyhow::Result<Storage> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let store = LocalFileSystem::new_with_prefix(dir).with_context(|| format!("cannot use {}", dir.display()))?;
        Ok(Storage { store: Arc::new(store), description: dir.display().to_string() })
    }

    /// A bucket named by `s3://bucket[/prefix]`; credentials, region and endpoint come from the
    /// usual `AWS_*` variables (`AWS_ENDPOINT`, `AWS_ALLOW_HTTP=true` for a local server).
    pub fn s3(url: &str) -> anyhow::Result<Storage> {
        let rest = url.strip_prefix("s3://").context("an S3 location starts with s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        anyhow::ensure!(!bucket.is_empty(), "the S3 location names no bucket");
        let store = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .build()
            .with_context(|| format!("cannot use {url}"))?;
        let store: Arc<dyn ObjectStore> = if prefix.trim_matches('/').is_empty() {
            Arc::new(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix.trim_matches('/')))
        };
        Ok(Storage { store, description: url.to_owned() })
    }

    /// `s3://…` or a folder path.
    pub fn open(location: &str) -> anyhow::Result<Storage> {
        if location.starts_with("s3://") { Storage::s3(location) } else { Storage::local(Path::new(location)) }
    }

    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.store
            .put(&ObjectPath::from(key), PutPayload::from(Bytes::from(bytes)))
            .await
            .with_context(|| format!("cannot store {key}"))?;
        Ok(())
    }

    /// The size of a stored file, or `None` when there is no such file.
    pub async fn size(&self, key: &str) -> anyhow::Result<Option<u64>> {
        match self.store.head(&ObjectPath::from(key)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err).with_context(|| format!("cannot look up {key}")),
        }
    }

    /// A whole file, or `None`.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Bytes>> {
        match self.store.get(&ObjectPath::from(key)).await {
            Ok(result) => Ok(Some(result.bytes().await.with_context(|| format!("cannot read {key}"))?)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(err).with_context(|| format!("cannot read {key}")),
        }
    }

    /// A file (or a byte range of it) as a stream, so large files are never held in memory.
    pub async fn stream(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> anyhow::Result<BoxStream<'static, std::io::Result<Bytes>>> {
        let options = GetOptions { range: range.map(GetRange::Bounded), ..Default::default() };
        let result =
            self.store.get_opts(&ObjectPath::from(key), options).await.with_context(|| format!("cannot read {key}"))?;
        Ok(result.into_stream().map_err(std::io::Error::other).boxed())
    }

    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&ObjectPath::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err).with_context(|| format!("cannot delete {key}")),
        }
    }
}
