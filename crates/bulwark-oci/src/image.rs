//! Opening an image: choosing the manifest (by name, by platform), reading its config, reading
//! its layers (in parallel, each decompressed once) and squashing them into a [`FileTree`].

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use crate::archive::{Store, read_section};
use crate::fs::{FileTree, LayerInfo};
use crate::layer::{IndexedLayer, LayerBudget, index_layer, index_remote, sha256_bytes};
use crate::reference::{Reference, Repository};
use crate::registry::{RegistryClient, RegistryOptions};
use crate::section::Section;
use crate::spec::{
    ANNOTATION_REF_NAME, Descriptor, DockerArchiveImage, ImageConfig, Index, Manifest, Platform,
    check_digest, is_index_media_type, parse_json,
};
use crate::squash::Squasher;
use crate::{Error, Limits, Result};

/// How to open an image.
#[derive(Debug, Clone, Default)]
pub struct OpenOptions {
    /// The platform to choose from a multi-platform index (default: the host's, or the only
    /// one there is).
    pub platform: Option<Platform>,
    /// Bounds on the input.
    pub limits: Limits,
    /// Folder for the spool files of decompressed layers (default: the system's temporary
    /// folder). Spool files are anonymous: they vanish when the image is dropped.
    pub spool_dir: Option<PathBuf>,
    /// Skip checking blob digests and layer diff ids of local images (registry blobs are
    /// always checked).
    pub skip_verify: bool,
    /// How to reach registries (plain HTTP, credentials).
    pub registry: RegistryOptions,
}

/// An image read from an OCI layout, an archive or a registry.
#[derive(Debug)]
pub struct Image {
    /// What was opened, as the user wrote it.
    pub source: String,
    /// The digest of the image manifest (`None` for docker archives, which have none).
    pub manifest_digest: Option<String>,
    /// The digest of the index the manifest was chosen from, if any.
    pub index_digest: Option<String>,
    /// The image manifest (`None` for docker archives).
    pub manifest: Option<Manifest>,
    /// The image manifest as stored (its digest is `manifest_digest`).
    pub manifest_bytes: Option<Vec<u8>>,
    /// The digest of the config blob (the image id).
    pub config_digest: String,
    /// The config, parsed.
    pub config: ImageConfig,
    /// The config as stored.
    pub config_bytes: Vec<u8>,
    /// Names the source gives the image (`RepoTags` of a docker archive, the
    /// `org.opencontainers.image.ref.name` of an OCI layout, the registry reference).
    pub names: Vec<String>,
    fs: FileTree,
    /// The layer blobs as stored, when local (for pushing them as they are).
    stored_layers: Vec<Option<Section>>,
}

impl Image {
    /// The squashed filesystem.
    pub fn fs(&self) -> &FileTree {
        &self.fs
    }

    /// The layers, bottom first.
    pub fn layers(&self) -> &[LayerInfo] {
        self.fs.layers()
    }

    /// A reader of layer `index`'s blob as stored, for a local image.
    pub(crate) fn stored_layer(&self, index: usize) -> Option<&Section> {
        self.stored_layers.get(index).and_then(Option::as_ref)
    }

    /// The platform from the config.
    pub fn platform(&self) -> Platform {
        Platform {
            architecture: self.config.architecture.clone(),
            os: self.config.os.clone(),
            variant: self.config.variant.clone(),
            os_version: self.config.os_version.clone(),
        }
    }

    /// Opens an OCI image layout folder; `reference` picks an image by its
    /// `org.opencontainers.image.ref.name` when the layout holds several.
    ///
    /// # Errors
    /// Any [`Error`]: missing or malformed documents, digests that do not match, layers
    /// breaking the bounds, no image for the platform.
    pub fn open_oci_dir(
        path: &Path,
        reference: Option<&str>,
        options: &OpenOptions,
    ) -> Result<Image> {
        open_oci(Store::Dir(path.to_path_buf()), reference, options)
    }

    /// Opens a tarred OCI image layout (plain, gzip or zstd).
    ///
    /// # Errors
    /// As [`Image::open_oci_dir`].
    pub fn open_oci_archive(
        path: &Path,
        reference: Option<&str>,
        options: &OpenOptions,
    ) -> Result<Image> {
        open_oci(Store::archive(path, &budget(options))?, reference, options)
    }

    /// Opens a `docker save` archive (plain, gzip or zstd); `reference` picks an image by
    /// one of its `RepoTags` when the archive holds several.
    ///
    /// # Errors
    /// As [`Image::open_oci_dir`].
    pub fn open_docker_archive(
        path: &Path,
        reference: Option<&str>,
        options: &OpenOptions,
    ) -> Result<Image> {
        open_docker(Store::archive(path, &budget(options))?, reference, options)
    }
}

impl FileTree {
    /// Squashes loose layer tars, bottom first (each plain, gzip or zstd), as an image's
    /// layers are squashed, without a manifest or config to check them against: no digest is
    /// computed, so [`LayerInfo::digest`] and [`LayerInfo::diff_id`] are empty. `layers` pairs
    /// a name for errors with the open file.
    ///
    /// # Errors
    /// As [`Image::open_oci_dir`], less digest checks.
    pub fn from_layer_files(
        layers: Vec<(String, std::fs::File)>,
        options: &OpenOptions,
    ) -> Result<FileTree> {
        let mut blobs = Vec::with_capacity(layers.len());
        for (name, file) in layers {
            let section = Section::whole(file, name.as_str()).map_err(|e| Error::io(&name, e))?;
            blobs.push(LayerBlob {
                size: section.len(),
                data: BlobData::Local(section),
                digest: None,
                media_type: None,
                diff_id: String::new(),
            });
        }
        if blobs.len() > options.limits.max_layers {
            return Err(Error::limit(
                "layers",
                format!("more than {} layers", options.limits.max_layers),
            ));
        }
        let options = OpenOptions {
            skip_verify: true,
            ..options.clone()
        };
        read_layers(&blobs, &options, "layers")
    }
}

impl Image {
    /// Pulls an image from a registry: the manifest by tag or digest (an index is resolved
    /// by platform), the config, and the layers, streamed and checked against their digests.
    ///
    /// # Errors
    /// As [`Image::open_oci_dir`], and [`Error::Registry`] for failed requests.
    pub fn open_registry(
        client: &RegistryClient,
        reference: &Reference,
        options: &OpenOptions,
    ) -> Result<Image> {
        let label = reference.to_string();
        let repo = &reference.repository;
        let top = client.get_manifest(reference)?;
        let start = Descriptor {
            media_type: top.media_type.clone(),
            digest: top.digest.clone(),
            size: top.bytes.len() as u64,
            platform: None,
            annotations: Default::default(),
            artifact_type: None,
            urls: Vec::new(),
        };
        let fetch = |d: &Descriptor| -> Result<Vec<u8>> {
            if d.digest == top.digest {
                return Ok(top.bytes.clone());
            }
            check_digest(&d.digest, &label)?;
            client
                .get_manifest(&reference.with_digest(&d.digest))
                .map(|m| m.bytes)
        };
        let (index_digest, manifest_digest, manifest, manifest_bytes) =
            resolve_manifest(&start, &fetch, options, &label)?;
        check_digest(&manifest.config.digest, &label)?;
        let config_bytes = client.get_blob_bytes(repo, &manifest.config)?;
        let resolved = ResolvedManifest {
            index_digest,
            manifest_digest,
            manifest,
            manifest_bytes,
            config_bytes,
            names: vec![label.clone()],
        };
        assemble(resolved, label, options, |d| {
            Ok(LayerBlob {
                data: BlobData::Remote(client, repo),
                digest: Some(d.digest.clone()),
                size: d.size,
                media_type: Some(d.media_type.clone()),
                diff_id: String::new(),
            })
        })
    }
}

/// A manifest chosen and fetched, with its config.
struct ResolvedManifest {
    index_digest: Option<String>,
    manifest_digest: String,
    manifest: Manifest,
    manifest_bytes: Vec<u8>,
    config_bytes: Vec<u8>,
    names: Vec<String>,
}

/// Parses the config, lists the layer blobs (`blob` makes each from its descriptor), reads
/// and squashes them.
fn assemble<'a>(
    r: ResolvedManifest,
    label: String,
    options: &OpenOptions,
    blob: impl Fn(&Descriptor) -> Result<LayerBlob<'a>>,
) -> Result<Image> {
    let config = parse_config(
        &r.config_bytes,
        &format!("{label}: config {}", r.manifest.config.digest),
        r.manifest.layers.len(),
        options,
        &label,
    )?;
    let mut blobs = Vec::new();
    for (d, diff_id) in r.manifest.layers.iter().zip(&config.rootfs.diff_ids) {
        check_digest(&d.digest, &label)?;
        blobs.push(LayerBlob {
            diff_id: diff_id.clone(),
            ..blob(d)?
        });
    }
    let fs = read_layers(&blobs, options, &label)?;
    Ok(Image {
        source: label,
        manifest_digest: Some(r.manifest_digest),
        index_digest: r.index_digest,
        config_digest: r.manifest.config.digest.clone(),
        manifest: Some(r.manifest),
        manifest_bytes: Some(r.manifest_bytes),
        config,
        config_bytes: r.config_bytes,
        names: r.names,
        fs,
        stored_layers: stored(blobs),
    })
}

fn budget(options: &OpenOptions) -> LayerBudget<'_> {
    LayerBudget {
        limits: &options.limits,
        total_bytes: AtomicU64::new(0),
        spool_dir: options.spool_dir.as_deref(),
        verify: !options.skip_verify,
    }
}

/// A layer blob to read, with what the manifest and config say about it.
pub(crate) struct LayerBlob<'a> {
    pub data: BlobData<'a>,
    pub digest: Option<String>,
    pub size: u64,
    pub media_type: Option<String>,
    pub diff_id: String,
}

/// Where a layer blob is read from.
pub(crate) enum BlobData<'a> {
    /// A file, or part of an archive.
    Local(Section),
    /// A registry, streamed.
    Remote(&'a RegistryClient, &'a Repository),
}

impl LayerBlob<'_> {
    fn label(&self) -> &str {
        match (&self.digest, &self.data) {
            (Some(d), _) => d,
            (None, BlobData::Local(s)) => s.label(),
            (None, BlobData::Remote(..)) => &self.diff_id,
        }
    }
}

fn open_oci(store: Store, reference: Option<&str>, options: &OpenOptions) -> Result<Image> {
    let label = store.label();
    let limits = &options.limits;
    let index_bytes = store.read_required(
        "index.json",
        "an OCI image layout (`oci-layout` and `index.json`)",
        limits,
    )?;
    let index: Index = parse_json(
        &index_bytes,
        &format!("{label}: index.json"),
        "an OCI image index",
    )?;
    let chosen = choose_in_layout(&index, reference, &label)?;
    let names = chosen
        .as_ref()
        .and_then(|d| d.annotations.get(ANNOTATION_REF_NAME).cloned())
        .into_iter()
        .collect();
    let fetch = |d: &Descriptor| -> Result<Vec<u8>> {
        check_digest(&d.digest, &label)?;
        let section = store.blob(&d.digest)?;
        let bytes = read_section(&section, limits)?;
        verify_bytes(&bytes, &d.digest, &format!("{label}: blob {}", d.digest))?;
        Ok(bytes)
    };
    let (index_digest, manifest_digest, manifest, manifest_bytes) = match chosen {
        Some(d) => resolve_manifest(&d, &fetch, options, &label)?,
        None => {
            // index.json itself lists platform variants of one image.
            let d = choose_platform(
                &index,
                options.platform.as_ref(),
                &format!("{label}: index.json"),
            )?;
            let (_, md, m, b) = resolve_manifest(&d, &fetch, options, &label)?;
            (None, md, m, b)
        }
    };
    let config_bytes = fetch(&manifest.config)?;
    let resolved = ResolvedManifest {
        index_digest,
        manifest_digest,
        manifest,
        manifest_bytes,
        config_bytes,
        names,
    };
    assemble(resolved, label, options, |d| {
        let blob = store.blob(&d.digest)?;
        if blob.len() != d.size {
            return Err(Error::malformed(
                blob.label(),
                format!(
                    "manifest says {} bytes, the blob has {}",
                    d.size,
                    blob.len()
                ),
            ));
        }
        Ok(LayerBlob {
            size: blob.len(),
            data: BlobData::Local(blob),
            digest: Some(d.digest.clone()),
            media_type: Some(d.media_type.clone()),
            diff_id: String::new(),
        })
    })
}

/// The descriptor of `index.json` to open: the one named `reference`, the only one, or `None`
/// when the entries are platform variants (chosen by platform afterwards).
fn choose_in_layout(
    index: &Index,
    reference: Option<&str>,
    label: &str,
) -> Result<Option<Descriptor>> {
    let names = || {
        index
            .manifests
            .iter()
            .filter_map(|d| d.annotations.get(ANNOTATION_REF_NAME).cloned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(r) = reference {
        return index
            .manifests
            .iter()
            .find(|d| {
                d.annotations.get(ANNOTATION_REF_NAME).map(String::as_str) == Some(r)
                    || d.annotations
                        .get("io.containerd.image.name")
                        .map(String::as_str)
                        == Some(r)
            })
            .cloned()
            .map(Some)
            .ok_or_else(|| {
                Error::not_found(label, format!("no image named `{r}` (names: {})", names()))
            });
    }
    match index.manifests.as_slice() {
        [] => Err(Error::not_found(label, "index.json lists no image")),
        [one] => Ok(Some(one.clone())),
        many if many.iter().all(|d| d.platform.is_some()) => Ok(None),
        _ => Err(Error::Usage(format!(
            "{label}: the layout holds several images; name one with `oci:PATH:NAME` (names: {})",
            names()
        ))),
    }
}

/// Follows a descriptor through indexes (choosing by platform) to an image manifest; returns
/// (index digest, manifest digest, manifest, manifest bytes).
pub(crate) fn resolve_manifest(
    start: &Descriptor,
    fetch: &dyn Fn(&Descriptor) -> Result<Vec<u8>>,
    options: &OpenOptions,
    label: &str,
) -> Result<(Option<String>, String, Manifest, Vec<u8>)> {
    let mut d = start.clone();
    let mut index_digest = None;
    for _ in 0..4 {
        let bytes = fetch(&d)?;
        let what = format!("{label}: {}", d.digest);
        let value: serde_json::Value = parse_json(&bytes, &what, "an OCI index or manifest")?;
        let media = value
            .get("mediaType")
            .and_then(|m| m.as_str())
            .unwrap_or(&d.media_type)
            .to_string();
        if is_index_media_type(&media) || value.get("manifests").is_some() {
            let index: Index = parse_json(&bytes, &what, "an OCI image index")?;
            index_digest.get_or_insert_with(|| d.digest.clone());
            d = choose_platform(&index, options.platform.as_ref(), &what)?;
            continue;
        }
        if value.get("schemaVersion").and_then(|v| v.as_u64()) == Some(1) {
            return Err(Error::malformed(
                &what,
                "Docker schema 1 manifests are not supported (expected schema 2 or OCI)",
            ));
        }
        let manifest: Manifest = parse_json(&bytes, &what, "an OCI image manifest")?;
        return Ok((index_digest, d.digest, manifest, bytes));
    }
    Err(Error::limit(label, "indexes nested more than 4 deep"))
}

/// The manifest of `index` for the wanted platform (default: the host's, or the only one).
pub(crate) fn choose_platform(
    index: &Index,
    wanted: Option<&Platform>,
    what: &str,
) -> Result<Descriptor> {
    let images: Vec<&Descriptor> = index
        .manifests
        .iter()
        .filter(|d| {
            // attestation manifests (BuildKit) carry platform unknown/unknown
            d.platform.as_ref().is_none_or(|p| p.os != "unknown")
                && !d.annotations.contains_key("vnd.docker.reference.type")
        })
        .collect();
    if images.is_empty() {
        return Err(Error::not_found(what, "the index lists no image"));
    }
    let want = wanted.cloned();
    if want.is_none() && images.len() == 1 {
        return Ok(images[0].clone());
    }
    let want = want.unwrap_or_else(Platform::host);
    images
        .iter()
        .find(|d| d.platform.as_ref().is_some_and(|p| want.matches(p)))
        .map(|d| (*d).clone())
        .ok_or_else(|| {
            let available: Vec<String> = images
                .iter()
                .map(|d| {
                    d.platform
                        .as_ref()
                        .map_or("unknown".to_string(), Platform::to_string)
                })
                .collect();
            Error::not_found(
                what,
                format!(
                    "no image for platform {want} (available: {}); choose one with --platform",
                    available.join(", ")
                ),
            )
        })
}

/// Parses an image config and checks it against the platform asked for and the number of
/// layers the manifest lists.
pub(crate) fn parse_config(
    bytes: &[u8],
    what: &str,
    layers: usize,
    options: &OpenOptions,
    label: &str,
) -> Result<ImageConfig> {
    let config: ImageConfig = parse_json(bytes, what, "an image config")?;
    check_platform(&config, options, label)?;
    if layers > options.limits.max_layers {
        return Err(Error::limit(
            label,
            format!("more than {} layers", options.limits.max_layers),
        ));
    }
    if layers != config.rootfs.diff_ids.len() {
        return Err(Error::malformed(
            label,
            format!(
                "the manifest lists {layers} layers but the config lists {} diff ids",
                config.rootfs.diff_ids.len()
            ),
        ));
    }
    Ok(config)
}

fn check_platform(config: &ImageConfig, options: &OpenOptions, label: &str) -> Result<()> {
    if let Some(want) = &options.platform {
        let have = Platform {
            architecture: config.architecture.clone(),
            os: config.os.clone(),
            variant: config.variant.clone(),
            os_version: None,
        };
        if !want.matches(&have) {
            return Err(Error::not_found(
                label,
                format!("the image is for {have}, not for the platform {want} asked for"),
            ));
        }
    }
    Ok(())
}

pub(crate) fn verify_bytes(bytes: &[u8], digest: &str, what: &str) -> Result<()> {
    let actual = sha256_bytes(bytes);
    if actual != digest {
        return Err(Error::DigestMismatch {
            what: what.to_string(),
            expected: digest.to_string(),
            actual,
        });
    }
    Ok(())
}

fn open_docker(store: Store, reference: Option<&str>, options: &OpenOptions) -> Result<Image> {
    let label = store.label();
    let limits = &options.limits;
    let bytes = store.read_required("manifest.json", "a `docker save` archive", limits)?;
    let images: Vec<DockerArchiveImage> = parse_json(
        &bytes,
        &format!("{label}: manifest.json"),
        "a docker archive manifest (a list of {Config, RepoTags, Layers})",
    )?;
    let image = match reference {
        Some(r) => images
            .iter()
            .find(|i| i.repo_tags.iter().any(|t| t == r || tag_matches(t, r)))
            .ok_or_else(|| Error::not_found(&label, format!("no image tagged `{r}`")))?,
        None => match images.as_slice() {
            [] => return Err(Error::not_found(&label, "manifest.json lists no image")),
            [one] => one,
            _ => {
                return Err(Error::Usage(format!(
                    "{label}: the archive holds several images; name one with \
                     `docker-archive:PATH:REPO:TAG` (tags: {})",
                    images
                        .iter()
                        .flat_map(|i| i.repo_tags.iter().cloned())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        },
    };
    let config_bytes = store.read_small(&image.config, limits)?;
    let config_digest = sha256_bytes(&config_bytes);
    let config = parse_config(
        &config_bytes,
        &format!("{label}: {}", image.config),
        image.layers.len(),
        options,
        &label,
    )?;
    let mut blobs = Vec::new();
    for (name, diff_id) in image.layers.iter().zip(&config.rootfs.diff_ids) {
        let blob = store.file(name)?;
        blobs.push(LayerBlob {
            size: blob.len(),
            data: BlobData::Local(blob),
            digest: None,
            media_type: None,
            diff_id: diff_id.clone(),
        });
    }
    let fs = read_layers(&blobs, options, &label)?;
    Ok(Image {
        source: label,
        manifest_digest: None,
        index_digest: None,
        manifest: None,
        manifest_bytes: None,
        config_digest,
        config,
        config_bytes,
        names: image.repo_tags.clone(),
        fs,
        stored_layers: stored(blobs),
    })
}

fn stored(blobs: Vec<LayerBlob<'_>>) -> Vec<Option<Section>> {
    blobs
        .into_iter()
        .map(|b| match b.data {
            BlobData::Local(s) => Some(s),
            BlobData::Remote(..) => None,
        })
        .collect()
}

/// `localhost/x:1` matches `x:1`, `docker.io/library/x:1` matches `x:1`.
fn tag_matches(tag: &str, wanted: &str) -> bool {
    let strip = |s: &str| -> String {
        s.strip_prefix("docker.io/library/")
            .or_else(|| s.strip_prefix("docker.io/"))
            .or_else(|| s.strip_prefix("localhost/"))
            .unwrap_or(s)
            .to_string()
    };
    strip(tag) == strip(wanted)
}

/// Reads every layer (on as many threads as there are cores), checks the digests, and squashes
/// them bottom up.
pub(crate) fn read_layers(
    blobs: &[LayerBlob<'_>],
    options: &OpenOptions,
    label: &str,
) -> Result<FileTree> {
    let budget = budget(options);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<IndexedLayer>>>> =
        Mutex::new((0..blobs.len()).map(|_| None).collect());
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(blobs.len())
        .max(1);
    let what = |i: usize| {
        let b = &blobs[i];
        format!("{label}: layer {} ({})", i + 1, b.label())
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    // Largest layers are usually at the bottom; take them in order.
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= blobs.len() {
                        break;
                    }
                    let b = &blobs[i];
                    let r = match &b.data {
                        BlobData::Local(section) => index_layer(section, &what(i), &budget),
                        BlobData::Remote(client, repo) => {
                            let digest = b.digest.as_deref().unwrap_or_default();
                            client
                                .blob_reader(repo, digest, b.size)
                                .and_then(|reader| index_remote(reader, b.size, &what(i), &budget))
                        }
                    };
                    let failed = r.is_err();
                    if let Ok(mut slots) = results.lock() {
                        slots[i] = Some(r);
                    }
                    if failed {
                        next.store(blobs.len(), Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let slots = results
        .into_inner()
        .map_err(|_| Error::malformed(label, "a layer reader failed"))?;
    let mut squasher = Squasher::new(options.limits);
    let mut tars = Vec::new();
    let mut infos = Vec::new();
    for (i, slot) in slots.into_iter().enumerate() {
        let Some(layer) = slot else {
            // A reader stopped early after another layer failed; that error is reported.
            continue;
        };
        let layer = layer?;
        let b = &blobs[i];
        let what = what(i);
        if let (Some(expected), Some(actual)) = (&b.digest, &layer.blob_digest)
            && expected != actual
        {
            return Err(Error::DigestMismatch {
                what,
                expected: expected.clone(),
                actual: actual.clone(),
            });
        }
        if let Some(actual) = &layer.diff_id
            && actual != &b.diff_id
        {
            return Err(Error::DigestMismatch {
                what: format!("{what}: uncompressed content (config diff id)"),
                expected: b.diff_id.clone(),
                actual: actual.clone(),
            });
        }
        squasher.apply(i as u32, layer.headers, &what)?;
        infos.push(LayerInfo {
            digest: b
                .digest
                .clone()
                .or_else(|| layer.blob_digest.clone())
                .unwrap_or_else(|| b.diff_id.clone()),
            diff_id: b.diff_id.clone(),
            media_type: b.media_type.clone(),
            compression: layer.compression,
            size: b.size,
            uncompressed_size: layer.uncompressed_size,
        });
        tars.push(layer.tar);
    }
    if tars.len() != blobs.len() {
        return Err(Error::malformed(label, "a layer could not be read"));
    }
    Ok(FileTree::from_layers(
        squasher.finish(),
        tars,
        infos,
        options.limits,
    ))
}
