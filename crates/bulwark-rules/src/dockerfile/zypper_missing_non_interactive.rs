use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{read_run, runs};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports zypper commands that change packages (`install`, `in`, `remove`, `rm`,
    /// `source-install`, `si`, `patch`) in `RUN` instructions (and `ONBUILD RUN`
    /// triggers) without a non-interactive switch: `-n`/`--non-interactive` before the
    /// command, or `-y`/`--no-confirm` after it.
    ///
    /// ## Why is this bad?
    /// Without it, zypper asks for confirmation. A build has no terminal to answer, so
    /// the step fails, or, where the exit status is ignored, the packages are silently
    /// missing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install httpd=2.4.58 && zypper clean
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install httpd=2.4.58 && zypper clean
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3034](https://github.com/hadolint/hadolint/wiki/DL3034)
    /// - [zypper(8)](https://en.opensuse.org/SDB:Zypper_manual)
    pub(crate) static META = {
        code: "DKF077",
        name: "zypper-missing-non-interactive",
        family: Dockerfile,
        severity: Medium,
        summary: "zypper changes packages without a non-interactive switch",
        help: "use `zypper --non-interactive install` (or `zypper install -y`)",
        aliases: ["DL3034"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

const CHANGES: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "source-install",
    "si",
    "patch",
];

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(sub) = commands.iter().find_map(|c| {
            let sub = c.arg(CHANGES)?;
            (c.is("zypper") && !c.has_flag(&["y", "no-confirm", "n", "non-interactive"]))
                .then_some(sub)
        }) else {
            continue;
        };
        out.push(
            ctx.finding(
                sub.span,
                format!(
                    "`zypper {}` runs without a non-interactive switch",
                    sub.value
                ),
            )
            .with_label("waits for a confirmation the build cannot give"),
        );
    }
}
