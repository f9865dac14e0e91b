use bulwark_core::Finding;

use super::pkg_command::{run_scripts, unpinned_finding};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `gem install` (`gem i`) naming a gem without a version (`bundler` rather
    /// than `bundler:2.5.23`), unless the command gives one with `-v`/`--version`. Words
    /// after `--` are build options, not gems; like hadolint, a word that follows an option
    /// is read as that option's value.
    ///
    /// ## Why is this bad?
    /// Without a version the image gets whatever rubygems.org serves on the day of the
    /// build: two builds of the same Dockerfile can differ, and a rebuild can bring in a
    /// breaking or compromised release unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN gem install bundler
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN gem install bundler:2.5.23
    /// ```
    ///
    /// ## References
    /// - [gem install](https://guides.rubygems.org/command-reference/#gem-install)
    /// - [hadolint DL3028](https://github.com/hadolint/hadolint/wiki/DL3028)
    pub(crate) static META = {
        code: "DKF050",
        name: "gem-unpinned-package",
        family: Dockerfile,
        severity: Medium,
        summary: "`gem install` installs a gem without pinning its version",
        help: "pin each gem to a version: `gem install <gem>:<version>`",
        aliases: ["DL3028"],
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
        let mut unpinned = Vec::new();
        for c in run.commands() {
            if !c.is_with_any("gem", &["install", "i"])
                || c.has_arg("-v")
                || c.has_arg("--version")
                || c.args.iter().any(|a| a.value().starts_with("--version="))
            {
                continue;
            }
            let mut args = c.args.iter().take_while(|a| a.value() != "--");
            while let Some(a) = args.next() {
                if a.value().starts_with('-') {
                    args.next();
                } else if a.value() != "install" && a.value() != "i" && !a.value().contains(':') {
                    unpinned.push(a.word);
                }
            }
        }
        out.extend(unpinned_finding(
            ctx,
            "gem install",
            "installs",
            ("gem", "gems"),
            &unpinned,
            "no `:<version>`",
        ));
    }
}
