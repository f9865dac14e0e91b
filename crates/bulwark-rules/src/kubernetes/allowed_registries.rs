use bulwark_core::Finding;
use bulwark_k8s::ImageRef;
use globset::{GlobBuilder, GlobMatcher};

use crate::RuleOptions;
use crate::context::{ObjectCtx, field_span};
use crate::kubernetes::image_text;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports containers (including init and ephemeral containers) whose image does not
    /// come from one of the registries in the `allowed_registries` option. Without that
    /// option the rule reports nothing: which registries to trust is a decision of each
    /// organisation.
    ///
    /// Images are compared in their normalised form: `nginx` is
    /// `docker.io/library/nginx`, `bitnami/redis` is `docker.io/bitnami/redis` and
    /// `index.docker.io` is `docker.io`. An image that is not a valid reference (such as a
    /// `<placeholder>`) cannot be checked and is reported.
    ///
    /// ## Why is this bad?
    /// An image runs with whatever its author put in it. Images from public or unknown
    /// registries bypass the scanning, signing and retention policies of the registries an
    /// organisation controls, and a typo or a look-alike name is enough to run someone
    /// else's code in the cluster.
    ///
    /// ## Example
    /// With `allowed_registries: [registry.example.com]`:
    /// ```yaml
    /// containers:
    ///   - name: web
    ///     image: docker.io/someone/web:1.4.2
    /// ```
    ///
    /// ## Fix
    /// Mirror the image into an allowed registry and use that copy:
    /// ```yaml
    ///   - name: web
    ///     image: registry.example.com/mirror/web:1.4.2
    /// ```
    ///
    /// ## Options
    /// - `allowed_registries` (list of strings, default: none, so nothing is reported):
    ///   each entry is a registry host (`registry.example.com`, `localhost:5000`), which
    ///   allows every image on it; a host and path prefix (`ghcr.io/acme`), which allows the
    ///   images under that path; or a glob matched against `host/path` and against the host
    ///   alone (`*.dkr.ecr.*.amazonaws.com`, `ghcr.io/acme/*`), where `*` does not cross a
    ///   `/` and `**` does. Official Docker Hub images live under `docker.io/library`.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     allowed-registries:
    ///       allowed_registries: [registry.example.com, ghcr.io/acme, "*.dkr.ecr.*.amazonaws.com"]
    /// ```
    ///
    /// ## References
    /// - [Kubernetes: container images](https://kubernetes.io/docs/concepts/containers/images/)
    /// - CIS Kubernetes Benchmark 5.5.1 (image provenance)
    pub(crate) static META = {
        code: "KUB052",
        name: "allowed-registries",
        family: Kubernetes,
        severity: Medium,
        summary: "image comes from a registry that is not allowed",
        help: "use an image from a registry listed in `allowed_registries`, or add the registry to the list",
        aliases: [],
        compliance: ["CIS-K8S-5.5.1", "NSA-K8S-TRUSTED-REGISTRIES", "NIST-800-190-4.1.5"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Object(check),
    default_enabled: true,
};

/// One entry of `allowed_registries`.
enum AllowedRegistry {
    /// A host, or a host and path prefix, matched at `/` boundaries.
    Prefix(String),
    Glob(GlobMatcher),
}

impl AllowedRegistry {
    fn parse(entry: &str) -> Option<AllowedRegistry> {
        let entry = entry.trim().trim_end_matches('/');
        if entry.is_empty() {
            return None;
        }
        if entry.contains(['*', '?', '[', '{']) {
            let glob = GlobBuilder::new(entry)
                .literal_separator(true)
                .case_insensitive(true)
                .build()
                .ok()?;
            return Some(AllowedRegistry::Glob(glob.compile_matcher()));
        }
        let (host, path) = entry.split_once('/').unwrap_or((entry, ""));
        let host = host.to_ascii_lowercase();
        let host = if host == "index.docker.io" {
            "docker.io".to_owned()
        } else {
            host
        };
        Some(AllowedRegistry::Prefix(if path.is_empty() {
            host
        } else {
            format!("{host}/{path}")
        }))
    }

    fn allows(&self, image: &ImageRef) -> bool {
        let full = image.full_name();
        // `docker.io/nginx` as well as `docker.io/library/nginx`.
        let short = (image.registry == "docker.io")
            .then(|| image.repository.strip_prefix("library/"))
            .flatten()
            .map(|rest| format!("docker.io/{rest}"));
        let names = std::iter::once(full.as_str()).chain(short.as_deref());
        match self {
            AllowedRegistry::Prefix(p) => names.into_iter().any(|n| {
                n.strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            }),
            AllowedRegistry::Glob(g) => {
                g.is_match(&image.registry) || names.into_iter().any(|n| g.is_match(n))
            }
        }
    }
}

fn allowed_registries(options: &RuleOptions) -> Option<Vec<AllowedRegistry>> {
    let entries = options.strings("allowed_registries")?;
    Some(
        entries
            .iter()
            .filter_map(|e| AllowedRegistry::parse(e))
            .collect(),
    )
}

fn check(ctx: &ObjectCtx<'_>, out: &mut Vec<Finding>) {
    let Some(allowed) = allowed_registries(ctx.options) else {
        return;
    };
    for c in ctx.containers() {
        let Some(image) = image_text(c) else {
            continue;
        };
        let who = format!("container `{}` of {}", c.display_name(), ctx.object_label());
        let (message, label) = match ImageRef::parse(image) {
            Ok(r) if allowed.iter().any(|a| a.allows(&r)) => continue,
            Ok(r) => (
                format!(
                    "{who} uses image `{image}` from `{}`, which `allowed_registries` does not list",
                    r.registry
                ),
                "registry not allowed",
            ),
            Err(_) => (
                format!(
                    "{who} uses `{image}`, which is not an image reference whose registry can be checked"
                ),
                "not a valid image reference",
            ),
        };
        let Some(span) = field_span(c.node, "image") else {
            continue;
        };
        out.push(ctx.container_finding(c, span, message).with_label(label));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allows(entry: &str, image: &str) -> bool {
        let a = AllowedRegistry::parse(entry).expect("entry");
        a.allows(&ImageRef::parse(image).expect("image"))
    }

    #[test]
    fn hosts_prefixes_and_globs_match_at_path_boundaries() {
        assert!(allows(
            "registry.example.com",
            "registry.example.com/team/web:1"
        ));
        assert!(!allows(
            "registry.example.com",
            "registry.example.com.evil.io/web:1"
        ));
        assert!(allows("ghcr.io/acme", "ghcr.io/acme/web:1"));
        assert!(!allows("ghcr.io/acme", "ghcr.io/acme-evil/web:1"));
        assert!(allows("docker.io/library", "nginx:1.27"));
        assert!(allows("docker.io/nginx", "nginx:1.27"));
        assert!(allows("index.docker.io", "bitnami/redis:7"));
        assert!(allows(
            "*.dkr.ecr.*.amazonaws.com",
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:3"
        ));
        assert!(allows("ghcr.io/acme/*", "ghcr.io/acme/web:1"));
        assert!(!allows("ghcr.io/acme/*", "ghcr.io/acme/team/web:1"));
        assert!(allows("ghcr.io/acme/**", "ghcr.io/acme/team/web:1"));
        assert!(!allows("quay.io", "docker.io/quay.io/web:1"));
    }
}
