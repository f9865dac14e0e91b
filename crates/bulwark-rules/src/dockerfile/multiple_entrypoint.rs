use bulwark_core::Finding;
use bulwark_dockerfile::InstructionKind;

use crate::context::DockerfileCtx;
use crate::dockerfile::multiple_per_stage::check_repeats;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports every `ENTRYPOINT` of a build stage after the first one.
    ///
    /// ## Why is this bad?
    /// Only the last `ENTRYPOINT` of a stage takes effect. The earlier ones mislead readers
    /// about what the container runs, and a later `ENTRYPOINT` also resets the `CMD`
    /// inherited from the base image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ENTRYPOINT ["python"]
    /// COPY app.py /app/
    /// ENTRYPOINT ["python", "/app/app.py"]
    /// ```
    ///
    /// ## Fix
    /// Keep one `ENTRYPOINT`, at the end of the stage.
    ///
    /// ## References
    /// - [Dockerfile reference: ENTRYPOINT](https://docs.docker.com/reference/dockerfile/#entrypoint)
    /// - [BuildKit check MultipleInstructionsDisallowed](https://docs.docker.com/reference/build-checks/multiple-instructions-disallowed/)
    /// - [hadolint DL4004](https://github.com/hadolint/hadolint/wiki/DL4004)
    pub(crate) static META = {
        code: "DKF017",
        name: "multiple-entrypoint",
        family: Dockerfile,
        severity: High,
        summary: "stage has more than one `ENTRYPOINT`",
        help: "keep only the last `ENTRYPOINT` of the stage",
        aliases: ["DL4004", "AVD-DS-0007", "DS007", "DS-0007"],
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
        InstructionKind::Entrypoint,
        &["AVD-DS-0007", "DS007", "DS-0007"],
    );
}
