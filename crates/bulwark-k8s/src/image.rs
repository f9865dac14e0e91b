//! Container image references, parsed by the Docker reference grammar
//! (`[registry/]repository[:tag][@digest]`) and normalised as Docker does: an implicit
//! `docker.io` registry, `library/` for official images, `latest` when neither tag nor digest
//! is given.

use std::fmt;

/// A parsed, normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The reference as written.
    pub original: String,
    /// Registry host (and port), `docker.io` when implicit.
    pub registry: String,
    /// Repository path, with `library/` added for docker.io official images.
    pub repository: String,
    pub tag: Option<String>,
    /// `algorithm:hex`.
    pub digest: Option<String>,
    /// Whether the registry was left out (and so defaults to docker.io).
    pub implicit_registry: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageRefError {
    #[error("image reference is empty")]
    Empty,
    #[error("image reference `{0}` has an invalid repository name")]
    InvalidName(String),
    #[error("image reference `{0}` has an invalid tag")]
    InvalidTag(String),
    #[error("image reference `{0}` has an invalid digest")]
    InvalidDigest(String),
}

fn valid_component(c: &str) -> bool {
    // [a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*
    let b = c.as_bytes();
    if b.is_empty() || !is_alnum(b[0]) || !is_alnum(b[b.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        if is_alnum(b[i]) {
            i += 1;
            continue;
        }
        // a separator run
        let start = i;
        while i < b.len() && !is_alnum(b[i]) {
            i += 1;
        }
        let sep = &c[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|x| x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn valid_tag(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphanumeric() || b[0] == b'_')
        && b.iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-')
}

fn valid_digest(d: &str) -> bool {
    let Some((alg, hex)) = d.split_once(':') else {
        return false;
    };
    !alg.is_empty()
        && alg
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"+._-".contains(&c))
        && hex.len() >= 32
        && hex.bytes().all(|c| c.is_ascii_hexdigit())
}

fn valid_domain(d: &str) -> bool {
    let host = match d.rsplit_once(':') {
        Some((h, port)) if !h.ends_with(']') || d.starts_with('[') => {
            if !port.bytes().all(|c| c.is_ascii_digit()) || port.is_empty() {
                return false;
            }
            h
        }
        _ => d,
    };
    if host.starts_with('[') {
        return host.ends_with(']');
    }
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

impl ImageRef {
    pub fn parse(s: &str) -> Result<ImageRef, ImageRefError> {
        let original = s.to_owned();
        let s = s.trim();
        if s.is_empty() {
            return Err(ImageRefError::Empty);
        }
        let (name_tag, digest) = match s.split_once('@') {
            Some((n, d)) => {
                if !valid_digest(d) {
                    return Err(ImageRefError::InvalidDigest(original));
                }
                (n, Some(d.to_owned()))
            }
            None => (s, None),
        };
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_tag[last_slash..].rfind(':') {
            Some(i) => {
                let t = &name_tag[last_slash + i + 1..];
                if !valid_tag(t) {
                    return Err(ImageRefError::InvalidTag(original));
                }
                (&name_tag[..last_slash + i], Some(t.to_owned()))
            }
            None => (name_tag, None),
        };
        let (registry, remainder, implicit) = match name.split_once('/') {
            Some((first, rest))
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || first.bytes().any(|c| c.is_ascii_uppercase()) =>
            {
                if !valid_domain(first) {
                    return Err(ImageRefError::InvalidName(original));
                }
                (first.to_owned(), rest, false)
            }
            _ => ("docker.io".to_owned(), name, true),
        };
        let registry = if registry == "index.docker.io" {
            "docker.io".to_owned()
        } else {
            registry
        };
        if remainder.is_empty() || !remainder.split('/').all(valid_component) {
            return Err(ImageRefError::InvalidName(original));
        }
        let repository = if registry == "docker.io" && !remainder.contains('/') {
            format!("library/{remainder}")
        } else {
            remainder.to_owned()
        };
        Ok(ImageRef {
            original,
            registry,
            repository,
            tag,
            digest,
            implicit_registry: implicit,
        })
    }

    /// The tag that will be pulled: the explicit one, or `latest` when there is neither a tag
    /// nor a digest.
    pub fn effective_tag(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some("latest"),
            (None, Some(_)) => None,
        }
    }

    /// Whether the reference relies on the mutable `latest` tag (explicitly or implicitly)
    /// without a digest.
    pub fn is_latest_without_digest(&self) -> bool {
        self.digest.is_none() && self.effective_tag() == Some("latest")
    }

    /// `registry/repository`.
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }
}

impl fmt::Display for ImageRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> ImageRef {
        ImageRef::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn normalises_like_docker() {
        let r = p("nginx");
        assert_eq!(r.to_string(), "docker.io/library/nginx");
        assert!(r.implicit_registry);
        assert!(r.is_latest_without_digest());
        let r = p("bitnami/redis:7.2");
        assert_eq!(r.full_name(), "docker.io/bitnami/redis");
        assert_eq!(r.tag.as_deref(), Some("7.2"));
        let r = p("localhost:5000/app:v1");
        assert_eq!(r.registry, "localhost:5000");
        assert_eq!(r.repository, "app");
        let r = p(
            "registry.k8s.io/ingress-nginx/controller:v1.9.4@sha256:5b161f051d017e55d358435f295f5e9a297e66158f136321d9b04520ec6c48a3",
        );
        assert_eq!(r.registry, "registry.k8s.io");
        assert_eq!(r.tag.as_deref(), Some("v1.9.4"));
        assert!(r.digest.is_some());
        assert!(!r.is_latest_without_digest());
        let r = p("index.docker.io/library/busybox:latest");
        assert_eq!(r.registry, "docker.io");
        assert!(r.is_latest_without_digest());
    }

    #[test]
    fn rejects_invalid_references() {
        assert!(ImageRef::parse("").is_err());
        assert!(ImageRef::parse("Nginx").is_err());
        assert!(ImageRef::parse("nginx:").is_err());
        assert!(ImageRef::parse("nginx@sha256:zz").is_err());
        assert!(ImageRef::parse("a//b").is_err());
    }
}
