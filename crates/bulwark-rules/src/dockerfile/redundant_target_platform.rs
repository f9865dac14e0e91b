use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).
    ///
    /// ## Why is this bad?
    /// A stage is built for the target platform unless told otherwise, so the flag changes
    /// nothing; it only suggests to readers that something special happens, and is often a
    /// mistake for `$BUILDPLATFORM` (build on the machine's own platform, for
    /// cross-compiling stages).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## References
    /// - [Automatic platform ARGs in the global scope](https://docs.docker.com/reference/dockerfile/#automatic-platform-args-in-the-global-scope)
    /// - [hadolint DL3065](https://github.com/hadolint/hadolint/wiki/DL3065)
    pub(crate) static META = {
        code: "DKF005",
        name: "redundant-target-platform",
        family: Dockerfile,
        severity: Medium,
        summary: "`FROM --platform=$TARGETPLATFORM` is the default",
        help: "remove `--platform=$TARGETPLATFORM`; use `$BUILDPLATFORM` if the stage should run on the build machine's platform",
        aliases: ["DL3065"],
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
        if matches!(value, "$TARGETPLATFORM" | "${TARGETPLATFORM}") {
            out.push(
                ctx.finding(
                    flag.span,
                    format!("`--platform={value}` is what the stage is built for anyway"),
                )
                .with_label("the default platform"),
            );
        }
    }
}
