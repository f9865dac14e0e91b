//! Image references for registry requests: the grammar and Docker's normalisation (Docker Hub
//! by default, `library/` for single-component Hub names, `latest` when neither tag nor
//! digest is written) are `bulwark-k8s`'s [`ImageRef`]; digests must be ones a registry can
//! check (sha256 or sha512).

use std::fmt;

use bulwark_k8s::ImageRef;

use crate::{Error, Result};

/// The default registry.
pub const DOCKER_HUB: &str = "docker.io";

/// A repository in a registry (`ghcr.io` + `acme/web`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repository {
    /// Host (and port) of the registry as written (`docker.io` for Docker Hub).
    pub registry: String,
    /// The repository path (`library/nginx`).
    pub name: String,
}

impl Repository {
    /// The host to send API requests to (`registry-1.docker.io` for Docker Hub).
    pub fn api_host(&self) -> &str {
        if self.registry == DOCKER_HUB {
            "registry-1.docker.io"
        } else {
            &self.registry
        }
    }
}

impl fmt::Display for Repository {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.name)
    }
}

/// A reference to an image: a repository and a tag and/or a digest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    /// Where the image lives.
    pub repository: Repository,
    /// The tag (`latest` when neither a tag nor a digest is written).
    pub tag: Option<String>,
    /// `sha256:…`, when pinned.
    pub digest: Option<String>,
}

impl Reference {
    /// Parses a reference the way Docker does.
    ///
    /// # Errors
    /// [`Error::Usage`] naming what is wrong (upper-case letters in the path, a bad tag,
    /// a malformed digest).
    pub fn parse(s: &str) -> Result<Reference> {
        let bad = |why: &str| Error::Usage(format!("image reference `{s}`: {why}"));
        let parsed = ImageRef::parse(s).map_err(|e| Error::Usage(e.to_string()))?;
        if let Some(d) = &parsed.digest {
            let (alg, hex) = d.split_once(':').unwrap_or(("", ""));
            let ok = match alg {
                "sha256" => hex.len() == 64,
                "sha512" => hex.len() == 128,
                _ => false,
            } && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
            if !ok {
                return Err(bad(
                    "the digest must be sha256 (64) or sha512 (128) lower-case hex digits",
                ));
            }
        }
        let registry = if parsed.registry == "registry-1.docker.io" {
            DOCKER_HUB.to_string()
        } else {
            parsed.registry.clone()
        };
        Ok(Reference {
            tag: parsed.effective_tag().map(str::to_string),
            repository: Repository {
                registry,
                name: parsed.repository,
            },
            digest: parsed.digest,
        })
    }

    /// What to ask the registry for: the digest when pinned, else the tag.
    pub fn api_reference(&self) -> &str {
        self.digest
            .as_deref()
            .or(self.tag.as_deref())
            .unwrap_or("latest")
    }

    /// This reference pinned to `digest` (the tag kept for display).
    pub fn with_digest(&self, digest: &str) -> Reference {
        Reference {
            digest: Some(digest.to_string()),
            ..self.clone()
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.repository)?;
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

    fn full(s: &str) -> String {
        Reference::parse(s).map_or_else(|e| format!("error: {e}"), |r| r.to_string())
    }

    #[test]
    fn normalises_like_docker() {
        let d = "sha256:".to_string() + &"a".repeat(64);
        let cases = [
            ("nginx", "docker.io/library/nginx:latest".to_string()),
            ("nginx:1.25", "docker.io/library/nginx:1.25".to_string()),
            ("bitnami/redis:7", "docker.io/bitnami/redis:7".to_string()),
            (
                "index.docker.io/library/alpine",
                "docker.io/library/alpine:latest".to_string(),
            ),
            ("localhost/app", "localhost/app:latest".to_string()),
            ("localhost:5000/app:v1", "localhost:5000/app:v1".to_string()),
            (
                "127.0.0.1:5000/a/b/c:1",
                "127.0.0.1:5000/a/b/c:1".to_string(),
            ),
            ("ghcr.io/acme/web", "ghcr.io/acme/web:latest".to_string()),
            (
                &*format!("ghcr.io/acme/web@{d}"),
                format!("ghcr.io/acme/web@{d}"),
            ),
            (
                &*format!("web:1@{d}"),
                format!("docker.io/library/web:1@{d}"),
            ),
            (
                "a__b/c-d.e---f",
                "docker.io/a__b/c-d.e---f:latest".to_string(),
            ),
        ];
        for (input, want) in cases {
            assert_eq!(full(input), want, "{input}");
        }
        let r = Reference::parse("localhost:5000/app").ok();
        assert_eq!(
            r.as_ref().map(|r| r.repository.api_host()),
            Some("localhost:5000")
        );
        let hub = Reference::parse("alpine").ok();
        assert_eq!(
            hub.as_ref().map(|r| r.repository.api_host()),
            Some("registry-1.docker.io")
        );
    }

    #[test]
    fn rejects_invalid_references() {
        for bad in [
            "",
            "Nginx",
            "nginx:",
            "nginx:-x",
            "nginx@sha256:abc",
            "nginx@md5:00",
            "a//b",
            "a/b/",
            "a..b",
            "a___b",
            "ghcr.io/",
            "a b",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad} should be rejected");
        }
    }
}
