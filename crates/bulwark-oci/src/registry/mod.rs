//! Registries: the distribution API client ([`RegistryClient`]), credentials from the Docker
//! config ([`credentials`]), and pushing a local image ([`push_image`]).

mod client;
pub mod credentials;

pub use client::{
    FetchedManifest, RegistryClient, RegistryOptions, fallback_tag, is_manifest_media_type,
};
pub use credentials::Credentials;

use crate::image::Image;
use crate::layer::sha256_of;
use crate::reference::Reference;
use crate::spec::{
    MEDIA_OCI_CONFIG, MEDIA_OCI_LAYER, MEDIA_OCI_LAYER_GZIP, MEDIA_OCI_LAYER_ZSTD,
    MEDIA_OCI_MANIFEST,
};
use crate::{Compression, Error, Result};

/// Pushes a local image (opened from an OCI layout or a docker archive) to `target`: the layer
/// blobs as stored, the config, then the manifest — as stored for an OCI layout (so the
/// digest stays the same), or a new OCI manifest for a docker archive. Blobs the registry
/// has are skipped; `chunk_size` uploads layers in chunks of that many bytes instead of one
/// request each. Returns the manifest digest.
///
/// # Errors
/// [`Error::Usage`] for an image pulled from a registry (its blobs are not kept);
/// [`Error::Registry`] when the registry refuses an upload.
pub fn push_image(
    client: &RegistryClient,
    image: &Image,
    target: &Reference,
    chunk_size: Option<usize>,
) -> Result<String> {
    let repo = &target.repository;
    let mut layer_descriptors = Vec::new();
    for (i, info) in image.layers().iter().enumerate() {
        let section = image.stored_layer(i).ok_or_else(|| {
            Error::Usage(format!(
                "{}: only images read from files can be pushed",
                image.source
            ))
        })?;
        let digest = if image.manifest.is_some() {
            info.digest.clone()
        } else {
            sha256_of(section.reader()).map_err(|e| Error::io(section.label(), e))?
        };
        match chunk_size {
            Some(n) => client.push_blob_chunked(repo, &digest, &mut section.reader(), n)?,
            None => {
                let s = section.clone();
                client.push_blob(repo, &digest, section.len(), &move || {
                    Ok(Box::new(s.reader()))
                })?;
            }
        }
        let media_type = match info.compression {
            Compression::None => MEDIA_OCI_LAYER,
            Compression::Gzip => MEDIA_OCI_LAYER_GZIP,
            Compression::Zstd => MEDIA_OCI_LAYER_ZSTD,
        };
        layer_descriptors.push(serde_json::json!({
            "mediaType": info.media_type.as_deref().unwrap_or(media_type),
            "digest": digest,
            "size": section.len(),
        }));
    }
    let config_type = image
        .manifest
        .as_ref()
        .map_or(MEDIA_OCI_CONFIG, |m| m.config.media_type.as_str());
    client.push_blob_bytes(repo, config_type, &image.config_bytes)?;
    let (media_type, bytes) = match (&image.manifest, &image.manifest_bytes) {
        (Some(m), Some(bytes)) => (
            m.media_type
                .clone()
                .unwrap_or_else(|| MEDIA_OCI_MANIFEST.to_string()),
            bytes.clone(),
        ),
        _ => {
            let manifest = serde_json::json!({
                "schemaVersion": 2,
                "mediaType": MEDIA_OCI_MANIFEST,
                "config": {
                    "mediaType": MEDIA_OCI_CONFIG,
                    "digest": image.config_digest,
                    "size": image.config_bytes.len(),
                },
                "layers": layer_descriptors,
            });
            let bytes = serde_json::to_vec(&manifest)
                .map_err(|e| Error::malformed(&image.source, e.to_string()))?;
            (MEDIA_OCI_MANIFEST.to_string(), bytes)
        }
    };
    let (digest, _) = client.push_manifest(repo, target.api_reference(), &media_type, &bytes)?;
    Ok(digest)
}
