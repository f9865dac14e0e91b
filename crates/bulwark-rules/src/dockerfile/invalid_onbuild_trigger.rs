use bulwark_core::Finding;
use bulwark_dockerfile::InstructionKind;

use crate::context::DockerfileCtx;
use crate::dockerfile::own_instructions;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `ONBUILD ONBUILD`, `ONBUILD FROM` and `ONBUILD MAINTAINER`.
    ///
    /// ## Why is this bad?
    /// These triggers are not allowed: BuildKit refuses the Dockerfile (`ONBUILD ONBUILD`,
    /// `FROM` and `MAINTAINER` cannot be triggers), so neither this image nor the images
    /// built on it can be built.
    ///
    /// ## Example
    /// ```dockerfile
    /// ONBUILD FROM debian:12
    /// ```
    ///
    /// ## Fix
    /// Remove the trigger; a child image chooses its own base with its own `FROM`.
    ///
    /// ## References
    /// - [Dockerfile reference: ONBUILD](https://docs.docker.com/reference/dockerfile/#onbuild)
    /// - [hadolint DL3043](https://github.com/hadolint/hadolint/wiki/DL3043)
    pub(crate) static META = {
        code: "DKF020",
        name: "invalid-onbuild-trigger",
        family: Dockerfile,
        severity: High,
        summary: "`ONBUILD` trigger is `ONBUILD`, `FROM` or `MAINTAINER`",
        help: "remove the trigger",
        aliases: ["DL3043"],
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
        let Some(trigger) = ins.trigger() else {
            continue;
        };
        if !matches!(
            trigger.kind,
            InstructionKind::Onbuild | InstructionKind::From | InstructionKind::Maintainer
        ) {
            continue;
        }
        let keyword = trigger.kind.as_str();
        out.push(
            ctx.finding(
                trigger.keyword_span,
                format!(
                    "`ONBUILD {keyword}` is not allowed: `{keyword}` cannot be an `ONBUILD` trigger"
                ),
            )
            .with_label("not a valid trigger"),
        );
    }
}
