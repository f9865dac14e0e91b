use bulwark_core::Finding;
use bulwark_dockerfile::{Detail, VarKind};

use crate::context::DockerfileCtx;
use crate::dockerfile::{own_instructions, unquote, variable_references};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `USER` with a user name instead of a numeric user id (`USER app`,
    /// `USER root`, `USER app:app`); the group may be a name. A user given by a build
    /// argument (`USER ${APP_UID}`) is not reported; one given by an `ENV` is judged by the
    /// value the `ENV` sets.
    ///
    /// ## Why is this bad?
    /// A name is resolved through the image's `/etc/passwd` when the container starts, so
    /// whoever runs the image cannot tell which user it runs as. Kubernetes refuses to start
    /// such a container under `runAsNonRoot: true` ("image has non-numeric user, cannot
    /// verify user is non-root"), and a host or volume sees only the numeric id.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN useradd --uid 10001 --no-create-home app
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN useradd --uid 10001 --no-create-home app
    /// USER 10001:10001
    /// ```
    ///
    /// ## References
    /// - [Dockerfile reference: USER](https://docs.docker.com/reference/dockerfile/#user)
    /// - [Kubernetes: security context, runAsNonRoot](https://kubernetes.io/docs/tasks/configure-pod-container/security-context/)
    /// - [hadolint DL3066](https://github.com/hadolint/hadolint/wiki/DL3066)
    pub(crate) static META = {
        code: "DKF022",
        name: "non-numeric-user",
        family: Dockerfile,
        severity: Low,
        summary: "`USER` is a name, not a numeric id",
        help: "use the numeric user id (`USER 10001` or `USER 10001:10001`)",
        aliases: ["DL3066"],
        compliance: ["NIST-800-190-4.1.2"],
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
        let Detail::User(user) = &ins.detail else {
            continue;
        };
        let written = unquote(&user.value);
        let uid = written.split(':').next().unwrap_or_default();
        let value = if uid.contains('$') {
            let scope = df.scope_at(ins.index);
            // A build argument is chosen at build time: nothing to judge.
            if variable_references(uid).any(|(_, _, n)| scope.kind(n) != Some(VarKind::Env)) {
                continue;
            }
            match scope.expand(uid, df.escape) {
                Ok(e) if e.unresolved.is_empty() => e.value,
                _ => continue,
            }
        } else {
            uid.to_owned()
        };
        if value.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let shown = if value == uid {
            format!("`USER {written}` names user `{uid}`")
        } else {
            format!("`USER {written}` names user `{value}`")
        };
        out.push(
            ctx.finding(
                user.span,
                format!(
                    "{shown} instead of a numeric id, so the user is only known inside the image"
                ),
            )
            .with_label("not a numeric user id"),
        );
    }
}
