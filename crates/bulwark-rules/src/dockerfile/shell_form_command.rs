use bulwark_core::Finding;
use bulwark_dockerfile::{CommandForm, Detail, Healthcheck};

use crate::context::DockerfileCtx;
use crate::dockerfile::own_instructions;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` written in shell form
    /// (`CMD node server.js`) instead of exec (JSON) form (`CMD ["node", "server.js"]`).
    ///
    /// ## Why is this bad?
    /// The shell form runs the command as `/bin/sh -c "…"`: the shell, not your process, is
    /// PID 1. It does not forward `SIGTERM`, so `docker stop` and Kubernetes wait for the
    /// grace period and then kill the container without a clean shutdown. A shell-form
    /// `ENTRYPOINT` also ignores the `CMD` and the arguments given to `docker run`.
    ///
    /// ## Example
    /// ```dockerfile
    /// CMD node server.js
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// CMD ["node", "server.js"]
    /// ```
    /// When the command needs a shell, make that explicit and `exec` the process:
    /// `CMD ["/bin/sh", "-c", "exec node server.js --port \"$PORT\""]`.
    ///
    /// ## References
    /// - [Dockerfile reference: shell and exec form](https://docs.docker.com/reference/dockerfile/#shell-and-exec-form)
    /// - [BuildKit check JSONArgsRecommended](https://docs.docker.com/reference/build-checks/json-args-recommended/)
    /// - [hadolint DL3025](https://github.com/hadolint/hadolint/wiki/DL3025)
    pub(crate) static META = {
        code: "DKF015",
        name: "shell-form-command",
        family: Dockerfile,
        severity: Medium,
        summary: "`CMD` or `ENTRYPOINT` in shell form",
        help: "write the command as a JSON array (`CMD [\"node\", \"server.js\"]`)",
        aliases: ["DL3025"],
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
        let (what, form) = match &ins.detail {
            Detail::Cmd(f) => ("CMD", f),
            Detail::Entrypoint(f) => ("ENTRYPOINT", f),
            Detail::Healthcheck(Healthcheck::Cmd(f)) => ("HEALTHCHECK CMD", f),
            _ => continue,
        };
        let CommandForm::Shell(command) = form else {
            continue;
        };
        out.push(
            ctx.finding(
                command.span,
                format!(
                    "`{what}` runs `{}` through `/bin/sh -c`",
                    command.value.trim()
                ),
            )
            .with_label("shell form: the shell is PID 1 and does not forward signals"),
        );
    }
}
