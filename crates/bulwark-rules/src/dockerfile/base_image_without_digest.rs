use bulwark_core::Finding;
use bulwark_dockerfile::{Detail, StageRef};

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `FROM` instructions whose image is not pinned by a digest
    /// (`image:tag@sha256:…`). `scratch` and earlier stages are not images and are not
    /// reported; build arguments are expanded with their defaults.
    ///
    /// An untagged or `latest` image is reported by the tag rules as well; this rule asks for
    /// more: a tag can be moved to other content at any time, a digest cannot.
    ///
    /// ## Why is this bad?
    /// A tag such as `python:3.12-slim` is rebuilt and re-pushed every few days. The same
    /// Dockerfile then builds different images on different days, a compromised or
    /// mistaken push reaches every build at once, and a release cannot be rebuilt
    /// bit-for-bit. A digest names exactly one image; tools such as Renovate or Dependabot
    /// keep digests current with reviewed pull requests.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// ## Fix
    /// Keep the tag for readers and add the digest (`docker buildx imagetools inspect
    /// python:3.12-slim` prints it):
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:<the digest it printed>
    /// ```
    ///
    /// ## References
    /// - [Docker: pin base image versions](https://docs.docker.com/build/building/best-practices/#pin-base-image-versions)
    /// - NIST SP 800-190 4.2.2: stale images in registries
    pub(crate) static META = {
        code: "DKF121",
        name: "base-image-without-digest",
        family: Dockerfile,
        severity: Info,
        summary: "base image is not pinned by a digest",
        help: "pin the image by digest, such as `python:3.12-slim@sha256:…`, and let a dependency bot update it",
        aliases: [],
        compliance: ["NIST-800-190-4.2.2", "NIST-800-190-4.1.5"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    for stage in &df.stages {
        let StageRef::Image(image) = &stage.base else {
            continue;
        };
        let image = image.trim();
        if image.is_empty() || image.eq_ignore_ascii_case("scratch") || image.contains('@') {
            continue;
        }
        let Some(Detail::From { image: written, .. }) = df
            .instructions
            .get(stage.from_instruction)
            .map(|i| &i.detail)
        else {
            continue;
        };
        if written.value.contains('@') {
            continue;
        }
        out.push(
            ctx.finding(
                written.span,
                format!("base image `{}` is not pinned by a digest", written.value),
            )
            .with_label("no `@sha256:` digest"),
        );
    }
}
