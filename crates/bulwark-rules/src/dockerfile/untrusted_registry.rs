use bulwark_core::{Finding, Span};
use bulwark_dockerfile::{Detail, StageRef};

use crate::context::DockerfileCtx;
use crate::dockerfile::{DOCKER_HUB_NAMES, ImageRef, own_instructions};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// When a list of trusted registries is configured, reports images pulled from any other
    /// registry: the base image of a `FROM`, the image of `COPY --from=<image>`, and the
    /// image of a `RUN --mount=type=bind|cache,from=<image>`. Earlier build stages and
    /// `scratch` are not images and are never reported. Without the option the rule reports
    /// nothing.
    ///
    /// An entry matches a registry exactly (`registry.example.com`), by suffix
    /// (`*.example.com`), by prefix (`registry.*`), or everything (`*`). Images without a
    /// registry come from Docker Hub, which is trusted when `docker.io` (or another of its
    /// names, such as `hub.docker.com`) is listed.
    ///
    /// ## Why is this bad?
    /// An image from a registry nobody vetted can contain anything, and its content can
    /// change between builds. Restricting builds to registries your organisation controls or
    /// mirrors is how the CIS Docker Benchmark's "use only trusted base images" is enforced.
    ///
    /// ## Example
    /// With `trusted_registries: [registry.example.com]`:
    /// ```dockerfile
    /// FROM random.example.org/debian:12
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM registry.example.com/mirror/debian:12
    /// ```
    ///
    /// ## Options
    /// - `trusted_registries` (list of strings): the registries images may come from.
    ///   hadolint's `trustedRegistries` in `.hadolint.yaml` sets it.
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.2: ensure that containers use only trusted base images
    /// - [hadolint DL3026](https://github.com/hadolint/hadolint/wiki/DL3026)
    pub(crate) static META = {
        code: "DKF003",
        name: "untrusted-image-registry",
        family: Dockerfile,
        severity: High,
        summary: "image comes from a registry that is not trusted",
        help: "pull the image from one of the trusted registries, or add its registry to `trusted_registries`",
        aliases: ["DL3026"],
        compliance: ["CIS-DOCKER-4.2", "NIST-800-190-4.1.5"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let Some(trusted) = ctx.options.strings("trusted_registries") else {
        return;
    };
    if trusted.is_empty() {
        return;
    }
    let df = ctx.dockerfile;
    let mut report = |span: Span, what: String, image: &str| {
        if let Some(registry) = untrusted(image, &trusted) {
            out.push(
                ctx.finding(
                    span,
                    format!(
                        "{what} `{image}` comes from registry `{registry}`, which is not trusted"
                    ),
                )
                .with_label("registry not in `trusted_registries`"),
            );
        }
    };
    for stage in ctx.stages() {
        if matches!(stage.base, StageRef::Stage(_)) || stage.image_expanded == "scratch" {
            continue;
        }
        if let Some(image) = resolved(ctx, stage.from_instruction, &stage.image.value) {
            report(stage.image.span, "base image".to_owned(), &image);
        }
    }
    for ins in own_instructions(ctx) {
        let current = ins.stage.unwrap_or(0);
        match &ins.detail {
            Detail::Copy {
                from: Some(from), ..
            } => {
                if let Some(StageRef::Image(image)) = df.copy_from(ins)
                    && !is_stage_index(&image)
                    && !has_unresolved(ctx, ins.index, &from.value)
                {
                    report(from.span, "`COPY --from` image".to_owned(), &image);
                }
            }
            Detail::Run { mounts, .. } => {
                for m in mounts {
                    if !matches!(m.kind.as_str(), "bind" | "cache") {
                        continue;
                    }
                    let Some(from) = &m.from else { continue };
                    let Some(image) = resolved(ctx, ins.index, from) else {
                        continue;
                    };
                    if df.resolve_stage(&image, current).is_some()
                        || is_stage_index(&image)
                        || image == "scratch"
                    {
                        continue;
                    }
                    report(
                        mount_from_span(ctx, m.span, from),
                        format!("`--mount=type={}` image", m.kind),
                        &image,
                    );
                }
            }
            _ => {}
        }
    }
}

/// The `from=…` field of a `--mount` flag, or the whole flag.
fn mount_from_span(ctx: &DockerfileCtx<'_>, flag: Span, from: &str) -> Span {
    let text = ctx
        .file
        .text()
        .get(flag.start..flag.end)
        .unwrap_or_default();
    let field = format!("from={from}");
    match text.find(&field) {
        Some(at) => ctx
            .file
            .span(flag.start + at, flag.start + at + field.len()),
        None => flag,
    }
}

/// The word with variables expanded, or `None` when a variable has no known value.
fn resolved(ctx: &DockerfileCtx<'_>, index: usize, word: &str) -> Option<String> {
    let df = ctx.dockerfile;
    let expanded = df.scope_at(index).expand(word, df.escape).ok()?;
    expanded.unresolved.is_empty().then_some(expanded.value)
}

fn has_unresolved(ctx: &DockerfileCtx<'_>, index: usize, word: &str) -> bool {
    resolved(ctx, index, word).is_none()
}

fn is_stage_index(reference: &str) -> bool {
    !reference.is_empty() && reference.bytes().all(|b| b.is_ascii_digit())
}

/// The registry of `image` when no entry of `trusted` matches it.
fn untrusted(image: &str, trusted: &[String]) -> Option<String> {
    let reference = ImageRef::parse(image);
    let matches = |registry: &str| trusted.iter().any(|t| registry_matches(t, registry));
    if reference.is_docker_hub() {
        if DOCKER_HUB_NAMES.iter().any(|r| matches(r)) {
            return None;
        }
        return Some(reference.registry.unwrap_or("docker.io").to_owned());
    }
    let registry = reference.registry.unwrap_or_default();
    (!matches(registry)).then(|| registry.to_owned())
}

fn registry_matches(allow: &str, registry: &str) -> bool {
    if allow == "*" {
        return true;
    }
    if let Some(suffix) = allow.strip_prefix('*') {
        return registry.ends_with(suffix);
    }
    if let Some(prefix) = allow.strip_suffix('*') {
        return registry.starts_with(prefix);
    }
    registry.eq_ignore_ascii_case(allow)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_hub_is_trusted_under_any_of_its_names() {
        let hub = ["hub.docker.com".to_owned()];
        assert_eq!(untrusted("zemanlx/ubuntu:18.04", &hub), None);
        assert_eq!(untrusted("docker.io/zemanlx/ubuntu:18.04", &hub), None);
        let other = ["trusted.com".to_owned()];
        assert_eq!(untrusted("ubuntu", &other).as_deref(), Some("docker.io"));
        assert_eq!(untrusted("trusted.com/a/b:1", &other), None);
    }

    #[test]
    fn wildcards_match_by_suffix_and_prefix() {
        let t = ["*.random.com".to_owned(), "registry.*".to_owned()];
        assert_eq!(untrusted("foo.random.com/debian", &t), None);
        assert_eq!(untrusted("registry.example.org/debian", &t), None);
        assert_eq!(untrusted("x.com/debian", &t).as_deref(), Some("x.com"));
    }
}
