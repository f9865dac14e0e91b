use bulwark_core::Finding;
use bulwark_dockerfile::InstructionKind;

use crate::context::DockerfileCtx;
use crate::dockerfile::multiple_per_stage::check_repeats;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports every `HEALTHCHECK` of a build stage after the first one (`HEALTHCHECK NONE`
    /// included).
    ///
    /// ## Why is this bad?
    /// Only the last `HEALTHCHECK` of a stage takes effect; the earlier ones are dead code
    /// that readers take for the container's health check.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]
    /// HEALTHCHECK --interval=30s CMD ["curl", "-f", "http://localhost/healthz"]
    /// ```
    ///
    /// ## Fix
    /// Keep one `HEALTHCHECK` per stage.
    ///
    /// ## References
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - [hadolint DL3012](https://github.com/hadolint/hadolint/wiki/DL3012)
    pub(crate) static META = {
        code: "DKF018",
        name: "multiple-healthcheck",
        family: Dockerfile,
        severity: High,
        summary: "stage has more than one `HEALTHCHECK`",
        help: "keep only one `HEALTHCHECK` in the stage",
        aliases: ["DL3012", "AVD-DS-0023", "DS023", "DS-0023"],
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
        InstructionKind::Healthcheck,
        &["AVD-DS-0023", "DS023", "DS-0023"],
    );
}
