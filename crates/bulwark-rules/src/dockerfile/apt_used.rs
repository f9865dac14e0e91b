use bulwark_core::Finding;

use super::pkg_command::run_scripts;
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports RUN commands that call `apt` rather than `apt-get` or `apt-cache`.
    ///
    /// ## Why is this bad?
    /// `apt` is the interactive front end: its command line and output are not a stable
    /// interface (it warns so itself when not run on a terminal), it shows progress bars
    /// and prompts meant for a person, and its behaviour may change between releases.
    /// Scripts, and builds, should use `apt-get` and `apt-cache`.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt update && apt install -y curl
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - [apt(8): script usage](https://manpages.debian.org/stable/apt/apt.8.en.html#SCRIPT_USAGE_AND_DIFFERENCES_FROM_OTHER_APT_TOOLS)
    /// - [hadolint DL3027](https://github.com/hadolint/hadolint/wiki/DL3027)
    pub(crate) static META = {
        code: "DKF044",
        name: "apt-instead-of-apt-get",
        family: Dockerfile,
        severity: Medium,
        summary: "RUN uses `apt`, whose command line is meant for people",
        help: "use `apt-get` (or `apt-cache`) instead of `apt`",
        aliases: ["DL3027"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let Some(cmd) = run.commands().find(|c| c.is("apt")) else {
            continue;
        };
        let what = cmd
            .operands(&[])
            .first()
            .map_or_else(|| "`apt`".to_owned(), |w| format!("`apt {}`", w.value));
        out.push(
            ctx.finding(cmd.name_span(), format!("{what} is used in a build"))
                .with_label("`apt` is the interactive front end"),
        );
    }
}
