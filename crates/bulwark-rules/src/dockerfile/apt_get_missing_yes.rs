use bulwark_core::Finding;

use super::pkg_command::{PkgCommand, run_scripts};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` without `-y` (`--yes`, `--assume-yes`). A quiet level of
    /// two (`-qq`, `-q -q`, `-q=2`) also answers yes, as apt-get documents.
    ///
    /// ## Why is this bad?
    /// A build has no terminal to answer apt-get's "Do you want to continue?" prompt:
    /// apt-get aborts as soon as an install needs confirmation (typically when it pulls in
    /// extra dependencies), so the build fails on a later, unrelated change.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    ///
    /// ## References
    /// - [apt-get(8): `-y`, `-q`](https://manpages.debian.org/stable/apt/apt-get.8.en.html)
    /// - [hadolint DL3014](https://github.com/hadolint/hadolint/wiki/DL3014)
    pub(crate) static META = {
        code: "DKF042",
        name: "apt-get-install-without-yes",
        family: Dockerfile,
        severity: Medium,
        summary: "`apt-get install` may wait for confirmation",
        help: "add `-y` to `apt-get install`",
        aliases: ["DL3014", "AVD-DS-0021", "DS021", "DS-0021"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

/// `-y`, or a quiet level of at least two (which implies `-y`).
fn answers_yes(c: &PkgCommand<'_>) -> bool {
    if c.has_any_flag(&["y", "yes", "assume-yes"]) {
        return true;
    }
    let explicit = c.args.iter().any(|a| {
        a.value()
            .strip_prefix("-q=")
            .or_else(|| a.value().strip_prefix("--quiet="))
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n >= 2)
            || a.value().eq_ignore_ascii_case("APT::Get::Assume-Yes=true")
    });
    explicit || c.count_flag("q") >= 2 || c.count_flag("quiet") >= 2
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let Some(word) = run.commands().find_map(|c| {
            (c.is("apt-get") && !answers_yes(&c))
                .then(|| {
                    c.args
                        .iter()
                        .find(|a| a.value() == "install")
                        .map(|a| a.word)
                })
                .flatten()
        }) else {
            continue;
        };
        out.push(
            ctx.finding(word.span, "`apt-get install` runs without `-y`")
                .with_label("asks for confirmation, which a build cannot give"),
        );
    }
}
