use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{read_run, runs};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `dnf` and `microdnf` `install`, `groupinstall` and `localinstall` commands
    /// in `RUN` instructions (and `ONBUILD RUN` triggers) without `-y` (`--assumeyes`).
    ///
    /// ## Why is this bad?
    /// Without `-y`, dnf asks for confirmation before installing. A build has no terminal
    /// to answer, so the transaction is aborted: the step fails, or, where the exit status
    /// is ignored, the packages are silently missing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:41
    /// RUN dnf install httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM fedora:41
    /// RUN dnf install -y httpd-2.4.62 && dnf clean all
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3038](https://github.com/hadolint/hadolint/wiki/DL3038)
    /// - [dnf command reference](https://dnf.readthedocs.io/en/latest/command_ref.html)
    pub(crate) static META = {
        code: "DKF081",
        name: "dnf-missing-yes",
        family: Dockerfile,
        severity: Medium,
        summary: "`dnf install` without `-y`",
        help: "add `-y` so that dnf does not wait for a confirmation nobody can give",
        aliases: ["DL3038"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

const INSTALLS: &[&str] = &["install", "groupinstall", "localinstall"];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some((cmd, sub)) = commands.iter().find_map(|c| {
            let sub = c.arg(INSTALLS)?;
            (c.is_any(&["dnf", "microdnf"]) && !c.has_flag(&["y", "assumeyes"])).then_some((c, sub))
        }) else {
            continue;
        };
        out.push(
            ctx.finding(
                sub.span,
                format!("`{} {}` runs without `-y`", cmd.name(), sub.value),
            )
            .with_label("waits for a confirmation the build cannot give"),
        );
    }
}
