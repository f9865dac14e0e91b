use bulwark_core::Finding;
use bulwark_dockerfile::StageRef;

use crate::context::DockerfileCtx;
use crate::dockerfile::{ImageRef, WithoutAlias, has_variable, offset_in, sub_span, unquote};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image uses the `latest` tag without a digest, written out
    /// (`FROM node:latest`) or as the default of the global `ARG` the tag comes from
    /// (`ARG NODE_VERSION=latest` … `FROM node:${NODE_VERSION}`).
    ///
    /// ## Why is this bad?
    /// `latest` is whatever the publisher pushed last: the next build silently starts from a
    /// different base, so builds are not reproducible, a working image can break without any
    /// change to the Dockerfile, and nobody can tell which base a released image was built
    /// from.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// ```
    ///
    /// ## Fix
    /// Pin a release, or better a digest:
    /// ```dockerfile
    /// FROM node:22.11-bookworm-slim
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [hadolint DL3007](https://github.com/hadolint/hadolint/wiki/DL3007)
    pub(crate) static META = {
        code: "DKF002",
        name: "latest-base-image-tag",
        family: Dockerfile,
        severity: Medium,
        summary: "base image uses the `latest` tag",
        help: "pin the image to a release tag (`node:22.11-bookworm-slim`), or better to a digest",
        aliases: ["DL3007", "AVD-DS-0001", "DS001", "DS-0001"],
        compliance: ["NIST-800-190-4.2.2"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    for stage in ctx.stages() {
        if matches!(stage.base, StageRef::Stage(_)) {
            continue;
        }
        let written = unquote(&stage.image.value);
        let image = ImageRef::parse(written);
        let Some(tag) = image.tag else { continue };
        if image.digest.is_some() {
            continue;
        }
        let tag_start = offset_in(&stage.image.value, tag);
        let span = sub_span(ctx.file, &stage.image, tag_start, tag_start + tag.len());
        if tag == "latest" {
            out.push(
                ctx.finding(
                    span,
                    format!("base image `{written}` uses the `latest` tag"),
                )
                .with_label("`latest` changes whenever the image is republished"),
            );
        } else if has_variable(tag) {
            let scope = df.scope_at(stage.from_instruction);
            let Ok(expanded) = scope.expand(tag, df.escape) else {
                continue;
            };
            if expanded.unresolved.is_empty() && expanded.value == "latest" {
                // hadolint reads the tag as written; Trivy expands the ARG as here.
                out.push(
                    ctx.finding(
                        span,
                        format!("base image `{written}` uses the `latest` tag (the default of the `ARG` its tag comes from)"),
                    )
                    .with_label("resolves to `latest`")
                    .without_alias("DL3007"),
                );
            }
        }
    }
}
