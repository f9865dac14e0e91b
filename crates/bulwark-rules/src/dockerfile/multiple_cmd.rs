use bulwark_core::Finding;
use bulwark_dockerfile::InstructionKind;

use crate::context::DockerfileCtx;
use crate::dockerfile::multiple_per_stage::check_repeats;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports every `CMD` of a build stage after the first one.
    ///
    /// ## Why is this bad?
    /// Only the last `CMD` of a stage takes effect; the others are dead code that readers
    /// take for the container's command, and the one that wins is easy to miss when the
    /// stage is edited.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// CMD ["nginx"]
    /// COPY nginx.conf /etc/nginx/nginx.conf
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## Fix
    /// Keep one `CMD`, at the end of the stage.
    ///
    /// ## References
    /// - [Dockerfile reference: CMD](https://docs.docker.com/reference/dockerfile/#cmd)
    /// - [BuildKit check MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    /// - [hadolint DL4003](https://github.com/hadolint/hadolint/wiki/DL4003)
    pub(crate) static META = {
        code: "DKF016",
        name: "multiple-cmd",
        family: Dockerfile,
        severity: Medium,
        summary: "stage has more than one `CMD`",
        help: "keep only the last `CMD` of the stage",
        aliases: ["DL4003", "AVD-DS-0016", "DS016", "DS-0016"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    check_repeats(
        ctx,
        out,
        InstructionKind::Cmd,
        &["AVD-DS-0016", "DS016", "DS-0016"],
    );
}
