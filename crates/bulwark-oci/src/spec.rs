//! The JSON documents of the OCI image spec and of Docker's formats: descriptors, indexes
//! (and Docker manifest lists), manifests (OCI and Docker schema 2), image configs, and the
//! `manifest.json` of `docker save` archives.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use crate::{Error, Result};

/// OCI image index.
pub const MEDIA_OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest.
pub const MEDIA_OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image config.
pub const MEDIA_OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// OCI layer, gzip.
pub const MEDIA_OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// OCI layer, uncompressed.
pub const MEDIA_OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
/// OCI layer, zstd.
pub const MEDIA_OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
/// OCI empty descriptor (`{}`), used by artifacts such as signatures.
pub const MEDIA_OCI_EMPTY: &str = "application/vnd.oci.empty.v1+json";
/// Docker manifest list.
pub const MEDIA_DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker image manifest, schema 2.
pub const MEDIA_DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker image config.
pub const MEDIA_DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
/// Docker layer, gzip.
pub const MEDIA_DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// The annotation naming an image in an OCI layout (`index.json`).
pub const ANNOTATION_REF_NAME: &str = "org.opencontainers.image.ref.name";

/// A content descriptor: what a blob is, its digest and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Descriptor {
    /// The blob's media type.
    #[serde(default)]
    pub media_type: String,
    /// `algorithm:hex`.
    pub digest: String,
    /// Size in bytes.
    pub size: u64,
    /// For indexes: the platform the manifest is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<Platform>,
    /// Annotations.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_map"
    )]
    pub annotations: BTreeMap<String, String>,
    /// The artifact type (OCI 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// Other places to fetch the blob from (foreign layers).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_vec"
    )]
    pub urls: Vec<String>,
}

/// An image index or Docker manifest list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Index {
    /// Always 2.
    pub schema_version: u32,
    /// The index's media type (optional in OCI layouts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The manifests.
    #[serde(default, deserialize_with = "null_vec")]
    pub manifests: Vec<Descriptor>,
    /// Annotations.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_map"
    )]
    pub annotations: BTreeMap<String, String>,
}

/// An image manifest (OCI or Docker schema 2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Manifest {
    /// Always 2.
    pub schema_version: u32,
    /// The manifest's media type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// Artifact type (OCI 1.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_type: Option<String>,
    /// The config blob.
    pub config: Descriptor,
    /// The layers, bottom first.
    #[serde(default, deserialize_with = "null_vec")]
    pub layers: Vec<Descriptor>,
    /// The manifest this one refers to (OCI 1.1 referrers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Descriptor>,
    /// Annotations.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "null_map"
    )]
    pub annotations: BTreeMap<String, String>,
}

/// An operating system and CPU architecture (`linux/arm64/v8`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Platform {
    /// `amd64`, `arm64`, `arm`, …
    pub architecture: String,
    /// `linux`, `windows`, …
    pub os: String,
    /// `v7`, `v8`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Windows build.
    #[serde(
        default,
        rename = "os.version",
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
}

impl Platform {
    /// Parses `os/arch[/variant]`.
    ///
    /// # Errors
    /// [`Error::Usage`] for any other shape.
    pub fn parse(s: &str) -> Result<Platform> {
        let parts: Vec<&str> = s.split('/').collect();
        let bad = || {
            Error::Usage(format!(
                "platform `{s}`: expected OS/ARCH or OS/ARCH/VARIANT (linux/amd64, linux/arm64/v8)"
            ))
        };
        if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
            return Err(bad());
        }
        Ok(Platform {
            os: parts[0].to_ascii_lowercase(),
            architecture: normalize_arch(parts[1]).to_string(),
            variant: parts.get(2).map(|v| v.to_ascii_lowercase()),
            os_version: None,
        })
    }

    /// The platform this program runs on, as images name it (`linux/amd64`).
    pub fn host() -> Platform {
        let arch = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "arm" => "arm",
            "powerpc64" => "ppc64le",
            "s390x" => "s390x",
            "riscv64" => "riscv64",
            other => other,
        };
        let os = match std::env::consts::OS {
            "macos" => "linux", // images for macOS hosts are Linux images
            other => other,
        };
        Platform {
            architecture: arch.to_string(),
            os: os.to_string(),
            variant: None,
            os_version: None,
        }
    }

    /// Whether an image for `candidate` satisfies this wanted platform: same OS and
    /// architecture; the variant must match when wanted (`arm64` means `v8`, `arm` `v7`).
    pub fn matches(&self, candidate: &Platform) -> bool {
        if !self.os.eq_ignore_ascii_case(&candidate.os)
            || normalize_arch(&self.architecture) != normalize_arch(&candidate.architecture)
        {
            return false;
        }
        match &self.variant {
            None => true,
            Some(want) => {
                let have = candidate
                    .variant
                    .clone()
                    .or_else(|| default_variant(&candidate.architecture).map(str::to_string));
                have.is_some_and(|h| h.eq_ignore_ascii_case(want))
            }
        }
    }
}

fn normalize_arch(a: &str) -> &str {
    match a {
        "x86_64" | "x86-64" => "amd64",
        "aarch64" => "arm64",
        "i386" | "i686" => "386",
        other => other,
    }
}

fn default_variant(arch: &str) -> Option<&'static str> {
    match normalize_arch(arch) {
        "arm64" => Some("v8"),
        "arm" => Some("v7"),
        _ => None,
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// An image config: what the image runs and how it was built.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct ImageConfig {
    /// CPU architecture.
    #[serde(default)]
    pub architecture: String,
    /// Operating system.
    #[serde(default)]
    pub os: String,
    /// CPU variant.
    #[serde(default)]
    pub variant: Option<String>,
    /// Windows build.
    #[serde(default, rename = "os.version")]
    pub os_version: Option<String>,
    /// RFC 3339 creation time.
    #[serde(default)]
    pub created: Option<String>,
    /// Author.
    #[serde(default)]
    pub author: Option<String>,
    /// How containers of the image run.
    #[serde(default, deserialize_with = "null_default")]
    pub config: RunConfig,
    /// The layers' uncompressed digests.
    #[serde(default)]
    pub rootfs: RootFs,
    /// Build steps, oldest first.
    #[serde(default, deserialize_with = "null_vec")]
    pub history: Vec<History>,
}

/// `config` of an image config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RunConfig {
    /// `user[:group]`.
    #[serde(default)]
    pub user: Option<String>,
    /// `NAME=value` pairs.
    #[serde(default, deserialize_with = "null_vec")]
    pub env: Vec<String>,
    /// Entrypoint.
    #[serde(default)]
    pub entrypoint: Option<Vec<String>>,
    /// Command.
    #[serde(default)]
    pub cmd: Option<Vec<String>>,
    /// Working folder.
    #[serde(default)]
    pub working_dir: Option<String>,
    /// Labels.
    #[serde(default, deserialize_with = "null_map")]
    pub labels: BTreeMap<String, String>,
    /// `port/proto` keys.
    #[serde(default, deserialize_with = "null_set")]
    pub exposed_ports: Vec<String>,
    /// Volume paths.
    #[serde(default, deserialize_with = "null_set")]
    pub volumes: Vec<String>,
    /// Stop signal.
    #[serde(default)]
    pub stop_signal: Option<String>,
}

/// `rootfs` of an image config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct RootFs {
    /// Always `layers`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// Digests of the uncompressed layers, bottom first.
    #[serde(default, deserialize_with = "null_vec")]
    pub diff_ids: Vec<String>,
}

/// One build step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct History {
    /// RFC 3339 time.
    #[serde(default)]
    pub created: Option<String>,
    /// The command (a Dockerfile instruction, a tool's description).
    #[serde(default)]
    pub created_by: Option<String>,
    /// Author.
    #[serde(default)]
    pub author: Option<String>,
    /// Comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// The step made no layer.
    #[serde(default)]
    pub empty_layer: bool,
}

/// One image of a `docker save` archive's `manifest.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DockerArchiveImage {
    pub config: String,
    #[serde(default, deserialize_with = "null_vec")]
    pub repo_tags: Vec<String>,
    #[serde(default, deserialize_with = "null_vec")]
    pub layers: Vec<String>,
}

fn null_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

fn null_map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    Ok(Option::<BTreeMap<String, String>>::deserialize(d)?.unwrap_or_default())
}

fn null_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// Docker writes sets as `{"key": {}}`.
fn null_set<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let m = Option::<BTreeMap<String, serde::de::IgnoredAny>>::deserialize(d)?;
    Ok(m.map(|m| m.into_keys().collect()).unwrap_or_default())
}

/// Parses a JSON document, naming `what` and the expected document in errors.
pub(crate) fn parse_json<T: for<'de> Deserialize<'de>>(
    bytes: &[u8],
    what: &str,
    expected: &str,
) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| Error::malformed(what, format!("expected {expected}: {e}")))
}

/// Whether a media type (or a document's own `mediaType`) names an index.
pub(crate) fn is_index_media_type(media_type: &str) -> bool {
    media_type == MEDIA_OCI_INDEX || media_type == MEDIA_DOCKER_LIST
}

/// `sha256:` and 64 lowercase hex digits (the only algorithm images use in practice).
pub(crate) fn check_digest(digest: &str, what: &str) -> Result<()> {
    let ok = digest.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if ok {
        Ok(())
    } else {
        Err(Error::malformed(
            what,
            format!("expected a digest `sha256:<64 hex digits>`, found `{digest}`"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_parse_and_match() {
        let want = Platform::parse("linux/arm64").ok();
        let v8 = Platform::parse("linux/arm64/v8").ok();
        assert!(want.is_some() && v8.is_some());
        if let (Some(want), Some(v8)) = (want, v8) {
            let plain = Platform {
                variant: None,
                ..want.clone()
            };
            assert!(want.matches(&v8));
            assert!(v8.matches(&plain), "arm64 means v8");
            assert!(!Platform::host().matches(&Platform {
                os: "windows".into(),
                ..Platform::host()
            }));
            assert_eq!(v8.to_string(), "linux/arm64/v8");
        }
        assert!(Platform::parse("linux").is_err());
        assert!(Platform::parse("linux//v7").is_err());
    }

    #[test]
    fn image_config_tolerates_nulls() {
        let c: Result<ImageConfig> = parse_json(
            br#"{"architecture":"amd64","os":"linux","config":{"Env":null,"Labels":null,"ExposedPorts":{"80/tcp":{}}},"rootfs":{"type":"layers","diff_ids":["sha256:00"]},"history":null}"#,
            "config",
            "an image config",
        );
        let c = c.ok();
        assert_eq!(
            c.as_ref().map(|c| c.config.exposed_ports.clone()),
            Some(vec!["80/tcp".to_string()])
        );
        assert_eq!(c.map(|c| c.rootfs.diff_ids.len()), Some(1));
    }
}
