use bulwark_core::Finding;
use bulwark_dockerfile::Detail;

use crate::context::DockerfileCtx;
use crate::dockerfile::own_instructions;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<name>` where `<name>` is the stage the `COPY` is in (by name,
    /// ignoring case, or by index).
    ///
    /// ## Why is this bad?
    /// A stage cannot copy from itself: BuildKit stops with a circular dependency error, and
    /// other builders pull an image of that name instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS app
    /// COPY --from=app /usr/src/app/dist /srv
    /// ```
    ///
    /// ## Fix
    /// Copy from the stage that builds the files:
    /// ```dockerfile
    /// FROM node:22 AS build
    /// RUN npm ci && npm run build
    /// FROM nginx:1.27 AS app
    /// COPY --from=build /usr/src/app/dist /srv
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: COPY --from](https://docs.docker.com/reference/dockerfile/#copy---from)
    /// - [hadolint DL3023](https://github.com/hadolint/hadolint/wiki/DL3023)
    pub(crate) static META = {
        code: "DKF009",
        name: "copy-from-own-stage",
        family: Dockerfile,
        severity: High,
        summary: "`COPY --from` refers to its own stage",
        help: "copy from the earlier stage that produces the files",
        aliases: ["DL3023", "AVD-DS-0006", "DS006", "DS-0006"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    let df = ctx.dockerfile;
    for ins in own_instructions(ctx) {
        let (
            Detail::Copy {
                from: Some(from), ..
            },
            Some(current),
        ) = (&ins.detail, ins.stage)
        else {
            continue;
        };
        let Some(stage) = df.stages.get(current) else {
            continue;
        };
        let value = df.scope_at(ins.index).expand_lossy(&from.value, df.escape);
        let by_name = stage
            .name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(&value));
        if !by_name && value != current.to_string() {
            continue;
        }
        let mut finding = ctx
            .finding(
                from.span,
                format!("`COPY --from={value}` copies from the stage it is in"),
            )
            .with_label("this stage");
        if !by_name {
            // hadolint and Trivy compare stage names only.
            finding.aliases.clear();
        }
        out.push(finding);
    }
}
