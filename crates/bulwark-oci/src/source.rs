//! Image targets as users write them: `oci:DIR[:NAME]`, `oci-archive:FILE[:NAME]`,
//! `docker-archive:FILE[:REPO:TAG]`.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::image::{Image, OpenOptions};
use crate::{Error, Result};

/// Where an image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// An OCI image layout folder, and optionally the name of one image in it.
    OciDir {
        /// The folder.
        path: PathBuf,
        /// `org.opencontainers.image.ref.name` of the image to open.
        name: Option<String>,
    },
    /// A tarred OCI image layout (plain, gzip or zstd).
    OciArchive {
        /// The archive.
        path: PathBuf,
        /// `org.opencontainers.image.ref.name` of the image to open.
        name: Option<String>,
    },
    /// A `docker save` archive (plain, gzip or zstd).
    DockerArchive {
        /// The archive.
        path: PathBuf,
        /// One of the `RepoTags` of the image to open.
        name: Option<String>,
    },
}

impl ImageSource {
    /// Parses an image target, or returns `Ok(None)` when `target` names no image (a plain
    /// path, to be scanned as files).
    ///
    /// A path containing `:` is taken whole when it exists, else split at the last `:` (OCI)
    /// or the first `:` (docker archives, whose names are `REPO:TAG`).
    ///
    /// # Errors
    /// [`Error::Usage`] when a transport prefix is followed by nothing.
    pub fn parse(target: &str) -> Result<Option<ImageSource>> {
        let (transport, rest) = match target.split_once(':') {
            Some((t @ ("oci" | "oci-archive" | "docker-archive"), rest)) => (t, rest),
            _ => return Ok(None),
        };
        if rest.is_empty() {
            return Err(Error::Usage(format!(
                "image target `{target}`: expected a path after `{transport}:`"
            )));
        }
        let (path, name) = split_name(rest, transport == "docker-archive");
        Ok(Some(match transport {
            "oci" => ImageSource::OciDir { path, name },
            "oci-archive" => ImageSource::OciArchive { path, name },
            _ => ImageSource::DockerArchive { path, name },
        }))
    }

    /// Opens the image.
    ///
    /// # Errors
    /// Any [`Error`] of reading the image.
    pub fn open(&self, options: &OpenOptions) -> Result<Image> {
        match self {
            ImageSource::OciDir { path, name } => {
                Image::open_oci_dir(path, name.as_deref(), options)
            }
            ImageSource::OciArchive { path, name } => {
                Image::open_oci_archive(path, name.as_deref(), options)
            }
            ImageSource::DockerArchive { path, name } => {
                Image::open_docker_archive(path, name.as_deref(), options)
            }
        }
    }
}

fn split_name(rest: &str, first_colon: bool) -> (PathBuf, Option<String>) {
    if Path::new(rest).exists() {
        return (PathBuf::from(rest), None);
    }
    let split = if first_colon {
        rest.split_once(':')
    } else {
        rest.rsplit_once(':')
    };
    match split {
        Some((path, name)) if !path.is_empty() && !name.is_empty() => {
            (PathBuf::from(path), Some(name.to_string()))
        }
        _ => (PathBuf::from(rest), None),
    }
}

impl fmt::Display for ImageSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (t, path, name) = match self {
            ImageSource::OciDir { path, name } => ("oci", path, name),
            ImageSource::OciArchive { path, name } => ("oci-archive", path, name),
            ImageSource::DockerArchive { path, name } => ("docker-archive", path, name),
        };
        write!(f, "{t}:{}", path.display())?;
        if let Some(n) = name {
            write!(f, ":{n}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_local_transports() {
        let p = |s: &str| ImageSource::parse(s).ok().flatten();
        assert_eq!(
            p("oci:/no/such/layout:v1"),
            Some(ImageSource::OciDir {
                path: "/no/such/layout".into(),
                name: Some("v1".into())
            })
        );
        assert_eq!(
            p("docker-archive:/no/x.tar:localhost/app:1"),
            Some(ImageSource::DockerArchive {
                path: "/no/x.tar".into(),
                name: Some("localhost/app:1".into())
            })
        );
        assert_eq!(
            p("oci-archive:/no/x.tar"),
            Some(ImageSource::OciArchive {
                path: "/no/x.tar".into(),
                name: None
            })
        );
        assert_eq!(p("deploy/web.yaml"), None);
        assert!(ImageSource::parse("oci:").is_err());
    }
}
