use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a build stage named `scratch` or `context` (in any case).
    ///
    /// ## Why is this bad?
    /// Both names already mean something to BuildKit: `scratch` is the empty image and
    /// `context` the build context of `COPY --from=context` and named contexts. A stage with
    /// such a name makes `FROM scratch` or `--from=context` ambiguous, and BuildKit's own
    /// checks reject it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS scratch
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM alpine:3.20 AS base
    /// ```
    ///
    /// ## References
    /// - [BuildKit check ReservedStageName](https://docs.docker.com/reference/build-checks/reserved-stage-name/)
    /// - [hadolint DL3063](https://github.com/hadolint/hadolint/wiki/DL3063)
    pub(crate) static META = {
        code: "DKF007",
        name: "reserved-stage-name",
        family: Dockerfile,
        severity: Medium,
        summary: "build stage uses a reserved name",
        help: "rename the stage (for example `AS base`) and the references to it",
        aliases: ["DL3063"],
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
        let Some(name) = stage.name.as_deref() else {
            continue;
        };
        if !matches!(name, "scratch" | "context") {
            continue;
        }
        let Some(Detail::From {
            name: Some(written),
            ..
        }) = ctx
            .dockerfile
            .instructions
            .get(stage.from_instruction)
            .map(|x| &x.detail)
        else {
            continue;
        };
        let mut finding = ctx
            .finding(
                written.span,
                format!("stage name `{}` is reserved by BuildKit", written.value),
            )
            .with_label("reserved name");
        if written.value != name {
            // hadolint compares the name as written, BuildKit ignores case.
            finding.aliases.clear();
        }
        out.push(finding);
    }
}
