use bulwark_core::{Finding, Span};
use bulwark_dockerfile::{Detail, StageRef};

use super::base_image_matches;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports images a build pulls that the `allowed_base_images` option does not allow:
    /// the image of each `FROM` (not `scratch`, not an earlier stage) and of each
    /// `COPY --from=<image>`. Without that option the rule reports nothing: which base
    /// images to trust is a decision of each organisation.
    ///
    /// Build arguments are expanded with their defaults. An image that depends on a build
    /// argument without a default (`FROM ${BASE_IMAGE}`) cannot be checked and is reported,
    /// so that a policy cannot be bypassed with `--build-arg`.
    ///
    /// ## Why is this bad?
    /// Everything in the base image ends up in production: its packages, its
    /// vulnerabilities, its default user, and whatever its publisher (or whoever took over
    /// its namespace) put in it. Restricting builds to vetted, internally mirrored or
    /// hardened images keeps scanning, patching and provenance policies enforceable.
    ///
    /// ## Example
    /// With `allowed_base_images: ["registry.example.com/*", "docker.io/library/python:3.12-*"]`:
    /// ```dockerfile
    /// FROM someone/python-custom:3.12
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM docker.io/library/python:3.12-slim
    /// ```
    ///
    /// ## Options
    /// - `allowed_base_images` (list of patterns, default: none, so nothing is reported):
    ///   - a pattern with `*`, `?`, `[…]` or `{a,b}` is a glob in which `*` matches any
    ///     characters, `/` included (`registry.example.com/*`,
    ///     `docker.io/library/python:3.12-*`, `*.dkr.ecr.*.amazonaws.com/*`);
    ///   - any other pattern allows a registry, a repository or a reference and everything
    ///     below it up to a `/`, `:` or `@` (`registry.example.com`, `ghcr.io/acme`,
    ///     `docker.io/library/alpine`, `python:3.12`).
    ///
    ///   Patterns are matched against the reference as written and in its normalised form
    ///   (`python:3.12` is `docker.io/library/python:3.12`; an untagged reference is also
    ///   `…:latest`), case-insensitively.
    ///
    /// ```yaml
    /// rules:
    ///   options:
    ///     base-image-not-allowed:
    ///       allowed_base_images:
    ///         - "registry.example.com/*"
    ///         - "docker.io/library/python:3.12-*"
    ///         - "gcr.io/distroless/*"
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark 4.2: ensure that containers use only trusted base images
    /// - NIST SP 800-190 4.1.5: use of untrusted images
    pub(crate) static META = {
        code: "DKF120",
        name: "base-image-not-allowed",
        family: Dockerfile,
        severity: Medium,
        summary: "base image is not in the allowed list",
        help: "use a base image that `allowed_base_images` allows, or add it to the list after review",
        aliases: [],
        compliance: ["CIS-DOCKER-4.2", "NIST-800-190-4.1.5"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let Some(allowed) = ctx.options.strings("allowed_base_images") else {
        return;
    };
    let df = ctx.dockerfile;
    for ins in ctx.instructions() {
        // (image as written, span, how the instruction uses it)
        let (raw, span, what): (&str, Span, &str) = match &ins.detail {
            Detail::From { image, .. } => {
                let stage = df.stages.iter().find(|s| s.from_instruction == ins.index);
                if stage.is_some_and(|s| matches!(s.base, StageRef::Stage(_))) {
                    continue;
                }
                (&image.value, image.span, "base image")
            }
            Detail::Copy {
                from: Some(from), ..
            } => {
                if !matches!(df.copy_from(ins), Some(StageRef::Image(_))) {
                    continue;
                }
                (&from.value, from.span, "`COPY --from` image")
            }
            _ => continue,
        };
        let scope = df.scope_at(ins.index);
        let (image, unresolved) = match scope.expand(raw, df.escape) {
            Ok(e) => (e.value, e.unresolved),
            Err(_) => (raw.to_owned(), vec![raw.to_owned()]),
        };
        if image.trim().eq_ignore_ascii_case("scratch") && unresolved.is_empty() {
            continue;
        }
        let (message, label) = if !unresolved.is_empty() {
            (
                format!(
                    "{what} `{raw}` depends on `{}`, a build argument without a default, so it cannot be checked against `allowed_base_images`",
                    unresolved.join("`, `")
                ),
                "cannot be checked",
            )
        } else if base_image_matches(&image, &allowed) {
            continue;
        } else {
            (
                format!("{what} `{image}` is not in `allowed_base_images`"),
                "image not allowed",
            )
        };
        out.push(ctx.finding(span, message).with_label(label));
    }
}
