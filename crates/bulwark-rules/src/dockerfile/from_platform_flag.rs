use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::variable_references;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=<value>` unless the value refers to BuildKit's
    /// `$BUILDPLATFORM` (a cross-compiling build stage) or `$TARGETPLATFORM`.
    ///
    /// ## Why is this bad?
    /// A fixed platform (`--platform=linux/amd64`) builds the stage for that platform
    /// whatever the build asks for: `docker buildx build --platform linux/arm64` silently
    /// produces an amd64 image (run through emulation, if at all), and multi-platform builds
    /// contain the same image twice.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 debian:12
    /// ```
    ///
    /// ## Fix
    /// Drop the flag, and choose the platform when building
    /// (`docker buildx build --platform linux/amd64 .`). Build stages that cross-compile use
    /// `FROM --platform=$BUILDPLATFORM golang:1.23 AS build`.
    ///
    /// ## References
    /// - [Dockerfile reference: FROM --platform](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Multi-platform builds](https://docs.docker.com/build/building/multi-platform/)
    /// - [hadolint DL3029](https://github.com/hadolint/hadolint/wiki/DL3029)
    pub(crate) static META = {
        code: "DKF004",
        name: "from-fixed-platform",
        family: Dockerfile,
        severity: Medium,
        summary: "`FROM --platform` fixes the platform of the stage",
        help: "remove `--platform` and pick the platform at build time, or use `--platform=$BUILDPLATFORM` in a cross-compiling stage",
        aliases: ["DL3029"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for stage in ctx.stages() {
        let Some(ins) = ctx.dockerfile.instructions.get(stage.from_instruction) else {
            continue;
        };
        let Some(flag) = ins.flag("platform") else {
            continue;
        };
        let value = flag.value.as_deref().unwrap_or_default();
        if value.is_empty()
            || variable_references(value)
                .any(|(_, _, name)| matches!(name, "BUILDPLATFORM" | "TARGETPLATFORM"))
        {
            continue;
        }
        out.push(
            ctx.finding(
                flag.span,
                format!("`FROM --platform={value}` builds the stage for a fixed platform"),
            )
            .with_label("fixed platform"),
        );
    }
}
