use bulwark_core::Finding;

use super::pkg_command::{PkgCommand, run_scripts, with_others, word_list};
use crate::context::DockerfileCtx;
use crate::registry::{Check, Rule};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` commands that install a package without a version
    /// (`curl` rather than `curl=7.88.1-10+deb12u5`). A package given as a path or URL
    /// (containing `/`) or a `.deb` file counts as pinned, and so does a target release
    /// (`pkg/bookworm-backports`).
    ///
    /// ## Why is this bad?
    /// Without a version the image gets whatever the mirror serves on the day of the build:
    /// two builds of the same Dockerfile can differ, a rebuild can pull in a breaking or
    /// vulnerable release, and a layer cache hides the change until it is invalidated.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5
    /// ```
    /// `apt-cache policy curl` (or `apt-cache madison curl`) in the base image lists the
    /// versions available.
    ///
    /// ## References
    /// - [Dockerfile best practices: apt-get](https://docs.docker.com/build/building/best-practices/#apt-get)
    /// - [hadolint DL3008](https://github.com/hadolint/hadolint/wiki/DL3008)
    pub(crate) static META = {
        code: "DKF040",
        name: "apt-get-unpinned-package",
        family: Dockerfile,
        severity: Medium,
        summary: "`apt-get install` installs a package without pinning its version",
        help: "pin each package to a version: `apt-get install <package>=<version>`",
        aliases: ["DL3008"],
        compliance: [],
    }
}

pub(crate) static RULE: Rule = Rule {
    meta: &META,
    check: Check::Dockerfile(check),
    default_enabled: true,
};

fn pinned(package: &str) -> bool {
    package.contains('=') || package.contains('/') || package.ends_with(".deb")
}

fn check(ctx: &DockerfileCtx<'_>, out: &mut Vec<Finding>) {
    for run in run_scripts(ctx) {
        let unpinned: Vec<_> = run
            .commands()
            .filter(|c| c.is_with_any("apt-get", &["install"]))
            .flat_map(|c: PkgCommand<'_>| c.operands(&["t", "target-release"]))
            .filter(|w| w.value != "install" && !pinned(&w.value))
            .collect();
        let Some(first) = unpinned.first() else {
            continue;
        };
        let what = if unpinned.len() == 1 {
            format!("package {}", word_list(&unpinned))
        } else {
            format!("packages {}", word_list(&unpinned))
        };
        let f = ctx
            .finding(
                first.span,
                format!("`apt-get install` installs {what} without a pinned version"),
            )
            .with_label("no `=<version>`");
        out.push(with_others(ctx, f, &unpinned[1..], "not pinned either"));
    }
}
