use bulwark_core::Finding;

use super::pkg_command::{run_scripts, unpinned_finding};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apk add` commands that install a package without a version constraint
    /// (`curl` rather than `curl=8.5.0-r0` or `curl~8.5`). A local `.apk` file counts as
    /// pinned; the name after `--virtual`/`-t` and the URL after `--repository`/`-X` are
    /// not packages.
    ///
    /// ## Why is this bad?
    /// Without a version the image gets whatever the repository holds on the day of the
    /// build, so two builds of the same Dockerfile can differ and a rebuild can bring in a
    /// breaking or vulnerable release unnoticed.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN apk add --no-cache curl=8.5.0-r0
    /// ```
    /// `~` pins a version prefix (`curl~8.5`), which keeps patch updates of the branch.
    ///
    /// ## References
    /// - [Alpine apk: world constraints](https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Advanced_APK_Usage)
    /// - [hadolint DL3018](https://github.com/hadolint/hadolint/wiki/DL3018)
    pub(crate) static META = {
        code: "DKF045",
        name: "apk-unpinned-package",
        family: Dockerfile,
        severity: Medium,
        summary: "`apk add` installs a package without pinning its version",
        help: "pin each package to a version: `apk add <package>=<version>`",
        aliases: ["DL3018"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn pinned(package: &str) -> bool {
    package.contains(['=', '~', '>', '<']) || package.ends_with(".apk")
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let unpinned: Vec<_> = run
            .commands()
            .filter(|c| c.is_with_any("apk", &["add"]))
            .flat_map(|c| c.operands(&["t", "virtual", "repository", "X"]))
            .filter(|w| w.value != "add" && !pinned(&w.value))
            .collect();
        out.extend(unpinned_finding(
            ctx,
            "apk add",
            "installs",
            ("package", "packages"),
            &unpinned,
            "no `=<version>`",
        ));
    }
}
