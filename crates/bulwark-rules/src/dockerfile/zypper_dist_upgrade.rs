use bulwark_core::Finding;

use crate::context::DockerfileCtx;
use crate::dockerfile::run_shell::{read_run, runs};
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `zypper dist-upgrade` (`zypper dup`) in `RUN` instructions (and `ONBUILD
    /// RUN` triggers).
    ///
    /// ## Why is this bad?
    /// A distribution upgrade may replace, downgrade or remove any package of the base
    /// image, switch vendors, and move the image to a new release of the distribution
    /// when the repositories point at a rolling one. The result depends on the day of
    /// the build, is large, and is no longer the base image its `FROM` names. Take a newer
    /// base image instead, or update single packages.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.5
    /// RUN zypper --non-interactive dist-upgrade
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive patch --category security && zypper clean
    /// ```
    ///
    /// ## References
    /// - [hadolint DL3035](https://github.com/hadolint/hadolint/wiki/DL3035)
    pub(crate) static META = {
        code: "DKF078",
        name: "zypper-dist-upgrade",
        family: Dockerfile,
        severity: Medium,
        summary: "RUN runs `zypper dist-upgrade`",
        help: "use a newer base image, or update single packages (`zypper patch`, `zypper update <package>`)",
        aliases: ["DL3035"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for ins in runs(ctx, true) {
        let script = read_run(ctx, ins);
        let commands = script.commands();
        let Some(sub) = commands
            .iter()
            .filter(|c| c.is("zypper"))
            .find_map(|c| c.arg(&["dist-upgrade", "dup"]))
        else {
            continue;
        };
        out.push(
            ctx.finding(
                sub.span,
                format!("`zypper {}` upgrades the whole distribution", sub.value),
            )
            .with_label("the image no longer matches its base"),
        );
    }
}
