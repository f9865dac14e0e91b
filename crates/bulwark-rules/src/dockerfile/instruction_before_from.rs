use bulwark_core::Finding;
use bulwark_dockerfile::InstructionKind;

use crate::context::DockerfileCtx;
use crate::dockerfile::own_instructions;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports instructions before the first `FROM` other than `ARG` (parser directives and
    /// comments are not instructions).
    ///
    /// ## Why is this bad?
    /// Only `ARG` may come before the first `FROM`: any other instruction has no stage to
    /// apply to, and BuildKit refuses the file. Often the `FROM` line is missing altogether,
    /// or the file is a fragment meant to be concatenated with another.
    ///
    /// ## Example
    /// ```dockerfile
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// FROM alpine:3.20
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: FROM](https://docs.docker.com/reference/dockerfile/#from)
    /// - [Dockerfile reference: understand how ARG and FROM interact](https://docs.docker.com/reference/dockerfile/#understand-how-arg-and-from-interact)
    /// - [hadolint DL3061](https://github.com/hadolint/hadolint/wiki/DL3061)
    pub(crate) static META = {
        code: "DKF024",
        name: "instruction-before-from",
        family: Dockerfile,
        severity: High,
        summary: "instruction before the first `FROM`",
        help: "start the file with `FROM` (only `ARG` may come before it)",
        aliases: ["DL3061"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in own_instructions(ctx) {
        match ins.kind {
            InstructionKind::From => break,
            InstructionKind::Arg => {}
            _ => out.push(
                ctx.finding(
                    ins.keyword_span,
                    format!(
                        "`{}` comes before the first `FROM`, where only `ARG` is allowed",
                        ins.keyword.to_ascii_uppercase()
                    ),
                )
                .with_label("no build stage yet"),
            ),
        }
    }
}
