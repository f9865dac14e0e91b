use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{read_run, runs};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `yum install`, `yum groupinstall` and `yum localinstall` commands in `RUN`
    /// instructions (and `ONBUILD RUN` triggers) without `-y` (`--assumeyes`).
    ///
    /// ## Why is this bad?
    /// Without `-y`, yum asks for confirmation before installing. A build has no terminal
    /// to answer, so yum reads end-of-input, treats it as "no" and stops: the step fails,
    /// or, where the exit status is ignored, the packages are silently missing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM centos:7
    /// RUN yum install -y httpd-2.4.6 && yum clean all
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3030](https://github.com/hadolint/hadolint/wiki/DL3030)
    /// - [yum(8)](https://man7.org/linux/man-pages/man8/yum.8.html)
    pub(crate) static META = {
        code: "DKF074",
        name: "yum-missing-yes",
        family: Dockerfile,
        severity: Medium,
        summary: "`yum install` without `-y`",
        help: "add `-y` so that yum does not wait for a confirmation nobody can give",
        aliases: ["DL3030"],
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
            (c.is("yum") && !c.has_flag(&["y", "assumeyes"])).then_some((c, sub))
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
