use bulwark_core::Finding;
use bulwark_dockerfile::InstructionKind;

use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports a Dockerfile with no `HEALTHCHECK` instruction in any stage. `HEALTHCHECK
    /// NONE` counts (it is an explicit decision), and so does a `HEALTHCHECK` in an earlier
    /// stage; `ONBUILD HEALTHCHECK` does not (it applies to child images). The finding is on
    /// the final stage's `FROM`. These are the semantics of Trivy (DS-0026) and Checkov
    /// (CKV_DOCKER_2); hadolint's stricter per-stage check (DL3057, off by default) is
    /// `stage-healthcheck-missing` (DKF132).
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker and Compose only know whether the process is alive,
    /// not whether it serves: a deadlocked or misconfigured service keeps receiving
    /// traffic and is never restarted. (Kubernetes ignores `HEALTHCHECK` and uses its own
    /// probes; images meant only for Kubernetes can say so with `HEALTHCHECK NONE`.)
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK --interval=30s --timeout=3s CMD curl -fsS http://localhost/ || exit 1
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: HEALTHCHECK](https://docs.docker.com/reference/dockerfile/#healthcheck)
    /// - CIS Docker Benchmark 4.6: ensure that HEALTHCHECK instructions have been added
    pub(crate) static META = {
        code: "DKF131",
        name: "healthcheck-missing",
        family: Dockerfile,
        severity: Info,
        summary: "no `HEALTHCHECK` instruction in the Dockerfile",
        help: "add `HEALTHCHECK CMD <command that fails when the service is unhealthy>` to the final stage, or `HEALTHCHECK NONE` to opt out explicitly",
        aliases: ["AVD-DS-0026", "DS026", "DS-0026", "CKV_DOCKER_2"],
        compliance: ["CIS-DOCKER-4.6"],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    if df
        .instructions
        .iter()
        .any(|i| i.kind == InstructionKind::Healthcheck)
    {
        return;
    }
    // The final stage's FROM; in a file without FROM (which BuildKit refuses, and the
    // peers still check), the first instruction.
    let Some(from) = df
        .stages
        .last()
        .and_then(|s| df.instructions.get(s.from_instruction))
        .or_else(|| df.instructions.first())
    else {
        return;
    };
    out.push(
        ctx.instruction_finding(from, "the image defines no `HEALTHCHECK`")
            .with_label("no `HEALTHCHECK` in any stage"),
    );
}
