use bulwark_core::Finding;
use bulwark_dockerfile::StageRef;

use crate::context::DockerfileCtx;
use crate::dockerfile::{ImageRef, unquote};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image has neither a tag nor a digest (`FROM debian`). `scratch`
    /// and earlier build stages (`FROM build`) are not images. When the image name comes from
    /// a variable (`FROM ${BASE_IMAGE}`), the default of the global `ARG` is judged; a
    /// variable without a default is not reported.
    ///
    /// The reference is read as the container runtime reads it: in
    /// `registry.example.com:5000/web` the `:5000` is the registry's port, not a tag.
    ///
    /// ## Why is this bad?
    /// An image without a tag is `latest`, which moves: the next build silently starts from
    /// a different base (a new distribution release, a different libc), so builds are not
    /// reproducible and a working image can break without any change to the Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian
    /// ```
    ///
    /// ## Fix
    /// Pin a version tag, or better a digest:
    /// ```dockerfile
    /// FROM debian:12.7-slim
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [hadolint DL3006](https://github.com/hadolint/hadolint/wiki/DL3006)
    pub(crate) static META = {
        code: "DKF001",
        name: "untagged-base-image",
        family: Dockerfile,
        severity: Medium,
        summary: "base image has no tag",
        help: "pin the image to a version tag (`debian:12.7-slim`), or better to a digest",
        aliases: ["DL3006", "AVD-DS-0001", "DS001", "DS-0001"],
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
        if image.tag.is_some() || image.digest.is_some() || written == "scratch" {
            continue;
        }
        // `FROM ${BASE}` or `FROM repo/${NAME}`: the variable may hold the tag. Judge the
        // value the global `ARG` gives it; without a default there is nothing to judge.
        let shown = if image.name().contains('$') {
            let expanded = match df
                .scope_at(stage.from_instruction)
                .expand(written, df.escape)
            {
                Ok(e) if e.unresolved.is_empty() => e.value,
                _ => continue,
            };
            let resolved = ImageRef::parse(&expanded);
            if resolved.tag.is_some() || resolved.digest.is_some() || expanded == "scratch" {
                continue;
            }
            format!("base image `{written}` (`{expanded}` by default)")
        } else {
            format!("base image `{written}`")
        };
        let mut finding = ctx
            .finding(
                stage.image.span,
                format!("{shown} has no tag, so it is whatever `latest` is at build time"),
            )
            .with_label("no tag: `latest` is implied");
        // hadolint skips references that start with a variable, and reads the port of a
        // registry without a `.` (`localhost:5000/web`) as a tag.
        if written.starts_with('$')
            || image
                .registry
                .is_some_and(|r| r.contains(':') && !r.contains('.'))
        {
            finding.aliases.retain(|a| a != "DL3006");
        }
        out.push(finding);
    }
}
